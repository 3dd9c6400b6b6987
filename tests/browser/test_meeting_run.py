"""A whole referral and operational meeting run in the browser (issue 18 §1; 002 §2; ADR 0020).

Before it: the previous meeting left an action open, and the probation officer, who cannot attend,
sends a written update. At it, the coordinator records the attendees (each signing), reads the
written update on the record sheet, records the chair's adoption of a referral with its initial
RAG, a RAG change, a deregistration and an action for a named worker, carries over the open action
and closes the meeting. The minutes PDF is rendered to images and its text read back; the named
worker finds the action on their caseload; the housing attendee's copy holds only what housing's
agreement shares (no risk factors, no written updates, no case housing is not involved in).
Every page is axe-clean on desktop and at 375 px."""

from __future__ import annotations

import datetime

import pypdfium2 as pdfium
import pytest

from iomhub import clock
from iomhub.access.models import Role
from iomhub.casework.models import AgencyInvolvement, PlanAction
from iomhub.cohort import services as cohort
from iomhub.cohort.models import Registration
from iomhub.meetings import actions, services
from iomhub.meetings.closing import meeting_close
from iomhub.notifications import providers
from iomhub.notifications.models import Notification
from tests.factories import PASSWORD, PersonFactory
from tests.referrals.factories import make_referral

pytestmark = pytest.mark.django_db(transaction=True)
DAY = datetime.timedelta(days=1)
WIDEST = """() => [...document.querySelectorAll('body *')].filter(e => e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX === 'visible')
  .slice(-6).map(e => e.tagName + '.' + e.className + ' ' + e.scrollWidth + '/' + e.clientWidth)"""


def _date(page, prefix: str, day: datetime.date) -> None:
    page.fill(f"[name='{prefix}_day']", str(day.day))
    page.fill(f"[name='{prefix}_month']", str(day.month))
    page.fill(f"[name='{prefix}_year']", str(day.year))


def _both_widths(session, label: str) -> None:
    session.assert_accessible(label)
    session.page.set_viewport_size({"width": 375, "height": 900})
    session.assert_accessible(f"{label} at 375 px")
    width = session.page.evaluate("document.documentElement.scrollWidth")
    wide = session.page.evaluate(WIDEST) if width > 375 else []
    assert width <= 375, f"{label} scrolls sideways at 375 px ({width} px): {wide}"
    session.page.set_viewport_size({"width": 1280, "height": 900})


@pytest.fixture
def fake_provider():
    fake = providers.FakeProvider()
    providers.use(fake)
    yield fake
    providers.use(None)


def _before_the_meeting(p, today):
    coordinator, chair = p.users[Role.COORDINATOR], p.users[Role.CHAIR]
    for user in p.users.values():
        user.email = f"{user.username}@example.org"
        user.save()
    leaving = PersonFactory(first_name="Dana", last_name="Leaving", managing_team=p.team)
    for org in (p.police, p.probation):
        AgencyInvolvement.objects.create(person=leaving, organisation=org)
    for person in (p.ordinary, p.housing_case, leaving):
        cohort.registration_open(acting_user=chair, person=person, referral=None, started_on=today - 240 * DAY, rag="amber")
    previous = services.meeting_arrange(acting_user=coordinator, team=p.team, held_on=today - 28 * DAY, location="Northbridge", chair=chair)
    services.attendee_add(acting_user=coordinator, meeting=previous, name="", organisation="", confidentiality_signed=True, user=chair)
    carried = actions.action_allocate(
        acting_user=coordinator,
        meeting=previous,
        person=p.ordinary,
        description="Check in with the housing officer",
        agency=p.police,
        owner=p.users[Role.POLICE_IOM_OFFICER],
        owner_name="",
        due_on=today + 2 * DAY,
    ).action
    meeting_close(acting_user=coordinator, meeting=previous)
    referral = make_referral(by=p.users[Role.POLICE_IOM_OFFICER], last_name="Newcomer", first_name="Riley", proposed_rag="amber")
    meeting = services.meeting_arrange(
        acting_user=coordinator, team=p.team, held_on=today, location="Northbridge police station", chair=chair
    )
    return meeting, referral, carried, leaving


def test_a_whole_meeting_is_run_closed_and_circulated(session, partnership, fake_provider):
    p, page, today = partnership, session.page, clock.today()
    meeting, referral, carried, leaving = _before_the_meeting(p, today)
    probation, housing = p.users[Role.PROBATION_OFFICER], p.users["housing-worker"]

    # The probation officer cannot attend: a written update for the chair.
    session.sign_in("probation-officer", PASSWORD)
    session.go(f"/meetings/{meeting.pk}/written-updates/{p.ordinary.pk}/")
    session.follow("button:has-text('Save')")
    assert "Enter your written update" in page.locator(".govuk-error-summary").inner_text()
    session.assert_accessible("written update, errors")
    page.fill("[name='text']", "UPDATEMARK attended every appointment this month")
    session.follow("button:has-text('Save')")
    page.context.clear_cookies()

    session.sign_in("iom-coordinator", PASSWORD)
    session.go(f"/meetings/{meeting.pk}/")
    assert "No written update" in page.locator("#missing-list").inner_text()  # the action's owner, not attending
    for user in (p.users[Role.CHAIR], housing, p.users[Role.COORDINATOR]):
        session.follow("a:has-text('Record an attendee')")
        page.select_option("[name='user']", value=str(user.pk))
        if user == housing:  # the statement is signed or nobody is recorded
            session.follow("button:has-text('Save')")
            assert "confidentiality statement" in page.locator(".govuk-error-summary").inner_text()
            page.select_option("[name='user']", value=str(user.pk))
        page.check("[name='confidentiality_signed']")
        session.follow("button:has-text('Save')")
    assert "Test Housing" in page.locator("#attendee-list").inner_text()
    _both_widths(session, "agenda")

    # The referral: the chair's adoption, with the proposed initial RAG preselected and changed to Red.
    session.follow(f"#agenda-referrals [data-referral='{referral.pk}'] a:has-text('Record the decision')")
    assert page.locator("[name='rag'][value='amber']").is_checked()
    page.check("[name='outcome'][value='adopt']")
    page.check("[name='rag'][value='red']")
    page.fill("[name='reasons']", "Burglary pattern; agreed by the group")
    page.check("[name='confirm_new_person']")
    session.follow("button:has-text('Save')")
    adopted = Registration.objects.get(referral=referral)
    assert (adopted.rag, adopted.started_on) == ("red", today)
    assert "Adopted onto IOM" in page.locator("#sheet-decisions").inner_text()
    assert page.locator("#sheet-rag [data-rag='red']").count() == 1

    # Jordan Example's record sheet: the written update shows; the sheet, a RAG change, a new action
    # for a named worker, and the previous meeting's action carried over.
    session.go(f"/meetings/{meeting.pk}/people/{p.ordinary.pk}/")
    assert "UPDATEMARK" in page.locator("main").inner_text()
    _both_widths(session, "record sheet")
    session.follow("a:has-text('Update the record sheet')")
    page.fill("[name='current_situation']", "SITUATIONMARK living with his sister")
    page.fill("[name='risk_factors']", "RISKMARK associates from the burglary")
    page.fill("[name='interventions']", "Drug treatment weekly")
    session.follow("button:has-text('Save')")
    session.follow("a:has-text('Change the RAG level')")
    page.check("[name='level'][value='red']")
    page.fill("[name='reason']", "Arrested on suspicion of burglary")
    session.follow("button:has-text('Save')")
    assert page.locator("#sheet-rag [data-rag='red']").count() == 1
    session.follow("a:has-text('Allocate an action')")
    session.follow("button:has-text('Save')")
    assert "Enter" in page.locator(".govuk-error-summary").inner_text()
    session.assert_accessible("allocate an action, errors")
    page.fill("[name='description']", "Refer to the accommodation panel")
    page.select_option("[name='agency']", value=str(p.probation.pk))
    page.select_option("[name='owner']", value=str(probation.pk))
    _date(page, "due_on", today + 14 * DAY)
    session.follow("button:has-text('Save')")
    new_action = PlanAction.objects.get(description="Refer to the accommodation panel")
    assert (new_action.owner, new_action.agency, new_action.due_on) == (probation, p.probation, today + 14 * DAY)
    session.follow(f"#sheet-actions [data-action='{carried.pk}'] a")
    page.check("[name='outcome'][value='carried-over']")
    page.fill("[name='note']", "Housing officer on leave")
    _date(page, "due_on", today + 21 * DAY)
    session.follow("button:has-text('Save')")
    assert "Carried over" in page.locator("#sheet-recorded-actions").inner_text()

    # Casey Sample (housing is involved): the sheet. Dana Leaving: deregistered with the chair.
    session.go(f"/meetings/{meeting.pk}/people/{p.housing_case.pk}/")
    session.follow("a:has-text('Update the record sheet')")
    page.fill("[name='current_situation']", "HOUSINGSITUATION settled in a tenancy")
    page.fill("[name='risk_factors']", "HOUSINGRISK none current")
    session.follow("button:has-text('Save')")
    session.go(f"/meetings/{meeting.pk}/people/{leaving.pk}/")
    session.follow("a:has-text('Deregister')")
    session.follow("button:has-text('Save')")
    assert "Enter exit plan" in page.locator(".govuk-error-summary").inner_text()
    session.assert_accessible("deregister, errors")
    page.fill("[name='reasons']", "No offending for a year; risk has fallen")
    page.fill("[name='exit_plan']", "Probation continue supervision")
    page.fill("[name='supported_by']", "PO Sam Taylor")
    session.follow("button:has-text('Save')")
    assert "Deregistered" in page.locator("#sheet-decisions").inner_text()
    assert Registration.objects.get(person=leaving).ended_on == today

    # Close: each attendee's copy is queued and sent; the circulation is the close's day.
    session.go(f"/meetings/{meeting.pk}/close/")
    _both_widths(session, "close the meeting")
    session.follow("button:has-text('Close the meeting')")
    assert "queued to 3 attendees" in page.locator(".govuk-notification-banner").inner_text()
    sent = Notification.objects.filter(attachment=f"/meetings/{meeting.pk}/pack/")
    assert sorted(n.recipient_id for n in sent) == sorted([p.users[Role.CHAIR].pk, housing.pk, p.users[Role.COORDINATOR].pk])
    assert {n.status for n in sent} == {"sent"} and len(fake_provider.sent) >= 3
    assert f"On {today:%-d %B %Y}" in page.locator("#circulation").inner_text()

    # The minutes as PDF, rendered to images and read back.
    session.follow("#meeting-closed a:has-text('Read the minutes')")
    _both_widths(session, "minutes")
    response = page.request.get(f"{session.base}/meetings/{meeting.pk}/pack/?format=pdf")
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    document = pdfium.PdfDocument(response.body())
    images = [document[i].render(scale=1).to_pil() for i in range(len(document))]
    assert images and all(im.size[0] > 500 and im.getextrema() != ((255, 255), (255, 255), (255, 255)) for im in images)
    text = "\n".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
    for expected in (
        "Minutes and updated plans",
        "SITUATIONMARK",
        "RISKMARK",
        "UPDATEMARK",
        "RAG level changed to Red",
        "Deregistered",
        "Refer to the accommodation panel",
        "Carried over",
        "NEWCOMER",
    ):
        assert expected in text, expected
    page.context.clear_cookies()

    # The named worker finds the action on their caseload.
    session.sign_in("probation-officer", PASSWORD)
    session.go("/caseload/")
    assert page.locator(f"[data-action='{new_action.pk}']").count() == 1
    page.context.clear_cookies()

    # The housing attendee's copy: only the case housing is involved in, without the sections
    # housing's agreement does not share (assessments: risk factors; timeline: written updates).
    session.sign_in("housing-worker", PASSWORD)
    session.go(f"/meetings/{meeting.pk}/pack/")
    copy = page.locator("main").inner_text()
    assert "HOUSINGSITUATION" in copy and p.housing_case.last_name.upper() in copy
    for absent in ("HOUSINGRISK", "RISKMARK", "UPDATEMARK", "SITUATIONMARK", p.ordinary.last_name.upper(), "NEWCOMER", "LEAVING"):
        assert absent not in copy, absent
    _both_widths(session, "the housing attendee's minutes")
    response = page.request.get(f"{session.base}/meetings/{meeting.pk}/pack/?format=pdf")
    pdf_text = "\n".join(pg.get_textpage().get_text_range() for pg in pdfium.PdfDocument(response.body()))
    assert "HOUSINGSITUATION" in pdf_text and "HOUSINGRISK" not in pdf_text and "UPDATEMARK" not in pdf_text
