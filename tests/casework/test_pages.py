"""The Plan, Assessments and Timeline tabs and their forms."""

import datetime

import pytest

from iomhub.access.models import AuditEvent, Role
from iomhub.casework import services
from iomhub.casework.models import CaseRecord, PathwayAssessment, PlanAction, TimelineEntry
from iomhub.referrals.models import Pathway

pytestmark = pytest.mark.django_db


def _date(prefix, d):
    return {f"{prefix}_day": str(d.day), f"{prefix}_month": str(d.month), f"{prefix}_year": str(d.year)}


def test_coordinator_allocates_lead_through_the_page(client, registered):
    p = registered
    client.force_login(p.users[Role.COORDINATOR])
    url = f"/people/{p.ordinary.pk}/plan/people/"
    data = {"lead_worker": p.users[Role.POLICE_IOM_OFFICER].pk, "coordinator": p.users[Role.COORDINATOR].pk, "reason": "Meeting"}
    assert client.post(url, data | {"version": "1"}).status_code == 302
    response = client.post(url, data | {"lead_worker": p.users[Role.PROBATION_OFFICER].pk, "version": "1"})  # stale
    assert response.status_code == 200
    assert "Someone else changed this case" in response.content.decode()
    assert CaseRecord.objects.get().lead_worker == p.users[Role.POLICE_IOM_OFFICER]
    page = client.get(f"/people/{p.ordinary.pk}/plan/").content.decode()
    assert "Change the people on the case" in page and "Meeting" in page


def test_probation_officer_cannot_allocate(client, registered):
    client.force_login(registered.users[Role.PROBATION_OFFICER])
    assert client.get(f"/people/{registered.ordinary.pk}/plan/people/").status_code == 403
    page = client.get(f"/people/{registered.ordinary.pk}/plan/").content.decode()
    assert "Change the people on the case" not in page


def test_safeguarding_form_errors_name_fields(client, registered):
    client.force_login(registered.users[Role.PROBATION_OFFICER])
    response = client.post(f"/people/{registered.housing_case.pk}/plan/safeguarding/", {"version": "1", "safeguarding": "concern"})
    body = response.content.decode()
    assert response.status_code == 200 and "Select parental status" in body
    assert not CaseRecord.objects.exists()


def test_plan_action_page_and_overdue_tag(client, registered, today):
    p = registered
    client.force_login(p.users[Role.PROBATION_OFFICER])
    data = {"description": "Register with a GP", "pathway": "health", "agency": p.probation.pk, "owner_name": "PO Sam Taylor"}
    response = client.post(f"/people/{p.ordinary.pk}/plan/actions/new/", data | _date("due_on", today))
    assert response.status_code == 302
    action = PlanAction.objects.get()
    assert client.post(f"/people/{p.ordinary.pk}/plan/actions/{action.pk}/", {"status": "done", "version": "2"}).status_code == 200
    assert PlanAction.objects.get().status == "open"  # stale version refused
    with services.clock.frozen(today + datetime.timedelta(days=1)):
        page = client.get(f"/people/{p.ordinary.pk}/plan/").content.decode()
    assert "Overdue" in page and "Register with a GP" in page


def test_assessment_page(client, registered, today):
    p = registered
    client.force_login(p.users[Role.SUBSTANCE_MISUSE])
    data = _date("assessed_on", today) | {f"{pw.value}-rag": "green" for pw in Pathway}
    data |= {"housing-rag": "x", "accommodation-rag": "red"}
    response = client.post(f"/people/{p.ordinary.pk}/assessments/new/", data)
    assert response.status_code == 200 and "Describe the needs for Accommodation" in response.content.decode()
    data["accommodation-needs"] = "No fixed abode"
    assert client.post(f"/people/{p.ordinary.pk}/assessments/new/", data).status_code == 302
    assert PathwayAssessment.objects.get().needs.get(pathway="accommodation").rag == "red"
    assert "No fixed abode" in client.get(f"/people/{p.ordinary.pk}/assessments/").content.decode()


def test_timeline_page_filters_and_hides_intelligence(client, registered, today):
    p = registered
    police = p.users[Role.POLICE_IOM_OFFICER]
    services.timeline_record(acting_user=police, person=p.ordinary, kind="intelligence", occurred_on=today, summary="Secret associate")
    services.timeline_record(acting_user=police, person=p.ordinary, kind="letter", occurred_on=today, summary="Appointment letter")
    client.force_login(p.users[Role.PROBATION_OFFICER])
    page = client.get(f"/people/{p.ordinary.pk}/timeline/").content.decode()
    assert "Appointment letter" in page and "Secret associate" not in page
    client.force_login(police)
    assert "Secret associate" in client.get(f"/people/{p.ordinary.pk}/timeline/").content.decode()
    page = client.get(f"/people/{p.ordinary.pk}/timeline/", {"kind": "letter"}).content.decode()
    assert "Appointment letter" in page and "Secret associate" not in page
    # A drug test is recorded on the Interventions tab's drug-test form, not here (issue 12, ADR 0024):
    # the timeline form does not offer the kind and ignores drug-test answers.
    data = {"kind": "drug-test", "outcome": "done", "drug_result": "positive", "substances_tested": ["opiates"]} | _date(
        "occurred_on", today
    )
    response = client.post(f"/people/{p.ordinary.pk}/timeline/new/", data)
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert not TimelineEntry.objects.filter(kind="drug-test").exists()
    assert AuditEvent.objects.filter(object_type="timeline-entry", actor=police).count() == 2


def test_partner_without_timeline_section_is_refused_and_tab_hidden(client, registered):
    client.force_login(registered.users["housing-worker"])
    assert client.get(f"/people/{registered.housing_case.pk}/timeline/").status_code == 403
    page = client.get(f"/people/{registered.housing_case.pk}/plan/").content.decode()
    assert f"/people/{registered.housing_case.pk}/timeline/" not in page


def test_plan_action_linked_to_a_need_through_the_page(client, registered, today):
    p = registered
    ratings = {pw.value: {"rag": "green"} for pw in Pathway} | {"finance": {"rag": "red", "needs": "Rent arrears"}}
    assessment = services.pathway_assessment_record(
        acting_user=p.users[Role.PROBATION_OFFICER], person=p.ordinary, assessed_on=today, ratings=ratings
    )
    need = assessment.needs.get(pathway="finance")
    client.force_login(p.users[Role.PROBATION_OFFICER])
    url = f"/people/{p.ordinary.pk}/plan/actions/new/"
    assert "Rent arrears" in client.get(url, {"agency": p.probation.pk}).content.decode()
    data = {"description": "Debt advice", "agency": p.probation.pk, "owner_name": "PO Sam", "need": need.pk} | _date("due_on", today)
    assert client.post(url, data).status_code == 302
    assert PlanAction.objects.get().pathway == "finance"
