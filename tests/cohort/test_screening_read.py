"""Screening reads only the justice facts the rule can use on the day (issue 15 §4;
``cohort.screening_read``), and that never changes an answer.

On a generated population (arrests, offences of every category, short and long sentences, breach
warrants with and without an order, MAPPA records that start, change and end, recorded on the real
tables), at days before, inside and after their records:
- ``facts_on`` is exactly ``rules.eligibility.relevant_facts`` of the whole record
  (``justice.selectors.screening_facts``): its windows in the database drop no row the rule counts;
- screening people as ``Subject`` with those facts gives, for every person, the same answer,
  evidence and ranking keys as screening their ``Person`` record with the whole record, so nobody
  the rule finds eligible is dropped;
- the number of queries does not grow with the people screened."""

from __future__ import annotations

import datetime
import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from iomhub import clock
from iomhub.access.models import Role
from iomhub.cohort.screening import Subject, eligible_people, screen_people, subjects
from iomhub.cohort.screening_read import facts_on, may_qualify
from iomhub.justice import services as justice
from iomhub.justice.models import Arrest, Offence, OffenceCode
from iomhub.justice.selectors import screening_facts
from iomhub.people.models import Person
from iomhub.rules.eligibility import NEIGHBOURHOOD_CRIME, JusticeFacts, relevant_facts
from tests.factories import PersonFactory
from tests.referrals.factories import make_referral

D = datetime.date
TODAY = D(2026, 6, 30)
# Days screened: today, month ends and a leap day, a day before most records and one after them all.
DAYS = (TODAY, D(2026, 2, 28), D(2025, 12, 31), D(2025, 3, 1), D(2024, 2, 29), D(2023, 6, 30), D(2021, 1, 1))


@pytest.fixture(autouse=True)
def fixed_today():
    with clock.frozen(TODAY):
        yield


def day_between(rng: random.Random, first: datetime.date, last: datetime.date) -> datetime.date:
    return first + datetime.timedelta(days=rng.randrange((last - first).days + 1))


@pytest.fixture
def population(partnership):
    """40 people with random justice records (seeded: the same every run), and a few with none."""
    rng = random.Random(15)
    police = partnership.users[Role.POLICE_IOM_OFFICER]
    coordinator = partnership.users[Role.COORDINATOR]
    codes = {category: OffenceCode.objects.filter(neighbourhood_crime=category).order_by("pk").first() for category in NEIGHBOURHOOD_CRIME}
    codes["other"] = (
        OffenceCode.objects.filter(neighbourhood_crime="").order_by("pk").first()
        or OffenceCode.objects.exclude(neighbourhood_crime__in=NEIGHBOURHOOD_CRIME).order_by("pk").first()
    )
    assert all(codes.values())
    people = []
    for i in range(40):
        born = D(2006, 1, 1) + datetime.timedelta(days=i * 20) if i % 8 == 0 else D(1985, 1, 1) + datetime.timedelta(days=i)
        person = PersonFactory(date_of_birth=born, managing_team=partnership.team)
        people.append(person)
        first = D(2022, 1, 1)
        burst = rng.choice([0, 3, 6, 9])  # arrests close together, to reach six in a year often
        start = day_between(rng, first, TODAY - datetime.timedelta(days=120))
        arrests = [day_between(rng, start, start + datetime.timedelta(days=300)) for _ in range(burst)]
        arrests += [day_between(rng, first, TODAY) for _ in range(rng.randrange(4))]
        Arrest.objects.bulk_create(Arrest(person=person, arrested_on=min(day, TODAY), outcome="charge") for day in arrests)
        Offence.objects.bulk_create(
            Offence(
                person=person, code=codes[rng.choice([*NEIGHBOURHOOD_CRIME, "other", "other"])], committed_on=day_between(rng, first, TODAY)
            )
            for _ in range(rng.randrange(4))
        )
        for _ in range(rng.choice([0, 0, 1, 2])):
            sentenced = day_between(rng, first, TODAY)
            length = rng.choice([{"days": rng.randrange(1, 200)}, {"months": rng.choice([6, 11, 12])}, {"days": 365}, {"years": 2}])
            justice.sentence_record(
                acting_user=police,
                person=person,
                sentenced_on=sentenced,
                offence_committed_on=sentenced - datetime.timedelta(days=40),
                **length,
            )
        if rng.random() < 0.2:
            justice.warrant_record(acting_user=police, person=person, kind="breach", issued_on=day_between(rng, first, TODAY))
            if rng.random() < 0.7:
                justice.court_outcome_record(
                    acting_user=police, person=person, decided_on=day_between(rng, first, TODAY), disposal="suspended"
                )
        if rng.random() < 0.2:
            for level, from_date in sorted(
                ((rng.choice([1, 2, 3, None]), day_between(rng, first, TODAY)) for _ in range(2)), key=lambda x: x[1]
            ):
                justice.mappa_record(
                    acting_user=coordinator, person=person, level=level, category="2" if level else "", from_date=from_date
                )
    people.append(PersonFactory(date_of_birth=D(1990, 1, 1), managing_team=partnership.team))  # no record at all
    make_referral(by=partnership.users[Role.PROBATION_OFFICER], person=people[-1], status="submitted", priority_groups={"gangs": True})
    return [Person.objects.get(pk=p.pk) for p in people]


@pytest.mark.parametrize("day", DAYS)
def test_the_facts_read_are_exactly_the_relevant_part_of_the_whole_record(population, day):
    ids = [p.pk for p in population]
    whole = screening_facts(person_ids=ids, as_of=day)
    read = facts_on(ids, day)
    for pid in ids:
        assert read.get(pid, JusticeFacts()) == relevant_facts(whole.get(pid, JusticeFacts()), day), pid
    assert set(read) <= set(whole)


@pytest.mark.parametrize("day", DAYS)
def test_screening_on_the_facts_read_answers_as_on_the_whole_record(population, day):
    ids = [p.pk for p in population]
    born = {p.pk: p for p in population if p.date_of_birth <= day}
    whole = screening_facts(person_ids=ids, as_of=day)
    expected = screen_people(list(born.values()), day, read=whole, ogrs3=False)
    found = screen_people(subjects(ids), day, ogrs3=False)
    assert [s.person_id for s in found] == [s.person_id for s in expected] == sorted(born)
    for got, want in zip(found, expected, strict=True):
        assert (got.result, got.arrests_in_year, got.last_arrest, got.facts.mappa_level, got.residence) == (
            want.result,
            want.arrests_in_year,
            want.last_arrest,
            want.facts.mappa_level,
            want.residence,
        ), got.person_id
    eligible = [s.person_id for s in screen_people(subjects(ids), day, eligible_only=True, ogrs3=False)]
    assert eligible == [s.person_id for s in expected if s.result.eligible]
    if day == TODAY:  # the population is a real test: some are eligible, some are not
        assert 3 <= len(eligible) <= len(ids) - 3


def test_screening_a_subject_with_ogrs3_reads_the_person_for_it(population):
    [with_record] = [s for s in screen_people(subjects([population[1].pk]), TODAY) if s.person_id == population[1].pk]
    [as_person] = screen_people([population[1]], TODAY)
    assert with_record.ogrs3_percent == as_person.ogrs3_percent


def test_screening_makes_as_many_queries_for_40_people_as_for_4(population):
    def queries(people):
        with CaptureQueriesContext(connection) as captured:
            screen_people(people, TODAY, ogrs3=False)
        return len(captured)

    assert queries(subjects([p.pk for p in population[:4]])) == queries(subjects([p.pk for p in population]))


def test_subjects_leave_out_merged_records(population):
    merged = population[2]
    Person.objects.filter(pk=merged.pk).update(merged_into=population[3])
    found = subjects([p.pk for p in population[:5]])
    assert [s.pk for s in found] == [p.pk for p in population[:5] if p.pk != merged.pk]
    assert found[0] == Subject(population[0].pk, population[0].date_of_birth)


@pytest.mark.parametrize("day", DAYS)
def test_the_database_narrowing_keeps_everyone_the_rule_finds_eligible(population, day):
    """``may_qualify`` (SQL narrowing, then ``rules.eligibility.may_be_eligible``) keeps every person
    whom screening everyone finds eligible, and ``eligible_people`` gives exactly their screenings."""
    ids = [p.pk for p in population]
    everyone = screen_people(subjects(ids), day, ogrs3=False)
    eligible = [s for s in everyone if s.result.eligible]
    kept = may_qualify(ids, day)
    assert {s.person_id for s in eligible} <= set(kept)
    found = eligible_people(subjects(ids), day)
    assert [(s.person_id, s.result, s.residence) for s in found] == [(s.person_id, s.result, s.residence) for s in eligible]
    if day == TODAY:  # a real narrowing: some are left to the rule, some are not read at all
        assert 3 <= len(kept) <= len(ids) - 3


def test_the_database_narrowing_counts_a_ppo_and_a_priority_group(population, partnership):
    from iomhub.cohort.models import Registration

    quiet = PersonFactory(date_of_birth=D(1980, 1, 1), managing_team=partnership.team)
    assert quiet.pk not in may_qualify([quiet.pk], TODAY)
    Registration.objects.create(person=quiet, started_on=D(2026, 1, 1), rag="green", ppo=True)
    assert quiet.pk in may_qualify([quiet.pk], TODAY)
    grouped = population[-1]  # no justice record; a submitted referral ticked a priority group
    assert grouped.pk in may_qualify([grouped.pk], TODAY)
    assert [s.person_id for s in eligible_people(subjects([grouped.pk]), TODAY)] == [grouped.pk]
