"""``justice.screening_table.refresh`` leaves the table holding exactly the periods the rule makes from
each person's whole record (issue 11: the facts and the periods held read in one statement on
PostgreSQL, court orders read only beside a breach warrant, the deletes and inserts written in one
statement). Random records of every kind of fact the rule reads (arrests; neighbourhood-crime and
other offences; sentences short, long, of no length or none; breach and other warrants; community,
suspended and other court outcomes, with a breach warrant and without) are changed behind the
table's back, rounds of them, so that refreshes add, change and remove periods, and the whole table
is compared each time with the oracle: the rule applied to each person's record read one person at a
time with the ORM (``_periods_read_person_by_person``), orders and all."""

from __future__ import annotations

import datetime
import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from iomhub.justice import screening_table
from iomhub.justice.models import Arrest, CourtOutcome, Offence, OffenceCode, ScreeningPeriod, Sentence, Warrant
from tests.factories import PersonFactory
from tests.justice.test_arrests_record_many import _periods_read_person_by_person

pytestmark = pytest.mark.django_db

D = datetime.date
START = D(2023, 1, 1)
CODES = ("28C", "34B", "45", "39", "105A", "8N")  # burglary, robbery, vehicle, theft from the person, two others
DISPOSALS = ("community-order", "suspended", "fine", "custody")


def _day(rng: random.Random) -> datetime.date:
    return START + datetime.timedelta(days=rng.randrange(3 * 365))


def _add_facts(rng: random.Random, person_id: int, codes: dict[str, OffenceCode], *, many: bool) -> None:
    """Facts of every kind at random, written with the ORM: the table is not told."""
    for _ in range(rng.randrange(8 if many else 3)):
        day = _day(rng)
        arrest = Arrest.objects.create(person_id=person_id, arrested_on=day, custody_suite="Eastgate", outcome="charge")
        for code in rng.sample(CODES, rng.randrange(1, 3)):
            Offence.objects.create(person_id=person_id, code=codes[code], committed_on=day, arrest=arrest)
    if rng.random() < 0.3:  # an offence with no arrest
        Offence.objects.create(person_id=person_id, code=codes[rng.choice(CODES)], committed_on=_day(rng))
    if rng.random() < 0.4:
        length = rng.choice([None, 0, 30, 180, 364, 365, 366, 900])
        day = _day(rng)
        Sentence.objects.create(person_id=person_id, sentenced_on=day, offence_committed_on=day, length_days=length)
    if rng.random() < 0.5:
        kind = rng.choice(["breach", "breach", "arrest", "fail-to-appear"])
        Warrant.objects.create(person_id=person_id, kind=kind, issued_on=_day(rng))
    for _ in range(rng.randrange(3)):
        CourtOutcome.objects.create(person_id=person_id, decided_on=_day(rng), disposal=rng.choice(DISPOSALS))


def _change(rng: random.Random, person_id: int, codes: dict[str, OffenceCode]) -> None:
    """One change to a record: facts added, or facts taken away (so periods go)."""
    choice = rng.randrange(4)
    if choice == 0:
        _add_facts(rng, person_id, codes, many=False)
    elif choice == 1:  # an arrest and its offences taken away
        arrest = Arrest.objects.filter(person_id=person_id).order_by("?").first()
        if arrest:
            Offence.objects.filter(arrest=arrest).delete()
            arrest.delete()
    elif choice == 2:  # warrants or orders taken away
        (Warrant if rng.random() < 0.5 else CourtOutcome).objects.filter(person_id=person_id).delete()
    else:  # a new arrest on a day the record already has one (two arrests the same day)
        day = Arrest.objects.filter(person_id=person_id).values_list("arrested_on", flat=True).first() or _day(rng)
        Arrest.objects.create(person_id=person_id, arrested_on=day, custody_suite="Westgate", outcome="nfa")


def _table(person_ids=None):
    rows = ScreeningPeriod.objects.values_list("person_id", "starts_on", "ends_on", "arrests_in_year", "last_arrest")
    if person_ids is not None:
        rows = rows.filter(person_id__in=person_ids)
    return sorted(rows)


@pytest.mark.parametrize("seed", [1, 2])
def test_refreshes_leave_the_table_as_the_rule_makes_it_from_each_whole_record(seed):
    rng = random.Random(seed)
    codes = {c.code: c for c in OffenceCode.objects.filter(code__in=CODES)}
    assert set(codes) == set(CODES)
    people = [PersonFactory().pk for _ in range(40)]
    for pid in people[:30]:  # ten with no record yet
        _add_facts(rng, pid, codes, many=True)
    # An order with no breach warrant, beside a record that makes periods: it must change nothing.
    CourtOutcome.objects.create(person_id=people[0], decided_on=D(2024, 6, 1), disposal="community-order")
    # A breach warrant after an order: the order must be read.
    CourtOutcome.objects.create(person_id=people[1], decided_on=D(2024, 1, 1), disposal="suspended")
    Warrant.objects.create(person_id=people[1], kind="breach", issued_on=D(2024, 3, 1))
    screening_table.rebuild()
    assert _table() == _periods_read_person_by_person(people)
    assert len({row[0] for row in _table()}) >= 10

    added = changed = removed = 0
    for _ in range(6):
        chosen = rng.sample(people, 15)
        for pid in chosen:
            _change(rng, pid, codes)
        before = set(_table(chosen))
        screening_table.refresh(chosen)
        after = set(_table(chosen))
        added += len(after - before)
        removed += len(before - after)
        changed += bool(before - after and after - before)
        assert _table() == _periods_read_person_by_person(people)  # everyone: nobody else's periods touched
    assert added and removed and changed  # the rounds added, changed and removed periods


def test_a_breach_warrant_or_an_order_alone_and_both(partnership):
    """The orders read only beside a breach warrant: an order without one makes no period; with one
    (recorded before or after it) the breach counts from the first order on."""
    people = [PersonFactory().pk for _ in range(5)]
    screening_table.rebuild()
    order_only, breach_only, order_then_breach, breach_then_order, other_warrant = people
    CourtOutcome.objects.create(person_id=order_only, decided_on=D(2025, 1, 1), disposal="community-order")
    Warrant.objects.create(person_id=breach_only, kind="breach", issued_on=D(2025, 2, 1))
    CourtOutcome.objects.create(person_id=order_then_breach, decided_on=D(2025, 1, 1), disposal="suspended")
    Warrant.objects.create(person_id=order_then_breach, kind="breach", issued_on=D(2025, 2, 1))
    Warrant.objects.create(person_id=breach_then_order, kind="breach", issued_on=D(2025, 2, 1))
    CourtOutcome.objects.create(person_id=breach_then_order, decided_on=D(2025, 3, 1), disposal="community-order")
    CourtOutcome.objects.create(person_id=other_warrant, decided_on=D(2025, 1, 1), disposal="community-order")
    Warrant.objects.create(person_id=other_warrant, kind="fail-to-appear", issued_on=D(2025, 2, 1))
    screening_table.refresh(people)
    assert _table() == _periods_read_person_by_person(people)
    assert {row[0] for row in _table()} == {order_then_breach, breach_then_order}
    # The order taken away: the breach alone makes no period any more.
    CourtOutcome.objects.filter(person_id=order_then_breach).delete()
    screening_table.refresh([order_then_breach])
    assert _table() == _periods_read_person_by_person(people)
    assert {row[0] for row in _table()} == {breach_then_order}


def test_writes_only_deletes_only_inserts_and_both(partnership):
    """Each way of writing (deletes and inserts together, deletes alone, inserts alone, nothing)
    leaves the rule's periods, and a refresh with nothing changed writes nothing."""
    pid = PersonFactory().pk
    screening_table.rebuild()
    for i in range(6):
        Arrest.objects.create(
            person_id=pid, arrested_on=D(2025, 1, 1) + datetime.timedelta(days=20 * i), custody_suite="E", outcome="charge"
        )

    def refreshed():
        with CaptureQueriesContext(connection) as queries:
            screening_table.refresh([pid])
        assert _table() == _periods_read_person_by_person([pid])
        return [
            q["sql"].split()[0].upper() for q in queries.captured_queries if q["sql"].split()[0].upper() in {"INSERT", "DELETE", "WITH"}
        ]

    assert refreshed()  # inserts alone: the first periods
    assert _table()
    assert refreshed() == []  # nothing changed: nothing written
    Arrest.objects.create(person_id=pid, arrested_on=D(2025, 2, 15), custody_suite="E", outcome="charge")
    assert refreshed()  # a period changed: deletes and inserts
    Arrest.objects.filter(person_id=pid).delete()
    assert refreshed()  # deletes alone: no period left
    assert _table() == []
