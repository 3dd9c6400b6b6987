"""Deregistration (002 §2): required on a custodial sentence of 5 years or more (reconsider 12 months
before release) and on MAPPA level 3; suggested when its evidence holds; removal needs the chair's
approval, reasons, an exit plan naming who keeps supporting the person, and the removal checklist.
The registration ends and is never deleted."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404

from iomhub import clock
from iomhub.access.models import Role
from iomhub.casework.models import PathwayAssessment, PathwayNeed, TimelineEntry
from iomhub.cohort import selectors, services
from iomhub.cohort.models import Deregistration, Registration, RemovalEntry
from iomhub.justice import services as justice_services
from tests.access.support import events_since, last_event_id
from tests.cohort.support import register
from tests.factories import TeamFactory
from tests.justice.factories import stored_sentence

START = datetime.date(2026, 1, 5)
EARLIEST = datetime.date(2026, 7, 5)


@pytest.fixture
def registration(partnership):
    with clock.frozen(START):
        return register(partnership, started_on=START, rag="amber")


def advice(partnership, registration, as_of, role=Role.CHAIR):
    registration = selectors._lifecycle_queryset().get(pk=registration.pk)
    return selectors.deregistration_advice(user=partnership.users[role], registration=registration, as_of=as_of)


def holds(found):
    return {row.code: row.holds for row in found.rows}


def sentence(person, *, years, months=0, sentenced_on=datetime.date(2026, 3, 2), release=datetime.date(2030, 9, 1)):
    return stored_sentence(person, years=years, months=months, sentenced_on=sentenced_on, release=release)


def mappa(partnership, registration, level, from_date=datetime.date(2026, 3, 1)):
    """The person's MAPPA level, recorded on the justice record (the one record of it, ADR 0008)."""
    with clock.frozen(max(from_date, clock.today())):
        return justice_services.mappa_record(
            acting_user=partnership.users[Role.COORDINATOR],
            person=registration.person,
            level=level,
            category="2" if level else "",
            from_date=from_date,
        )


def deregister(partnership, registration, role=Role.CHAIR, **kwargs):
    args = {
        "approved_on": EARLIEST,
        "reasons": "Risk has fallen and no intelligence",
        "exit_plan": "Probation supervision continues; treatment kept up",
        "supported_by": "PO Sam Taylor, probation",
        "meeting": "July meeting",
    }
    args.update(kwargs)
    return services.deregister(acting_user=partnership.users[role], registration=registration, **args)


# ---- the rules and their evidence ---------------------------------------------------------------


def test_a_five_year_sentence_requires_deregistration_and_four_years_eleven_months_does_not(partnership, registration):
    as_of = datetime.date(2026, 3, 10)
    sentence(partnership.ordinary, years=4, months=11)
    assert holds(advice(partnership, registration, as_of))["custodial-sentence-5-years"] is False
    sentence(partnership.ordinary, years=5)
    found = advice(partnership, registration, as_of)
    assert found.required == ["custodial-sentence-5-years"]
    assert found.release_on == datetime.date(2030, 9, 1) and found.reconsider_from == datetime.date(2029, 9, 1)


def test_a_long_sentence_already_served_does_not_count(partnership, registration):
    sentence(partnership.ordinary, years=6, sentenced_on=datetime.date(2019, 1, 1), release=datetime.date(2026, 2, 1))
    assert holds(advice(partnership, registration, datetime.date(2026, 3, 10)))["custodial-sentence-5-years"] is False


def test_justice_evidence_is_shown_only_where_the_justice_section_is_shared(partnership, registration):
    sentence(partnership.housing_case, years=5)
    case = register(partnership, partnership.housing_case, started_on=START, rag="amber")
    found = advice(partnership, case, datetime.date(2026, 3, 10), role="housing-worker")
    row = next(r for r in found.rows if r.code == "custodial-sentence-5-years")
    assert row.holds is None and row.withheld and row.evidence == "Not shared with you"


def test_mappa_level_3_requires_it_and_another_forum_suggests_it(partnership, registration):
    as_of = datetime.date(2026, 3, 10)
    assert holds(advice(partnership, registration, as_of))["mappa-level-3"] is False
    mappa(partnership, registration, 2)
    services.registration_circumstances(
        acting_user=partnership.users[Role.COORDINATOR], registration=registration, other_forum="MAPPA level 2 panel"
    )
    found = advice(partnership, registration, as_of)
    assert found.required == [] and found.suggested == ["managed-elsewhere"]
    assert found.mappa is not None and found.mappa.level == 2
    mappa(partnership, registration, 3, from_date=datetime.date(2026, 3, 5))
    services.registration_circumstances(acting_user=partnership.users[Role.COORDINATOR], registration=registration, other_forum="")
    found = advice(partnership, registration, as_of)
    assert found.required == ["mappa-level-3"] and found.suggested == []
    assert "MAPPA level 3 requires deregistration" in next(r.evidence for r in found.rows if r.code == "mappa-level-3")
    # Before the level-3 record's date, level 2 was in force.
    assert advice(partnership, registration, datetime.date(2026, 3, 4)).required == []


def test_the_mappa_level_is_the_persons_on_the_justice_record_and_hidden_without_that_section(partnership):
    case = register(partnership, partnership.housing_case, started_on=START, rag="amber")
    mappa(partnership, case, 3)
    as_of = datetime.date(2026, 3, 10)
    assert advice(partnership, case, as_of).required == ["mappa-level-3"]  # the chair sees the justice record
    hidden = advice(partnership, case, as_of, role="housing-worker")  # the plan, but not the justice section
    row = next(r for r in hidden.rows if r.code == "mappa-level-3")
    assert row.holds is None and row.withheld and hidden.mappa is None


def test_without_the_case_timeline_the_timeline_suggestions_are_not_known(partnership, registration):
    rows = holds(advice(partnership, registration, datetime.date(2026, 9, 1)))
    for code in ("no-intelligence-3-months", "drug-tests-negative", "good-attendance", "risk-fallen"):
        assert rows[code] is None, code


def entry(partnership, registration, kind, on, outcome="done", drug_result=""):
    """One entry on the person's case timeline, recorded by the police IOM officer."""
    return TimelineEntry.objects.create(
        person=registration.person,
        kind=kind,
        outcome=outcome,
        occurred_on=on,
        drug_result=drug_result,
        recorded_by=partnership.users[Role.POLICE_IOM_OFFICER],
        recorded_by_name="PC Test",
    )


def needs(partnership, registration, on, rags):
    """A needs assessment on ``on``: one rating per pathway (Red 3, Amber 2, Green 1)."""
    made = PathwayAssessment.objects.create(
        person=registration.person, assessed_on=on, assessed_by=partnership.users[Role.PROBATION_OFFICER], assessed_by_name="PO"
    )
    for pathway, rag in zip(("accommodation", "ete", "finance"), rags, strict=False):
        PathwayNeed.objects.create(assessment=made, pathway=pathway, rag=rag)


RECENT_INTELLIGENCE = ("intelligence", datetime.date(2026, 8, 1), "done", "")  # so "no intelligence for 3 months" does not hold


def _visits(attended, failed):
    return [("office-appointment", datetime.date(2026, 2, 1) + datetime.timedelta(days=7 * i), "attended", "") for i in range(attended)] + [
        ("office-appointment", datetime.date(2026, 6, 1) + datetime.timedelta(days=7 * i), "failed-to-attend", "") for i in range(failed)
    ]


def _tests(*results):
    return [("drug-test", datetime.date(2026, 7, 1) + datetime.timedelta(days=7 * i), "done", r) for i, r in enumerate(results)]


# Each case is the person's timeline and needs assessments (002 §2's evidence), read on 2 September 2026.
@pytest.mark.parametrize(
    "entries, assessments, expected",
    [
        ([("intelligence", datetime.date(2026, 6, 2), "done", "")], [], {"no-intelligence-3-months": True}),
        ([("intelligence", datetime.date(2026, 6, 3), "done", "")], [], {"no-intelligence-3-months": False}),
        ([RECENT_INTELLIGENCE, *_tests("negative", "negative", "negative")], [], {"drug-tests-negative": True}),
        ([RECENT_INTELLIGENCE, *_tests("negative", "positive")], [], {"drug-tests-negative": False}),
        ([RECENT_INTELLIGENCE, *_visits(8, 2)], [], {"good-attendance": True}),
        ([RECENT_INTELLIGENCE, *_visits(7, 3)], [], {"good-attendance": False}),
        (
            [RECENT_INTELLIGENCE],
            [(datetime.date(2026, 1, 5), ("red", "red", "amber")), (datetime.date(2026, 7, 1), ("green", "amber", "amber"))],
            {"risk-fallen": True},
        ),
        (
            [RECENT_INTELLIGENCE],
            [(datetime.date(2026, 1, 5), ("green", "amber", "amber")), (datetime.date(2026, 7, 1), ("green", "amber", "amber"))],
            {"risk-fallen": False},
        ),
    ],
    ids=["quiet 3 months", "intelligence 1 day inside", "negative", "a positive", "80%", "70%", "fallen", "not fallen"],
)
def test_each_suggestion_appears_only_when_its_evidence_holds(partnership, registration, entries, assessments, expected):
    for kind, on, outcome, result in entries:
        entry(partnership, registration, kind, on, outcome, result)
    for on, rags in assessments:
        needs(partnership, registration, on, rags)
    found = advice(partnership, registration, datetime.date(2026, 9, 2), role=Role.POLICE_IOM_OFFICER)
    rows = holds(found)
    for code, value in expected.items():
        assert rows[code] is value, code
    assert set(found.suggested) == {c for c, v in expected.items() if v}


def test_the_last_home_visit_comes_from_the_timeline(partnership, registration):
    entry(partnership, registration, "home-visit", datetime.date(2026, 2, 20), "attended")
    regime = selectors.regime_of(selectors._lifecycle_queryset().get(pk=registration.pk), datetime.date(2026, 3, 6))
    assert regime.next_home_visit == datetime.date(2026, 3, 6) and not regime.home_visit_overdue
    assert selectors.regime_of(registration, datetime.date(2026, 3, 7)).home_visit_overdue


# ---- removal ------------------------------------------------------------------------------------


def test_the_chair_removes_the_case_which_ends_and_is_kept_with_its_checklist(partnership, registration):
    with clock.frozen(EARLIEST):
        since = last_event_id()
        record = deregister(partnership, registration)
    registration = Registration.objects.get(pk=registration.pk)
    assert registration.ended_on == EARLIEST and registration.end_reason.startswith("Deregistered")
    assert record.supported_by == "PO Sam Taylor, probation" and record.approved_by == partnership.users[Role.CHAIR]
    assert sorted(e.item for e in record.checklist.all()) == ["offender-notified", "pnc-marker", "police-markers", "social-services"]
    assert all(e.outstanding for e in record.checklist.all())
    [event] = events_since(since, action="change", object_type="registration")
    assert (
        event.changes["ended_on"] == {"before": None, "after": "2026-07-05"} and event.changes["supported_by"] == "PO Sam Taylor, probation"
    )
    with clock.frozen(EARLIEST), pytest.raises(ValidationError):
        deregister(partnership, registration)
    assert Deregistration.objects.count() == 1


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.POLICE_IOM_OFFICER, Role.PROBATION_OFFICER, Role.PARTNER_WORKER])
def test_only_the_chair_removes(partnership, registration, role):
    with clock.frozen(EARLIEST):
        since = last_event_id()
        with pytest.raises((PermissionDenied, Http404)):
            deregister(partnership, registration, role)
    assert Registration.objects.get(pk=registration.pk).ended_on is None
    assert events_since(since, action="denied")


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"reasons": ""}, "reasons"),
        ({"exit_plan": " "}, "exit_plan"),
        ({"supported_by": ""}, "supported_by"),
        ({"approved_on": None}, "approved_on"),
        ({"approved_on": EARLIEST + datetime.timedelta(days=1)}, "approved_on"),
    ],
    ids=["reasons", "exit plan", "who supports", "no date", "future"],
)
def test_removal_needs_reasons_an_exit_plan_and_a_supporter(partnership, registration, kwargs, field):
    with clock.frozen(EARLIEST), pytest.raises(ValidationError) as raised:
        deregister(partnership, registration, **kwargs)
    assert field in raised.value.message_dict
    assert Registration.objects.get(pk=registration.pk).ended_on is None and not RemovalEntry.objects.exists()


def test_not_before_six_months_unless_required_or_exceptional(partnership, registration):
    day_before = EARLIEST - datetime.timedelta(days=1)
    with clock.frozen(day_before):
        with pytest.raises(ValidationError) as raised:
            deregister(partnership, registration, approved_on=day_before)
        assert "six months" in raised.value.message_dict["approved_on"][0]
        record = deregister(partnership, registration, approved_on=day_before, exceptional=True, reasons="Died on 1 July")
    assert record.exceptional


def test_a_required_removal_may_come_before_six_months(partnership, registration):
    sentence(partnership.ordinary, years=6)
    with clock.frozen(datetime.date(2026, 3, 10)):
        record = deregister(partnership, registration, approved_on=datetime.date(2026, 3, 10), reasons="Sentenced to 6 years")
    assert record.required_by == ["custodial-sentence-5-years"] and not record.exceptional


def test_the_removal_checklist_is_recorded_with_date_and_by_whom(partnership, registration):
    with clock.frozen(EARLIEST):
        deregister(partnership, registration)
        with pytest.raises(ValidationError) as raised:
            services.removal_record(
                acting_user=partnership.users[Role.COORDINATOR],
                registration=registration,
                item="offender-notified",
                done_on=None,
                done_by="",
            )
        assert {"done_on", "done_by"} <= set(raised.value.message_dict)
        since = last_event_id()
        entry = services.removal_record(
            acting_user=partnership.users[Role.COORDINATOR],
            registration=registration,
            item="offender-notified",
            done_on=EARLIEST,
            done_by="PC Lee",
        )
        assert events_since(since, action="change", object_type="removal-checklist")
        services.removal_record(
            acting_user=partnership.users[Role.COORDINATOR],
            registration=registration,
            item="social-services",
            done_on=None,
            done_by="",
            not_applicable=True,
        )
        with pytest.raises((PermissionDenied, Http404)):
            services.removal_record(
                acting_user=partnership.users[Role.PROBATION_OFFICER],
                registration=registration,
                item="pnc-marker",
                done_on=EARLIEST,
                done_by="x",
            )
    assert entry.done_by == "PC Lee" and not entry.outstanding
    assert [e.item for e in RemovalEntry.objects.all() if e.outstanding] == ["police-markers", "pnc-marker"]


def test_re_registration_is_reconsidered_twelve_months_before_release(partnership, registration):
    sentence(partnership.ordinary, years=6, release=datetime.date(2029, 3, 1))
    with clock.frozen(datetime.date(2026, 3, 10)):
        deregister(partnership, registration, approved_on=datetime.date(2026, 3, 10), reasons="Sentenced to 6 years")
    coordinator = partnership.users[Role.COORDINATOR]
    assert selectors.reregistration_reminders(user=coordinator, as_of=datetime.date(2028, 2, 29)) == []
    [(found, release)] = selectors.reregistration_reminders(user=coordinator, as_of=datetime.date(2028, 3, 1))
    assert found.pk == registration.pk and release == datetime.date(2029, 3, 1)
    assert selectors.reregistration_reminders(user=coordinator, as_of=datetime.date(2029, 3, 1)) == []
    # The agenda asks for its team's only, in the database.
    elsewhere = Q(person__managing_team=TeamFactory(name="Coastal IOM"))
    assert selectors.reregistration_reminders(user=coordinator, as_of=datetime.date(2028, 3, 1), within=elsewhere) == []
    ours = Q(person__managing_team=partnership.ordinary.managing_team_id) | Q(person__managing_team__isnull=True)
    [(found, _)] = selectors.reregistration_reminders(user=coordinator, as_of=datetime.date(2028, 3, 1), within=ours)
    assert found.pk == registration.pk


def test_the_pages_show_the_rules_and_remove(client, partnership, registration):
    client.force_login(partnership.users[Role.CHAIR])
    with clock.frozen(EARLIEST):
        page = client.get(f"/cohort/registrations/{registration.pk}/").content.decode()
        assert "Deregistration rules" in page and "Not known" in page and "Remove from IOM" in page
        response = client.post(
            f"/cohort/registrations/{registration.pk}/deregister/",
            {
                "approved_on_day": "5",
                "approved_on_month": "7",
                "approved_on_year": "2026",
                "reasons": "",
                "exit_plan": "",
                "supported_by": "",
            },
        )
        assert response.status_code == 200 and "Enter the reasons for removal" in response.content.decode()
        response = client.post(
            f"/cohort/registrations/{registration.pk}/deregister/",
            {
                "approved_on_day": "5",
                "approved_on_month": "7",
                "approved_on_year": "2026",
                "reasons": "Risk fallen",
                "exit_plan": "Probation continue",
                "supported_by": "PO Taylor",
            },
        )
        assert response.status_code == 302
        page = client.get(f"/cohort/registrations/{registration.pk}/").content.decode()
    assert "Removal from IOM" in page and "PO Taylor" in page and "Outstanding" in page
    client.force_login(partnership.users[Role.COORDINATOR])
    assert client.get(f"/cohort/registrations/{registration.pk}/deregister/").status_code == 403


def test_the_coordinators_page_lists_outstanding_removal_actions_and_re_registration_reminders(client, partnership, registration):
    sentence(partnership.ordinary, years=6, release=datetime.date(2027, 1, 1))
    with clock.frozen(datetime.date(2026, 3, 10)):
        deregister(partnership, registration, approved_on=datetime.date(2026, 3, 10), reasons="Sentenced to 6 years")
        client.force_login(partnership.users[Role.COORDINATOR])
        page = client.get("/cohort/").content.decode()
    assert "Removal checklist outstanding" in page and "PNC updated with removal of marker" in page
    assert "release 1 Jan 2027" in page  # within 12 months of release on 10 March 2026
    with pytest.raises(PermissionDenied):
        selectors.outstanding_removals(user=partnership.users[Role.POLICE_IOM_OFFICER])


def test_a_required_deregistration_cannot_be_reviewed_as_retain_and_is_listed(client, partnership, registration):
    as_of = datetime.date(2026, 3, 10)
    with clock.frozen(as_of):
        mappa(partnership, registration, 3)
        with pytest.raises(ValidationError) as raised:
            services.review_record(
                acting_user=partnership.users[Role.COORDINATOR],
                registration=registration,
                reviewed_on=as_of,
                outcome="retain",
                notes="Fine",
            )
        assert "MAPPA level 3" in raised.value.message_dict["outcome"][0]
        services.review_record(
            acting_user=partnership.users[Role.COORDINATOR], registration=registration, reviewed_on=as_of, outcome="drop", notes="MAPPA 3"
        )
        [(found, codes)] = selectors.deregistrations_required(user=partnership.users[Role.COORDINATOR], as_of=as_of)
        assert found.pk == registration.pk and codes == ["mappa-level-3"]
        client.force_login(partnership.users[Role.COORDINATOR])
        assert "Deregistration required" in client.get("/cohort/").content.decode()
    mappa(partnership, registration, 2, from_date=as_of)
    assert selectors.deregistrations_required(user=partnership.users[Role.COORDINATOR], as_of=as_of) == []


def test_the_advice_shows_each_timeline_fact_only_to_readers_of_every_section_it_comes_from(partnership, registration):
    """Issue 9 finding 1: intelligence and drug-test results reached probation, coordinators, chairs
    and partners through the deregistration evidence, though the timeline hid them."""
    from iomhub.casework import services as casework

    police = partnership.users[Role.POLICE_IOM_OFFICER]
    as_of = datetime.date(2026, 9, 2)
    with clock.frozen(datetime.date(2026, 8, 20)):
        casework.timeline_record(
            acting_user=police, person=registration.person, kind="intelligence", occurred_on=datetime.date(2026, 8, 19), summary="Seen"
        )
        casework.timeline_record(
            acting_user=police,
            person=registration.person,
            kind="drug-test",
            outcome="done",
            occurred_on=datetime.date(2026, 8, 18),
            substances_tested=["opiates"],
            drug_result="positive",
            positive_for=["opiates"],
        )
    seen = {r.code: r for r in advice(partnership, registration, as_of, role=Role.POLICE_IOM_OFFICER).rows}
    assert seen["no-intelligence-3-months"].holds is False and "19 Aug 2026" in seen["no-intelligence-3-months"].evidence
    assert seen["drug-tests-negative"].holds is False and "positive" in seen["drug-tests-negative"].evidence
    for role in (Role.PROBATION_OFFICER, Role.SUBSTANCE_MISUSE, Role.COORDINATOR, Role.CHAIR):
        rows = {r.code: r for r in advice(partnership, registration, as_of, role=role).rows}
        assert rows["no-intelligence-3-months"].withheld and "Aug" not in rows["no-intelligence-3-months"].evidence, role
        assert rows["drug-tests-negative"].holds is False, role  # the core team sees health and the timeline
    # The registration page says the same, and no date of the intelligence note appears on it.
    from django.test import Client

    client = Client()
    client.force_login(partnership.users[Role.PROBATION_OFFICER])
    with clock.frozen(as_of):
        page = client.get(f"/cohort/registrations/{registration.pk}/").content.decode()
    assert "19 Aug 2026" not in page and "19 August 2026" not in page
    assert "Not shared" in page
