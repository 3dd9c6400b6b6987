"""Every endpoint of /api/v1 answers as its documentation says: shapes, status codes, trimming to
the reader's sections, audit, and bearer-token authentication."""

from __future__ import annotations

import collections
import json

import pytest
from django.utils import timezone

from iomhub.access.models import ApiToken, AuditEvent, Organisation
from iomhub.access.services import api_token_issue
from iomhub.people.models import Address, ContactNumber, Marker, Person

NEW = {"first_name": "Quinn", "last_name": "Apitest", "date_of_birth": "1988-03-27", "sex": "not-known"}
IDENTITY_KEYS = {"first_name", "last_name", "date_of_birth", "pnc_id", "nhs_number", "aliases"}
EQUALITY_KEYS = {"ethnicity", "disability", "religion", "sexual_orientation"}
CONTACT_KEYS = {"email", "addresses", "contact_numbers"}


class Api:
    """A test client speaking JSON with one user's bearer token."""

    def __init__(self, client, secret: str):
        self.client, self.auth = client, {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    def get(self, path, params=None):
        return self.client.get(path, params or {}, **self.auth)

    def post(self, path, body):
        return self.client.post(path, json.dumps(body), content_type="application/json", **self.auth)

    def patch(self, path, body):
        return self.client.patch(path, json.dumps(body), content_type="application/json", **self.auth)


@pytest.fixture
def api_as(client, partnership):
    def _as(username: str) -> Api:
        _, secret = api_token_issue(
            acting_user=partnership.users[username], name="tests", scope="read-write", second_factor_at=timezone.now()
        )
        return Api(client, secret)

    return _as


@pytest.fixture
def officer(api_as):
    return api_as("police-iom-officer")


# -- People: search -----------------------------------------------------------------------------


def test_search_needs_q(officer):
    for params in ({}, {"q": ""}, {"q": "   "}):
        response = officer.get("/api/v1/people", params)
        assert response.status_code == 400
        assert list(response.json()["errors"]) == ["q"]


@pytest.mark.parametrize("q", ["x" * 201, "Jor\x00dan"])
def test_search_refuses_an_over_long_or_null_query_by_name(officer, q):
    response = officer.get("/api/v1/people", {"q": q})
    assert response.status_code == 400
    assert "q" in response.json()["errors"]


def test_search_returns_a_count_and_summaries(officer, partnership):
    response = officer.get("/api/v1/people", {"q": " jordan EXAMPLE "})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    (found,) = body["results"]
    assert set(found) == {"id", "first_name", "last_name", "date_of_birth", "pnc_id", "crn"}
    assert (found["id"], found["date_of_birth"], found["pnc_id"]) == (partnership.ordinary.pk, "1990-05-17", partnership.ordinary.pnc_id)
    assert AuditEvent.objects.filter(action="search", actor=partnership.users["police-iom-officer"]).count() == 1


def test_search_by_identifier_in_odd_case_and_spacing(officer, partnership):
    pnc = partnership.housing_case.pnc_id
    response = officer.get("/api/v1/people", {"q": f"  {pnc[:4]} / {pnc[5:]}".lower()})
    assert [r["id"] for r in response.json()["results"]] == [partnership.housing_case.pk]


def test_search_shows_a_partner_only_their_involved_people(api_as, partnership):
    housing = api_as("housing-worker")
    assert housing.get("/api/v1/people", {"q": "Sample"}).json()["count"] == 1
    assert housing.get("/api/v1/people", {"q": "Example"}).json() == {"count": 0, "results": []}
    assert housing.get("/api/v1/people", {"q": "Hidden"}).json()["count"] == 0


# -- People: create -----------------------------------------------------------------------------


def test_create_answers_201_with_the_stored_record_and_audits(officer, partnership):
    response = officer.post(
        "/api/v1/people",
        {**NEW, "nhs_number": "943 476 5919", "contact_numbers": [{"kind": "M", "number": "07700 900123"}], "markers": [{"kind": "dog"}]},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    person = Person.objects.get(pk=body["id"])
    assert body["version"] == 1 and body["nhs_number"] == person.nhs_number == "9434765919"
    assert body["contact_numbers"] == [{"kind": "M", "number": "07700 900123"}]
    assert body["markers"][0]["kind"] == "dog"
    assert AuditEvent.objects.filter(action="create", object_type="person", person_id=person.pk).count() == 1


def test_create_offers_possible_duplicates_with_409_until_confirmed(officer, partnership):
    ordinary = partnership.ordinary
    twin = {"first_name": "Jordan", "last_name": "Example", "date_of_birth": "1990-05-17", "sex": "male"}
    before = Person.objects.count()
    response = officer.post("/api/v1/people", twin)
    assert response.status_code == 409
    assert ordinary.pk in [m["id"] for m in response.json()["matches"]]
    assert Person.objects.count() == before
    assert officer.post("/api/v1/people", {**twin, "confirm_new": True}).status_code == 201


def stored():
    return (
        Person.objects.count(),
        Address.objects.count(),
        ContactNumber.objects.count(),
        Marker.objects.count(),
        AuditEvent.objects.filter(action="create").count(),
    )


BAD = {
    "impossible date": ({**NEW, "date_of_birth": "1990-02-31"}, "date_of_birth"),
    "date written the British way": ({**NEW, "date_of_birth": "27/03/1988"}, "date_of_birth"),
    "date as a number": ({**NEW, "date_of_birth": 19880327}, "date_of_birth"),
    "invalid PNC": ({**NEW, "pnc_id": "2012/0052494B"}, "pnc_id"),
    "invalid NI": ({**NEW, "ni_number": "NK123456A"}, "ni_number"),
    "invalid NHS": ({**NEW, "nhs_number": "0000000060"}, "nhs_number"),
    "10,000-character PNC": ({**NEW, "pnc_id": "2" * 10_000}, "pnc_id"),
    "10,000-character name": ({**NEW, "first_name": "q" * 10_000}, "first_name"),
    "name as a list": ({**NEW, "last_name": ["Api", "test"]}, "last_name"),
    "name as null": ({**NEW, "last_name": None}, "last_name"),
    "name as an object": ({**NEW, "first_name": {"$ne": ""}}, "first_name"),
    "version as a string": ({**NEW, "version": "1"}, "version"),
    "confirm_new as a string": ({**NEW, "confirm_new": "yes"}, "confirm_new"),
    "aliases not a list": ({**NEW, "aliases": {"last_name": "X"}}, "aliases"),
    "alias with an unknown field": ({**NEW, "aliases": [{"last_name": "X", "colour": "red"}]}, "aliases"),
    "phone type not M/H/W/O": ({**NEW, "contact_numbers": [{"kind": "Z", "number": "0123456789"}]}, "contact_numbers"),
    "unknown field": ({**NEW, "is_superuser": True}, "is_superuser"),
    "read-only restriction": ({**NEW, "restriction": ""}, "restriction"),
    "NUL in a name": ({**NEW, "middle_names": "a\x00b"}, "middle_names"),
    "email not an email": ({**NEW, "email": "<script>"}, "email"),
}


@pytest.mark.parametrize("body, field", BAD.values(), ids=BAD.keys())
def test_create_refuses_bad_bodies_with_400_naming_the_field_and_stores_nothing(officer, body, field):
    before = stored()
    response = officer.post("/api/v1/people", body)
    assert response.status_code == 400, response.content
    errors = response.json()["errors"]
    assert any(key == field or key.startswith(f"{field}[") for key in errors), errors
    assert stored() == before


@pytest.mark.parametrize(
    "raw, content_type, status",
    [
        ('{"first_name": "Quinn",', "application/json", 400),
        ("{'first_name': 'Quinn'}", "application/json", 400),
        ("null", "application/json", 400),
        ("\xff\xfe", "application/json", 400),
        ('{"a": 1e999999}', "application/json", 400),
        ("first_name=Quinn", "application/x-www-form-urlencoded", 415),
        ("<person/>", "application/xml", 415),
    ],
    ids=["truncated", "single quotes", "null", "not UTF-8", "huge number", "form-encoded", "XML"],
)
def test_a_body_that_is_not_json_is_refused_not_a_crash(officer, raw, content_type, status):
    before = stored()
    response = officer.client.post("/api/v1/people", raw, content_type=content_type, **officer.auth)
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    assert stored() == before


# -- People: read -------------------------------------------------------------------------------


def test_read_gives_the_whole_record_to_the_core_team_and_audits_the_view(officer, partnership):
    person = partnership.ordinary
    body = officer.get(f"/api/v1/people/{person.pk}").json()
    assert IDENTITY_KEYS | EQUALITY_KEYS | CONTACT_KEYS | {"markers", "version", "sections", "restriction"} <= set(body)
    assert body["aliases"] == [{"first_name": "Jay", "last_name": "Exemplar", "date_of_birth": None}]
    assert AuditEvent.objects.filter(action="view", person_id=person.pk, actor=partnership.users["police-iom-officer"]).exists()


def test_read_trims_the_record_to_a_partners_sections(api_as, partnership):
    body = api_as("housing-worker").get(f"/api/v1/people/{partnership.housing_case.pk}").json()
    assert set(body) >= IDENTITY_KEYS | CONTACT_KEYS
    assert not (EQUALITY_KEYS | {"markers"}) & set(body)
    assert set(body["sections"]) == {"identity", "contact", "plan"}


def test_read_gives_information_governance_identity_only(api_as, partnership):
    body = api_as("ig-lead").get(f"/api/v1/people/{partnership.ordinary.pk}").json()
    assert set(body) >= IDENTITY_KEYS
    assert not (EQUALITY_KEYS | CONTACT_KEYS | {"markers"}) & set(body)


def test_read_answers_the_same_404_for_missing_and_not_visible(api_as, partnership):
    officer = api_as("police-iom-officer")
    housing = api_as("housing-worker")
    missing = officer.get("/api/v1/people/987654321")
    restricted = officer.get(f"/api/v1/people/{partnership.restricted.pk}")
    not_involved = housing.get(f"/api/v1/people/{partnership.ordinary.pk}")
    assert missing.status_code == restricted.status_code == not_involved.status_code == 404
    assert missing.json() == restricted.json() == not_involved.json()
    assert AuditEvent.objects.filter(action="denied", person_id=partnership.restricted.pk).exists()


# -- People: change -----------------------------------------------------------------------------


def test_patch_changes_returns_the_new_version_and_audits_before_and_after(officer, partnership):
    person = partnership.ordinary
    response = officer.patch(f"/api/v1/people/{person.pk}", {"middle_names": "Lee", "ni_number": "ab123456c", "version": 1})
    assert response.status_code == 200, response.content
    assert (response.json()["version"], response.json()["ni_number"]) == (2, "AB123456C")
    event = AuditEvent.objects.get(action="change", person_id=person.pk)
    assert event.changes == {"middle_names": {"before": "", "after": "Lee"}, "ni_number": {"before": "", "after": "AB123456C"}}


def test_patch_with_a_stale_version_gets_409_and_the_first_change_is_kept(officer, partnership):
    person = partnership.ordinary
    assert officer.patch(f"/api/v1/people/{person.pk}", {"last_name": "First", "version": 1}).status_code == 200
    stale = officer.patch(f"/api/v1/people/{person.pk}", {"last_name": "Second", "version": 1})
    assert stale.status_code == 409
    assert "version" in stale.json()["errors"]
    assert Person.objects.get(pk=person.pk).last_name == "First"


def test_patch_of_a_section_the_user_may_not_change_is_403_and_audited(api_as, partnership):
    housing = api_as("housing-worker")
    person = partnership.housing_case
    response = housing.patch(f"/api/v1/people/{person.pk}", {"last_name": "Hacked"})
    assert response.status_code == 403
    assert Person.objects.get(pk=person.pk).last_name == "Sample"
    assert AuditEvent.objects.filter(action="denied", person_id=person.pk, actor=partnership.users["housing-worker"]).exists()
    # ...while the contact section the agreement shares may be changed.
    assert housing.patch(f"/api/v1/people/{person.pk}", {"email": "c@example.org"}).status_code == 200


@pytest.mark.parametrize(
    "body, field",
    [
        ({"date_of_birth": "2999-01-01"}, "date_of_birth"),
        ({"date_of_birth": "1899-12-31"}, "date_of_birth"),
        ({"pnc_id": "nonsense"}, "pnc_id"),
        ({"aliases": []}, "aliases"),
        ({"confirm_new": True}, "confirm_new"),
        ({"version": 1.5}, "version"),
        ({"id": 1}, "id"),
    ],
)
def test_patch_refuses_bad_changes_by_field(officer, partnership, body, field):
    person = partnership.ordinary
    response = officer.patch(f"/api/v1/people/{person.pk}", body)
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not AuditEvent.objects.filter(action="change", person_id=person.pk).exists()


def test_patch_of_someone_not_visible_is_404(officer, partnership):
    response = officer.patch(f"/api/v1/people/{partnership.restricted.pk}", {"middle_names": "X"})
    assert response.status_code == 404
    assert Person.objects.get(pk=partnership.restricted.pk).middle_names == ""


# -- People: export -----------------------------------------------------------------------------


def test_export_returns_the_record_and_is_audited_as_an_export(officer, partnership):
    person = partnership.ordinary
    response = officer.get(f"/api/v1/people/{person.pk}/export")
    assert response.status_code == 200
    assert response.json()["id"] == person.pk
    assert AuditEvent.objects.filter(action="export", person_id=person.pk).count() == 1


def test_export_is_refused_to_roles_that_may_not_export(api_as, partnership):
    response = api_as("substance-misuse-practitioner").get(f"/api/v1/people/{partnership.ordinary.pk}/export")
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action="export").exists()


# -- Organisations and users --------------------------------------------------------------------


def test_organisations_list_is_paginated_and_complete(officer, partnership):
    body = officer.get("/api/v1/organisations").json()
    assert body["count"] == Organisation.objects.count() >= 4
    assert {"Test Police", "Test Housing"} <= {o["name"] for o in body["results"]}
    assert set(body["results"][0]) == {"id", "name", "kind", "active"}
    page = officer.get("/api/v1/organisations", {"limit": 2, "offset": 1}).json()
    assert len(page["results"]) == 2 and page["previous"] is not None


@pytest.mark.parametrize("params", [{"limit": "0"}, {"limit": "abc"}, {"limit": "501"}, {"offset": "-1"}])
def test_malformed_pagination_is_a_400_naming_the_parameter(officer, params):
    response = officer.get("/api/v1/organisations", params)
    assert response.status_code == 400
    assert set(response.json()["errors"]) == set(params)


def test_organisation_read(officer, partnership):
    body = officer.get(f"/api/v1/organisations/{partnership.housing.pk}").json()
    assert body == {"id": partnership.housing.pk, "name": "Test Housing", "kind": partnership.housing.kind, "active": True}
    assert officer.get("/api/v1/organisations/987654").status_code == 404


@pytest.mark.parametrize("username", ["ig-lead", "system-admin", "iom-coordinator"])
def test_users_list_and_read_for_roles_with_user_view(api_as, partnership, username):
    api = api_as(username)
    body = api.get("/api/v1/users").json()
    assert body["count"] >= len({u.pk for u in partnership.users.values()})
    housing_worker = partnership.users["housing-worker"]
    one = api.get(f"/api/v1/users/{housing_worker.pk}").json()
    assert one["username"] == "housing-worker"
    assert one["organisation"] == partnership.housing.pk
    assert one["roles"] == ["partner-worker"]
    assert "password" not in one
    assert api.get("/api/v1/users/987654").status_code == 404


@pytest.mark.parametrize("username", ["police-iom-officer", "housing-worker", "chair", "performance-lead"])
def test_users_list_and_read_are_403_without_user_view(api_as, partnership, username):
    api = api_as(username)
    assert api.get("/api/v1/users").status_code == 403
    assert api.get(f"/api/v1/users/{partnership.users['ig-lead'].pk}").status_code == 403
    assert AuditEvent.objects.filter(action="denied", actor=partnership.users[username]).count() == 2


def test_me_answers_for_anyone_with_a_role(api_as, partnership):
    body = api_as("housing-worker").get("/api/v1/users/me").json()
    assert (body["username"], body["roles"], body["organisation"]) == ("housing-worker", ["partner-worker"], partnership.housing.pk)
    assert api_as("no-role").get("/api/v1/users/me").status_code == 403


# -- Token authentication -----------------------------------------------------------------------


def test_a_valid_token_authenticates_and_records_its_use(client, partnership):
    token, secret = api_token_issue(
        acting_user=partnership.users["police-iom-officer"], name="cli", scope="read-write", second_factor_at=timezone.now()
    )
    assert token.last_used_at is None
    response = client.get("/api/v1/users/me", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.json()["username"] == "police-iom-officer"
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert not ApiToken.objects.filter(digest=secret).exists()  # only a digest is kept


def test_a_revoked_token_is_refused(client, partnership):
    token, secret = api_token_issue(
        acting_user=partnership.users["police-iom-officer"], name="cli", scope="read-write", second_factor_at=timezone.now()
    )
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    response = client.get("/api/v1/users/me", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"


def test_a_token_of_a_deactivated_user_is_refused(client, partnership):
    user = partnership.users["police-iom-officer"]
    _, secret = api_token_issue(acting_user=user, name="cli", scope="read-write", second_factor_at=timezone.now())
    type(user).objects.filter(pk=user.pk).update(is_active=False)
    assert client.get("/api/v1/users/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "Bearer",
        "Bearer ",
        "Bearer iom_not-a-real-token",
        "Bearer two tokens",
        "bearer  iom_wrong",
        "Token iom_wrong",
        "Basic dXNlcjpwYXNz",
        "Bearer \u00e9\u00e9",
        "Bearer " + "x" * 10_000,
    ],
    ids=[
        "none",
        "empty",
        "keyword only",
        "keyword and space",
        "unknown",
        "two parts",
        "lower case",
        "other scheme",
        "basic",
        "latin-1",
        "huge",
    ],
)
def test_a_missing_invalid_or_malformed_authorization_is_401(client, partnership, header):
    extra = {} if header is None else {"HTTP_AUTHORIZATION": header}
    for path in ("/api/v1/users/me", "/api/v1/people?q=Example", f"/api/v1/people/{partnership.ordinary.pk}"):
        response = client.get(path, **extra)
        assert response.status_code == 401, (path, response.status_code)
        assert "Example" not in response.content.decode()


# -- Schema and docs ----------------------------------------------------------------------------


def test_the_docs_page_renders_without_a_token(client, db):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert "swagger" in response.content.decode().lower()


def test_the_schema_documents_every_operation_with_auth_and_errors(client, db):
    document = client.get("/api/v1/schema?format=json").json()
    operations = {(method.upper(), path): op for path, item in document["paths"].items() for method, op in item.items()}
    assert {("GET", "/api/v1/people"), ("POST", "/api/v1/people"), ("GET", "/api/v1/people/{person_id}")} <= set(operations)
    assert {("PATCH", "/api/v1/people/{person_id}"), ("GET", "/api/v1/people/{person_id}/export")} <= set(operations)
    assert {("GET", "/api/v1/organisations"), ("GET", "/api/v1/users"), ("GET", "/api/v1/users/me")} <= set(operations)
    for key, op in operations.items():
        assert {"401", "403"} <= set(op["responses"]), key
    assert {"400", "409"} <= set(operations[("PATCH", "/api/v1/people/{person_id}")]["responses"])
    assert document["components"]["securitySchemes"]["ApiToken"]["scheme"] == "bearer"


# -- Refusals are documented too ----------------------------------------------------------------


@pytest.mark.parametrize("username", ["no-role", "dwp-worker", "housing-worker", "performance-lead", "evaluator", "ig-lead"])
def test_every_operation_answers_a_less_privileged_user_with_a_documented_status(client, partnership, username):
    """Schemathesis exercises the API as a police officer; here every documented operation is called
    as each of the roles that see less, and whatever it answers must be one of its documented codes."""
    document = client.get("/api/v1/schema?format=json").json()
    _, secret = api_token_issue(acting_user=partnership.users[username], name="tests", scope="read-write", second_factor_at=timezone.now())
    ids = {"person_id": partnership.ordinary.pk, "organisation_id": partnership.police.pk, "user_id": partnership.users["chair"].pk}
    ids = collections.defaultdict(lambda: 1, ids)  # any other record id: the first one, whoever may see it
    seen = set()
    for path, item in document["paths"].items():
        for method, operation in item.items():
            url = path.format_map(ids)
            query = {"q": "Example"} if path == "/api/v1/people" and method == "get" else {}
            if method == "get":
                response = client.get(url, query, HTTP_AUTHORIZATION=f"Bearer {secret}")
            else:
                response = getattr(client, method)(url, "{}", content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {secret}")
            assert str(response.status_code) in operation["responses"], (method, path, response.status_code)
            assert response["Content-Type"] == ("application/json" if response.status_code < 400 else "application/problem+json")
            seen.add(response.status_code)
    assert seen & {403, 404}  # each of these users is refused something


@pytest.mark.parametrize("path", ["/api/v1/people/{}", "/api/v1/people/{}/export", "/api/v1/organisations/{}", "/api/v1/users/{}"])
def test_an_id_too_big_for_the_database_is_404_not_a_crash(api_as, path):
    assert api_as("ig-lead").get(path.format("9" * 30)).status_code == 404
