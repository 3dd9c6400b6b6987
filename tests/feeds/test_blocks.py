"""``probable.blocks`` (the blocking rule in Python, on the model's records, worked on their date
texts for speed: issue 11) picks exactly the people ``probable.candidates_q`` selects in the
database, for rows whose dates are swapped, a day, a month or years away from the people's, on leap
days and at the ten-year edge."""

from __future__ import annotations

import datetime
import random

import pytest

from iomhub.feeds.linkage_model import probable
from iomhub.feeds.linkage_model.settings import record
from iomhub.people.models import Person

pytestmark = pytest.mark.django_db

FIRST = ["Casey", "Jordan", "Alex"]
LAST = ["Marsh", "Stone", "Reed"]
ROWS = [
    datetime.date(1988, 4, 9),
    datetime.date(1988, 9, 4),
    datetime.date(1990, 12, 12),
    datetime.date(1992, 2, 29),
    datetime.date(1975, 12, 31),
    datetime.date(2001, 1, 13),
]


def _near(dob: datetime.date, rng: random.Random) -> datetime.date:
    kind = rng.randrange(5)
    if kind == 0 and dob.day <= 12:
        return datetime.date(dob.year, dob.day, dob.month)
    if kind == 1:
        return dob + datetime.timedelta(days=rng.randrange(-3, 4))
    if kind == 2:
        year = dob.year + rng.randrange(-12, 13)
        return datetime.date(year, dob.month, min(dob.day, 28 if dob.month == 2 else dob.day))
    if kind == 3:
        return datetime.date(dob.year + rng.choice((-10, 10, -11, 11)), dob.month, 28 if dob.month == 2 else dob.day)
    return datetime.date(dob.year, rng.randrange(1, 13), rng.randrange(1, 29))


def test_the_same_people_as_the_query() -> None:
    rng = random.Random(7)
    people = [
        Person.objects.create(first_name=rng.choice(FIRST), last_name=rng.choice(LAST), date_of_birth=_near(rng.choice(ROWS), rng))
        for _ in range(400)
    ]
    chosen = 0
    for dob in ROWS:
        for first in FIRST:
            for last in LAST:
                row = record(0, first, last, dob)
                by_query = set(Person.objects.filter(probable.candidates_q(last, first, dob)).values_list("pk", flat=True))
                by_rule = {p.pk for p in people if probable.blocks(row, record(p.pk, p.first_name, p.last_name, p.date_of_birth))}
                assert by_rule == by_query, (first, last, dob)
                chosen += len(by_rule)
    assert 0 < chosen < 400 * len(ROWS) * 9  # some people are chosen, not all


def test_a_record_whose_date_is_not_written_as_iso_still_blocks() -> None:
    row, person = record(0, "Casey", "Marsh", "19880409"), record(1, "Casey", "Stone", datetime.date(1988, 9, 5))
    assert probable.blocks(row, person)  # the same given name, born the same year
    assert not probable.blocks({**row, "first_name": "jordan"}, person)
    assert probable.blocks({**row, "first_name": "jordan"}, {**person, "dob": "1988-09-04"})  # day and month swapped
