"""Keeping the screening table (``ScreeningPeriod``, ADR 0036) current.

The justice services call :func:`refresh` for the person whose record they changed, in the same
transaction (arrests, offences, court outcomes, warrants, sentences); :func:`rebuild` works the whole
table out again (``python -m iomhub rebuild_screening``: after a bulk load, a merge of two people's
records or a change to the offence catalogue). Until the first rebuild the table is not in use
(:func:`in_use` is False), refreshing does nothing and the candidate list screens on the fly.

The facts are the ones ``justice.selectors.screening_facts`` reads (arrests, offences with their
neighbourhood-crime category, sentences with a length in days, breach warrants, community and
suspended sentence orders), over the whole record rather than up to one day; the periods come from
``iomhub.rules.screening_periods``.
"""

from __future__ import annotations

import datetime
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction
from django.db.models import Q, QuerySet

from iomhub.justice.models import Arrest, CourtOutcome, Disposal, Offence, OffenceCode, Sentence, Warrant
from iomhub.justice.screening_models import ScreeningPeriod, ScreeningRebuild
from iomhub.pg_arrays import Ids, literal, one_of
from iomhub.rules.dates import add_months
from iomhub.rules.eligibility import NEIGHBOURHOOD_CRIME
from iomhub.rules.screening_periods import period_rows

BATCH = 2000  # people worked out at a time by a rebuild


def in_use() -> bool:
    """Whether the table has been built (and so is kept current and read)."""
    return ScreeningRebuild.objects.exists()


def periods_on(day: datetime.date) -> QuerySet[ScreeningPeriod]:
    """The periods that hold ``day``: one per person who may be a candidate on it."""
    return ScreeningPeriod.objects.filter(starts_on__lte=day, ends_on__gte=day)


_FACTS = ("arrest_dates", "offences", "custodial_sentences", "breach_warrants", "orders")
_ORDERS = (Disposal.COMMUNITY, Disposal.SUSPENDED)

HeldRow = tuple[int, int, datetime.date, datetime.date, int, datetime.date | None]  # pk, then a Row


def _records(person_ids: Ids, *, held: bool = False) -> tuple[dict[str, dict[int, list[Any]]], list[HeldRow]]:
    """The facts for ``rules.screening_periods.periods``, by kind and then by person (unordered: the
    rule sorts), and with ``held`` the periods the table holds for the people (pk first). A person
    has a list only for the kinds of fact they have: no five empty lists and a dictionary made for
    each person (issue 11).

    Read only: arrests; neighbourhood-crime offences (the rule reads no other: its ``crimes``);
    sentences with a length; breach warrants; and community and suspended sentence orders of the
    people with a breach warrant only. The rule weighs orders only beside a breach warrant (its
    ``breaches_count``) and otherwise takes the first order as one more edge, a day on which
    nothing it counts changes, where the period it splits is joined again: so a record without a
    breach warrant has the same periods with its orders or without them. Almost nobody has a breach
    warrant, and a court outcome is a row of every conviction (issue 11).

    On PostgreSQL all of it is one statement (``_read_postgresql``); elsewhere a query a kind."""
    if connection.vendor == "postgresql":
        return _read_postgresql(person_ids, held=held)
    found: dict[str, dict[int, list[Any]]] = {kind: defaultdict(list) for kind in _FACTS}
    arrest_dates, offences, sentences, breaches, orders = (found[kind] for kind in _FACTS)
    for pid, day in one_of(Arrest.objects.order_by().values_list("person_id", "arrested_on"), "person_id", person_ids):
        arrest_dates[pid].append(day)
    offence_rows = (
        Offence.objects.filter(code__neighbourhood_crime__in=NEIGHBOURHOOD_CRIME)
        .order_by()
        .values_list("person_id", "committed_on", "code__neighbourhood_crime")
    )
    for pid, day, category in one_of(offence_rows, "person_id", person_ids):
        offences[pid].append((day, category))
    sentence_rows = Sentence.objects.filter(length_days__isnull=False).order_by().values_list("person_id", "sentenced_on", "length_days")
    for pid, day, length in one_of(sentence_rows, "person_id", person_ids):
        sentences[pid].append((day, length))
    warrant_rows = Warrant.objects.filter(kind=Warrant.Kind.BREACH).order_by().values_list("person_id", "issued_on")
    for pid, day in one_of(warrant_rows, "person_id", person_ids):
        breaches[pid].append(day)
    if breaches:
        orders_made = CourtOutcome.objects.filter(disposal__in=_ORDERS).order_by()
        for pid, day in one_of(orders_made.values_list("person_id", "decided_on"), "person_id", breaches.keys()):
            orders[pid].append(day)
    periods: list[HeldRow] = []
    if held:
        rows = ScreeningPeriod.objects.order_by().values_list("pk", "person_id", "starts_on", "ends_on", "arrests_in_year", "last_arrest")
        periods = list(one_of(rows, "person_id", person_ids))
    return found, periods


def _table(model: type[Any]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


# ``_read_postgresql``'s statement: each kind of fact, then the periods held, as rows of (kind, person,
# day, number, category, ends_on, last_arrest, pk); the ids one array parameter that each part reads
# by its table's person index. Only table names are put in (``_statement``); the values are parameters.
_READ = (
    "SELECT 0::smallint AS kind, a.person_id, a.arrested_on AS day, NULL::integer AS number, NULL::text AS category,"
    " NULL::date AS ends_on, NULL::date AS last_arrest, NULL::bigint AS pk FROM {arrest} a WHERE a.person_id {ids}"
    "\nUNION ALL\nSELECT 1, o.person_id, o.committed_on, NULL, c.neighbourhood_crime, NULL, NULL, NULL FROM {offence} o"
    " JOIN {offencecode} c ON c.id = o.code_id WHERE c.neighbourhood_crime = ANY(%(crimes)s) AND o.person_id {ids}"
    "\nUNION ALL\nSELECT 2, s.person_id, s.sentenced_on, s.length_days, NULL, NULL, NULL, NULL FROM {sentence} s"
    " WHERE s.length_days IS NOT NULL AND s.person_id {ids}"
    "\nUNION ALL\nSELECT 3, w.person_id, w.issued_on, NULL, NULL, NULL, NULL, NULL FROM {warrant} w"
    " WHERE w.kind = %(breach)s AND w.person_id {ids}"
    "\nUNION ALL\nSELECT 4, co.person_id, co.decided_on, NULL, NULL, NULL, NULL, NULL FROM {courtoutcome} co"
    " WHERE co.disposal = ANY(%(orders)s) AND co.person_id IN (SELECT w.person_id FROM {warrant} w WHERE w.kind = %(breach)s AND w.person_id {ids})"
)
_READ_HELD = (
    "\nUNION ALL\nSELECT 5, p.person_id, p.starts_on, p.arrests_in_year, NULL, p.ends_on, p.last_arrest, p.id FROM {period} p"
    " WHERE p.person_id {ids}"
)


def _statement(held: bool) -> str:
    tables = {
        "arrest": Arrest,
        "offence": Offence,
        "offencecode": OffenceCode,
        "sentence": Sentence,
        "warrant": Warrant,
        "courtoutcome": CourtOutcome,
        "period": ScreeningPeriod,
    }
    names = {name: _table(model) for name, model in tables.items()}
    return (_READ + (_READ_HELD if held else "")).format(ids="= ANY(%(ids)s::bigint[])", **names)


def _read_postgresql(person_ids: Ids, *, held: bool) -> tuple[dict[str, dict[int, list[Any]]], list[HeldRow]]:
    """``_records`` on PostgreSQL: one statement, one round trip, and no query built by the ORM,
    where there were six (issue 11). The ids go as their array literal (``Ids``)."""
    found: dict[str, dict[int, list[Any]]] = {kind: defaultdict(list) for kind in _FACTS}
    arrest_dates, offences, sentences, breaches, orders = (found[kind] for kind in _FACTS)
    periods: list[HeldRow] = []
    params: dict[str, Any] = {
        "ids": person_ids.literal,
        "breach": Warrant.Kind.BREACH.value,
        "crimes": sorted(NEIGHBOURHOOD_CRIME),
        "orders": [o.value for o in _ORDERS],
    }
    with connection.cursor() as cursor:
        cursor.execute(_statement(held), params)
        rows = cursor.fetchall()
    for kind, pid, day, number, category, ends_on, last_arrest, pk in rows:
        if kind == 0:
            arrest_dates[pid].append(day)
        elif kind == 5:
            periods.append((pk, pid, day, ends_on, number, last_arrest))
        elif kind == 1:
            offences[pid].append((day, category))
        elif kind == 2:
            sentences[pid].append((day, number))
        elif kind == 3:
            breaches[pid].append(day)
        else:
            orders[pid].append(day)
    return found, periods


Row = tuple[int, datetime.date, datetime.date, int, datetime.date | None]  # person_id and a Period's fields


def _rows(person_ids: Iterable[int]) -> list[Row]:
    """Each person's periods as the table's rows (person id, then ``Period``'s fields; no ``Period``
    made), by person id, each person's oldest first (the order they are inserted in)."""
    facts, _ = _records(person_ids if isinstance(person_ids, Ids) else Ids(person_ids))
    return _worked_out(facts)


def _worked_out(facts: dict[str, dict[int, list[Any]]]) -> list[Row]:
    """``_rows`` of the facts read."""
    arrest_dates, offences, sentences, breaches, orders = (facts[kind] for kind in _FACTS)
    people = sorted(set().union(*facts.values()))  # those with any fact; the others have no period
    none: tuple[Any, ...] = ()
    return [
        (pid, *row)
        for pid in people
        for row in period_rows(
            arrest_dates=arrest_dates.get(pid, none),
            offences=offences.get(pid, none),
            custodial_sentences=sentences.get(pid, none),
            breach_warrants=breaches.get(pid, none),
            orders=orders.get(pid, none),
        )
    ]


_INSERT = (
    "INSERT INTO {table} (person_id, starts_on, ends_on, arrests_in_year, last_arrest)"
    " SELECT * FROM unnest(%s::bigint[], %s::date[], %s::date[], %s::integer[], %s::date[])"
)


def _insert(rows: list[Row]) -> int:
    """Add the periods, the one writer of the table (a rebuild's batches and a refresh alike): on
    PostgreSQL one statement of five array parameters, written as their text (ids, ISO dates,
    counts: nothing to quote), not a model instance and five parameters a period; elsewhere
    ``bulk_create``. Measured against the toolkit's ``iomhub.bulk_insert.insert_many`` (``COPY``,
    every value through its field's ``get_db_prep_save``): ten times its CPU for 100,000 periods, so
    the table keeps this one (ADR 0036, addendum "one writer of the table")."""
    if not rows:
        return 0
    if connection.vendor != "postgresql":
        made = [
            ScreeningPeriod(person_id=pid, starts_on=starts_on, ends_on=ends_on, arrests_in_year=count, last_arrest=last_arrest)
            for pid, starts_on, ends_on, count, last_arrest in rows
        ]
        return len(ScreeningPeriod.objects.bulk_create(made, batch_size=BATCH))

    columns = tuple(literal(column) for column in zip(*rows, strict=True))
    with connection.cursor() as cursor:
        cursor.execute(_INSERT.format(table=connection.ops.quote_name(ScreeningPeriod._meta.db_table)), columns)
    return len(rows)


def refresh(person_ids: Iterable[int]) -> None:
    """Work out again the periods of ``person_ids`` (their justice record has just changed), while
    the table is in use. Called by the justice services inside their transaction.

    Only what changed is written: the periods held that are no longer worked out are deleted (by
    id), those worked out and not held are added, and the others (most of them: a new arrest
    changes the periods after it, not those before) are left as they are. The rows are then those a
    delete of the people's periods and an insert of all of them would leave, but for the ids of the
    rows kept (nothing reads the ids). Index upkeep of the insert was most of an arrests import's
    time in PostgreSQL for people on record (ADR 0037 addendum, "rows of people on record cheaper").
    On PostgreSQL the facts and the periods held are one statement, and the deletes and inserts
    another (issue 11)."""
    ids = Ids(person_ids)
    if not ids or not in_use():
        return
    with transaction.atomic():
        facts, held = _records(ids, held=True)
        wanted = Counter(_worked_out(facts))
        stale: list[int] = []
        for row in held:
            key = row[1:]
            if wanted[key] > 0:
                wanted[key] -= 1
            else:
                stale.append(row[0])
        _write(stale, [key for key, count in wanted.items() for _ in range(count)])


_DELETE_THEN_INSERT = (
    "WITH stale AS (DELETE FROM {table} WHERE id = ANY(%s::bigint[]))"
    " INSERT INTO {table} (person_id, starts_on, ends_on, arrests_in_year, last_arrest)"
    " SELECT * FROM unnest(%s::bigint[], %s::date[], %s::date[], %s::integer[], %s::date[])"
)


def _write(stale: list[int], rows: list[Row]) -> None:
    """Delete the periods ``stale`` (ids) and add ``rows``: on PostgreSQL one statement (the delete
    a data-modifying ``WITH`` of the insert, or either alone), the ids as one array literal."""
    if connection.vendor != "postgresql" or not stale:
        _delete(stale)
        _insert(rows)
        return
    if not rows:
        _delete(stale)
        return
    table = _table(ScreeningPeriod)
    columns = tuple(literal(column) for column in zip(*rows, strict=True))
    with connection.cursor() as cursor:
        cursor.execute(_DELETE_THEN_INSERT.format(table=table), [literal(stale), *columns])


def _delete(period_ids: list[int]) -> None:
    """Delete the periods ``period_ids``: on PostgreSQL one statement with the ids as one array literal."""
    if not period_ids:
        return
    if connection.vendor != "postgresql":
        for start in range(0, len(period_ids), 900):
            ScreeningPeriod.objects.filter(pk__in=period_ids[start : start + 900]).delete()
        return
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {_table(ScreeningPeriod)} WHERE id = ANY(%s::bigint[])", [literal(period_ids)])  # noqa: S608 - our own table's name


def _people_with_events() -> list[int]:
    ids: set[int] = set(Arrest.objects.values_list("person_id", flat=True).distinct())
    ids |= set(Offence.objects.values_list("person_id", flat=True).distinct())
    ids |= set(Sentence.objects.filter(length_days__isnull=False).values_list("person_id", flat=True).distinct())
    ids |= set(
        Warrant.objects.filter(Q(kind=Warrant.Kind.BREACH)).values_list("person_id", flat=True).distinct()
    )  # breach with an order: both needed, so one of the two suffices here
    return sorted(ids)


def rebuild() -> ScreeningRebuild:
    """The whole table worked out again from the justice record, in one transaction (the candidate
    list reads the old table until it commits). Recorded as a ``ScreeningRebuild``."""
    started = time.perf_counter()
    people = _people_with_events()
    made = 0
    with transaction.atomic():
        ScreeningPeriod.objects.all().delete()
        for i in range(0, len(people), BATCH):
            made += _insert(_rows(people[i : i + BATCH]))
        return ScreeningRebuild.objects.create(people=len(people), periods=made, seconds=round(time.perf_counter() - started, 2))


def with_recent_events(person_ids: Iterable[int], as_of: datetime.date) -> set[int]:
    """Of ``person_ids``, those with an arrest, offence or sentence in the twelve months up to
    ``as_of``: the population the candidate list screens (``screening_facts(person_ids=None)``)."""
    ids = sorted(set(person_ids))
    year_ago = add_months(as_of, -12)
    # The ids as one array parameter on PostgreSQL (``iomhub.pg_arrays.one_of``), not one each.
    arrests = Arrest.objects.filter(arrested_on__gt=year_ago, arrested_on__lte=as_of).order_by().values_list("person_id", flat=True)
    offences = Offence.objects.filter(committed_on__gt=year_ago, committed_on__lte=as_of).order_by().values_list("person_id", flat=True)
    sentences = Sentence.objects.filter(sentenced_on__gt=year_ago, sentenced_on__lte=as_of).order_by().values_list("person_id", flat=True)
    found: set[int] = set(one_of(arrests, "person_id", ids))
    found |= set(one_of(offences, "person_id", ids))
    found |= set(one_of(sentences, "person_id", ids))
    return found
