"""``feeds.linkage_batch.candidate_people`` pairs, for each row, the people linkage reads of those
the blocking rule (``probable.candidates_q``) allows and the importer sees: everyone born the same
day, and the first ``CANDIDATES_SCORED`` by id. The oracle is the ORM: ``candidates_q`` with the
access policy's filter, one row at a time, cut in Python. With a common surname and a common given
name there are hundreds of candidates per row (the national case), restricted and merged records
among them."""

from __future__ import annotations

import datetime
import random

import pytest
from django.db import connection

from iomhub.access.models import User
from iomhub.access.policy import people_filter
from iomhub.feeds.linkage_batch import CANDIDATES_SCORED, candidate_people
from iomhub.feeds.linkage_model.probable import candidates_q
from iomhub.feeds.rows import Identity
from iomhub.people.models import Person, Restriction

pytestmark = pytest.mark.django_db


def candidate_pairs(rows: list[Identity], user: User) -> set[tuple[int, int]]:
    """(index in ``rows``, person id): the pairs of ``candidate_people``, whose order its own tests check."""
    return set(candidate_people(rows, user)[0])


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


def pairs_by_the_orm(rows: list[Identity], user: User) -> set[tuple[int, int]]:
    visible = Person.objects.filter(people_filter(user), merged_into__isnull=True).order_by("pk")
    expected = set()
    for i, who in enumerate(rows):
        found = list(visible.filter(candidates_q(who.family_name, who.given_name, who.date_of_birth)).values_list("pk", "date_of_birth"))
        expected |= {(i, pk) for pk, _ in found[:CANDIDATES_SCORED]} | {(i, pk) for pk, dob in found if dob == who.date_of_birth}
    return expected


def test_the_edges_of_each_way(coordinator: User) -> None:
    """Each way of the blocking rule at its edges: the ten years either side to the day (born on 1
    January ten years before, 31 December ten years after, and a day beyond each), the same year,
    the same day and month in another year (29 February too), the date with day and month swapped,
    names in other cases; a restricted person the importer has been granted is seen, one not
    granted is not. More than ``CANDIDATES_SCORED`` people in several ways at once, so the first by
    id of their union is tested, not of one way alone."""
    from iomhub.access.models import PersonAccessGrant

    rng = random.Random(11)
    dob = datetime.date(1984, 2, 29)
    edges = [
        datetime.date(1974, 1, 1),
        datetime.date(1973, 12, 31),
        datetime.date(1994, 12, 31),
        datetime.date(1995, 1, 1),
        datetime.date(1984, 1, 1),
        datetime.date(1984, 12, 31),
        datetime.date(1983, 12, 31),
        datetime.date(1988, 2, 29),
        datetime.date(1960, 2, 28),
        dob,
        datetime.date(1984, 3, 1),
    ]
    people = [
        Person(
            first_name=rng.choice(["Leap", "LEAP", "leap", "Other"]),
            last_name=rng.choice(["Day", "DAY", "day", "Else"]),
            date_of_birth=rng.choice(edges),
            restriction=Restriction.MAPPA if rng.random() < 0.15 else "",
        )
        for _ in range(300)
    ]
    swapped = [Person(first_name="Nobody", last_name="Alike", date_of_birth=datetime.date(1990, 4, 6)) for _ in range(3)]
    Person.objects.bulk_create([*people, *swapped])
    restricted = list(Person.objects.exclude(restriction="").order_by("pk").values_list("pk", flat=True))
    granted = restricted[::2]
    for pk in granted:
        PersonAccessGrant.objects.create(person_id=pk, user=coordinator)
    rows = [
        Identity("", "day", "leap", dob),
        Identity("", "Else", "Other", datetime.date(1984, 6, 15)),
        Identity("", "Unknown", "leap", datetime.date(1999, 2, 29 - 1)),
        Identity("", "Alike", "Nobody", datetime.date(1990, 6, 4)),
    ]
    expected = pairs_by_the_orm(rows, coordinator)
    assert candidate_pairs(rows, coordinator) == expected
    seen = {pk for _, pk in expected}
    assert seen & set(granted), "a granted restricted person is a candidate"
    assert not seen & (set(restricted) - set(granted)), "a restricted person not granted never is"
    assert {pk for i, pk in expected if i == 3} == {p.pk for p in swapped}  # the date with day and month swapped
    assert sum(1 for i, _ in expected if i == 0) > CANDIDATES_SCORED


def test_a_policy_filter_through_another_table(coordinator: User, monkeypatch: pytest.MonkeyPatch) -> None:
    """Should the access policy's filter of people ever go through another table (a team, a
    grant), the candidates are still those it lets through: the filter is then taken whole, as the
    ids it selects."""
    from django.db.models import Q

    import iomhub.feeds.linkage_batch as linkage_batch

    base = datetime.date(1979, 5, 5)
    Person.objects.bulk_create(
        [Person(first_name="Jo", last_name="Grey", date_of_birth=base + datetime.timedelta(days=n % 3)) for n in range(60)]
    )
    team = coordinator.team
    assert team is not None
    chosen = list(Person.objects.order_by("pk").values_list("pk", flat=True)[::4])
    Person.objects.filter(pk__in=chosen).update(managing_team=team)
    through_team = Q(managing_team__name=team.name)
    monkeypatch.setattr(linkage_batch, "people_filter", lambda user: through_team)
    rows = [Identity("", "Grey", "Jo", base)]
    visible = Person.objects.filter(through_team, merged_into__isnull=True).order_by("pk")
    found = list(visible.filter(candidates_q("Grey", "Jo", base)).values_list("pk", "date_of_birth"))
    expected = {(0, pk) for pk, _ in found[:CANDIDATES_SCORED]} | {(0, pk) for pk, dob in found if dob == base}
    assert expected and candidate_pairs(rows, coordinator) == expected


def test_names_an_array_would_quote_and_a_second_chunk(coordinator: User) -> None:
    """On PostgreSQL the batch goes as arrays: names with a quote, a double quote, a backslash, a
    comma, braces, spaces, the word NULL or a ``LIKE`` wildcard are found as the ORM finds them;
    and rows past the first chunk of 900 keep their own index."""
    names = ["O'Neil", 'Say "Hi"', "Back\\slash", "Com,ma", "{Brace}", "NULL", "Two  Words", "o'neil", "Per%cent", "Under_score"]
    base = datetime.date(1991, 3, 14)
    Person.objects.bulk_create(
        [
            Person(first_name=given, last_name=family, date_of_birth=base + datetime.timedelta(days=400 * n))
            for n, (family, given) in enumerate(zip(names, reversed(names), strict=True))
        ]
    )
    # Not "Under_score" (on SQLite the names are compared by LIKE, its wildcards escaped).
    trap = Person.objects.create(first_name="Zed", last_name="UnderXscore", date_of_birth=base + datetime.timedelta(days=5))
    filler = [Identity("", "Nobody", "Nemo", datetime.date(1900, 1, 2)) for _ in range(900)]
    rows = [*filler, *(Identity("", family, given, base + datetime.timedelta(days=1)) for family, given in zip(names, names, strict=True))]
    expected = pairs_by_the_orm(rows, coordinator)
    assert {i for i, _ in expected} >= set(range(900, 900 + len(names)))  # each found by its own names
    assert trap.pk not in {pk for _, pk in expected}
    assert candidate_pairs(rows, coordinator) == expected


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner settings")
def test_the_planner_settings_put_back(coordinator: User) -> None:
    """The statement runs with whole-table scans, bitmaps, hash and merge joins and JIT turned off;
    the caller's values are put back after."""
    Person.objects.create(first_name="Put", last_name="Back", date_of_birth=datetime.date(1970, 1, 1))
    names = ("enable_seqscan", "enable_bitmapscan", "enable_hashjoin", "enable_mergejoin", "jit")
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(f"set_config('{name}', %s, true)" for name in names), ["on", "on", "off", "on", "on"])
        candidate_pairs([Identity("", "Back", "Put", datetime.date(1970, 1, 1))], coordinator)
        cursor.execute("SELECT " + ", ".join(f"current_setting('{name}')" for name in names))
        assert cursor.fetchone() == ("on", "on", "off", "on", "on")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plan")
def test_each_way_is_read_from_its_index_whatever_the_statistics(coordinator: User) -> None:
    """The plan does not follow the statistics (ADR 0037, fifth sitting: once the tables were
    analysed PostgreSQL read a ten-year range of births for each row): with the table analysed, and
    with its statistics gone, the people table is never read whole nor by a bitmap, and each way
    has its own index (people migrations 0008 and 0010). The plan read is the statement's own,
    under its own settings."""
    rng = random.Random(7)
    Person.objects.bulk_create(
        [
            Person(
                first_name=rng.choice(["Ann", "Bob"]),
                last_name=rng.choice(["Lee", "Roe"]),
                date_of_birth=datetime.date(1960, 1, 1) + datetime.timedelta(days=rng.randrange(15000)),
            )
            for _ in range(2000)
        ]
    )
    rows = [Identity("", "Lee", "Ann", datetime.date(1975, 5, 6)), Identity("", "Roe", "Bob", datetime.date(1980, 12, 25))]
    plans: list[str] = []

    def explain(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        if "CROSS JOIN LATERAL" in sql:
            raw = context["cursor"].cursor  # the driver's own cursor: not through this wrapper again
            raw.execute("EXPLAIN " + sql, params)
            plans.append("\n".join(row[0] for row in raw.fetchall()))
        return execute(sql, params, many, context)

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE people_person")
    analysed = candidate_pairs(rows, coordinator)
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM pg_statistic WHERE starelid = 'people_person'::regclass "
            "OR starelid IN (SELECT indexrelid FROM pg_index WHERE indrelid = 'people_person'::regclass)"
        )
    with connection.execute_wrapper(explain):
        assert candidate_pairs(rows, coordinator) == analysed == pairs_by_the_orm(rows, coordinator)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE people_person")
    with connection.execute_wrapper(explain):
        candidate_pairs(rows, coordinator)
    assert len(plans) == 2
    for plan in plans:
        assert "Seq Scan on people_person" not in plan and "Bitmap" not in plan, plan
        assert "Hash Join" not in plan and "Merge Join" not in plan, plan
        for index in ("person_upper_last_id", "person_upper_first_year", "person_upper_first_md"):
            assert f"Index Scan using {index} on people_person" in plan, plan


def test_an_importer_who_sees_nobody_has_no_candidates(coordinator: User) -> None:
    """A user the access policy lets see nobody (here: no longer active) gets no candidates, as the
    ORM finds none for them; the policy's filter is then no SQL at all (it raised before)."""
    Person.objects.create(first_name="Seen", last_name="Never", date_of_birth=datetime.date(1970, 1, 1))
    coordinator.is_active = False
    rows = [Identity("", "Never", "Seen", datetime.date(1970, 1, 1))]
    assert pairs_by_the_orm(rows, coordinator) == set()
    assert candidate_pairs(rows, coordinator) == set()


def test_names_in_other_cases_beyond_ascii(coordinator: User) -> None:
    """Names compared as ``candidates_q``'s ``iexact`` compares them on each database (PostgreSQL:
    ``UPPER`` of both sides, by the database, so a sharp s is not SS; SQLite: ``LIKE``, which folds
    ASCII letters alone), not folded in Python first (as both batches did before)."""
    born = datetime.date(1966, 7, 8)
    pairs = [("STRASSE", "Jan"), ("Straße", "Jan"), ("ÖLMEZ", "Ünal"), ("Ölmez", "ünal"), ("ölmez", "ÜNAL")]
    Person.objects.bulk_create(
        [Person(last_name=family, first_name=given, date_of_birth=born + datetime.timedelta(days=40)) for family, given in pairs]
    )
    rows = [Identity("", "straße", "Nobody", born), Identity("", "ölmez", "Nobody", born), Identity("", "Other", "ünal", born)]
    expected = pairs_by_the_orm(rows, coordinator)
    assert {i for i, _ in expected} == {0, 1, 2} and len(expected) < 3 * len(pairs)  # found by name, not all by date
    assert candidate_pairs(rows, coordinator) == expected
