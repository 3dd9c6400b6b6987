"""``feeds.linkage_batch.candidate_people`` answers, with the candidate pairs, each paired person as
linkage reads them (``_Seen``), from the candidate query itself instead of a second query by id
(issue 11, ADR 0037). The oracle is the ORM: the person's own fields, read by id, and the pairs of
``candidates_q`` with the access policy's filter, row by row (``pairs_by_the_orm``,
tests/feeds/test_candidate_pairs.py)."""

from __future__ import annotations

import datetime
import random

import pytest

from iomhub.access.models import User
from iomhub.feeds.linkage_batch import candidate_people
from iomhub.feeds.rows import Identity
from iomhub.people.models import Person, Restriction
from tests.feeds.test_candidate_pairs import pairs_by_the_orm

pytestmark = pytest.mark.django_db


def test_each_paired_person_as_the_database_holds_them(coordinator: User) -> None:
    rng = random.Random(11)
    base = datetime.date(1980, 6, 4)
    Person.objects.bulk_create(
        Person(
            first_name=rng.choice(["John", "Jack", "Amir", "Zoë"]),
            last_name=rng.choice(["Smith", "Jones", "O'Brien", "Straße"]),
            date_of_birth=base + datetime.timedelta(days=rng.choice([0, 1, 365, 3650, -40, 30])),
            pnc_id=f"20{rng.randrange(10, 99)}/{rng.randrange(1000000):07d}Z" if rng.random() < 0.5 else "",
            prison_number=f"A{rng.randrange(10000):04d}BC" if rng.random() < 0.3 else "",
            restriction=Restriction.MAPPA if rng.random() < 0.1 else "",
        )
        for _ in range(300)
    )
    ids = list(Person.objects.order_by("pk").values_list("pk", flat=True))
    Person.objects.filter(pk__in=ids[3:30:3]).update(merged_into_id=ids[0])
    rows = [
        Identity("", "smith", "John", base),
        Identity("", "Jones", "AMIR", datetime.date(1980, 4, 6)),
        Identity("", "O'Brien", "Zoë", base + datetime.timedelta(days=30)),
        Identity("", "Unheard", "Of", datetime.date(1950, 1, 1)),
    ]
    pairs, people = candidate_people(rows, coordinator)
    assert set(pairs) == pairs_by_the_orm(rows, coordinator)
    assert pairs == sorted(set(pairs))  # by row, then id (the model scores each row's first by id), no repeats
    assert len(pairs) > 100
    assert set(people) == {pid for _, pid in pairs}  # every paired person, and nobody else
    held = Person.objects.filter(pk__in=list(people)).values("pk", "first_name", "last_name", "date_of_birth", "pnc_id", "prison_number")
    expected = {row["pk"]: row for row in held}
    for pid, seen in people.items():
        assert seen._asdict() == expected[pid]
        assert type(seen.date_of_birth) is datetime.date
    assert any(seen.pnc_id for seen in people.values()) and any(seen.prison_number for seen in people.values())


def test_an_importer_who_sees_nobody_gets_nobody(coordinator: User) -> None:
    Person.objects.create(first_name="John", last_name="Smith", date_of_birth=datetime.date(1980, 6, 4), restriction=Restriction.MAPPA)
    nobody = User.objects.create(username="nobody-at-all")
    assert candidate_people([Identity("", "Smith", "John", datetime.date(1980, 6, 4))], nobody) == ([], {})
