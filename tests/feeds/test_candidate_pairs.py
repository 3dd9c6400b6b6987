"""``feeds.linkage_batch.candidate_pairs`` answers, for each row, the people linkage reads of those
the blocking rule (``probable.candidates_q``) allows and the importer sees: everyone born the same
day, and the first ``CANDIDATES_SCORED`` by id. The oracle is the ORM: ``candidates_q`` with the
access policy's filter, one row at a time, cut in Python. With a common surname and a common given
name there are hundreds of candidates per row (the national case), restricted and merged records
among them."""

from __future__ import annotations

import datetime
import random

import pytest

from iomhub.access.models import User
from iomhub.access.policy import people_filter
from iomhub.feeds.linkage_batch import CANDIDATES_SCORED, candidate_pairs
from iomhub.feeds.linkage_model.probable import candidates_q
from iomhub.feeds.rows import Identity
from iomhub.people.models import Person, Restriction

pytestmark = pytest.mark.django_db


def test_same_day_and_the_first_by_id_of_those_the_importer_sees(coordinator: User) -> None:
    rng = random.Random(3)
    base = datetime.date(1980, 6, 4)
    people = [
        Person(
            first_name=rng.choice(["John", "Jack", "Amir"]),
            last_name=rng.choice(["Smith", "Jones", "Patel"]),
            date_of_birth=base + datetime.timedelta(days=rng.choice([0, 0, 1, 365, 3650, 4400, -7000, 30])),
            restriction=Restriction.MAPPA if rng.random() < 0.1 else "",
        )
        for _ in range(400)
    ]
    Person.objects.bulk_create(people)
    ids = list(Person.objects.order_by("pk").values_list("pk", flat=True))
    Person.objects.filter(pk__in=ids[5:40:5]).update(merged_into_id=ids[0])
    rows = [
        Identity("", "SMITH", "John", base),
        Identity("", "Jones", "amir", datetime.date(1980, 4, 6)),
        Identity("", "Nobody", "Jack", base + datetime.timedelta(days=30)),
        Identity("", "Unheard", "Of", datetime.date(1950, 1, 1)),
    ]
    visible = Person.objects.filter(people_filter(coordinator), merged_into__isnull=True).order_by("pk")
    expected = set()
    for i, who in enumerate(rows):
        found = list(visible.filter(candidates_q(who.family_name, who.given_name, who.date_of_birth)).values_list("pk", "date_of_birth"))
        expected |= {(i, pk) for pk, _ in found[:CANDIDATES_SCORED]} | {(i, pk) for pk, dob in found if dob == who.date_of_birth}
    assert candidate_pairs(rows, coordinator) == expected
    per_row = [sum(1 for i, _ in expected if i == n) for n in range(len(rows))]
    assert per_row[0] > CANDIDATES_SCORED  # the same-day people beyond the first fifty are kept
    assert per_row[3] == 0
    hidden = set(Person.objects.exclude(restriction="").values_list("pk", flat=True)) | set(ids[5:40:5])
    assert hidden and not {pk for _, pk in expected} & hidden
