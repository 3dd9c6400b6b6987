"""``matching.find_matches`` selects at most 500 of the people with an alias dated near the
candidate's date of birth: the first 500 in the order of its main cut (surname, first name, id),
not whichever the database returns first (which follows the order the aliases were written). And
``people.bulk.find_matches_many`` (a feed import's duplicate check) cuts them in the same place.

Each of 501 people has an alias born on the candidate's date (their own date far off); they are
written in the reverse of the order of the cut, so a database reading them as written returns the
last of the cut first. The candidates are two of those people by their alias: "Aaron Aardvark"
(first in the cut, written last) must be found, "Zed Zzyzx" (the 501st, written first) must not."""

from __future__ import annotations

import datetime

import pytest

from iomhub.people import matching
from iomhub.people.bulk import find_matches_many
from iomhub.people.models import Alias, Person

pytestmark = pytest.mark.django_db

BORN = datetime.date(1991, 5, 17)
FAR = datetime.date(1960, 1, 1)  # no date a typo or a swap of BORN away


def _written_last_first() -> tuple[Person, Person]:
    """501 people, each with an alias born on BORN, written from the last of the cut to the first;
    (the first of the cut, the last)."""
    names = [("Zed", "Zzyzx")] + [(f"Mid{n:03d}", f"Middle{n:03d}") for n in range(499, 0, -1)] + [("Aaron", "Aardvark")]
    Person.objects.bulk_create([Person(first_name=f, last_name=last, date_of_birth=FAR) for f, last in names])
    people = list(Person.objects.filter(date_of_birth=FAR).order_by("pk"))
    Alias.objects.bulk_create([Alias(person=p, first_name=p.first_name, last_name=p.last_name, date_of_birth=BORN) for p in people])
    return people[-1], people[0]


def test_the_first_500_people_by_the_cut_s_order() -> None:
    first, last = _written_last_first()
    assert (first.last_name, last.last_name) == ("Aardvark", "Zzyzx")
    found = matching.find_matches(matching.Identity("Aaron", "Aardvark", BORN))
    assert [m.person.pk for m in found] == [first.pk]
    assert matching.find_matches(matching.Identity("Zed", "Zzyzx", BORN)) == []
    selected = set(matching.candidate_people(matching.Identity("Aaron", "Aardvark", BORN)).values_list("pk", flat=True))
    assert len(selected) == 500
    assert last.pk not in selected


def test_the_batch_cuts_where_find_matches_cuts() -> None:
    first, _ = _written_last_first()
    candidates = [
        matching.Identity("Aaron", "Aardvark", BORN),
        matching.Identity("Zed", "Zzyzx", BORN),
        matching.Identity("Mid007", "Middle007", BORN),
    ]
    many = find_matches_many(candidates)
    assert [m.person.pk for m in many[0]] == [first.pk]
    assert many[1] == []
    for candidate, found in zip(candidates, many, strict=True):
        one = matching.find_matches(candidate)
        assert [(m.person.pk, m.reasons, m.score) for m in found] == [(m.person.pk, m.reasons, m.score) for m in one]
    assert len(many[2]) > 10  # the names of the middle are alike: many found, all within the cut
