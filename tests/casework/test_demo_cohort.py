"""The demo IOM cohort (``iomhub.demo_cohort``): a realistic, reproducible cohort with cases an IOM
team can work, checked against the rules from the raw rows rather than through the dashboard's
own code."""

from __future__ import annotations

import datetime
import itertools
from collections import defaultdict

import pytest
from django.db import transaction
from django.db.models import Q

from iomhub import clock
from iomhub.access.models import Role, User
from iomhub.casework.dashboard import caseload
from iomhub.casework.models import OPEN_STATUSES, CaseRecord, EntryKind, EntryOutcome, PathwayAssessment, PlanAction, TimelineEntry
from iomhub.casework.selectors import lead_worker_problems
from iomhub.cohort.models import RagChange, Registration
from iomhub.cohort.selectors import candidate_list
from iomhub.demo import load_demo
from iomhub.justice.models import Sentence
from iomhub.referrals.models import Referral
from iomhub.rules import regime

TODAY = datetime.date(2026, 11, 20)
PEOPLE = 300

pytestmark = pytest.mark.django_db


def load() -> None:
    with clock.frozen(TODAY):
        load_demo(people=PEOPLE)


def snapshot() -> dict[str, list[tuple[object, ...]]]:
    """The cohort by people's PNC IDs and users' names (never primary keys, which differ by run)."""
    return {
        "registrations": sorted(
            Registration.objects.values_list("person__pnc_id", "started_on", "ended_on", "rag", "ppo", "transferred_in_on")
        ),
        "leads": sorted(CaseRecord.objects.values_list("person__pnc_id", "lead_worker__username", "safeguarding")),
        "timeline": sorted(TimelineEntry.objects.values_list("person__pnc_id", "kind", "outcome", "occurred_on")),
        "actions": sorted(PlanAction.objects.values_list("person__pnc_id", "description", "status", "due_on", "owner__username")),
        "referrals": sorted(Referral.objects.values_list("person__pnc_id", "status", "referral_date")),
    }


def test_the_same_seed_and_day_give_the_same_cohort():
    with transaction.atomic():
        load()
        first = snapshot()
        transaction.set_rollback(True)
    assert not Registration.objects.exists()
    load()
    assert snapshot() == first
    assert len(first["registrations"]) > 15 and first["timeline"] and first["actions"] and first["referrals"]


def test_a_realistic_cohort_with_past_registrations_and_the_rag_mix():
    load()
    current = Registration.objects.filter(ended_on__isnull=True)
    assert current.count() == 15  # 5% of 300
    levels = set(current.values_list("rag", flat=True))
    assert {"red", "amber", "green"} <= levels
    for registration in current.prefetch_related("rag_history"):
        history = list(registration.rag_history.all())
        assert history and history[-1].level == registration.rag
        assert all(registration.started_on <= c.changed_on <= TODAY for c in history)
        assert registration.checklist.count() == 5
    ended = Registration.objects.filter(ended_on__isnull=False)
    assert ended.exists() and all(r.deregistration.exit_plan and r.deregistration.reasons for r in ended)
    # Someone left and came back: the earlier registration ended before the new one started.
    again = [r for r in current if r.person.registrations.filter(ended_on__isnull=False).exists()]
    assert again and all(r.person.registrations.filter(ended_on__gte=r.started_on).count() == 0 for r in again)
    # Prison: exactly the people serving a sentence today.
    for registration in current.filter(rag="prison"):
        assert any(
            s.sentenced_on <= TODAY < (s.effective("release_date") or TODAY) for s in Sentence.objects.filter(person=registration.person)
        )
    # First-to-latest change shows: most people have two assessments or more.
    assessed = defaultdict(int)
    for pid in PathwayAssessment.objects.values_list("person_id", flat=True):
        assessed[pid] += 1
    assert sum(1 for n in assessed.values() if n >= 2) >= current.count() // 2
    assert set(Referral.objects.values_list("status", flat=True)) >= {"adopted", "submitted", "draft"}
    assert all(r.registration is not None for r in Referral.objects.filter(status="adopted"))


def test_nobody_is_registered_twice_at_once_and_every_case_has_one_lead_who_fits_the_rule():
    load()
    current = Registration.objects.filter(ended_on__isnull=True)
    people = list(current.values_list("person_id", flat=True))
    assert len(people) == len(set(people))
    for person in {r.person for r in Registration.objects.select_related("person")}:
        spans = sorted((r.started_on, r.ended_on or datetime.date.max) for r in person.registrations.all())
        assert all(a[1] < b[0] for a, b in itertools.pairwise(spans)), f"overlapping registrations for {person.pk}"
    records = {r.person_id: r for r in CaseRecord.objects.filter(person_id__in=people).select_related("lead_worker")}
    assert set(records) == set(people)
    assert all(r.lead_worker is not None and r.coordinator_id is not None for r in records.values())
    coordinator = User.objects.get(username="coordinator")
    assert lead_worker_problems(coordinator, TODAY) == []
    # Independently: on licence or supervision today (from the sentence rows) means a probation officer.
    on_licence = 0
    for pid, record in records.items():
        supervised = any(
            (s.effective("release_date") or datetime.date.max) <= TODAY
            and any(d is not None and d > TODAY for d in (s.effective("expiry_date"), s.effective("tused")))
            for s in Sentence.objects.filter(person_id=pid)
        )
        if supervised:
            assert record.lead_worker.has_role(Role.PROBATION_OFFICER)
            on_licence += 1
    assert on_licence >= 2, "the demo cohort has people on licence or supervision"
    # Completeness is a measure: most cases complete, not all.
    complete = [r.safeguarding_complete for r in records.values()]
    assert 0.5 * len(complete) <= sum(complete) <= len(complete)


def expected_overdue_visits(user: User) -> set[int]:
    """Registrations the user leads whose home visit is overdue under the regime (002 appendix 1),
    from the RAG history and the timeline rows."""
    found = set()
    for registration in Registration.objects.filter(ended_on__isnull=True, person__case_record__lead_worker=user):
        since = max(c.changed_on for c in RagChange.objects.filter(registration=registration, changed_on__lte=TODAY))
        visits = TimelineEntry.objects.filter(
            person=registration.person,
            kind__in=[EntryKind.HOME_VISIT, EntryKind.JOINT_VISIT],
            outcome=EntryOutcome.ATTENDED,
            occurred_on__lte=TODAY,
        ).values_list("occurred_on", flat=True)
        level = regime.effective_rag(assessed_rag=registration.rag, transferred_in_on=registration.transferred_in_on, today=TODAY)
        if regime.home_visit_overdue(rag=level, rag_since=since, last_home_visit=max(visits, default=None), today=TODAY):
            found.add(registration.pk)
    return found


def test_the_probation_officers_caseload_shows_the_overdue_visits_and_actions_the_regime_implies():
    load()
    for username in ("probation.officer", "police.officer", "substance.worker"):
        officer = User.objects.get(username=username)
        shown = caseload(user=officer, as_of=TODAY)
        assert shown.cases, f"{username} leads no cases"
        expected = expected_overdue_visits(officer)
        assert expected, f"{username} has no overdue visit to act on"
        assert {c.registration.pk for c in shown.visits_overdue} == expected
        overdue = set(PlanAction.objects.filter(owner=officer, status__in=OPEN_STATUSES, due_on__lt=TODAY).values_list("pk", flat=True))
        assert overdue and {a.pk for a in shown.overdue_actions} == overdue
    for username in ("housing.worker", "dwp.worker"):
        assert caseload(user=User.objects.get(username=username), as_of=TODAY).overdue_actions, username
    coordinator = User.objects.get(username="coordinator")
    team = caseload(user=coordinator, as_of=TODAY)  # their local team's cases (ADR 0013)
    in_team = Q(person__managing_team=coordinator.team) | Q(person__managing_team__isnull=True)
    assert len(team.cases) == Registration.objects.filter(in_team, ended_on__isnull=True).count() > 0
    assert team.lead_problems == [] and team.without_lead == []


def test_the_candidate_list_still_has_people_and_none_of_them_is_on_iom():
    load()
    with clock.frozen(TODAY):
        listed = candidate_list(user=User.objects.get(username="coordinator"), as_of=TODAY)
    on_iom = set(Registration.objects.filter(ended_on__isnull=True).values_list("person_id", flat=True))
    ids = {p.pk for p, _ in listed.rows}
    assert len(ids) >= len(on_iom)
    assert not ids & on_iom


def test_every_drug_test_of_the_demo_has_its_record():
    """The demo writes timelines in bulk; each drug test taken still gets its record (ADR 0024)."""
    from iomhub.interventions.models import DrugTest

    load()
    taken = TimelineEntry.objects.filter(kind=EntryKind.DRUG_TEST).exclude(outcome=EntryOutcome.BOOKED).exclude(drug_result="")
    assert taken.exists()
    records = {t.entry_id: t for t in DrugTest.objects.prefetch_related("results")}
    assert set(records) == set(taken.values_list("pk", flat=True))
    for entry in taken:
        test = records[entry.pk]
        positives = sorted(r.substance for r in test.results.all() if r.result == "positive")
        assert (test.refused, positives) == (entry.drug_result == "refused", sorted(entry.positive_for)), entry.pk
