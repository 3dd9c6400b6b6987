"""The referral and operational meeting (seed 002 §2): arranging it, its attendees and their
confidentiality statements, the agenda worked out on its date, and circulation of the plans."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from iomhub import clock
from iomhub.access.models import AuditEvent, PersonAccessGrant, Role
from iomhub.cohort import selectors as cohort_selectors
from iomhub.cohort import services as cohort
from iomhub.justice import services as justice
from iomhub.justice.models import Sentence
from iomhub.meetings import services
from iomhub.meetings.agenda import agenda_for
from iomhub.meetings.models import Attendee, CaseSheet, Meeting
from iomhub.referrals.models import Referral
from tests.factories import PersonFactory, TeamFactory
from tests.justice.factories import stored_sentence
from tests.referrals.factories import make_referral

pytestmark = pytest.mark.django_db

START = datetime.date(2026, 1, 5)
D = datetime.date
PACK = {
    "proposed_address": "1 Mill Lane",
    "index_offence": "Burglary",
    "offending_history": "Eight",
    "risk_factors": "Heroin",
    "safeguarding": "None",
}


def _meeting(p, held_on: datetime.date) -> Meeting:
    return Meeting.objects.create(team=p.team, held_on=held_on, location="Northbridge police station", created_by=p.users[Role.COORDINATOR])


def _register(p, person, rag):
    with clock.frozen(START):
        return cohort.registration_open(acting_user=p.users[Role.CHAIR], person=person, referral=None, started_on=START, rag=rag)


def _on_agenda(p, held_on, user=Role.COORDINATOR):
    with clock.frozen(held_on):
        return agenda_for(user=p.users[user], meeting=_meeting(p, held_on))


def test_every_red_case_of_the_team_is_on_every_agenda_and_nobody_elses(partnership):
    p = partnership
    red = _register(p, p.ordinary, "red")
    elsewhere = _register(p, PersonFactory(managing_team=TeamFactory(name="Coastal IOM")), "red")
    PersonAccessGrant.objects.create(person=p.restricted, user=p.users[Role.CHAIR])  # the chair who adopts them is named on them
    hidden = _register(p, p.restricted, "red")  # MAPPA: the coordinator is not named on the person
    for day in (D(2026, 2, 5), D(2026, 3, 5)):
        agenda = _on_agenda(p, day)
        ids = [r.pk for r, _ in agenda.red]
        assert ids == [red.pk]
        assert elsewhere.pk not in ids and hidden.pk not in ids
        assert p.restricted.pk not in agenda.people


def test_an_amber_case_comes_to_the_meeting_on_the_day_its_review_falls_due_not_the_day_before(partnership):
    p = partnership
    amber = _register(p, p.housing_case, "amber")
    due = cohort_selectors.regime_of(amber, START).review.due
    assert due > START
    before = _on_agenda(p, due - datetime.timedelta(days=1))
    on_the_day = _on_agenda(p, due)
    assert amber.pk not in [row.registration.pk for row in before.reviews]
    assert [row.registration.pk for row in on_the_day.reviews] == [amber.pk]
    assert on_the_day.red == []  # amber is not discussed as a red case


def test_submitted_referrals_are_on_the_agenda_and_drafts_are_not(partnership):
    p = partnership
    officer = p.users[Role.POLICE_IOM_OFFICER]
    submitted = make_referral(by=officer, last_name="Submitted")
    make_referral(by=officer, last_name="Drafted", status="draft")
    other_team = make_referral(by=officer, person=PersonFactory(managing_team=TeamFactory(name="Coastal IOM")))
    agenda = _on_agenda(p, D(2026, 2, 5))
    assert [r.pk for r in agenda.referrals] == [submitted.pk]
    assert other_team.pk not in [r.pk for r in agenda.referrals]


def test_the_teams_referral_is_on_the_agenda_however_many_other_teams_have_newer_ones(partnership):
    """A national service: the list of referrals stops at 500, so it must be the team's 500. Before,
    the agenda took the 500 newest in the country and kept the team's among them."""
    p = partnership
    officer = p.users[Role.POLICE_IOM_OFFICER]
    ours = make_referral(by=officer, last_name="Ours")
    theirs = make_referral(by=officer, person=PersonFactory(managing_team=TeamFactory(name="Coastal IOM")))
    newer = []
    for _ in range(500):
        copy = Referral.objects.get(pk=theirs.pk)
        copy.pk = None
        newer.append(copy)
    Referral.objects.bulk_create(newer)
    assert Referral.objects.filter(status="submitted").order_by("-created_at", "-id").first().pk != ours.pk
    assert [r.pk for r in _on_agenda(p, D(2026, 2, 5)).referrals] == [ours.pk]


def test_a_prison_release_joins_the_agenda_12_weeks_before_release_not_the_day_before(partnership):
    p = partnership
    _register(p, p.ordinary, "prison")
    with clock.frozen(D(2026, 3, 2)):
        sentence = justice.sentence_record(
            acting_user=p.users[Role.PROBATION_OFFICER],
            person=p.ordinary,
            months=14,
            sentenced_on=D(2026, 3, 2),
            offence_committed_on=D(2026, 2, 1),
        )
    release = sentence.effective("release_date")
    live_list_from = release - datetime.timedelta(weeks=12)

    def codes(day):
        return {prompt.code for person, prompt in _on_agenda(p, day).prompts if person.pk == p.ordinary.pk}

    assert "live-list" not in codes(live_list_from - datetime.timedelta(days=1))
    assert "live-list" in codes(live_list_from)


def test_warrants_come_to_the_agenda_for_people_on_iom_only(partnership):
    p = partnership
    _register(p, p.ordinary, "amber")
    police = p.users[Role.POLICE_IOM_OFFICER]
    with clock.frozen(D(2026, 2, 2)):
        for person in (p.ordinary, p.housing_case):  # the second is not on IOM
            justice.warrant_record(acting_user=police, person=person, kind="arrest", issued_on=D(2026, 2, 2))
    prompts = [(person.pk, prompt.code) for person, prompt in _on_agenda(p, D(2026, 2, 5)).prompts]
    assert prompts == [(p.ordinary.pk, "warrant")]


def test_a_transfer_in_waits_for_this_teams_meeting(partnership):
    p = partnership
    incoming = PersonFactory(first_name="Ira", last_name="Incoming")
    with clock.frozen(D(2026, 2, 2)):
        transfer = cohort.transfer_propose(
            acting_user=p.users[Role.COORDINATOR], person=incoming, kind="external-in", to_team=p.team, other_area="Kent IOM", pack=PACK
        )
    assert [t.pk for t in _on_agenda(p, D(2026, 2, 5)).transfers_in] == [transfer.pk]


def test_the_agenda_is_audited_as_one_view_naming_everyone_on_it(partnership):
    p = partnership
    red = _register(p, p.ordinary, "red")
    agenda = _on_agenda(p, D(2026, 2, 5))
    event = AuditEvent.objects.filter(action="view", object_type="meeting-agenda").get()
    assert event.actor == p.users[Role.COORDINATOR]
    assert event.object_id == str(agenda.meeting.pk)
    assert event.changes["people"] == [red.person_id]


@pytest.mark.parametrize("role", [Role.POLICE_IOM_OFFICER, Role.PROBATION_OFFICER, Role.PARTNER_WORKER, Role.PERFORMANCE_LEAD])
def test_only_the_coordinator_and_chair_arrange_meetings(partnership, role):
    with pytest.raises(PermissionDenied):
        services.meeting_arrange(
            acting_user=partnership.users[role], team=partnership.team, held_on=clock.today(), location="Room 1", chair=None
        )
    assert not Meeting.objects.exists()
    assert AuditEvent.objects.filter(action="denied", actor=partnership.users[role]).exists()


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"location": ""}, "location", "Enter where the meeting is held"),
        ({"location": "x" * 201}, "location", "200 characters or fewer"),
        ({"held_on": None}, "held_on", "Enter the date of the meeting"),
        ({"held_on": datetime.date(2030, 1, 1)}, "held_on", "within a year of today"),
        ({"kind": "party"}, "kind", "Select the kind of meeting"),
        ({"chair": "police"}, "chair", "is not a chair"),
    ],
)
def test_a_bad_meeting_is_refused_naming_the_field_and_nothing_is_stored(partnership, change, field, message):
    p = partnership
    args = {"team": p.team, "held_on": clock.today(), "location": "Room 1", "chair": p.users[Role.CHAIR]} | change
    if args["chair"] == "police":
        args["chair"] = p.users[Role.POLICE_IOM_OFFICER]
    with pytest.raises(ValidationError) as exc:
        services.meeting_arrange(acting_user=p.users[Role.COORDINATOR], **args)
    assert message in " ".join(exc.value.message_dict[field])
    assert not Meeting.objects.exists()


def test_the_same_meeting_is_not_arranged_twice(partnership):
    p = partnership
    args = {"acting_user": p.users[Role.COORDINATOR], "team": p.team, "held_on": clock.today(), "location": "Room 1", "chair": None}
    services.meeting_arrange(**args)
    with pytest.raises(ValidationError) as exc:
        services.meeting_arrange(**args)
    assert "already has a referral and operational meeting on this date" in exc.value.message_dict["held_on"][0]
    assert Meeting.objects.count() == 1


def test_nobody_attends_without_signing_the_confidentiality_statement(partnership):
    p = partnership
    meeting = _meeting(p, clock.today())
    with pytest.raises(ValidationError) as exc:
        services.attendee_add(
            acting_user=p.users[Role.COORDINATOR], meeting=meeting, name="Sam Lee", organisation="Housing", confidentiality_signed=False
        )
    assert "confidentiality statement" in exc.value.message_dict["confidentiality_signed"][0]
    assert not Attendee.objects.exists()
    services.attendee_add(
        acting_user=p.users[Role.COORDINATOR], meeting=meeting, name="Sam Lee", organisation="Housing", confidentiality_signed=True
    )
    with pytest.raises(ValidationError) as exc:
        services.attendee_add(
            acting_user=p.users[Role.COORDINATOR], meeting=meeting, name="Sam Lee", organisation="Housing", confidentiality_signed=True
        )
    assert "already recorded" in exc.value.message_dict["name"][0]
    assert Attendee.objects.count() == 1


def test_circulation_is_recorded_after_the_meeting_and_a_late_one_is_marked_late(partnership):
    p = partnership
    meeting = _meeting(p, D(2026, 11, 5))  # a Thursday: due by Monday 9 November
    coordinator = p.users[Role.COORDINATOR]
    with clock.frozen(D(2026, 11, 20)):
        with pytest.raises(ValidationError) as exc:
            services.plans_circulated(acting_user=coordinator, meeting=meeting, circulated_on=D(2026, 11, 4))
        assert "on or after 5 November 2026" in exc.value.message_dict["circulated_on"][0]
        with pytest.raises(ValidationError):
            services.plans_circulated(acting_user=coordinator, meeting=meeting, circulated_on=D(2026, 11, 21))
        services.plans_circulated(acting_user=coordinator, meeting=meeting, circulated_on=D(2026, 11, 9))
        services.plans_circulated(acting_user=coordinator, meeting=meeting, circulated_on=D(2026, 11, 10))
    changes = [e.changes for e in AuditEvent.objects.filter(action="change", object_type="meeting").order_by("pk")]
    assert [c["late"] for c in changes] == [False, True]
    assert changes[1]["minutes_circulated_on"] == {"before": "2026-11-09", "after": "2026-11-10"}


def test_the_pages_arrange_a_meeting_record_an_attendee_and_show_the_agenda(client, partnership):
    p = partnership
    red = _register(p, p.ordinary, "red")
    client.force_login(p.users[Role.COORDINATOR])
    today = clock.today()
    response = client.post(
        "/meetings/new/",
        {"team": p.team.pk, "kind": "referral-operational", "held_on_day": "", "held_on_month": "", "held_on_year": "", "location": ""},
    )
    body = response.content.decode()
    assert response.status_code == 200 and "Enter date of the meeting" in body and "Enter where it is held" in body
    assert not Meeting.objects.exists()
    response = client.post(
        "/meetings/new/",
        {
            "team": p.team.pk,
            "kind": "referral-operational",
            "held_on_day": today.day,
            "held_on_month": today.month,
            "held_on_year": today.year,
            "location": "Northbridge police station",
            "chair": p.users[Role.CHAIR].pk,
        },
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/meetings/{meeting.pk}/"
    response = client.post(f"/meetings/{meeting.pk}/attendees/new/", {"name": "Sam Lee", "organisation": "Housing"})
    assert "confidentiality statement" in response.content.decode()
    client.post(f"/meetings/{meeting.pk}/attendees/new/", {"name": "Sam Lee", "organisation": "Housing", "confidentiality_signed": "on"})
    body = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert "Sam Lee, Housing" in body
    assert f'data-person="{red.person_id}"' in body and "Red Alert cases" in body
    client.force_login(p.users[Role.POLICE_IOM_OFFICER])
    assert client.get(f"/meetings/{meeting.pk}/").status_code == 403
    assert client.get("/meetings/").status_code == 403


def _sentence(person, *, years, months=0, sentenced_on=datetime.date(2026, 1, 12), release=datetime.date(2031, 6, 1)):
    return stored_sentence(person, years=years, months=months, sentenced_on=sentenced_on, release=release)


def _mappa(p, person, level, from_date=datetime.date(2026, 1, 20)):
    with clock.frozen(from_date):
        justice.mappa_record(
            acting_user=p.users[Role.COORDINATOR], person=person, level=level, category="2" if level else "", from_date=from_date
        )


def test_deregistration_required_is_on_the_agenda_for_a_long_sentence_or_mappa_level_3_only(partnership):
    """Item 5 reads the justice record alone (the agenda shows no suggested rule): 5 years or more
    being served, or MAPPA level 3 in force, on the meeting's day; never a shorter sentence, one
    already served, MAPPA level 2, or a record dated after the meeting. The oracle is the rules as
    the coordinator's list applies them, with the timeline (``cohort.deregistrations_required``)."""
    p = partnership
    long_ = PersonFactory(last_name="Long", managing_team=p.team)
    short = PersonFactory(last_name="Short", managing_team=p.team)
    served = PersonFactory(last_name="Served", managing_team=p.team)
    level3 = PersonFactory(last_name="Levelthree", managing_team=p.team)
    level2 = PersonFactory(last_name="Leveltwo", managing_team=p.team)
    later = PersonFactory(last_name="Later", managing_team=p.team)
    both = PersonFactory(last_name="Both", managing_team=p.team)
    mixed = PersonFactory(last_name="Mixed", managing_team=p.team)  # 3 years and 30 months: 5 1/2 years
    in_weeks = PersonFactory(last_name="Weeks", managing_team=p.team)
    people = (long_, short, served, level3, level2, later, both, mixed, in_weeks)
    registered = {person.pk: _register(p, person, "amber") for person in people}
    _sentence(long_, years=5)
    _sentence(mixed, years=3, months=30)
    _sentence(in_weeks, years=0, months=0)
    Sentence.objects.filter(person=in_weeks).update(weeks=261)
    _sentence(short, years=4, months=11)
    _sentence(served, years=6, sentenced_on=D(2019, 1, 1), release=D(2026, 1, 31))
    _sentence(both, years=7)
    _mappa(p, level3, 3)
    _mappa(p, level2, 2)
    _mappa(p, later, 3, from_date=D(2026, 2, 20))
    _mappa(p, both, 3)
    day = D(2026, 2, 5)
    agenda = _on_agenda(p, day)
    found = {r.person_id: codes for r, codes in agenda.deregistration_required}
    assert found == {
        long_.pk: ["custodial-sentence-5-years"],
        level3.pk: ["mappa-level-3"],
        both.pk: ["custodial-sentence-5-years", "mappa-level-3"],
        mixed.pk: ["custodial-sentence-5-years"],
        in_weeks.pk: ["custodial-sentence-5-years"],
    }
    with clock.frozen(day):
        oracle = cohort_selectors.deregistrations_required(
            user=p.users[Role.COORDINATOR], registrations=list(registered.values()), as_of=day
        )
    assert found == {r.person_id: codes for r, codes in oracle}
    assert {long_.pk, level3.pk, both.pk} <= agenda.people
    assert later.pk in {r.person_id for r, _ in _on_agenda(p, D(2026, 2, 20)).deregistration_required}


def test_the_reviews_on_the_agenda_are_the_reviews_due_of_the_team_but_the_red_cases(partnership):
    """Item 3 and item 2 come from one reading of the regimes: the oracle is ``cohort.reviews_due``
    over the same registrations, the Red ones left to item 2."""
    p = partnership
    amber = _register(p, p.ordinary, "amber")
    green = _register(p, p.housing_case, "green")
    red = _register(p, PersonFactory(last_name="Redcase", managing_team=p.team), "red")
    day = D(2026, 9, 1)  # past everyone's six months
    agenda = _on_agenda(p, day)
    with clock.frozen(day):
        oracle = cohort_selectors.reviews_due(user=p.users[Role.COORDINATOR], registrations=[amber, green, red], as_of=day)
    assert {row.registration.pk for row in oracle} == {amber.pk, green.pk, red.pk}
    assert [(row.registration.pk, row.due, row.why, row.overdue) for row in agenda.reviews] == [
        (row.registration.pk, row.due, row.why, row.overdue) for row in oracle if row.registration.pk != red.pk
    ]
    assert [r.pk for r, _ in agenda.red] == [red.pk]


def test_a_record_sheet_of_someone_the_reader_may_not_see_is_not_listed_and_one_they_see_is_audited(client, partnership):
    """The record sheets listed are the agenda's cases and the people the meeting's record names,
    through the access policy: a restricted person the coordinator is not named on is neither listed
    nor named in the audit; the chair named on them sees their sheet, audited in the agenda's view."""
    p = partnership
    day = D(2026, 2, 5)
    meeting = _meeting(p, day)
    PersonAccessGrant.objects.create(person=p.restricted, user=p.users[Role.CHAIR])
    CaseSheet.objects.create(meeting=meeting, person=p.restricted, current_situation="Discussed", updated_by=p.users[Role.CHAIR])
    for role, listed in ((Role.COORDINATOR, False), (Role.CHAIR, True)):
        client.force_login(p.users[role])
        with clock.frozen(day):
            page = client.get(f"/meetings/{meeting.pk}/").content.decode()
        assert (f'data-person="{p.restricted.pk}"' in page) is listed
        event = AuditEvent.objects.filter(action="view", object_type="meeting-agenda", actor=p.users[role]).get()
        assert (p.restricted.pk in event.changes["people"]) is listed
        assert AuditEvent.objects.filter(action="listed", object_type="meeting-agenda", person_id=p.restricted.pk).exists() is listed
