"""``people.bulk.find_matches_many`` (a feed import's duplicate check, issue 11) finds, for every
candidate, exactly what ``matching.find_matches`` finds one at a time: the same people with the
same reasons and scores, in the same order. On PostgreSQL the names dated a typo away are read
only when the surname may be the candidate's (SQL), so the people on record are chosen to test
that edge: accents, apostrophes, hyphens and spaces in surnames, aliases with and without a date
of birth (one before 1900), merged records, shared PNC IDs, and candidates a typo, a swap, a
nickname or a changed surname away from them."""

from __future__ import annotations

import datetime
import random

import pytest

from iomhub.feeds.linkage_model import synthetic
from iomhub.people import matching
from iomhub.people.bulk import find_matches_many
from iomhub.people.models import Alias, Person

pytestmark = pytest.mark.django_db

SURNAMES = [
    "O'Brien",
    "Obrien",
    "Brontë",
    "Bronte",
    "Smith-Jones",
    "Smith Jones",
    "Smithjones",
    "Jones",
    "Ng",
    "Zoë",
    "ZOE",
    "Çelik",
    "Celik",
]
FIRST = ["Zoë", "Zoe", "William", "Bill", "Liam", "Sam", "Samantha", "Jo", "J", "Ömer", "Omer"]


def _typo(dob: datetime.date, rng: random.Random) -> datetime.date:
    return rng.choice(sorted(matching.dates_compared(dob)))


def _people(rng: random.Random) -> list[matching.Identity]:
    base = datetime.date(1985, 3, 11)
    people = []
    for n in range(160):
        dob = base if n % 3 else _typo(base, rng)
        first, last = rng.choice(FIRST), rng.choice(SURNAMES)
        pnc = f"2001/{n % 40:07d}A" if n % 5 == 0 else ""
        person = Person.objects.create(first_name=first, last_name=last, date_of_birth=dob, pnc_id=pnc)
        if n % 4 == 0:
            Alias.objects.create(person=person, first_name=rng.choice(FIRST), last_name=rng.choice(SURNAMES), date_of_birth=None)
        if n % 7 == 0:
            Alias.objects.create(person=person, first_name=first, last_name=rng.choice(SURNAMES), date_of_birth=_typo(dob, rng))
        if n == 8:
            Alias.objects.create(person=person, first_name=first, last_name=last, date_of_birth=datetime.date(1885, 3, 11))
    kept = Person.objects.order_by("pk").first()
    Person.objects.filter(pk__in=list(Person.objects.order_by("-pk").values_list("pk", flat=True)[:10])).update(merged_into=kept)
    for p in synthetic.people(5, 60):
        Person.objects.create(first_name=p.first_name, last_name=p.surname, date_of_birth=p.dob)
        people.append(matching.Identity(p.first_name, p.surname, _typo(p.dob, rng)))
        people.append(matching.Identity(p.first_name, p.surname, p.dob))
    for n in range(120):
        dob = _typo(base, rng) if n % 2 else base
        ids = {"pnc_id": f"2001/{n % 40:07d}A"} if n % 6 == 0 else {}
        people.append(matching.Identity(rng.choice(FIRST), rng.choice(SURNAMES), dob, identifiers=ids))
    return people


def _answers(found: list[matching.PossibleMatch]) -> list[tuple[int, tuple[str, ...], int, bool]]:
    return [(m.person.pk, m.reasons, m.score, m.by_identifier) for m in found]


def test_the_same_matches_as_one_at_a_time() -> None:
    candidates = _people(random.Random(11))
    many = find_matches_many(candidates)
    assert len(many) == len(candidates)
    found = 0
    for candidate, batch in zip(candidates, many, strict=True):
        one = matching.find_matches(candidate)
        assert _answers(batch) == _answers(one), candidate
        found += len(one)
    assert found > len(candidates)  # the test sees many matches, of every kind
    reasons = {r for c in candidates for m in matching.find_matches(c)[:3] for r in m.reasons}
    assert any("differs by one digit" in r for r in reasons)
    assert any("swapped" in r for r in reasons)
    assert any(r.startswith("alias") for r in reasons)
    assert any("same PNC ID" in r for r in reasons)
