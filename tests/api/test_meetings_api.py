"""The meeting's record over /api/v1 (issue 18 §1): the same services, policy and audit as the pages; every answer
checked against the published schema by this directory's conftest."""

from __future__ import annotations

import datetime

import pytest

from iomhub import clock
from iomhub.access.models import AuditEvent, Role
from iomhub.casework.models import PlanAction
from iomhub.cohort import services as cohort
from iomhub.meetings import services
from iomhub.meetings.models import MeetingDecision
from tests.referrals.factories import make_referral

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


@pytest.fixture
def meeting(partnership):
    p = partnership
    coordinator, chair = p.users[Role.COORDINATOR], p.users[Role.CHAIR]
    made = services.meeting_arrange(acting_user=coordinator, team=p.team, held_on=clock.today(), location="Northbridge", chair=chair)
    for user in (chair, p.users["housing-worker"]):
        services.attendee_add(acting_user=coordinator, meeting=made, name="", organisation="", confidentiality_signed=True, user=user)
    for person in (p.ordinary, p.housing_case):
        cohort.registration_open(acting_user=chair, person=person, referral=None, started_on=clock.today() - 240 * DAY, rag="amber")
    return made


def test_a_meeting_run_through_the_api(client, partnership, meeting, django_capture_on_commit_callbacks):
    p = partnership
    client.force_login(p.users[Role.COORDINATOR])
    base = f"/api/v1/meetings/{meeting.pk}"
    sheet = client.post(
        f"{base}/record-sheets",
        {"person": p.housing_case.pk, "current_situation": "SIT", "risk_factors": "RISK", "interventions": "INT"},
        content_type="application/json",
    )
    assert sheet.status_code == 200 and sheet.json()["risk_factors"] == "RISK" and sheet.json()["version"] == 1
    stale = client.post(
        f"{base}/record-sheets", {"person": p.housing_case.pk, "current_situation": "X", "version": 7}, content_type="application/json"
    )
    assert stale.status_code == 400 and "version" in str(stale.json())

    referral = make_referral(by=p.users[Role.POLICE_IOM_OFFICER], last_name="Apiadopt", proposed_rag="amber")
    adopted = client.post(
        f"{base}/decisions",
        {"kind": "adopt", "referral": referral.pk, "reasons": "Agreed", "confirm_new_person": True},
        content_type="application/json",
    )
    assert adopted.status_code == 201, adopted.json()
    assert "Amber" in adopted.json()["summary"]  # the proposed RAG when none is given (ADR 0017)
    rag = client.post(
        f"{base}/decisions", {"kind": "rag", "person": p.ordinary.pk, "rag": "red", "reasons": "Arrested"}, content_type="application/json"
    )
    assert rag.status_code == 201 and rag.json()["rag_change"] is not None
    missing = client.post(f"{base}/decisions", {"kind": "deregister", "person": p.ordinary.pk}, content_type="application/json")
    assert missing.status_code == 400 and {"reasons", "exit_plan", "supported_by"} <= set(str(missing.json()).replace("'", " ").split())

    action = client.post(
        f"{base}/actions",
        {
            "person": p.ordinary.pk,
            "description": "Refer to the panel",
            "agency": p.probation.pk,
            "owner": p.users[Role.PROBATION_OFFICER].pk,
            "due_on": str(clock.today() + 7 * DAY),
        },
        content_type="application/json",
    )
    assert action.status_code == 201 and action.json()["outcome"] == "allocated"
    assert PlanAction.objects.get(pk=action.json()["action"]).owner == p.users[Role.PROBATION_OFFICER]

    client.force_login(p.users[Role.PROBATION_OFFICER])
    update = client.post(f"{base}/written-updates", {"person": p.ordinary.pk, "text": "All well"}, content_type="application/json")
    assert update.status_code == 201 and update.json()["late"] is True
    assert client.post(f"{base}/close").status_code == 403

    client.force_login(p.users[Role.COORDINATOR])
    with django_capture_on_commit_callbacks(execute=True):
        closed = client.post(f"{base}/close")
    assert closed.status_code == 200 and closed.json()["minutes_circulated_on"] == str(clock.today())
    assert sorted(closed.json()["notified"]) == sorted([p.users[Role.CHAIR].pk, p.users["housing-worker"].pk])
    assert MeetingDecision.objects.filter(meeting=meeting).count() == 2

    client.force_login(p.users["housing-worker"])
    record = client.get(f"{base}/record").json()
    assert [c["person"] for c in record["cases"]] == [p.housing_case.pk]
    case = record["cases"][0]
    assert (case["current_situation"], case["risk_factors"], case["written_updates"]) == ("SIT", None, None)
    assert AuditEvent.objects.filter(actor=p.users["housing-worker"], object_type="meeting-pack", action="view").exists()
