"""``people.bulk.find_matches_many`` answers what ``matching.find_matches`` answers one candidate at
a time (the oracle: it selects and compares with the ORM, apart from the batch code), at the edges
the eighth sitting's cheaper reads lean on (issue 11, ADR 0037 addendum):

- the people a digit away are probed only for dates between the earliest and the latest date of
  birth on record, and only for dates counted with someone born or an alias dated on them (people
  born on those very dates, and an alias dated before 1900 where nobody is born, still found);
- names the other way round are looked for only on a date the same as, or swapped from, one of
  the candidate's names' dates (its aliases' too);
- the undated aliases of the people born on the same or swapped date read from those people;
- a batch with nobody in it reads nothing;
- the 2,000-people and 500-alias cuts, non-ASCII surnames, merged records.
"""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from iomhub.people import matching
from iomhub.people.bulk import find_matches_many
from iomhub.people.models import Alias, Person
from tests.people.matching_cases import answers, person_with_aliases

pytestmark = pytest.mark.django_db

FIRST = datetime.date(1931, 5, 4)  # the earliest date of birth on record in these tests
LAST = datetime.date(2009, 11, 26)  # the latest


def _same_as_one_at_a_time(candidates: list[matching.Identity]) -> list[list[matching.PossibleMatch]]:
    many = find_matches_many(candidates)
    assert len(many) == len(candidates)
    for candidate, batch in zip(candidates, many, strict=True):
        assert answers(batch) == answers(matching.find_matches(candidate)), candidate
    return many


def _ids(found: list[matching.PossibleMatch]) -> set[int]:
    return {m.person.pk for m in found}


def test_people_born_on_the_first_and_last_dates_on_record_a_digit_away() -> None:
    """The dates a digit away are probed between the earliest and latest dates of birth on record:
    a person born on either of those dates is still found, from a candidate a digit away."""
    earliest = person_with_aliases("Ada", "Lovelace", FIRST)
    latest = person_with_aliases("Alan", "Turing", LAST)
    plain = person_with_aliases("Grace", "Hopper", datetime.date(1970, 6, 15))
    # An alias dated before 1900 (before anyone's own date of birth), a digit from a candidate's;
    # ``find_matches`` selects its person by their own date, a digit away too.
    old = person_with_aliases("Ed", "Lear", datetime.date(1991, 12, 27), ("Charles", "Babbage", datetime.date(1891, 12, 26)))
    candidates = [
        matching.Identity("Ada", "Lovelace", datetime.date(1931, 5, 5)),  # a day away from FIRST
        matching.Identity("Ada", "Lovelace", datetime.date(1932, 5, 4)),  # a year digit away
        matching.Identity("Alan", "Turing", datetime.date(2009, 11, 28)),  # a day away from LAST
        matching.Identity("Alan", "Turing", datetime.date(2008, 11, 26)),
        matching.Identity("Grace", "Hopper", datetime.date(1970, 6, 16)),
        matching.Identity("Charles", "Babbage", datetime.date(1991, 12, 26)),  # 1891 is a digit away
    ]
    many = _same_as_one_at_a_time(candidates)
    assert earliest.pk in _ids(many[0]) and earliest.pk in _ids(many[1])
    assert latest.pk in _ids(many[2]) and latest.pk in _ids(many[3])
    assert plain.pk in _ids(many[4])
    assert old.pk in _ids(many[5])


def test_names_the_other_way_round_on_an_aliass_date() -> None:
    """A candidate's alias (``compare`` weighs each of the candidate's names) dated a digit from
    the candidate's own date matches, the other way round, a person born on the alias's date."""
    dob = datetime.date(1985, 3, 11)
    alias_dob = datetime.date(1985, 3, 12)  # a digit from the candidate's own date
    person = person_with_aliases("Morgan", "Kelly", alias_dob)
    transposed = person_with_aliases("Nolan", "Kelly", datetime.date(1985, 12, 3))  # the alias's date swapped
    Alias.objects.create(person=person_with_aliases("Pat", "Kelly", datetime.date(1970, 1, 1)), first_name="Pat", last_name="Kelly")
    candidate = matching.Identity("Robin", "Kelly", dob, aliases=(matching.NameRecord("Kelly", "Morgan", alias_dob),))
    other = matching.Identity("Robin", "Kelly", dob, aliases=(matching.NameRecord("Kelly", "Nolan", alias_dob),))
    many = _same_as_one_at_a_time([candidate, other])
    assert person.pk in _ids(many[0])
    assert any("other way round" in r for m in many[0] for r in m.reasons)
    # 1985-12-03 is not a date ``find_matches`` selects for 1985-03-11 (a swap of the alias's date only):
    assert transposed.pk not in _ids(many[1])


def test_names_the_other_way_round_only_on_the_same_or_swapped_date() -> None:
    """The same names the other way round: found on the same and the swapped date, not a digit away."""
    dob = datetime.date(1990, 4, 7)
    same = person_with_aliases("Kelly", "Morgan", dob)
    swapped = person_with_aliases("Kelly", "Morgan", datetime.date(1990, 7, 4))
    typo = person_with_aliases("Kelly", "Morgan", datetime.date(1990, 4, 8))
    (found,) = _same_as_one_at_a_time([matching.Identity("Morgan", "Kelly", dob)])
    assert {same.pk, swapped.pk} <= _ids(found)
    assert typo.pk not in _ids(found)


def test_undated_aliases_of_the_people_born_on_the_same_or_swapped_date() -> None:
    dob = datetime.date(1977, 8, 9)
    on_the_day = person_with_aliases("Gary", "Jones", dob, ("Mike", "Tyson", None), ("Zoë", "Brontë", None))
    swapped = person_with_aliases("Ian", "Hart", datetime.date(1977, 9, 8), ("Michael", "Tyson", None))
    merged = person_with_aliases("Gary", "Jones", dob, ("Mike", "Tyson", None))
    Person.objects.filter(pk=merged.pk).update(merged_into=on_the_day)
    nobody = person_with_aliases("Tom", "Else", dob, ("Tom", "Other", None))
    many = _same_as_one_at_a_time([matching.Identity("Mike", "Tyson", dob), matching.Identity("Zoe", "Bronte", dob)])
    assert {on_the_day.pk, swapped.pk} <= _ids(many[0])
    assert merged.pk not in _ids(many[0]) and nobody.pk not in _ids(many[0])
    assert on_the_day.pk in _ids(many[1])


def test_non_ascii_surnames_every_way() -> None:
    dob = datetime.date(1966, 1, 20)
    typo = datetime.date(1966, 1, 21)
    people = [
        person_with_aliases("Łukasz", "Wójcik", typo),
        person_with_aliases("Seán", "Ó Briain", typo),
        person_with_aliases("Jo", "Bloggs", typo, ("Zoë", "Brontë", None)),
        person_with_aliases("Luke", "Walker", datetime.date(1940, 2, 2), ("Łukasz", "Wójcik", typo)),
        person_with_aliases("Anna", "Øster", dob),
    ]
    candidates = [
        matching.Identity("Łukasz", "Wojcik", dob),
        matching.Identity("Sean", "O Briain", dob),
        matching.Identity("Zoe", "Bronte", dob),
        matching.Identity("Anna", "Øster", typo),
    ]
    many = _same_as_one_at_a_time(candidates)
    assert people[0].pk in _ids(many[0]) and people[3].pk in _ids(many[0])
    assert people[1].pk in _ids(many[1])
    assert people[2].pk in _ids(many[2])
    assert people[4].pk in _ids(many[3])


def test_a_batch_with_nobody_in_it_reads_nothing() -> None:
    with CaptureQueriesContext(connection) as queries:
        assert find_matches_many([]) == []
    assert len(queries) == 0


def test_candidates_without_a_date_of_birth_and_by_identifier() -> None:
    dob = datetime.date(1980, 1, 2)
    held = Person.objects.create(first_name="Zed", last_name="Nobody", date_of_birth=dob, pnc_id="2001/0000001A")
    person_with_aliases("Ann", "Lee", dob)
    many = _same_as_one_at_a_time(
        [
            matching.Identity("Ann", "Lee", None),
            matching.Identity("Ann", "Lee", None, identifiers={"pnc_id": "2001/0000001A"}),
            matching.Identity("Ann", "Lee", dob),
        ]
    )
    assert many[0] == []
    assert held.pk in _ids(many[1])


def test_the_cuts_with_the_people_spread_over_a_candidates_dates() -> None:
    """More than 2,000 people born a digit or a swap from the candidate's date, spread over many
    of its dates (not one), and more than 500 aliases so dated: ``find_matches`` cuts its list,
    and the batch must cut where it does."""
    dob = datetime.date(1988, 5, 6)
    dates = sorted(matching.date_variants(dob))
    people = [Person(first_name="Sam", last_name=f"Q{n:04d}", date_of_birth=dates[n % len(dates)]) for n in range(2050)]
    Person.objects.bulk_create(people)
    ours = list(Person.objects.order_by("pk"))
    Alias.objects.bulk_create(
        [Alias(person=p, first_name="Sam", last_name=f"Q{n:04d}", date_of_birth=dob) for n, p in enumerate(ours[:520])]
    )
    candidates = [matching.Identity("Sam", f"Q{n:04d}", dob) for n in (3, 700, 1999, 2049)]
    many = _same_as_one_at_a_time(candidates)
    assert all(many)
