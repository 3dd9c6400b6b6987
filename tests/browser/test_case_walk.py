"""Issue 6 in a real browser, through the forms: after adoption the coordinator puts people and an
agency on the case, the probation officer assesses the pathways and plans an action then marks it
done, the police IOM officer records a home visit, an intelligence note and a missed appointment.
Every page is axe-clean, and the roles that may not do a step are refused. (Adoption, RAG changes,
reviews, transfers and deregistration are walked in test_referral_journey and test_cohort_lifecycle.)"""

from __future__ import annotations

import datetime

import pytest

from iomhub import clock
from iomhub.access.models import Role
from iomhub.casework.models import ActionStatus, CaseRecord, PathwayAssessment, PlanAction, TimelineEntry
from iomhub.cohort import services as cohort
from iomhub.referrals.models import Pathway
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def _date(page, prefix: str, day: datetime.date) -> None:
    page.fill(f"[name='{prefix}_day']", str(day.day))
    page.fill(f"[name='{prefix}_month']", str(day.month))
    page.fill(f"[name='{prefix}_year']", str(day.year))


def _as(session, username: str) -> None:
    session.page.context.clear_cookies()
    session.sign_in(username, PASSWORD)


def test_a_case_is_managed_through_its_forms_by_the_roles_that_may(session, partnership):
    p = partnership
    person, today, page = p.ordinary, clock.today(), session.page
    cohort.registration_open(
        acting_user=p.users[Role.CHAIR], person=person, referral=None, started_on=today - datetime.timedelta(days=30), rag="amber"
    )
    plan, assessments, timeline = (f"/people/{person.pk}/{tab}/" for tab in ("plan", "assessments", "timeline"))
    probation = p.users[Role.PROBATION_OFFICER]

    # The people on the case and the agencies are the coordinator's to set (002 §2): not the police officer's.
    _as(session, "police-iom-officer")
    session.go(plan)
    assert "Change the people on the case" not in page.content()
    assert session.go(f"{plan}people/").status == 403

    _as(session, "iom-coordinator")
    session.go(plan)
    session.follow("a:has-text('Change the people on the case')")
    session.assert_accessible("people on the case")
    page.select_option("[name='lead_worker']", label=f"{probation.get_full_name()}, {p.probation}")
    page.select_option("[name='coordinator']", label=f"{p.users[Role.COORDINATOR].get_full_name()}, {p.police}")
    page.fill("[name='reason']", "Allocated at the IOM meeting")
    session.follow("button:has-text('Save')")
    assert "People on the case updated" in page.content()
    assert CaseRecord.objects.get(person=person).lead_worker == probation
    session.follow("a:has-text('Add an agency')")
    page.select_option("[name='organisation']", label=str(p.housing))
    page.fill("[name='role_in_case']", "Tenancy support")
    session.follow("button:has-text('Save')")
    assert "Tenancy support" in page.content()
    session.assert_accessible("plan with people and agencies")

    # The probation officer assesses the nine pathways: the empty form names what is missing first.
    _as(session, "probation-officer")
    session.go(assessments)
    session.follow("a:has-text('Assess needs on the pathways')")
    session.follow("button:has-text('Save')")
    assert page.locator(".govuk-error-summary").is_visible()
    session.assert_accessible("pathway assessment with errors")
    _date(page, "assessed_on", today)
    for pathway in Pathway:
        page.check(f"input[name='{pathway.value}-rag'][value='{'red' if pathway == Pathway.ACCOMMODATION else 'green'}']")
    page.fill("[name='accommodation-needs']", "No fixed abode since release")
    session.follow("button:has-text('Save')")
    assert "Pathway assessment recorded" in page.content()
    assert PathwayAssessment.objects.filter(person=person, assessed_by=probation).count() == 1
    session.assert_accessible("assessments tab")

    # ... and plans an action on that need, then marks it done.
    session.go(plan)
    session.follow("a:has-text('Add an action')")
    page.select_option("[name='agency']", label=str(p.housing))  # first the agency, whose workers are offered next
    session.follow("button:has-text('Continue')")
    session.assert_accessible("a new action for the agency chosen")
    page.fill("[name='description']", "Make a homelessness application")
    page.select_option("[name='pathway']", value=Pathway.ACCOMMODATION.value)
    page.select_option("[name='owner']", label=p.users["housing-worker"].get_full_name())
    _date(page, "due_on", today + datetime.timedelta(days=14))
    page.select_option("[name='need']", index=1)
    session.follow("button:has-text('Save')")
    action = PlanAction.objects.get(person=person)
    assert action.owner == p.users["housing-worker"]
    assert action.need is not None and action.need.needs == "No fixed abode since release"
    session.follow("a:has-text('Update')")
    page.check("input[name='status'][value='done']")
    session.follow("button:has-text('Save')")
    assert "Action updated" in page.content()
    assert PlanAction.objects.get(pk=action.pk).status == ActionStatus.DONE

    # The police IOM officer records a home visit, an intelligence note and a missed appointment.
    _as(session, "police-iom-officer")
    for kind, outcome, summary in (
        ("home-visit", "attended", "Seen at the hostel"),
        ("intelligence", "done", "Seen with known associates in the town centre"),
        ("office-appointment", "booked", ""),
    ):
        session.go(timeline)
        session.follow("a:has-text('Add a contact, event or appointment')")
        # No drug-test boxes on this form (issue 18 §6; drug tests have their own form, issue 12).
        assert page.locator("input[name='kind'][value='drug-test']").count() == 0
        page.check(f"input[name='kind'][value='{kind}']")
        page.select_option("[name='outcome']", value=outcome)
        _date(page, "occurred_on", today)
        page.fill("[name='summary']", summary)
        session.follow("button:has-text('Save')")
        assert "Added to the timeline" in page.content()
    session.follow("a:has-text('Record what happened')")
    page.check("input[name='outcome'][value='failed-to-attend']")
    session.follow("button:has-text('Save')")
    assert "Office appointment: Failed to attend" in page.content()
    assert "Seen with known associates" in page.content()
    session.assert_accessible("timeline as the police")
    assert TimelineEntry.objects.filter(person=person).count() == 3

    # Intelligence is police-only: the probation officer's timeline leaves it out, and offers no way to add one.
    _as(session, "probation-officer")
    session.go(timeline)
    assert "Seen at the hostel" in page.content()
    assert "known associates" not in page.content()
    session.go(f"{timeline}new/")
    assert page.locator("[name='kind'] option[value='intelligence']").count() == 0

    # Housing is involved now and shares the plan, but not assessments or the timeline.
    _as(session, "housing-worker")
    session.go(plan)
    assert "Make a homelessness application" in page.content()
    assert session.go(f"{assessments}new/").status == 403
    assert session.go(f"{timeline}new/").status == 403
    # Roles with no sight of identities are refused the case entirely, with nothing of it shown.
    for username in ("performance-lead", "evaluator"):
        _as(session, username)
        response = session.go(plan)
        assert response.status in (403, 404)
        assert person.last_name not in page.content()
