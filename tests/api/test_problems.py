"""Every error under /api/v1 is an RFC 9457 problem document (issue 17), whoever produces it: the
DRF views, Django's URL resolver (unknown paths, non-numeric ids, trailing slashes), the method
check, content negotiation and the body parser."""

from __future__ import annotations

import json

import pytest
from django.utils import timezone

from iomhub.access.services import api_token_issue

PROBLEM_KEYS = {"type", "title", "status", "detail"}


@pytest.fixture
def auth(partnership):
    _, secret = api_token_issue(
        acting_user=partnership.users["police-iom-officer"], name="tests", scope="read-write", second_factor_at=timezone.now()
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def _problem(response, status):
    assert response.status_code == status, response.content[:200]
    assert response["Content-Type"] == "application/problem+json"
    body = json.loads(response.content)
    assert set(body) >= PROBLEM_KEYS, body
    assert body["status"] == status and isinstance(body["detail"], str) and body["detail"]
    return body


@pytest.mark.parametrize(
    "path",
    ["/api/v1/no-such-thing", "/api/v1/people/abc", "/api/v1/people/", "/api/v1/people/1/justice/", "/api/v1/people/99999999999999999999"],
)
def test_an_unknown_path_a_bad_id_or_a_trailing_slash_is_a_json_404(client, auth, path):
    body = _problem(client.get(path, **auth), 404)
    assert body["type"] == "about:blank" and body["title"] == "Not Found"


def test_an_unknown_path_is_a_json_404_without_a_token_too(client, db):
    _problem(client.get("/api/v1/nothing-here"), 404)


def test_no_token_is_a_401_problem(client, db):
    _problem(client.get("/api/v1/people", {"q": "x"}), 401)


def test_a_method_the_operation_does_not_have_is_a_405_problem_with_allow(client, auth):
    response = client.delete("/api/v1/organisations", **auth)
    _problem(response, 405)
    assert "GET" in response["Allow"]


def test_asking_for_html_is_a_406_problem(client, auth):
    _problem(client.get("/api/v1/organisations", HTTP_ACCEPT="text/html", **auth), 406)


def test_a_form_body_is_a_415_problem(client, auth):
    _problem(client.post("/api/v1/people", "first_name=Q", content_type="application/x-www-form-urlencoded", **auth), 415)


def test_broken_json_is_a_400_malformed_request(client, auth):
    body = _problem(client.post("/api/v1/people", "{not json", content_type="application/json", **auth), 400)
    assert body["type"] == "urn:iomhub:problem:malformed-request"


def test_field_errors_are_listed_by_path_and_non_field_errors_are_the_detail(client, auth, partnership):
    bad = {"first_name": "", "last_name": "X", "date_of_birth": "1990-01-01", "sex": "male", "aliases": [{"first_name": 3}]}
    body = _problem(client.post("/api/v1/people", bad, content_type="application/json", **auth), 400)
    assert body["type"] == "urn:iomhub:problem:validation"
    assert "first_name" in body["errors"] and any(k.startswith("aliases[0]") for k in body["errors"]), body["errors"]
    assert all(isinstance(v, list) and all(isinstance(m, str) for m in v) for v in body["errors"].values())
    empty = _problem(client.patch(f"/api/v1/people/{partnership.ordinary.pk}", {}, content_type="application/json", **auth), 400)
    assert empty["detail"].startswith("Nothing to change") and empty["errors"] == {}


def test_a_stale_version_and_a_possible_duplicate_are_409_problems(client, auth, partnership):
    person = partnership.ordinary
    url = f"/api/v1/people/{person.pk}"
    assert client.patch(url, {"last_name": "First", "version": person.version}, content_type="application/json", **auth).status_code == 200
    stale = _problem(client.patch(url, {"last_name": "Second", "version": person.version}, content_type="application/json", **auth), 409)
    assert stale["type"] == "urn:iomhub:problem:stale-version" and stale["errors"]["version"]
    twin = {"first_name": "Casey", "last_name": "Sample", "date_of_birth": "1985-01-02", "sex": "male"}
    duplicate = _problem(client.post("/api/v1/people", twin, content_type="application/json", **auth), 409)
    assert duplicate["type"] == "urn:iomhub:problem:possible-duplicates"
    assert partnership.housing_case.pk in [m["id"] for m in duplicate["matches"]]


def test_an_unknown_timeline_kind_is_a_400_naming_the_allowed_values(client, auth, partnership):
    body = _problem(client.get(f"/api/v1/people/{partnership.ordinary.pk}/timeline", {"kind": "bogus"}, **auth), 400)
    assert "kind" in body["errors"] and "appointment" in body["errors"]["kind"][0]


def test_every_operation_documents_problem_responses(client, db):
    document = json.loads(client.get("/api/v1/schema?format=json").content)
    assert document["security"] == [{"ApiToken": []}, {"cookieAuth": []}]
    for path, item in document["paths"].items():
        for method, operation in item.items():
            assert "security" not in operation, (method, path)
            for code in ("401", "403", "406", *(["404"] if "{" in path else [])):
                assert code in operation["responses"], (method, path, code)
            for code, response in operation["responses"].items():
                if code[0] in "45":
                    assert list(response["content"]) == ["application/problem+json"], (method, path, code)
