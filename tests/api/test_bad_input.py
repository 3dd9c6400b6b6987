"""Bad input to the API gets a 400 naming the field and stores nothing (issue 2, "Done when")."""

from __future__ import annotations

import json

import pytest
from django.utils import timezone

from iomhub.access.models import AuditEvent
from iomhub.access.services import api_token_issue
from iomhub.people.models import Address, Alias, Person

GOOD = {"first_name": "Riley", "last_name": "Synthetic", "date_of_birth": "1991-04-12", "sex": "female"}


@pytest.fixture
def api(client, partnership):
    _, secret = api_token_issue(
        acting_user=partnership.users["police-iom-officer"], name="tests", scope="read-write", second_factor_at=timezone.now()
    )

    def post(body, raw=None):
        data = raw if raw is not None else json.dumps(body)
        return client.post("/api/v1/people", data=data, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {secret}")

    post.patch = lambda pk, body: client.patch(  # type: ignore[attr-defined]
        f"/api/v1/people/{pk}", data=json.dumps(body), content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {secret}"
    )
    return post


def _stored():
    return (Person.objects.count(), Alias.objects.count(), Address.objects.count(), AuditEvent.objects.filter(action="create").count())


BAD_BODIES = {
    "impossible date": ({**GOOD, "date_of_birth": "1990-02-31"}, "date_of_birth"),
    "date in the future": ({**GOOD, "date_of_birth": "2099-01-01"}, "date_of_birth"),
    "date before 1900": ({**GOOD, "date_of_birth": "1850-01-01"}, "date_of_birth"),
    "PNC check character wrong": ({**GOOD, "pnc_id": "2012/0052494A"}, "pnc_id"),
    "PNC malformed": ({**GOOD, "pnc_id": "12/34"}, "pnc_id"),
    "NI prefix not issued": ({**GOOD, "ni_number": "GB123456A"}, "ni_number"),
    "NHS check digit wrong": ({**GOOD, "nhs_number": "9434765918"}, "nhs_number"),
    "name too long": ({**GOOD, "last_name": "x" * 101}, "last_name"),
    "name is a number": ({**GOOD, "first_name": 7}, "first_name"),
    "unknown field": ({**GOOD, "favourite_colour": "blue"}, "favourite_colour"),
    "missing last name": ({k: v for k, v in GOOD.items() if k != "last_name"}, "last_name"),
    "sex not a choice": ({**GOOD, "sex": "unknown"}, "sex"),
    "null character": ({**GOOD, "first_name": "Ri\x00ley"}, "first_name"),
    "bad postcode in an address": ({**GOOD, "addresses": [{"line_1": "1 Road", "postcode": "NOT REAL"}]}, "addresses"),
    "address ends before it starts": (
        {**GOOD, "addresses": [{"line_1": "1 Road", "from_date": "2020-01-02", "to_date": "2020-01-01"}]},
        "addresses",
    ),
}


@pytest.mark.parametrize("body, field", BAD_BODIES.values(), ids=BAD_BODIES.keys())
def test_a_bad_person_is_refused_naming_the_field_and_nothing_is_stored(api, body, field):
    before = _stored()
    response = api(body)
    assert response.status_code == 400, response.content
    assert any(key == field or key.startswith(f"{field}[") for key in response.json()["errors"]), response.json()
    assert _stored() == before


@pytest.mark.parametrize(
    "raw",
    ["{not json", "[1, 2, 3]", '"a string"', "", "{" * 5000],
    ids=["malformed", "a list", "a string", "empty", "deeply nested"],
)
def test_a_body_that_is_not_a_json_object_gets_a_400_not_a_crash(api, raw):
    before = _stored()
    response = api(None, raw=raw)
    assert response.status_code == 400
    assert _stored() == before


def test_hostile_but_valid_text_is_stored_as_text_and_returned_escaped_in_json(api):
    hostile = "<script>alert(1)</script>'; DROP TABLE people_person; --"
    response = api({**GOOD, "middle_names": hostile})
    assert response.status_code == 201
    assert Person.objects.get(pk=response.json()["id"]).middle_names == hostile
    assert Person.objects.count() >= 4  # the table is still there


def test_a_good_person_is_created_once_with_normalised_identifiers(api):
    response = api(
        {**GOOD, "pnc_id": " 2012/52494q ", "ni_number": "ab 12 34 56 c", "addresses": [{"line_1": "1 Road", "postcode": "po12ab"}]}
    )
    assert response.status_code == 201, response.content
    person = Person.objects.get(pk=response.json()["id"])
    assert (person.pnc_id, person.ni_number, person.addresses.get().postcode) == ("2012/0052494Q", "AB123456C", "PO1 2AB")


def test_a_stale_version_is_refused_with_409_and_the_first_change_survives(api, partnership):
    person = partnership.ordinary
    first = api.patch(person.pk, {"middle_names": "First", "version": 1})
    second = api.patch(person.pk, {"middle_names": "Second", "version": 1})
    assert first.status_code == 200
    assert second.status_code == 409
    person.refresh_from_db()
    assert person.middle_names == "First"
