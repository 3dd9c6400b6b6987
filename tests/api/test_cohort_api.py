"""The registration lifecycle over the API (issue 6 §2, §7, §8, §9): the same policy, rules and audit
as the pages, strict input, field-level errors, nothing partial stored."""

from __future__ import annotations

import datetime
import json

import pytest
from django.utils import timezone

from iomhub import clock
from iomhub.access.models import Role
from iomhub.access.services import api_token_issue
from iomhub.cohort.models import Registration, Review, Transfer
from tests.access.support import events_since, last_event_id
from tests.cohort.support import register
from tests.factories import TeamFactory

START = datetime.date(2026, 1, 5)
TODAY = datetime.date(2026, 7, 6)
PACK = {
    "proposed_address": "12 Mill Lane",
    "index_offence": "Burglary",
    "offending_history": "Eight burglaries",
    "risk_factors": "Heroin use",
    "safeguarding": "None known",
}


@pytest.fixture(autouse=True)
def fixed_today():
    with clock.frozen(TODAY):
        yield


@pytest.fixture
def registration(partnership):
    return register(partnership, started_on=START, rag="amber")


@pytest.fixture
def api(client, partnership):
    def _as(role):
        _, secret = api_token_issue(acting_user=partnership.users[role], name="tests", scope="read-write", second_factor_at=timezone.now())
        auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

        class Api:
            def get(self, path):
                return client.get(path, **auth)

            def post(self, path, body):
                return client.post(path, json.dumps(body), content_type="application/json", **auth)

        return Api()

    return _as


def test_reading_a_registration_gives_the_regime_reviews_and_rules(api, partnership, registration):
    since = last_event_id()
    response = api(Role.PROBATION_OFFICER).get(f"/api/v1/registrations/{registration.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["registration"]["rag"] == "amber" and body["regime"]["next_home_visit"] == "2026-01-19"
    assert body["regime"]["review_due"] == "2026-04-05" and body["regime"]["review_overdue"] is True
    codes = {r["code"]: r["holds"] for r in body["deregistration_rules"]["rows"]}
    assert codes["mappa-level-3"] is False and codes["drug-tests-negative"] is None
    assert events_since(since, action="view", object_type="registration")


def test_rag_change_over_the_api_is_audited_and_refused_for_other_roles(api, partnership, registration):
    body = {"level": "red-alert", "changed_on": "2026-07-01", "reason": "Warrant issued", "meeting": "Urgent", "expected_level": "amber"}
    assert api(Role.PROBATION_OFFICER).post(f"/api/v1/registrations/{registration.pk}/rag", body).status_code == 403
    since = last_event_id()
    response = api(Role.POLICE_IOM_OFFICER).post(f"/api/v1/registrations/{registration.pk}/rag", body)
    assert response.status_code == 201 and response.json()["level"] == "red-alert"
    assert events_since(since, action="change", object_type="registration")
    alerts = api(Role.SUBSTANCE_MISUSE).get("/api/v1/red-alerts").json()
    assert [a["id"] for a in alerts] == [registration.pk]
    stale = api(Role.COORDINATOR).post(f"/api/v1/registrations/{registration.pk}/rag", {**body, "level": "red"})
    assert stale.status_code == 400 and "while you were editing" in stale.json()["errors"]["level"][0]


@pytest.mark.parametrize(
    "body, field",
    [
        ({"level": "red", "changed_on": "2026-07-01", "reason": 5}, "reason"),
        ({"level": "red", "changed_on": "not a date", "reason": "x"}, "changed_on"),
        ({"level": "red", "changed_on": "2026-07-01", "reason": "x", "colour": "red"}, "colour"),
        ({"level": "red", "changed_on": "2026-08-01", "reason": "x"}, "changed_on"),
    ],
    ids=["number as text", "bad date", "unknown field", "future"],
)
def test_bad_rag_input_is_refused_naming_the_field(api, partnership, registration, body, field):
    response = api(Role.COORDINATOR).post(f"/api/v1/registrations/{registration.pk}/rag", body)
    assert response.status_code == 400 and field in response.json()["errors"]
    assert Registration.objects.get(pk=registration.pk).rag == "amber"


def test_reviews_over_the_api(api, partnership, registration):
    body = {"reviewed_on": "2026-07-06", "outcome": "retain", "notes": "Engaging"}
    assert api(Role.POLICE_IOM_OFFICER).post(f"/api/v1/registrations/{registration.pk}/reviews", body).status_code == 403
    since = last_event_id()
    assert api(Role.COORDINATOR).post(f"/api/v1/registrations/{registration.pk}/reviews", body).status_code == 201
    assert events_since(since, action="create", object_type="registration-review")
    again = api(Role.COORDINATOR).post(f"/api/v1/registrations/{registration.pk}/reviews", body)
    assert again.status_code == 400 and Review.objects.count() == 1
    listed = api(Role.PROBATION_OFFICER).get(f"/api/v1/registrations/{registration.pk}/reviews").json()
    assert [r["notes"] for r in listed] == ["Engaging"]


def test_deregistration_over_the_api_is_the_chairs(api, partnership, registration):
    body = {"approved_on": "2026-07-06", "reasons": "Risk fallen", "exit_plan": "Probation continue", "supported_by": "PO Taylor"}
    assert api(Role.COORDINATOR).post(f"/api/v1/registrations/{registration.pk}/deregistration", body).status_code == 403
    bad = api(Role.CHAIR).post(f"/api/v1/registrations/{registration.pk}/deregistration", {**body, "supported_by": ""})
    assert bad.status_code == 400 and "supported_by" in bad.json()["errors"]
    response = api(Role.CHAIR).post(f"/api/v1/registrations/{registration.pk}/deregistration", body)
    assert response.status_code == 201 and len(response.json()["checklist"]) == 4
    assert Registration.objects.get(pk=registration.pk).ended_on == TODAY
    removal = {"item": "offender-notified", "done_on": "2026-07-06", "done_by": "PC Lee"}
    assert api(Role.COORDINATOR).post(f"/api/v1/registrations/{registration.pk}/removal", removal).status_code == 200
    got = api(Role.PROBATION_OFFICER).get(f"/api/v1/registrations/{registration.pk}/removal").json()
    assert [e["done_by"] for e in got if e["item"] == "offender-notified"] == ["PC Lee"]


def test_a_transfer_over_the_api(api, partnership, registration):
    team = TeamFactory(name="Hastings IOM")
    coordinator = api(Role.COORDINATOR)
    url = f"/api/v1/people/{partnership.ordinary.pk}/transfers"
    assert coordinator.post(url, {"kind": "internal", "to_team": 999999, **PACK}).status_code == 400
    assert api(Role.PROBATION_OFFICER).post(url, {"kind": "internal", "to_team": team.pk, **PACK}).status_code == 403
    response = coordinator.post(url, {"kind": "internal", "to_team": team.pk, **PACK})
    assert response.status_code == 201
    transfer = f"/api/v1/transfers/{response.json()['id']}"
    visit = {
        "step": "home-visit",
        "visited_on": "2026-07-06",
        "police_officer": "PC Lee",
        "probation_officer": "PO T",
        "address_suitable": True,
    }
    assert coordinator.post(transfer, visit).status_code == 200
    assert coordinator.post(transfer, {"step": "spoc", "spoc_name": "DC Khan", "spoc_contact": "01424"}).status_code == 200
    decision = {"step": "decision", "accepted": True, "decided_on": "2026-07-06", "meeting": "July"}
    assert coordinator.post(transfer, decision).status_code == 403
    assert api(Role.CHAIR).post(transfer, decision).status_code == 200
    assert coordinator.post(transfer, {"step": "deselect", "deselected_on": "2026-07-06", "spoc_name": "x"}).status_code == 400
    done = coordinator.post(transfer, {"step": "deselect", "deselected_on": "2026-07-06"})
    assert done.status_code == 200 and done.json()["status"] == "completed"
    assert [t["status"] for t in api(Role.PROBATION_OFFICER).get(url).json()] == ["completed"]
    assert Transfer.objects.get().status == "completed"


def test_a_partner_not_involved_gets_nothing(api, partnership, registration):
    housing = api("housing-worker")
    assert housing.get(f"/api/v1/registrations/{registration.pk}").status_code == 404
    assert housing.get("/api/v1/red-alerts").json() == []
