"""The case over the API: same policy, audit, validation and concurrency as the pages (issue 6)."""

import datetime

import pytest

from iomhub import clock
from iomhub.access.models import AuditEvent, Role
from iomhub.casework.models import PlanAction, TimelineEntry
from iomhub.cohort.models import Registration
from iomhub.referrals.models import Pathway

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 6, 15)


@pytest.fixture
def case(partnership):
    with clock.frozen(TODAY):
        Registration.objects.create(person=partnership.ordinary, started_on=datetime.date(2026, 1, 5), rag="amber")
        yield partnership


def test_lead_worker_and_stale_version(client, case):
    p = case
    client.force_login(p.users[Role.COORDINATOR])
    url = f"/api/v1/people/{p.ordinary.pk}/case/people"
    body = {
        "version": 1,
        "lead_worker": p.users[Role.PROBATION_OFFICER].pk,
        "coordinator": p.users[Role.COORDINATOR].pk,
        "reason": "Meeting",
    }
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 200 and response.json()["lead_worker"]["id"] == p.users[Role.PROBATION_OFFICER].pk
    assert response.json()["version"] == 2
    response = client.post(url, body | {"lead_worker": p.users[Role.POLICE_IOM_OFFICER].pk}, content_type="application/json")
    assert response.status_code == 409 and "Someone else" in response.json()["errors"]["version"][0]
    response = client.post(url, body | {"version": 2, "lead_worker": 999999}, content_type="application/json")
    assert response.status_code == 400 and "lead_worker" in response.json()["errors"]
    client.force_login(p.users[Role.POLICE_IOM_OFFICER])
    assert client.post(url, body | {"version": 2}, content_type="application/json").status_code == 403


def test_plan_action_create_update_and_conflict(client, case):
    p = case
    client.force_login(p.users[Role.PROBATION_OFFICER])
    url = f"/api/v1/people/{p.ordinary.pk}/plan-actions"
    body = {"description": "See GP", "agency": p.probation.pk, "owner_name": "PO Sam", "due_on": "2026-07-01", "pathway": "health"}
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 201, response.json()
    action_url = f"{url}/{response.json()['id']}"
    assert client.post(url, body | {"due_on": "2020-01-01", "colour": "red"}, content_type="application/json").status_code == 400
    assert client.post(action_url, {"version": 1, "status": "done"}, content_type="application/json").status_code == 200
    response = client.post(action_url, {"version": 1, "status": "cancelled", "note": "x"}, content_type="application/json")
    assert response.status_code == 409
    assert PlanAction.objects.get().status == "done"
    assert [h["status"] for h in client.get(action_url).json()["history"]] == ["open", "done"]
    client.force_login(p.users[Role.PERFORMANCE_LEAD])
    assert client.get(url).status_code == 403


def test_assessment_and_timeline(client, case):
    p = case
    client.force_login(p.users[Role.POLICE_IOM_OFFICER])
    ratings = {pw.value: {"rag": "green"} for pw in Pathway}
    url = f"/api/v1/people/{p.ordinary.pk}/pathway-assessments"
    assert client.post(url, {"assessed_on": "2026-06-01", "ratings": ratings}, content_type="application/json").status_code == 201
    response = client.post(
        url, {"assessed_on": "2026-06-01", "ratings": ratings | {"accommodation": {"rag": "red"}}}, content_type="application/json"
    )
    assert response.status_code == 400 and "accommodation.needs" in response.json()["errors"]
    assert len(client.get(url).json()["assessments"]) == 1
    timeline = f"/api/v1/people/{p.ordinary.pk}/timeline"
    intel = {"kind": "intelligence", "occurred_on": "2026-06-10", "summary": "Seen in town"}
    assert client.post(timeline, intel, content_type="application/json").status_code == 201
    client.force_login(p.users[Role.PROBATION_OFFICER])
    assert client.post(timeline, intel, content_type="application/json").status_code == 403
    assert client.get(timeline).json() == []
    assert TimelineEntry.objects.count() == 1
    assert AuditEvent.objects.filter(object_type="timeline-entry", action="create").count() == 1
