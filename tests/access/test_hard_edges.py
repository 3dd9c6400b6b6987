"""Hostile input at the edges answers a clear 4xx, never a server error (issue 9 finding 17):
JSON nested too deep or bodies too large (400/413 in JSON on every API path), identifiers too
large for any record (404), names with control or invisible characters (refused, naming the
field), and nothing personal kept in a browser's or proxy's cache (``no-store``)."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from iomhub.access.models import Role
from iomhub.access.services import api_token_issue
from iomhub.people.models import Alias, Person
from iomhub.people.services import NewPerson, alias_add, person_create, person_update
from tests.access.support import all_routes, concrete, parameters

GOOD = {"first_name": "Riley", "last_name": "Synthetic", "date_of_birth": "1991-04-12", "sex": "female"}


@pytest.fixture
def bearer(partnership):
    _, secret = api_token_issue(
        acting_user=partnership.users[Role.POLICE_IOM_OFFICER], name="edges", scope="read-write", second_factor_at=timezone.now()
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


# ---- JSON depth and size -------------------------------------------------------------------------


def _api_write_paths(partnership) -> list[tuple[str, str]]:
    pk = partnership.ordinary.pk
    return [
        ("post", "/api/v1/people"),
        ("patch", f"/api/v1/people/{pk}"),
        ("post", f"/api/v1/people/{pk}/timeline"),
        ("post", f"/api/v1/people/{pk}/plan-actions"),
        ("post", f"/api/v1/people/{pk}/justice/sentences"),
        ("post", "/api/v1/referrals"),
        ("post", "/api/v1/tokens"),
    ]


@pytest.mark.parametrize("depth", [33, 1000, 3000, 100_000])
def test_json_nested_too_deep_is_a_400_in_json_on_every_api_path(client, partnership, bearer, depth):
    for method, path in _api_write_paths(partnership):
        body = nested(depth) if depth < 50 else '{"first_name": ' + nested(depth) + "}"
        response = getattr(client, method)(path, data=body, content_type="application/json", **bearer)
        assert response.status_code == 400, (path, response.status_code)
        assert response["Content-Type"] == "application/problem+json", path
        assert "nested deeper than 32" in response.json()["detail"], path


def test_json_at_the_depth_limit_is_parsed(client, partnership, bearer):
    body = {"first_name": "Riley", "last_name": "Synthetic", "date_of_birth": "1991-04-12", "x": json.loads(nested(31))}
    response = client.post("/api/v1/people", data=json.dumps(body), content_type="application/json", **bearer)
    assert response.status_code == 400
    assert "x" in response.json()["errors"]  # an unknown field, so the body was read: not a parse error
    brackets_in_strings = {**GOOD, "first_name": "[" * 40 + "{" * 40}
    response = client.post("/api/v1/people", data=json.dumps(brackets_in_strings), content_type="application/json", **bearer)
    assert "nested" not in json.dumps(response.json())


def test_a_body_over_the_limit_is_a_413_in_json(client, partnership, bearer, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    body = json.dumps({**GOOD, "middle_names": "x" * 20_000})
    for method, path in _api_write_paths(partnership):
        response = getattr(client, method)(path, data=body, content_type="application/json", **bearer)
        assert response.status_code == 413, (path, response.status_code)
        assert response["Content-Type"] == "application/problem+json", path
        assert "larger than 10000 bytes" in response.json()["detail"]
    assert not Person.objects.filter(middle_names__startswith="xxx").exists()


# ---- identifiers out of range --------------------------------------------------------------------

HUGE = 10**20  # 20 digits: more than any 64-bit key


def _int_parameters(route: str) -> set[str]:
    return {name for name in parameters(route) if f"<int:{name}>" in route}


@pytest.mark.parametrize("role", [Role.IG_LEAD, Role.CHAIR])
def test_an_identifier_too_large_for_any_record_is_a_404_on_every_route(partnership, role):
    client = Client(raise_request_exception=False)
    client.force_login(partnership.users[role])
    checked = 0
    for route in all_routes():
        ints = _int_parameters(route.route)
        if not ints:
            continue
        # Every number too large; any other part (a tab, a step, a slug) a word that resolves.
        values = {name: HUGE if name in ints else "x" for name in parameters(route.route)}
        url = concrete(route.route, **values)
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code == 404, (method, url, response.status_code)
            if url.startswith("/api/"):
                assert response["Content-Type"] == "application/problem+json", url
        checked += 1
    assert checked > 30


def test_the_viewers_csv_of_a_twenty_digit_person_is_a_404(partnership):
    client = Client(raise_request_exception=False)
    client.force_login(partnership.users[Role.IG_LEAD])
    assert client.get(f"/audit/people/{HUGE}/viewers.csv").status_code == 404
    assert client.get("/audit/", {"person": str(HUGE)}).status_code == 200  # the filter says it is too large


def test_the_largest_identifier_is_still_an_ordinary_not_found(partnership):
    client = Client(raise_request_exception=False)
    client.force_login(partnership.users[Role.CHAIR])
    assert client.get(f"/people/{2**63 - 1}/").status_code == 404


# ---- names: control and invisible characters ------------------------------------------------------

HIDDEN = {
    "zero-width space": "Ri\u200bley",
    "zero-width joiner": "Ri\u200dley",
    "right-to-left override": "\u202eyelir",
    "left-to-right isolate": "Ri\u2066ley",
    "byte-order mark": "\ufeffRiley",
    "soft hyphen": "Ri\u00adley",
    "escape": "Ri\x1bley",
    "tab": "Ri\tley",
    "line separator": "Ri\u2028ley",
    "private use": "Ri\ue000ley",
}


@pytest.mark.parametrize("value", HIDDEN.values(), ids=HIDDEN.keys())
def test_a_name_with_a_hidden_character_is_refused_by_the_service_naming_the_field(partnership, value):
    officer = partnership.users[Role.POLICE_IOM_OFFICER]
    before = Person.objects.count()
    with pytest.raises(ValidationError) as refused:
        person_create(acting_user=officer, new=NewPerson(fields={**GOOD, "last_name": value}), confirmed_new=True)
    assert "last_name" in refused.value.message_dict
    assert "Last name contains a control or invisible character" in refused.value.message_dict["last_name"][0]
    with pytest.raises(ValidationError) as refused:
        person_create(
            acting_user=officer,
            new=NewPerson(fields=GOOD, aliases=[{"first_name": value, "last_name": "Known"}]),
            confirmed_new=True,
        )
    assert "aliases[0].first_name" in refused.value.message_dict
    assert Person.objects.count() == before
    person = partnership.ordinary
    aliases = Alias.objects.filter(person=person).count()
    with pytest.raises(ValidationError) as refused:
        person_update(acting_user=officer, person=person, changes={"middle_names": value})
    assert "middle_names" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        alias_add(acting_user=officer, person=person, first_name="Known", last_name=value)
    assert "last_name" in refused.value.message_dict
    assert Alias.objects.filter(person=person).count() == aliases


def test_names_keep_accents_apostrophes_hyphens_and_other_scripts(partnership):
    officer = partnership.users[Role.POLICE_IOM_OFFICER]
    for first, last in [("Siân", "O'Brien-Ó Dónaill"), ("Zoë", "Nguyễn"), ("Анна", "Петрова"), ("محمد", "علي"), ("Mary Ann", "Smith")]:
        person = person_create(
            acting_user=officer, new=NewPerson(fields={**GOOD, "first_name": first, "last_name": last}), confirmed_new=True
        )
        assert person.last_name == last


def test_the_api_and_the_form_refuse_a_hidden_character_naming_the_field(client, partnership, bearer):
    response = client.post(
        "/api/v1/people", data=json.dumps({**GOOD, "first_name": "Ri\u202eyel"}), content_type="application/json", **bearer
    )
    assert response.status_code == 400
    assert "first_name" in response.json()["errors"]
    response = client.patch(
        f"/api/v1/people/{partnership.ordinary.pk}",
        data=json.dumps({"last_name": "Exa\u200bmple"}),
        content_type="application/json",
        **bearer,
    )
    assert response.status_code == 400
    assert "last_name" in response.json()["errors"]
    client.force_login(partnership.users[Role.POLICE_IOM_OFFICER])
    aliases = Alias.objects.filter(person=partnership.ordinary).count()
    page = client.post(f"/people/{partnership.ordinary.pk}/aliases/new/", {"first_name": "Jo", "last_name": "Sm\u200bith"})
    assert page.status_code == 200
    assert "Last name contains a control or invisible character" in page.content.decode()
    assert Alias.objects.filter(person=partnership.ordinary).count() == aliases


# ---- no-store ------------------------------------------------------------------------------------


def test_person_pages_exports_and_the_token_page_are_not_stored(client, partnership, bearer):
    client.force_login(partnership.users[Role.POLICE_IOM_OFFICER])
    pk = partnership.ordinary.pk
    for path in [f"/people/{pk}/", f"/people/{pk}/export.json", f"/people/{pk}/timeline/", "/people/?q=Jordan", "/account/api-tokens/"]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert "no-store" in response["Cache-Control"], path
    created = client.post("/account/api-tokens/", {"name": "feed", "scope": "read"})
    assert "iom_" in created.content.decode()
    assert "no-store" in created["Cache-Control"]
    assert "no-store" in Client().get(f"/api/v1/people/{pk}", **bearer)["Cache-Control"]
    ig = Client()
    ig.force_login(partnership.users[Role.IG_LEAD])
    assert "no-store" in ig.get(f"/audit/people/{pk}/viewers.csv")["Cache-Control"]
