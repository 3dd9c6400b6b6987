"""A page's form is saved once however often it is posted (iomhub.web.once): the timeline's add form,
posted twice with its token, stores one entry and the second post is sent where the first went with
"That was already saved"; a form with errors frees its token for the corrected form."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from iomhub.access.models import Role
from iomhub.casework.models import TimelineEntry
from iomhub.cohort.models import Registration
from iomhub.web.models import OnceKey
from iomhub.web.once_store import forget_expired

pytestmark = pytest.mark.django_db
TOKEN = re.compile(r'<input type="hidden" name="once_token" value="([A-Za-z0-9_-]{32})">')


@pytest.fixture
def case(partnership):
    Registration.objects.create(person=partnership.ordinary, started_on=datetime.date(2026, 1, 5), rag="amber")
    return partnership


def entry(token: str | None, **changes: str) -> dict[str, str]:
    data = {"kind": "home-visit", "summary": "Seen at home", "occurred_on_day": "1", "occurred_on_month": "6", "occurred_on_year": "2026"}
    if token is not None:
        data["once_token"] = token
    return data | changes


def token_on(page: str) -> str:
    found = TOKEN.findall(page)
    assert len(found) == 1, found
    return found[0]


def test_the_add_form_carries_a_token_and_its_save_button_prevents_a_double_click(client, case):
    client.force_login(case.users[Role.POLICE_IOM_OFFICER])
    url = f"/people/{case.ordinary.pk}/timeline/new/"
    first, second = (client.get(url).content.decode() for _ in range(2))
    assert token_on(first) != token_on(second)  # each page a new submission
    assert 'data-module="govuk-button" data-prevent-double-click="true">Save</button>' in first


def test_the_same_form_posted_twice_stores_one_entry_and_the_second_says_already_saved(client, case):
    client.force_login(case.users[Role.POLICE_IOM_OFFICER])
    url = f"/people/{case.ordinary.pk}/timeline/new/"
    token = token_on(client.get(url).content.decode())
    first = client.post(url, entry(token))
    second = client.post(url, entry(token))
    timeline = f"/people/{case.ordinary.pk}/timeline/"
    assert (first.status_code, first["Location"]) == (302, timeline)
    assert (second.status_code, second["Location"]) == (302, timeline)
    assert TimelineEntry.objects.filter(person=case.ordinary).count() == 1
    page = client.get(timeline).content.decode()
    assert "That was already saved" in page
    assert "Added to the timeline" in page  # the first post's own message, not yet shown, is kept too


def test_a_form_with_errors_frees_its_token_so_the_corrected_form_is_saved_once(client, case):
    client.force_login(case.users[Role.POLICE_IOM_OFFICER])
    url = f"/people/{case.ordinary.pk}/timeline/new/"
    token = token_on(client.get(url).content.decode())
    refused = client.post(url, entry(token, kind=""))
    assert refused.status_code == 200 and "govuk-error-summary" in refused.content.decode()
    assert token_on(refused.content.decode()) == token  # the page with errors carries the same token
    assert not OnceKey.objects.exists()
    corrected = client.post(url, entry(token))
    again = client.post(url, entry(token))
    assert (corrected.status_code, again.status_code) == (302, 302)
    assert TimelineEntry.objects.filter(person=case.ordinary).count() == 1


def test_another_account_with_the_same_token_is_a_separate_submission(client, case):
    url = f"/people/{case.ordinary.pk}/timeline/new/"
    token = "A" * 32
    client.force_login(case.users[Role.POLICE_IOM_OFFICER])
    assert client.post(url, entry(token)).status_code == 302
    client.force_login(case.users[Role.COORDINATOR])
    assert client.post(url, entry(token)).status_code == 302
    assert TimelineEntry.objects.filter(person=case.ordinary).count() == 2


def test_a_post_without_a_token_behaves_as_before(client, case):
    client.force_login(case.users[Role.POLICE_IOM_OFFICER])
    url = f"/people/{case.ordinary.pk}/timeline/new/"
    assert [client.post(url, entry(None)).status_code for _ in range(2)] == [302, 302]
    assert TimelineEntry.objects.filter(person=case.ordinary).count() == 2


def test_a_post_still_being_saved_is_not_saved_again_and_the_page_says_so(client, case, settings):
    settings.ONCE_WAIT_SECONDS = 0.2
    officer = case.users[Role.POLICE_IOM_OFFICER]
    client.force_login(officer)
    url = f"/people/{case.ordinary.pk}/timeline/new/"
    token = "B" * 32
    OnceKey.objects.create(scope=f"form:account:{officer.pk}", key=token, started_at=timezone.now() - datetime.timedelta(seconds=30))
    busy = client.post(url, entry(token))
    assert busy.status_code == 409
    assert "This is already being saved" in busy.content.decode()
    assert not TimelineEntry.objects.exists()


def test_a_post_left_in_flight_by_a_request_that_died_is_taken_over(client, case):
    officer = case.users[Role.POLICE_IOM_OFFICER]
    client.force_login(officer)
    url = f"/people/{case.ordinary.pk}/timeline/new/"
    token = "C" * 32
    OnceKey.objects.create(scope=f"form:account:{officer.pk}", key=token, started_at=timezone.now() - datetime.timedelta(seconds=61))
    assert client.post(url, entry(token)).status_code == 302
    assert TimelineEntry.objects.filter(person=case.ordinary).count() == 1
    assert OnceKey.objects.get().state == "done"


def test_a_token_older_than_a_day_is_forgotten(client, case):
    officer = case.users[Role.POLICE_IOM_OFFICER]
    client.force_login(officer)
    url = f"/people/{case.ordinary.pk}/timeline/new/"
    token = "D" * 32
    assert client.post(url, entry(token)).status_code == 302
    OnceKey.objects.update(started_at=timezone.now() - datetime.timedelta(hours=24, minutes=1))
    assert client.post(url, entry(token)).status_code == 302
    assert TimelineEntry.objects.filter(person=case.ordinary).count() == 2  # expired: a new submission
    kept = OnceKey.objects.create(scope="form:account:0", key="E" * 32, started_at=timezone.now() - datetime.timedelta(hours=23))
    OnceKey.objects.create(scope="form:account:0", key="F" * 32, started_at=timezone.now() - datetime.timedelta(hours=25))
    assert forget_expired() == 1
    assert set(OnceKey.objects.values_list("key", flat=True)) == {token, kept.key}


def test_sign_in_carries_no_token(client, case):
    page = client.get(reverse("access:sign-in"))
    assert page.status_code == 200 and 'name="csrfmiddlewaretoken"' in page.content.decode()
    assert "once_token" not in page.content.decode()
