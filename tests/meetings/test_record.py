"""The meeting run inside IOM Hub (issue 18 §1; 002 §2; ADR 0020): the record sheet, decisions taken
with the chair and linked to the meeting, actions allocated and carried over, written updates,
closing with each attendee's pack holding only what their agency may see."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from iomhub import clock
from iomhub.access.models import AuditEvent, Role
from iomhub.casework.models import PlanAction
from iomhub.cohort import services as cohort
from iomhub.cohort.models import Registration
from iomhub.meetings import actions, decisions, services, sheets
from iomhub.meetings.closing import meeting_close
from iomhub.meetings.models import MeetingDecision
from iomhub.meetings.pack import meetings_of, pack_for
from iomhub.notifications import providers
from iomhub.notifications.models import Notification
from iomhub.referrals import services as referral_services
from tests.referrals.factories import make_referral

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


@pytest.fixture
def run(partnership, django_capture_on_commit_callbacks):
    p = partnership
    coordinator, chair = p.users[Role.COORDINATOR], p.users[Role.CHAIR]
    today = clock.today()
    meeting = services.meeting_arrange(acting_user=coordinator, team=p.team, held_on=today, location="Northbridge", chair=chair)
    for user in (chair, p.users["housing-worker"], coordinator):
        services.attendee_add(acting_user=coordinator, meeting=meeting, name="", organisation="", confidentiality_signed=True, user=user)
    return p, meeting, coordinator, chair


def _register(p, person, days_ago=240, rag="amber"):
    return cohort.registration_open(
        acting_user=p.users[Role.CHAIR], person=person, referral=None, started_on=clock.today() - days_ago * DAY, rag=rag
    )


def test_the_coordinator_records_the_chairs_adoption_on_the_meetings_own_date(run):
    p, meeting, coordinator, chair = run
    referral = make_referral(by=p.users[Role.POLICE_IOM_OFFICER], last_name="Newcomer", proposed_rag="amber")
    made = decisions.referral_decide(
        acting_user=coordinator,
        meeting=meeting,
        referral=referral,
        outcome="adopt",
        reasons="Meets the criteria",
        adoption=referral_services.Adoption(rag="red", confirm_new_person=True),
    )
    registration = Registration.objects.get(person=made.person)
    assert (registration.rag, registration.started_on) == ("red", meeting.held_on)
    assert made.referral_decision.chair == chair and made.referral_decision.meeting_date == meeting.held_on
    assert made.kind == "adopt" and made.meeting == meeting and "Red" in made.summary
    event = AuditEvent.objects.filter(object_type="referral-decision").latest("id")
    assert event.actor == coordinator and event.changes["chair"] == chair.pk


def test_the_chairs_decisions_need_the_chair_at_the_meeting_and_the_meetings_day(partnership):
    p = partnership
    coordinator = p.users[Role.COORDINATOR]
    registration = _register(p, p.ordinary)
    ahead = services.meeting_arrange(
        acting_user=coordinator, team=p.team, held_on=clock.today() + 7 * DAY, location="X", chair=p.users[Role.CHAIR]
    )
    with pytest.raises(ValidationError, match="record is kept from that day"):
        decisions.rag_change(acting_user=coordinator, meeting=ahead, registration=registration, level="red", reason="Arrested")
    today = services.meeting_arrange(acting_user=coordinator, team=p.team, held_on=clock.today(), location="X", chair=p.users[Role.CHAIR])
    with pytest.raises(ValidationError, match="Record the chair"):
        decisions.rag_change(acting_user=coordinator, meeting=today, registration=registration, level="red", reason="Arrested")
    assert registration.rag_history.count() == 1


def test_rag_change_review_and_deregistration_are_linked_to_the_meeting(run):
    p, meeting, coordinator, chair = run
    red = _register(p, p.ordinary)
    leaving = _register(p, p.housing_case)
    change = decisions.rag_change(acting_user=coordinator, meeting=meeting, registration=red, level="red", reason="Arrested for burglary")
    assert change.rag_change.changed_on == meeting.held_on and str(meeting) in change.rag_change.meeting
    gone = decisions.deregister(
        acting_user=coordinator,
        meeting=meeting,
        registration=leaving,
        reasons="Risk fallen",
        exit_plan="Probation",
        supported_by="PO Taylor",
    )
    assert gone.deregistration.approved_by == chair and gone.deregistration.approved_on == meeting.held_on
    leaving.refresh_from_db()
    assert leaving.ended_on == meeting.held_on
    assert [d.kind for d in MeetingDecision.objects.filter(meeting=meeting)] == ["rag", "deregister"]


def test_open_actions_from_the_previous_meeting_must_be_dealt_with_before_closing(partnership, django_capture_on_commit_callbacks):
    p = partnership
    coordinator, chair, officer = p.users[Role.COORDINATOR], p.users[Role.CHAIR], p.users[Role.PROBATION_OFFICER]
    today = clock.today()
    before = services.meeting_arrange(acting_user=coordinator, team=p.team, held_on=today - 28 * DAY, location="X", chair=chair)
    services.attendee_add(acting_user=coordinator, meeting=before, name="", organisation="", confidentiality_signed=True, user=chair)
    allocated = actions.action_allocate(
        acting_user=coordinator,
        meeting=before,
        person=p.ordinary,
        description="Book a housing assessment",
        agency=p.probation,
        owner=officer,
        owner_name="",
        due_on=today + 3 * DAY,
    )
    meeting_close(acting_user=coordinator, meeting=before)
    now = services.meeting_arrange(acting_user=coordinator, team=p.team, held_on=today, location="X", chair=chair)
    services.attendee_add(acting_user=coordinator, meeting=now, name="", organisation="", confidentiality_signed=True, user=chair)
    with pytest.raises(ValidationError) as refused:
        meeting_close(acting_user=coordinator, meeting=now)
    assert "Book a housing assessment" in str(refused.value.message_dict["actions"])
    action = PlanAction.objects.get(pk=allocated.action_id)
    assert action.owner == officer
    actions.action_review(
        acting_user=coordinator,
        meeting=now,
        action=action,
        outcome="carried-over",
        note="Waiting list",
        version=action.version,
        due_on=today + 30 * DAY,
    )
    action.refresh_from_db()
    assert (action.status, action.due_on) == ("carried-over", today + 30 * DAY)
    closed = meeting_close(acting_user=coordinator, meeting=now)
    assert closed.meeting.minutes_circulated_on == today


def test_a_written_update_shows_and_a_late_one_is_marked(run):
    p, meeting, _coordinator, _chair = run
    officer = p.users[Role.PROBATION_OFFICER]
    update = sheets.written_update_submit(acting_user=officer, meeting=meeting, person=p.ordinary, text="Attending all appointments")
    assert update.late is True  # the meeting is today: the update was due the working day before
    with pytest.raises(ValidationError, match="already sent"):
        sheets.written_update_submit(acting_user=officer, meeting=meeting, person=p.ordinary, text="Again")


def test_each_attendees_pack_holds_only_what_their_agency_may_see(run, django_capture_on_commit_callbacks, request):
    p, meeting, coordinator, chair = run
    housing = p.users["housing-worker"]
    for person in (p.ordinary, p.housing_case):
        sheets.sheet_save(
            acting_user=coordinator,
            meeting=meeting,
            person=person,
            version=None,
            values={
                "current_situation": f"SITUATION-{person.pk}",
                "risk_factors": f"RISKMARK-{person.pk}",
                "interventions": "INTERVENTION",
            },
        )
    for user in (housing, chair, coordinator):
        user.email = f"{user.username}@example.org"
        user.save()
    fake = providers.FakeProvider()
    providers.use(fake)
    request.addfinalizer(lambda: providers.use(None))
    sheets.written_update_submit(acting_user=p.users[Role.PROBATION_OFFICER], meeting=meeting, person=p.housing_case, text="UPDATEMARK")
    with django_capture_on_commit_callbacks(execute=True):
        closed = meeting_close(acting_user=coordinator, meeting=meeting)
    assert sorted(n.recipient_id for n in closed.queued) == sorted([chair.pk, housing.pk, coordinator.pk])
    note = Notification.objects.get(recipient=housing)
    assert note.status == "sent" and p.housing_case.last_name not in note.body and note.attachment == f"/meetings/{meeting.pk}/pack/"
    assert sorted(m["to"] for m in fake.sent) == sorted(f"{u.username}@example.org" for u in (housing, chair, coordinator))

    theirs = pack_for(user=housing, meeting=closed.meeting)
    assert [c.person for c in theirs.cases] == [p.housing_case]  # housing is not involved with Jordan Example
    case = theirs.cases[0]
    assert case.sheet == {"current_situation": f"SITUATION-{p.housing_case.pk}", "interventions": "INTERVENTION"}
    assert case.updates is None  # the timeline is not in housing's agreement

    ours = pack_for(user=coordinator, meeting=closed.meeting)
    mine = {c.person.pk: c for c in ours.cases}
    assert set(mine) == {p.ordinary.pk, p.housing_case.pk}
    assert mine[p.housing_case.pk].sheet["risk_factors"] == f"RISKMARK-{p.housing_case.pk}"
    assert [u.text for u in mine[p.housing_case.pk].updates] == ["UPDATEMARK"]


def test_the_person_page_meetings_are_as_protected_as_the_person(run):
    p, meeting, coordinator, _chair = run
    sheets.sheet_save(acting_user=coordinator, meeting=meeting, person=p.ordinary, version=None, values={"current_situation": "Stable"})
    assert meetings_of(user=coordinator, person=p.ordinary) == [meeting]
    assert meetings_of(user=p.users["housing-worker"], person=p.ordinary) == []
    assert meetings_of(user=p.users[Role.PERFORMANCE_LEAD], person=p.ordinary) == []


def test_a_stale_record_sheet_is_refused(run):
    p, meeting, coordinator, chair = run
    first = sheets.sheet_save(acting_user=coordinator, meeting=meeting, person=p.ordinary, version=None, values={"current_situation": "A"})
    sheets.sheet_save(acting_user=coordinator, meeting=meeting, person=p.ordinary, version=first.version, values={"current_situation": "B"})
    with pytest.raises(sheets.StaleSheet):
        sheets.sheet_save(acting_user=chair, meeting=meeting, person=p.ordinary, version=first.version, values={"current_situation": "C"})


def test_the_person_page_lists_the_meetings_and_offers_the_written_update(run, client):
    p, meeting, coordinator, _chair = run
    sheets.sheet_save(acting_user=coordinator, meeting=meeting, person=p.housing_case, version=None, values={"current_situation": "Stable"})
    client.force_login(p.users["housing-worker"])
    page = client.get(f"/people/{p.housing_case.pk}/").content.decode()
    assert f"{meeting.held_on:%-d %B %Y}" in page and "Discussed at the referral and operational meeting" in page
    client.force_login(p.users[Role.PROBATION_OFFICER])
    page = client.get(f"/people/{p.ordinary.pk}/").content.decode()
    assert f"/meetings/{meeting.pk}/written-updates/{p.ordinary.pk}/" in page and "Discussed at" not in page


def test_a_transfer_in_is_decided_by_the_chair_at_the_receiving_meeting(run):
    from iomhub.casework.models import AgencyInvolvement
    from tests.factories import PersonFactory, TeamFactory

    p, meeting, coordinator, chair = run
    sending = TeamFactory(name="Sending IOM team")
    mover = PersonFactory(first_name="Morgan", last_name="Mover", managing_team=sending)
    for org in (p.police, p.probation):
        AgencyInvolvement.objects.create(person=mover, organisation=org)
    _register(p, mover)
    pack = {
        "proposed_address": "1 Mill Lane",
        "index_offence": "Burglary",
        "offending_history": "Many",
        "risk_factors": "Drugs",
        "safeguarding": "None",
    }
    transfer = cohort.transfer_propose(acting_user=chair, person=mover, kind="internal", to_team=p.team, pack=pack)
    with pytest.raises(ValidationError, match="home visit"):
        decisions.transfer_decide(acting_user=coordinator, meeting=meeting, transfer=transfer, accepted=True, notes="")
    cohort.transfer_step(
        acting_user=coordinator,
        transfer=transfer,
        step="home-visit",
        data={"visited_on": clock.today(), "police_officer": "PC Lee", "probation_officer": "PO Taylor", "address_suitable": True},
    )
    cohort.transfer_step(acting_user=coordinator, transfer=transfer, step="spoc", data={"spoc_name": "DC Khan", "spoc_contact": "01234"})
    made = decisions.transfer_decide(acting_user=coordinator, meeting=meeting, transfer=transfer, accepted=True, notes="")
    made.transfer.refresh_from_db()
    assert (made.kind, made.transfer.status, made.transfer.decided_on) == ("transfer", "accepted", meeting.held_on)
    assert made.transfer.decided_by_name == (chair.get_full_name() or chair.username)
