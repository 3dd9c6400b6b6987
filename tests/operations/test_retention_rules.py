"""Retention rules as data the information governance lead manages (issue 13 §3, ADR 0021): the
page lists each rule with what is past it today; a change in the browser or the API is audited with
before and after; a bad period is refused naming the field; nobody else may see or change them."""

from __future__ import annotations

import pytest

from iomhub.access.models import Role
from iomhub.operations.models import RetentionRule
from tests.access.support import events_since, last_event_id


def _rule(kind: str = "intelligence") -> RetentionRule:
    return RetentionRule.objects.get(record_type=kind)


def test_the_rules_are_installed_with_the_default_periods(db):
    assert {r.record_type: r.period_months for r in RetentionRule.objects.all()} == {
        "candidate": 24,
        "closed-case": 84,
        "intelligence": 72,
        "audit": 84,
    }


def test_the_ig_lead_sees_the_rules_and_changes_one_in_the_browser_audited(client, partnership):
    client.force_login(partnership.users[Role.IG_LEAD])
    page = client.get("/retention/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Police intelligence notes" in body and "72 months" in body
    rule = _rule()
    since = last_event_id()
    response = client.post(f"/retention/{rule.pk}/", {"period_months": "96", "enabled": "on", "basis": "Force policy review 2026"})
    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.period_months, rule.enabled, rule.basis) == (96, True, "Force policy review 2026")
    assert rule.updated_by == partnership.users[Role.IG_LEAD]
    [event] = events_since(since, action="change", object_type="retention-rule")
    assert event.changes["period_months"] == {"before": 72, "after": 96}
    assert event.changes["basis"]["after"] == "Force policy review 2026"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"period_months": "", "basis": "x"}, "period_months", "Enter how many months"),
        ({"period_months": "0", "basis": "x"}, "period_months", "must be 1 or more"),
        ({"period_months": "12", "basis": "  "}, "basis", "Enter why records are kept this long"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_changes(client, partnership, data, field, message):
    client.force_login(partnership.users[Role.IG_LEAD])
    rule = _rule()
    response = client.post(f"/retention/{rule.pk}/", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    rule.refresh_from_db()
    assert rule.period_months == 72


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.CHAIR, Role.SYSTEM_ADMIN, Role.POLICE_IOM_OFFICER, Role.PERFORMANCE_LEAD])
def test_nobody_else_sees_or_changes_the_rules(client, partnership, role):
    client.force_login(partnership.users[role])
    rule = _rule()
    assert client.get("/retention/").status_code == 403
    assert client.post(f"/retention/{rule.pk}/", {"period_months": "1", "basis": "x"}).status_code == 403
    assert (
        client.put(
            f"/api/v1/retention-rules/{rule.pk}", {"period_months": 1, "enabled": True, "basis": "x"}, content_type="application/json"
        ).status_code
        == 403
    )
    rule.refresh_from_db()
    assert rule.period_months == 72


def test_the_api_lists_reads_and_changes_a_rule_audited(client, partnership):
    user = partnership.users[Role.IG_LEAD]
    client.force_login(user)
    listed = client.get("/api/v1/retention-rules")
    assert listed.status_code == 200
    assert sorted(r["record_type"] for r in listed.json()) == ["audit", "candidate", "closed-case", "intelligence"]
    rule = _rule("audit")
    since = last_event_id()
    response = client.put(
        f"/api/v1/retention-rules/{rule.pk}",
        {"period_months": 120, "enabled": False, "basis": "Ten years"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["period_months"], body["enabled"], body["updated_by"]) == (120, False, user.username)
    [event] = events_since(since, action="change", object_type="retention-rule")
    assert event.changes["enabled"] == {"before": True, "after": False}
    bad = client.put(
        f"/api/v1/retention-rules/{rule.pk}", {"period_months": 0, "enabled": True, "basis": "x"}, content_type="application/json"
    )
    assert bad.status_code == 400 and "period_months" in bad.content.decode()
    assert client.get("/api/v1/retention-rules/999999").status_code == 404
