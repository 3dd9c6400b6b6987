"""``people.bulk.find_matches_many`` finds what ``matching.find_matches`` finds one at a time, for the
ways a name reaches it (issue 11, ADR 0037 addendum, sixth sitting): on PostgreSQL each way is its
own branch of one statement (a person by date and surname key, a non-ASCII surname, a dated alias,
an undated alias by its key, a non-ASCII undated alias, every name on the same or swapped date), and
in Python only the names whose first name agrees or whose names are the candidate's the other way
round are compared. Each case below is a person on record a candidate matches through exactly one
of these ways, beside people it must not match (merged records). Every candidate is born on
``BORN``: the names a typo away are then read only through the surname (all the names on a date a
candidate of the batch is born on, or its swap, are read)."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection

from iomhub.people import matching
from iomhub.people.bulk import find_matches_many
from iomhub.people.models import Person
from tests.people.matching_cases import answers, person_with_aliases

pytestmark = pytest.mark.django_db

BORN = datetime.date(1990, 4, 7)
TYPO = datetime.date(1990, 4, 8)  # one digit away
SWAPPED = datetime.date(1990, 7, 4)
EARLY = datetime.date(1890, 4, 7)  # a typo before 1900: only an alias's date may be one


def _cases() -> list[tuple[matching.Identity, Person]]:
    """(candidate, the person it must match) for each way a name is found."""
    far = datetime.date(1975, 1, 20)
    cases = [
        # A person dated a typo away, surname with an accent and a space (not an ASCII key).
        (("Sean", "O Briain", BORN), person_with_aliases("Seán", "Ó Briain", TYPO)),
        # ... with a hyphen and an apostrophe (ASCII key, letters only).
        (("Mary", "Smith Jones", BORN), person_with_aliases("Mary", "Smith-Jones", TYPO)),
        (("Liam", "OBrien", BORN), person_with_aliases("LIAM", "O'Brien", TYPO)),
        # A candidate whose key is not ASCII (Ø does not fold), the person's surname the same.
        (("Anna", "Øster", BORN), person_with_aliases("Anna", "Øster", TYPO)),
        # An undated alias (the person's date a typo away), apostrophe in its surname.
        (("Anne", "Darcy", BORN), person_with_aliases("Anne", "O'Neill", TYPO, ("Anne", "D'Arcy", None))),
        # ... an undated alias with accents.
        (("Zoe", "Bronte", BORN), person_with_aliases("Jo", "Bloggs", TYPO, ("Zoë", "Brontë", None))),
        # A dated alias a typo away (the person born far off), accented and plain; one before 1900
        # (``find_matches`` selects the person by their own date, a typo away).
        (("Łukasz", "Wojcik", BORN), person_with_aliases("Luke", "Walker", far, ("Łukasz", "Wójcik", TYPO))),
        (("Peter", "Grant", BORN), person_with_aliases("Pete", "Gray", far, ("Peter", "Grant", TYPO))),
        (("Oliver", "Twist", BORN), person_with_aliases("Oliver", "Dodger", TYPO, ("Oliver", "Twist", EARLY))),
        # The names the other way round, same and swapped date, one with accents folded.
        (("Morgan", "Kelly", BORN), person_with_aliases("Kelly", "Morgan", BORN)),
        (("Ng", "ZOE", BORN), person_with_aliases("Zoë", "Ng", SWAPPED)),
        # A first name entered with spaces and capitals, a nickname of the candidate's.
        (("Bill", "Harris", BORN), person_with_aliases("  WILLIAM ", "Harris", BORN)),
        # An undated alias on the same date, nickname first name; a changed surname.
        (("Michael", "Tyson", BORN), person_with_aliases("Gary", "Jones", BORN, ("Mike", "Tyson", None))),
        (("Gemma", "Arterton", BORN), person_with_aliases("Gemma", "Smith", BORN)),
        # A dated alias on the candidate's own date, the person born far off.
        (("Nina", "Simone", BORN), person_with_aliases("Eunice", "Waymon", far, ("Nina", "Simone", BORN))),
    ]
    found = []
    for (first, last, dob), person in cases:
        found.append((matching.Identity(first, last, dob), person))
    return found


def test_every_way_a_name_is_found() -> None:
    cases = _cases()
    # Merged records are never offered, whichever way their names would be found.
    kept = cases[0][1]
    for first, last, dob, alias in [
        ("Sean", "Ó Briain", TYPO, None),
        ("Anne", "O'Neill", TYPO, ("Anne", "D'Arcy", None)),
        ("Zoe", "Bloggs", TYPO, ("Zoë", "Brontë", None)),
        ("Kelly", "Morgan", BORN, None),
    ]:
        merged = person_with_aliases(first, last, dob, *([alias] if alias else []))
        Person.objects.filter(pk=merged.pk).update(merged_into=kept)
    # People born on the same dates whom nothing matches.
    for n, name in enumerate(["Tom", "Zoë", "Ömer", "J", "Mo"]):
        person_with_aliases(name, f"Other{n}", BORN, (name, "Else", None))
        person_with_aliases(name, f"Other{n}", TYPO)
    candidates = [c for c, _ in cases]
    many = find_matches_many(candidates)
    for (candidate, person), batch in zip(cases, many, strict=True):
        one = matching.find_matches(candidate)
        assert answers(batch) == answers(one), candidate
        assert person.pk in {m.person.pk for m in batch}, candidate
        assert not {m.person.pk for m in batch} & set(Person.objects.filter(merged_into__isnull=False).values_list("pk", flat=True))


def test_the_list_cut_at_2000_people_where_find_matches_cuts_it() -> None:
    """``find_matches`` compares the first 2,000 people it selects; the batch counts the people born
    on each date (an upper bound) to know when to cut its list there too. Surnames rise with ids
    here, so the two orders agree."""
    born = [Person(first_name="Sam", last_name=f"P{n:04d}", date_of_birth=BORN if n % 3 else TYPO) for n in range(2100)]
    Person.objects.bulk_create(born)
    ours = list(Person.objects.order_by("pk"))
    Person.objects.filter(pk__in=[p.pk for p in ours[:30]]).update(merged_into=ours[-1])
    candidates = [matching.Identity("Sam", f"P{n:04d}", BORN) for n in (5, 1500, 2040, 2070, 2099)]
    many = find_matches_many(candidates)
    for candidate, batch in zip(candidates, many, strict=True):
        assert answers(batch) == answers(matching.find_matches(candidate)), candidate
    assert not [m for m in many[-1] if m.person.last_name == "P2099"]  # beyond the cut
    assert [m for m in many[1] if m.person.last_name == "P1500"]


def test_the_list_cut_in_find_matches_order_not_by_id() -> None:
    """``find_matches`` takes its 2,000 in the people's order (surname, first name, id): here
    surnames fall as ids rise, so the first 2,000 by id are not the ones it compares."""
    Person.objects.bulk_create([Person(first_name="Sam", last_name=f"P{2100 - n:04d}", date_of_birth=BORN) for n in range(2100)])
    candidates = [matching.Identity("Sam", f"P{n:04d}", BORN) for n in (1, 50, 2050, 2099)]
    many = find_matches_many(candidates)
    for candidate, batch in zip(candidates, many, strict=True):
        assert answers(batch) == answers(matching.find_matches(candidate)), candidate
    assert [m for m in many[0] if m.person.last_name == "P0001"]
    assert not [m for m in many[-1] if m.person.last_name == "P2099"]


def test_the_jit_setting_is_left_as_it_was() -> None:
    """On PostgreSQL the reads turn JIT compilation off for themselves only (it costs more than the
    statements): the caller's transaction has its own setting back afterwards."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = on")
        find_matches_many([matching.Identity("Ann", "Lee", BORN)])
        cursor.execute("SELECT current_setting('jit')")
        assert cursor.fetchone() == ("on",)
