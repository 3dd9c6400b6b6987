"""A warning or marker of type "Other" says nothing by itself: whoever writes one (the page, the API,
the service) must say what it is, and is refused by field, with nothing stored, if they do not.
Markers stored before the rule, without details, still show, saying that none were recorded."""

from __future__ import annotations

import datetime
import json
import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from iomhub import clock
from iomhub.access.models import AuditEvent
from iomhub.access.services import api_token_issue
from iomhub.people import services
from iomhub.people.models import Marker, Person

pytestmark = pytest.mark.django_db

MESSAGE = 'Enter details of what the "Other" warning or marker is'
NEW = {"first_name": "Quinn", "last_name": "Markertest", "date_of_birth": "1988-03-27", "sex": "not-known"}


def _stored(person=None):
    markers = Marker.objects.all() if person is None else person.markers.all()
    return (
        sorted(markers.values_list("kind", "note")),
        AuditEvent.objects.filter(action="create", object_type="marker").count(),
        Person.objects.count(),
    )


def _error_summary(page: str) -> str:
    match = re.search(r'<div class="govuk-error-summary".*?</ul>', page, re.S)
    assert match, "no GOV.UK error summary on the page"
    return match.group(0)


# -- The page -------------------------------------------------------------------------------------


@pytest.mark.parametrize("note", ["", "   \n  "], ids=["no note", "only spaces"])
def test_the_page_refuses_other_without_details_naming_the_field(client, partnership, note):
    person = partnership.ordinary
    client.force_login(partnership.users["police-iom-officer"])
    before = _stored(person)
    response = client.post(f"/people/{person.pk}/markers/new/", {"kind": "other", "note": note})
    assert response.status_code == 200
    page = response.content.decode()
    summary = _error_summary(page)
    # The summary names the problem and links to the Details box; the box carries the same message.
    assert 'href="#id_note"' in summary and "&quot;Other&quot; warning or marker is" in summary
    assert re.search(r'<p id="id_note-error" class="govuk-error-message">.*?&quot;Other&quot; warning or marker is', page, re.S)
    assert re.search(
        r'<div class="govuk-form-group govuk-form-group--error">\s*<label class="govuk-label govuk-label--s" for="id_note">Details</label>',
        page,
    )
    assert page.count("Enter details of what the") == 2  # once in the summary, once by the field
    assert _stored(person) == before


def test_the_page_keeps_other_with_details_and_shows_them(client, partnership):
    person = partnership.ordinary
    client.force_login(partnership.users["police-iom-officer"])
    response = client.post(f"/people/{person.pk}/markers/new/", {"kind": "other", "note": "Known to carry a dog lead as a weapon"})
    assert response.status_code == 302
    assert list(person.markers.values_list("kind", "note")) == [("other", "Known to carry a dog lead as a weapon")]
    page = client.get(f"/people/{person.pk}/").content.decode()
    assert "Markers: Other (Known to carry a dog lead as a weapon)" in page


def test_the_other_kinds_still_need_no_details(client, partnership):
    person = partnership.ordinary
    client.force_login(partnership.users["police-iom-officer"])
    assert client.post(f"/people/{person.pk}/markers/new/", {"kind": "violence", "note": ""}).status_code == 302
    assert list(person.markers.values_list("kind", "note")) == [("violence", "")]


def test_the_form_alone_refuses_other_without_details_with_the_others_errors():
    from iomhub.people.forms import MarkerForm

    form = MarkerForm({"kind": "other", "note": " "})
    assert not form.is_valid()
    assert form.errors == {"note": [MESSAGE]}
    assert MarkerForm({"kind": "other", "note": "Has spat at officers"}).is_valid()
    assert MarkerForm({"kind": "firearms", "note": ""}).is_valid()


def test_the_form_says_details_are_needed_for_other(client, partnership):
    client.force_login(partnership.users["police-iom-officer"])
    page = client.get(f"/people/{partnership.ordinary.pk}/markers/new/").content.decode()
    assert "Details (optional)" not in page
    assert "Needed if you choose Other" in page


# -- The service ----------------------------------------------------------------------------------


def test_the_service_refuses_other_without_details_whoever_calls(partnership):
    person, police = partnership.ordinary, partnership.users["police-iom-officer"]
    before = _stored(person)
    with pytest.raises(ValidationError) as refused:
        services.marker_add(acting_user=police, person=person, kind="other", note=" ")
    assert refused.value.message_dict == {"note": [MESSAGE]}
    assert _stored(person) == before
    services.marker_add(acting_user=police, person=person, kind="other", note="Has spat at officers")
    assert list(person.markers.values_list("kind", "note")) == [("other", "Has spat at officers")]


def test_adding_a_person_refuses_an_other_marker_without_details_by_its_place(partnership):
    police = partnership.users["police-iom-officer"]
    new = services.NewPerson(
        fields={"first_name": "Quinn", "last_name": "Markertest", "date_of_birth": datetime.date(1988, 3, 27), "sex": "not-known"},
        markers=[{"kind": "dog", "note": ""}, {"kind": "other", "note": ""}],
    )
    before = _stored()
    with pytest.raises(ValidationError) as refused:
        services.person_create(acting_user=police, new=new, confirmed_new=True)
    assert refused.value.message_dict == {"markers[1].note": [MESSAGE]}
    assert _stored() == before


# -- The API --------------------------------------------------------------------------------------


def _api_post(client, partnership, body):
    _, secret = api_token_issue(
        acting_user=partnership.users["police-iom-officer"], name="tests", scope="read-write", second_factor_at=timezone.now()
    )
    return client.post("/api/v1/people", json.dumps(body), content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {secret}")


@pytest.mark.parametrize("marker", [{"kind": "other"}, {"kind": "other", "note": ""}, {"kind": "other", "note": "  "}])
def test_the_api_refuses_other_without_details_as_a_problem_naming_the_field(client, partnership, marker):
    before = _stored()
    response = _api_post(client, partnership, {**NEW, "markers": [{"kind": "weapons"}, marker]})
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["type"] == "urn:iomhub:problem:validation" and body["status"] == 400
    assert body["errors"] == {"markers[1].note": [MESSAGE]}
    assert _stored() == before


def test_the_api_keeps_other_with_details(client, partnership):
    response = _api_post(client, partnership, {**NEW, "markers": [{"kind": "other", "note": "Keeps the front door barricaded"}]})
    assert response.status_code == 201, response.content
    assert response.json()["markers"][0]["kind"] == "other"
    assert response.json()["markers"][0]["note"] == "Keeps the front door barricaded"


# -- Markers stored before the rule -------------------------------------------------------------


def test_an_other_marker_stored_without_details_still_shows(client, partnership):
    person = partnership.ordinary
    Marker.objects.create(person=person, kind=Marker.Kind.OTHER, note="")  # as stored before the rule
    Marker.objects.create(person=person, kind=Marker.Kind.DRUGS, note="")
    client.force_login(partnership.users["police-iom-officer"])
    page = client.get(f"/people/{person.pk}/").content.decode()
    warning = re.search(r"Markers: (.*?)</strong>", page, re.S)
    assert warning and " ".join(warning.group(1).split()) in (
        "Other (no details recorded), Drugs",
        "Drugs, Other (no details recorded)",
    )
    glance = page[page.index('id="at-a-glance"') :]
    glance = glance[: glance.index("</dl>")]
    assert re.search(r'<strong class="govuk-tag govuk-tag--red">Other</strong> No details recorded', glance)
    assert re.search(r'<strong class="govuk-tag govuk-tag--red">Drugs</strong>(<br>|</dd>)', glance)
    assert person.markers.count() == 2


# -- The demo -------------------------------------------------------------------------------------


def test_the_demos_other_markers_each_say_what_they_are():
    from iomhub.demo import load_demo

    with clock.frozen(datetime.date(2026, 11, 20)):
        load_demo(people=300)
    others = list(Marker.objects.filter(kind=Marker.Kind.OTHER).values_list("note", flat=True))
    assert others, "the demo has no Other markers to check"
    assert all(note.strip() for note in others), others
    for marker in Marker.objects.all():
        assert services.marker_errors(marker.kind, marker.note) == {}
