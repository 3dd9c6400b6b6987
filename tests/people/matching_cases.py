"""What the tests of ``people.bulk.find_matches_many`` against ``matching.find_matches`` share: a
person on record with aliases, and a match as the answers compared."""

from __future__ import annotations

import datetime

from iomhub.people import matching
from iomhub.people.models import Alias, Person


def person_with_aliases(first: str, last: str, dob: datetime.date | None, *aliases: tuple[str, str, datetime.date | None]) -> Person:
    person = Person.objects.create(first_name=first, last_name=last, date_of_birth=dob)
    for a_first, a_last, a_dob in aliases:
        Alias.objects.create(person=person, first_name=a_first, last_name=a_last, date_of_birth=a_dob)
    return person


def answers(found: list[matching.PossibleMatch]) -> list[tuple[int, tuple[str, ...], int, bool]]:
    return [(m.person.pk, m.reasons, m.score, m.by_identifier) for m in found]
