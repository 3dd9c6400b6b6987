"""What `make run` promises (issue 2, "Done when"): every demo sign-in it prints works with the demo
password, lands on a page for that role, and those who may search find a person and open their
record; the roles without sight of identities are refused both."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils.html import escape

from iomhub.access.policy import Action, can
from iomhub.demo import DEMO_PASSWORD, DEMO_USERS, load_demo
from iomhub.people.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    load_demo(people=40)


@pytest.mark.parametrize("username", [u.username for u in DEMO_USERS])
def test_each_demo_sign_in_searches_and_opens_a_person_as_its_role_allows(demo, username):
    client = Client()
    response = client.post("/sign-in/", {"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302, f"{username} could not sign in with the demo password"
    assert client.get(response["Location"]).status_code == 200
    user = response.wsgi_request.user
    person = Person.objects.filter(restriction="", involvements__organisation=user.organisation_id).first() or Person.objects.first()
    assert person is not None
    search = client.get("/people/", {"q": person.last_name})
    record = client.get(f"/people/{person.pk}/")
    if can(user, Action.PERSON_SEARCH) and can(user, Action.PERSON_VIEW, person):
        assert search.status_code == 200 and f"/people/{person.pk}/" in search.content.decode()
        assert record.status_code == 200 and escape(person.last_name.upper()) in record.content.decode()  # O'CONNOR as HTML writes it
    else:
        assert search.status_code in (403, 404) and record.status_code in (403, 404)
        assert escape(person.last_name.upper()) not in record.content.decode()
