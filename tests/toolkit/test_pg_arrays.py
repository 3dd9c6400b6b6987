"""``iomhub.pg_arrays``: many values as one array parameter gives exactly the rows an ``IN`` list
gives, on both databases, for numbers, dates, text and ids read many times."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection

from iomhub.people.models import Person
from iomhub.pg_arrays import Ids, literal, one_of
from tests.factories import PersonFactory


def test_literal_writes_numbers_dates_and_nulls():
    assert literal([3, None, 12]) == "{3,NULL,12}"
    assert literal([datetime.date(2026, 2, 1)]) == "{2026-02-01}"
    assert literal([]) == "{}"


@pytest.mark.parametrize("value", ["a", True, datetime.datetime(2026, 1, 1, 9, 0), 1.5])
def test_literal_refuses_what_would_need_quoting(value):
    with pytest.raises(TypeError):
        literal([1, value])


def test_ids_are_sorted_and_distinct_with_their_literal():
    ids = Ids([5, 2, 5, 9])
    assert list(ids) == [2, 5, 9]
    assert ids.literal == "{2,5,9}"


@pytest.fixture
def people(db):
    born = [datetime.date(1980, 1, 1) + datetime.timedelta(days=i % 40) for i in range(120)]
    return [PersonFactory(last_name=f"Surname{i % 7}", date_of_birth=day) for i, day in enumerate(born)]


def _ids(rows):
    return sorted(p.pk for p in rows)


@pytest.mark.django_db
def test_one_of_gives_what_an_in_list_gives(people):
    everyone = Person.objects.all()
    some = [p.pk for p in people[::3]] + [10**9]  # and an id nobody has
    assert _ids(one_of(everyone, "pk", some)) == _ids(everyone.filter(pk__in=some))
    assert _ids(one_of(everyone, "pk", Ids(some))) == _ids(everyone.filter(pk__in=some))
    days = {people[0].date_of_birth, people[5].date_of_birth}
    assert _ids(one_of(everyone, "date_of_birth", days)) == _ids(everyone.filter(date_of_birth__in=days))
    names = ["Surname1", "Surname4", 'O\'Brien, "quoted" {braced}']  # text: adapted by the driver, not a literal
    assert _ids(one_of(everyone, "last_name", names)) == _ids(everyone.filter(last_name__in=names))
    assert list(one_of(everyone, "pk", [])) == []


@pytest.mark.django_db
def test_one_of_keeps_the_querysets_own_filters(people):
    narrowed = Person.objects.filter(last_name="Surname2")
    every_id = [p.pk for p in people]
    assert _ids(one_of(narrowed, "pk", every_id)) == _ids(narrowed)


@pytest.mark.django_db
def test_one_of_past_nine_hundred_values(db):
    """More values than one ``IN`` list of 900 holds (SQLite reads them in chunks): every row is found."""
    made = [PersonFactory() for _ in range(5)]
    wanted = list(range(1, 2000)) + [p.pk for p in made]
    assert _ids(one_of(Person.objects.all(), "pk", wanted)) == _ids(made)


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="array literals are PostgreSQL's")
def test_text_literal_reads_back_as_written() -> None:
    """Every text comes back as it went in: quotes, backslashes, commas, braces, spaces, NULL as a word."""
    from iomhub.pg_arrays import text_literal

    texts = ["o'neil", 'a"b', "back\\slash", "a,b", "{x}", " spaced ", "NULL", "", "ünï"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s::text[]", [text_literal(texts)])
        assert cursor.fetchone()[0] == texts


@pytest.mark.skipif(connection.vendor != "postgresql", reason="array literals are PostgreSQL's")
def test_many_dates_and_numbers_read_back_as_written(db) -> None:
    """The literal of a batch's values (written a type at a time) is read by PostgreSQL itself as
    the same values, in order, with the subclasses (a date-time, a boolean) still refused."""
    dates = [datetime.date(1900, 1, 1) + datetime.timedelta(days=n * 37) for n in range(3000)] + [
        datetime.date(1, 1, 1),
        datetime.date(9999, 12, 31),
    ]
    numbers = [0, -7, 2**62, *range(1, 3000, 7)]
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s::date[], %s::bigint[]", [literal(dates), literal(numbers)])
        assert cursor.fetchone() == (dates, numbers)
    with pytest.raises(TypeError):
        literal([*dates, datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)])
    with pytest.raises(TypeError):
        literal([*numbers, True])
