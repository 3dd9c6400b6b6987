"""The API's Idempotency-Key header on POST (iomhub.access.idempotency; draft-ietf-httpapi-idempotency-key-header):
a POST sent again with the same key and body stores nothing more and answers as the first did, marked
Idempotent-Replayed; the key is the credential's own; no response body is kept."""

from __future__ import annotations

import datetime
import json

import pytest

from iomhub import clock
from iomhub.access.models import Role
from iomhub.casework.models import TimelineEntry
from iomhub.cohort.models import Registration
from iomhub.web.models import OnceKey

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 6, 15)
INTEL = {"kind": "home-visit", "occurred_on": "2026-06-10", "summary": "Seen at home"}


@pytest.fixture
def case(partnership):
    with clock.frozen(TODAY):
        Registration.objects.create(person=partnership.ordinary, started_on=datetime.date(2026, 1, 5), rag="amber")
        yield partnership


def post(client, url, body, key=None, **headers):
    if key is not None:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


def test_the_same_key_and_body_twice_stores_one_entry_and_the_second_is_a_replay(client, case, api_auth):
    url = f"/api/v1/people/{case.ordinary.pk}/timeline"
    auth = api_auth(Role.POLICE_IOM_OFFICER)
    first = post(client, url, INTEL, '"retry-1"', **auth)
    second = post(client, url, INTEL, '"retry-1"', **auth)
    assert first.status_code == 201 and "Idempotent-Replayed" not in first
    created = TimelineEntry.objects.get(person=case.ordinary)
    assert first.json()["id"] == created.pk
    assert (second.status_code, second["Idempotent-Replayed"]) == (201, "true")
    assert second.json()["id"] == created.pk
    assert second.json()["location"] is None
    assert TimelineEntry.objects.filter(person=case.ordinary).count() == 1


def test_no_response_body_is_kept_only_status_and_the_resource_id(client, case, api_auth):
    url = f"/api/v1/people/{case.ordinary.pk}/timeline"
    post(client, url, INTEL, "kept-1", **api_auth(Role.POLICE_IOM_OFFICER))
    row = OnceKey.objects.get()
    assert (row.state, row.status, row.resource_id, row.location) == ("done", 201, str(TimelineEntry.objects.get().pk), "")
    stored = " ".join(str(v) for v in OnceKey.objects.values().get().values())
    assert "Seen at home" not in stored and "home-visit" not in stored


def test_the_same_key_with_another_body_is_422_and_stores_nothing_more(client, case, api_auth):
    url = f"/api/v1/people/{case.ordinary.pk}/timeline"
    auth = api_auth(Role.POLICE_IOM_OFFICER)
    assert post(client, url, INTEL, "k-2", **auth).status_code == 201
    other = post(client, url, INTEL | {"summary": "Not at home"}, "k-2", **auth)
    assert other.status_code == 422
    assert other["Content-Type"] == "application/problem+json"
    assert other.json()["type"] == "urn:iomhub:problem:idempotency-key-reused"
    assert TimelineEntry.objects.filter(person=case.ordinary).count() == 1


def test_another_token_with_the_same_key_is_independent(client, case, api_auth):
    url = f"/api/v1/people/{case.ordinary.pk}/timeline"
    assert post(client, url, INTEL, "shared", **api_auth(Role.POLICE_IOM_OFFICER)).status_code == 201
    again = post(client, url, INTEL, "shared", **api_auth(Role.POLICE_IOM_OFFICER))  # a second token of the same officer
    assert again.status_code == 201 and "Idempotent-Replayed" not in again
    assert TimelineEntry.objects.filter(person=case.ordinary).count() == 2


def test_a_session_key_belongs_to_the_account(client, case):
    url = f"/api/v1/people/{case.ordinary.pk}/timeline"
    client.force_login(case.users[Role.POLICE_IOM_OFFICER])
    assert post(client, url, INTEL, "session-1").status_code == 201
    assert post(client, url, INTEL, "session-1")["Idempotent-Replayed"] == "true"
    assert TimelineEntry.objects.filter(person=case.ordinary).count() == 1


def test_a_request_still_running_with_the_key_is_409(client, case, api_auth):
    url = f"/api/v1/people/{case.ordinary.pk}/timeline"
    auth = api_auth(Role.POLICE_IOM_OFFICER)
    assert post(client, url, INTEL, "busy-1", **auth).status_code == 201
    OnceKey.objects.update(state="in-flight", status=None)  # as if the first were still running
    busy = post(client, url, INTEL, "busy-1", **auth)
    assert busy.status_code == 409
    assert busy.json()["type"] == "urn:iomhub:problem:idempotency-key-in-use"
    assert TimelineEntry.objects.filter(person=case.ordinary).count() == 1


def test_a_failed_request_keeps_nothing_so_the_corrected_one_may_use_the_key(client, case, api_auth):
    url = f"/api/v1/people/{case.ordinary.pk}/timeline"
    auth = api_auth(Role.POLICE_IOM_OFFICER)
    refused = post(client, url, INTEL | {"occurred_on": "not a date"}, "fix-1", **auth)
    assert refused.status_code == 400
    assert not OnceKey.objects.exists()
    # A key is for one request: the corrected body under the same key is accepted, since nothing was kept.
    assert post(client, url, INTEL, "fix-1", **auth).status_code == 201
    assert TimelineEntry.objects.filter(person=case.ordinary).count() == 1


@pytest.mark.parametrize(("key", "says"), [("", "is empty"), ('""', "is empty"), ("x" * 256, "is 256 characters long: at most 255")])
def test_an_empty_or_too_long_key_is_400_naming_the_header(client, case, api_auth, key, says):
    url = f"/api/v1/people/{case.ordinary.pk}/timeline"
    refused = post(client, url, INTEL, key, **api_auth(Role.POLICE_IOM_OFFICER))
    assert refused.status_code == 400
    assert refused.json()["errors"] == {"Idempotency-Key": [f"The Idempotency-Key header {says}."]}
    assert not TimelineEntry.objects.exists()


def test_a_key_of_255_characters_is_accepted(client, case, api_auth):
    url = f"/api/v1/people/{case.ordinary.pk}/timeline"
    assert post(client, url, INTEL, "y" * 255, **api_auth(Role.POLICE_IOM_OFFICER)).status_code == 201


def test_the_schema_documents_the_header_on_every_post(client, db):
    schema = json.loads(client.get("/api/v1/schema?format=json").content)
    assert schema["info"]["version"] == "1.10.0"
    posts = [op for item in schema["paths"].values() for method, op in item.items() if method == "post"]
    assert posts
    for op in posts:
        header = [p for p in op["parameters"] if p["name"] == "Idempotency-Key"]
        assert header and header[0]["in"] == "header" and "no response body is kept" in header[0]["description"]
        assert {"409", "422"} <= set(op["responses"])
