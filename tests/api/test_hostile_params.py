"""Hostile numbers and names to the JSON API answer a 400 problem naming the parameter, never a 500.

The rule (docs/api.md, Errors; iomhub.validation): a whole-number query parameter is ASCII digits
and nothing else, in its range. "²" (which ``str.isdigit()`` accepts and ``int()`` refuses), "٣"
(Arabic-Indic three), 5000 digits (over ``int()``'s 4300), a sign, an exponent, spaces and nothing
at all are each refused by name. A key the body should not have is refused by name even when it is
a lone surrogate, which UTF-8 cannot hold: the problem document writes it escaped."""

from __future__ import annotations

import json

import pytest

from iomhub.access.models import AuditEvent, Role
from iomhub.casework.models import TimelineEntry
from iomhub.cohort.models import Registration, Transfer
from iomhub.referrals.models import Referral

pytestmark = pytest.mark.django_db

PROBLEM_JSON = "application/problem+json"
# The odd inputs, each refused wherever a whole number is asked for.
ODD = {
    "superscript two": "²",
    "arabic-indic three": "٣",
    "5000 digits": "9" * 5000,
    "minus one": "-1",
    "exponent": "1e300",
    "empty": "",
    "a space": " ",
    "digits with spaces": " 5 ",
    "a point": "5.0",
}
LISTS = {
    # path, parameter, who lists it
    "outbox limit": ("/api/v1/outbox", "limit", Role.SYSTEM_ADMIN),
    "outbox offset": ("/api/v1/outbox", "offset", Role.SYSTEM_ADMIN),
    "link-reviews limit": ("/api/v1/link-reviews", "limit", Role.COORDINATOR),
    "imports limit": ("/api/v1/imports", "limit", Role.COORDINATOR),
    "imports offset": ("/api/v1/imports", "offset", Role.COORDINATOR),
    "candidates page": ("/api/v1/candidates", "page", Role.COORDINATOR),
}


def _refused(response, name):
    assert response.status_code == 400, response.content[:300]
    assert response["Content-Type"].startswith(PROBLEM_JSON)
    body = response.json()
    assert body["type"] == "urn:iomhub:problem:validation"
    assert list(body["errors"]) == [name], body
    assert all(message.strip() for message in body["errors"][name])
    return body


@pytest.mark.parametrize("odd", ODD.values(), ids=ODD.keys())
@pytest.mark.parametrize("path, name, role", LISTS.values(), ids=LISTS.keys())
def test_a_number_parameter_that_is_not_ascii_digits_in_range_is_a_400_naming_it(client, api_auth, path, name, role, odd):
    _refused(client.get(path, {name: odd}, **api_auth(role)), name)


@pytest.mark.parametrize(
    "path, name, role, too_big",
    [
        ("/api/v1/outbox", "limit", Role.SYSTEM_ADMIN, "501"),
        ("/api/v1/imports", "limit", Role.COORDINATOR, "0"),
        ("/api/v1/imports", "offset", Role.COORDINATOR, "1" + "0" * 18),  # 19 digits: past any database integer
        ("/api/v1/candidates", "page", Role.COORDINATOR, "10001"),
        ("/api/v1/candidates", "page", Role.COORDINATOR, "0"),
    ],
)
def test_a_whole_number_out_of_range_is_a_400_naming_it(client, api_auth, path, name, role, too_big):
    body = _refused(client.get(path, {name: too_big}, **api_auth(role)), name)
    assert name in body["detail"]


@pytest.mark.parametrize(
    "path, name, role, good",
    [
        ("/api/v1/outbox", "limit", Role.SYSTEM_ADMIN, "500"),
        ("/api/v1/outbox", "limit", Role.SYSTEM_ADMIN, "1"),
        ("/api/v1/imports", "offset", Role.COORDINATOR, "0"),
        ("/api/v1/imports", "offset", Role.COORDINATOR, "9" * 18),
        ("/api/v1/link-reviews", "limit", Role.COORDINATOR, "007"),
        ("/api/v1/candidates", "page", Role.COORDINATOR, "10000"),
    ],
)
def test_a_whole_number_in_range_is_read(client, api_auth, path, name, role, good):
    """The strict reading refuses only what is not a whole number in range (an oracle from the
    rule: ASCII digits from the bound to the bound, leading zeros and all)."""
    assert client.get(path, {name: good}, **api_auth(role)).status_code == 200


SURROGATE = "\ud800"  # a lone high surrogate: JSON may say it ("\\ud800"), UTF-8 cannot


def _post(client, url, body, headers):
    text = json.dumps(body)  # ensure_ascii: the surrogate travels as the six characters \ud800
    assert "\\ud800" in text
    return client.post(url, data=text, content_type="application/json", **headers)


def _escaped_name_refused(response):
    assert response.status_code == 400, response.content[:300]
    assert response["Content-Type"].startswith(PROBLEM_JSON)
    response.content.decode("utf-8")  # the whole answer is UTF-8
    body = response.json()
    assert "\\ud800" in body["errors"], body  # the name, escaped as text
    assert body["errors"]["\\ud800"] == ["Unknown field"]
    assert "\\ud800" in body["detail"]
    return body


@pytest.fixture
def on_iom(partnership):
    Registration.objects.create(person=partnership.ordinary, started_on=partnership.ordinary.created_at.date(), rag="amber")
    return partnership


def test_an_unknown_key_that_is_a_lone_surrogate_on_the_timeline_is_a_400_and_nothing_is_stored(client, on_iom, api_auth):
    p = on_iom
    entry = {"kind": "home-visit", "occurred_on": "2026-06-10", "summary": "Seen at home", SURROGATE: 1}
    before = (TimelineEntry.objects.count(), AuditEvent.objects.filter(action="create").count())
    _escaped_name_refused(_post(client, f"/api/v1/people/{p.ordinary.pk}/timeline", entry, api_auth(Role.POLICE_IOM_OFFICER)))
    assert (TimelineEntry.objects.count(), AuditEvent.objects.filter(action="create").count()) == before


def test_an_unknown_surrogate_key_in_a_referral_is_a_400_and_nothing_is_stored(client, partnership, api_auth):
    body = {"first_name": "Riley", "last_name": "Synthetic", "draft": True, SURROGATE: "x"}
    _escaped_name_refused(_post(client, "/api/v1/referrals", body, api_auth(Role.PROBATION_OFFICER)))
    assert not Referral.objects.exists()


def test_an_unknown_surrogate_key_in_a_transfer_pack_is_a_400_and_nothing_is_stored(client, on_iom, api_auth):
    p = on_iom
    body = {"kind": "internal", SURROGATE: "x"}
    _escaped_name_refused(_post(client, f"/api/v1/people/{p.ordinary.pk}/transfers", body, api_auth(Role.COORDINATOR)))
    assert not Transfer.objects.exists()


def test_an_unknown_surrogate_key_on_a_new_person_is_a_400(client, partnership, api_auth):
    body = {"first_name": "Riley", "last_name": "Synthetic", "date_of_birth": "1991-04-12", "sex": "female", SURROGATE: 1}
    _escaped_name_refused(_post(client, "/api/v1/people", body, api_auth(Role.POLICE_IOM_OFFICER)))


@pytest.mark.parametrize("where", ["low surrogate key", "nested key", "value in an unknown key"])
def test_a_problem_document_never_fails_on_a_lone_surrogate_anywhere(where):
    """The one place problems are built writes every string escaped, whatever it repeats."""
    from rest_framework.renderers import JSONRenderer

    from iomhub.access.api_problems import problem, validation_problem

    detail = {
        "low surrogate key": {"\udfff": ["Unknown field"]},
        "nested key": {"aliases": [{"\ud800x": ["Unknown field"]}]},
        "value in an unknown key": {"note": [f"not {SURROGATE!r}"]},
    }[where]
    for document in (validation_problem(detail), problem(409, f"x{SURROGATE}", errors=detail, matches=[{"n": SURROGATE}])):
        rendered = JSONRenderer().render(document)
        assert "\\\\ud" in rendered.decode("utf-8") or "\\\\udfff" in rendered.decode("utf-8")


@pytest.mark.parametrize(
    "odd", ["²", "٣", "9" * 5000, "-1", "0"], ids=["superscript two", "arabic-indic three", "5000 digits", "minus", "zero"]
)
def test_a_report_for_a_team_that_is_not_a_number_is_a_400_naming_the_team(client, api_auth, odd):
    response = client.get("/api/v1/reports/overview", {"team": odd}, **api_auth(Role.PERFORMANCE_LEAD))
    assert response.status_code == 400 and response["Content-Type"].startswith(PROBLEM_JSON)
    assert "team must be a local team's number" in json.dumps(response.json())
    assert "invalid literal" not in json.dumps(response.json())
