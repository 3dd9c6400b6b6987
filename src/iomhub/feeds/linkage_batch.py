"""Record linkage for a whole batch of feed rows at once (issue 11: throughput): the same rules, in
the same order, as ``feeds.linkage.link_for`` row by row, with a handful of queries per batch
instead of a handful per row, and the probable matches scored in one DuckDB query
(``probable.score_many``).

- decisions already made on the review queue, for every row's key in one query;
- the prison numbers and PNC IDs of the batch in one query each;
- the people each row may be, by the blocking rule of ``probable.candidates_q`` (same or swapped
  date of birth; same family name born within ten years; same given name born the same year or on
  the same day and month): on PostgreSQL each way read row by row from its own index, the plan
  pinned (``_pairs_postgresql``); on SQLite one join of the batch against the people table;
- the exact name and date of birth, then the model, from those people.

Only people the importer may see are loaded (``access.policy.people_filter``), as row by row.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple, cast

from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction

from iomhub.access.policy import people_filter
from iomhub.feeds.linkage import Link, Uncertain, exact_link, identifier_link, on_review_queue, probable_link
from iomhub.feeds.linkage_model import probable
from iomhub.feeds.linkage_model.settings import record
from iomhub.feeds.models import LinkMethod, LinkReview
from iomhub.people.models import Person
from iomhub.pg_arrays import literal, one_of, text_literal

if TYPE_CHECKING:
    from collections.abc import Iterator

    from iomhub.access.models import User
    from iomhub.feeds.rows import Identity

Found = Link | Uncertain | None
CANDIDATES_SCORED = 50  # per row, as ``feeds.linkage`` scores
_CHUNK = 900


def _chunks(items: list[Any], size: int = _CHUNK) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class _Seen(NamedTuple):
    """What linkage reads of a person (``exact_link``, ``agreed_fields``, the model's record): a
    batch reads thousands of the people its rows may be, as values, in the candidate query itself
    (``candidate_people``), each made from its row as it comes (a tuple: a frozen dataclass's
    ``__init__`` cost 0.2 s of CPU per 1,000 rows of new people); only those linked are then read
    as records (``_as_records``)."""

    pk: int
    first_name: str
    last_name: str
    date_of_birth: datetime.date
    pnc_id: str
    prison_number: str


# The columns of ``_Seen`` after its ``pk``, as the candidate queries return them after each person's id.
_SEEN = _Seen._fields[1:]


def candidate_people(people: list[Identity], user: User, ahead: Prefetched | None = None) -> tuple[list[tuple[int, int]], dict[int, _Seen]]:
    """(index in ``people``, person id) for the people each identity may be that ``user`` sees,
    merged records left out, by ``probable.candidates_q``, one query per chunk, in that order (by
    index, then id: the database sorts them for its ranking already); and each of those
    people as linkage reads them (``_Seen``), from the same query (issue 11: a second query by id of
    the same thousands of visible people cost as much again). Of each identity's people, only those
    linkage reads are answered: everyone born the same day (``exact_link``) and the first
    ``CANDIDATES_SCORED`` by id (the model's), cut in SQL (issue 11, national scale: a common
    surname is thousands of people, sent and sorted for nothing). ``ahead``: what was read ahead
    of the batch (``prefetch``), completed now (``_candidates_ahead``)."""
    if ahead is not None:
        return _candidates_ahead(people, user, ahead)
    pairs_of = _pairs_postgresql if connection.vendor == "postgresql" else _pairs_sqlite
    found: list[tuple[int, int]] = []
    seen: dict[int, _Seen] = {}
    try:
        for chunk in _chunks(list(enumerate(people))):
            rows = pairs_of(chunk, user)
            found += [(row[0], row[1]) for row in rows]
            latest = {row[1]: row for row in rows}  # a person's row is the same for each of its pairs
            seen.update({pid: _Seen._make(row[1:]) for pid, row in latest.items() if pid not in seen})
    except EmptyResultSet:  # the policy lets ``user`` see nobody (Django writes no SQL for that)
        return [], {}
    return found, seen


_PEOPLE = Person._meta.db_table


def _visible_where(user: User) -> tuple[str, list[Any]]:
    """The access policy's filter of the people ``user`` sees, merged records left out, as the SQL of
    a ``WHERE`` on the unaliased people table (Django's own SQL of ``people_filter``); should the
    filter go through another table, the ids it selects, as a subquery."""
    visible = Person.objects.filter(people_filter(user), merged_into__isnull=True)
    query = visible.query
    sql, params = query.get_compiler(connection=connection).compile(query.where)
    if [alias for alias, used in query.alias_refcount.items() if used] != [_PEOPLE]:
        sql, params = visible.order_by().values("pk").query.sql_with_params()
        return f"{_PEOPLE}.id IN ({sql})", list(params)
    return sql, list(params)


# ``candidates_q``'s ways on PostgreSQL, each on the people table unaliased, each with the one index
# that answers all its conditions (people migrations 0008 and 0010), and whether it is read in id
# order and cut at the first ``CANDIDATES_SCORED`` (a surname's people born within ten years: a
# common surname is thousands). The others are read whole: a day's births, a given name's births in
# a year or on a day and month are tens of people; cut, PostgreSQL could read them in id order from
# the primary key instead, stopping (it guesses) at the fiftieth. No way's condition can be answered
# by another index: the years are compared as ``EXTRACT(YEAR ...)``, which no index has first, so the
# date of birth's own index, by which PostgreSQL read a ten-year range of births once the tables
# were analysed (ADR 0037, fifth sitting), answers none but the first.
_BORN = f"{_PEOPLE}.date_of_birth"
_YEAR = f"EXTRACT(YEAR FROM {_BORN})"
_WAYS = (
    (f"{_BORN} = ANY(ARRAY[b.dob, b.swp])", False),
    (f"upper({_PEOPLE}.last_name) = b.fam AND {_YEAR} BETWEEN b.y - 10 AND b.y + 10", True),
    (f"upper({_PEOPLE}.first_name) = b.giv AND {_YEAR} = b.y", False),
    (f"upper({_PEOPLE}.first_name) = b.giv AND EXTRACT(MONTH FROM {_BORN}) = b.m AND EXTRACT(DAY FROM {_BORN}) = b.d", False),
)
# The planner's choices these statements must not have: a whole-table scan, a bitmap of a range of
# births, or a join of the chunk with the people table other than row by row through the indexes.
# Turned off for the statement alone (and JIT, whose compiling costs more than the statement), the
# caller's values put back after.
_PINNED = ("enable_seqscan", "enable_bitmapscan", "enable_hashjoin", "enable_mergejoin", "jit")


# The chunk's rows as the ways read them, from five array parameters (``_batch_params``).
_BATCH = (
    "b AS (SELECT i, upper(fam) AS fam, upper(giv) AS giv, dob, swp, EXTRACT(YEAR FROM dob) AS y, EXTRACT(MONTH FROM dob) AS m, "
    "EXTRACT(DAY FROM dob) AS d FROM unnest(%s::int[], %s::text[], %s::text[], %s::date[], %s::date[]) AS u(i, fam, giv, dob, swp))"
)


def _batch_params(chunk: list[tuple[int, Identity]]) -> list[str]:
    dobs = [who.date_of_birth for _, who in chunk]
    return [
        literal([i for i, _ in chunk]),
        text_literal([who.family_name for _, who in chunk]),
        text_literal([who.given_name for _, who in chunk]),
        literal(dobs),
        literal([probable.swapped(dob) or dob for dob in dobs]),
    ]


def _pairs_sql(visible: str) -> str:
    # Only our own SQL fragments and Django's SQL of the visible people are interpolated; every value
    # is a parameter. ``OFFSET 0`` keeps an uncut way a subquery read row by row. Each person's
    # ``_Seen`` columns come with their id (read from the row each way already reads).
    seen = ", ".join(f"{_PEOPLE}.{name}" for name in _SEEN)
    carried = ", ".join(_SEEN)
    ways = " UNION ".join(
        f"SELECT b.i, w.* FROM b CROSS JOIN LATERAL (SELECT {_PEOPLE}.id, {_BORN} = b.dob AS same, {seen} "  # noqa: S608
        f"FROM {_PEOPLE} WHERE {where} AND {_PEOPLE}.merged_into_id IS NULL AND {visible} {f'ORDER BY {_PEOPLE}.id LIMIT {CANDIDATES_SCORED}' if cut else 'OFFSET 0'}) w"
        for where, cut in _WAYS
    )
    return (
        f"WITH {_BATCH}, pairs AS ({ways}) "  # noqa: S608
        f"SELECT i, id, {carried} FROM (SELECT pairs.*, ROW_NUMBER() OVER (PARTITION BY i ORDER BY id) AS n FROM pairs) r "
        f"WHERE n <= {CANDIDATES_SCORED} OR same ORDER BY i, id"
    )


def _pairs_postgresql(chunk: list[tuple[int, Identity]], user: User) -> list[tuple[Any, ...]]:
    """``candidate_people`` for one chunk on PostgreSQL: for each row, everyone born on its date or
    the date with day and month swapped, and the first ``CANDIDATES_SCORED`` by id of each other
    way (the first of their union are among them), each read row by row from its own index
    (``CROSS JOIN LATERAL``), the plan pinned (``_PINNED``). The batch goes as arrays. Rows of
    (index, person id, the person's ``_SEEN`` columns)."""
    visible, visible_params = _visible_where(user)
    params = [*_batch_params(chunk), *visible_params * len(_WAYS)]
    settings = ", ".join(f"current_setting('{name}')" for name in _PINNED)
    pin = ", ".join(f"set_config('{name}', %s, true)" for name in _PINNED)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SELECT {settings}")
        before = list(cursor.fetchone() or ())
        cursor.execute(f"SELECT {pin}", ["off"] * len(_PINNED))
        cursor.execute(_pairs_sql(visible), params)
        found: list[tuple[Any, ...]] = cursor.fetchall()
        cursor.execute(f"SELECT {pin}", before)
    return found


def _name_key(who: Identity) -> tuple[str, str, datetime.date]:
    """What of an identity the candidate query reads: its people are those of any identity alike."""
    return (who.family_name, who.given_name, who.date_of_birth)


@dataclass(frozen=True)
class Prefetched:
    """A batch's candidate people read ahead, on PostgreSQL, on another connection while the batch
    before was imported (``feeds.ahead``; ``prefetch``): for each identity (by ``_name_key``) what
    ``candidate_people`` answered then, in id order, cut as it cuts; and ``low``, the highest
    person id the importer's own connection had seen before the batch then in flight created
    anyone, taken before that read. Whoever that batch (or any later one) creates has a higher
    id, so ``candidate_people`` reads only the people above ``low`` again (``_pairs_after``)."""

    low: int
    people: dict[tuple[str, str, datetime.date], list[_Seen]]


def prefetch(people: list[Identity], row_keys: list[str], user: User, low: int) -> Prefetched:
    """``candidate_people`` now, to be completed later by the people above ``low``, of those of
    ``people`` (with their rows' keys) that ``links_for_many`` would ask it of as things stand: not
    on the review queue, nobody holding their prison number or PNC ID. Any other is asked afresh
    when it comes to it (a holder merged since, say)."""
    held = set(one_of(LinkReview.objects.order_by().values_list("row_key", flat=True), "row_key", set(row_keys)))
    taken = {name: set(_holding(user, people, name, values_only=True)) for name in ("prison_number", "pnc_id")}
    first: dict[tuple[str, str, datetime.date], Identity] = {}
    for who, key in zip(people, row_keys, strict=True):
        if key not in held and not any(getattr(who, name) in values for name, values in taken.items()):
            first.setdefault(_name_key(who), who)
    keys = list(first)
    pairs, seen = candidate_people([first[key] for key in keys], user)
    found: dict[tuple[str, str, datetime.date], list[_Seen]] = {key: [] for key in keys}
    for n, pid in pairs:  # by index, then id
        found[keys[n]].append(seen[pid])
    return Prefetched(low, found)


def _after_sql(visible: str) -> str:
    # The people above ``low`` (a batch's worth), then joined with the chunk by the very conditions
    # of ``_WAYS``, read on them rather than on the people table; uncut: ``_candidates_ahead`` cuts.
    columns = ", ".join(f"{_PEOPLE}.{name}" for name in _SEEN)
    carried = ", ".join(f"n.{name}" for name in _SEEN)
    ways = " UNION ".join(
        f"SELECT b.i, n.id, {carried} FROM b JOIN n ON {where.replace(f'{_PEOPLE}.', 'n.')}"  # noqa: S608
        for where, _ in _WAYS
    )
    return (
        f"WITH {_BATCH}, n AS MATERIALIZED (SELECT {_PEOPLE}.id, {columns} FROM {_PEOPLE} "  # noqa: S608
        f"WHERE {_PEOPLE}.id > %s AND {_PEOPLE}.merged_into_id IS NULL AND {visible}) {ways}"
    )


def _pairs_after(chunk: list[tuple[int, Identity]], user: User, low: int) -> list[tuple[Any, ...]]:
    """``_pairs_postgresql``'s rows, uncut, of the people with an id above ``low`` alone."""
    try:
        visible, visible_params = _visible_where(user)
    except EmptyResultSet:
        return []
    with connection.cursor() as cursor:
        cursor.execute(_after_sql(visible), [*_batch_params(chunk), low, *visible_params])
        found: list[tuple[Any, ...]] = cursor.fetchall()
    return found


def _candidates_ahead(people: list[Identity], user: User, ahead: Prefetched) -> tuple[list[tuple[int, int]], dict[int, _Seen]]:
    """``candidate_people`` from what was read ahead and the people above ``ahead.low`` read now,
    merged and cut as the query cuts: per identity, the first ``CANDIDATES_SCORED`` by id and
    everyone born the same day. (What was read ahead holds the first of its own people, and the
    people above ``low`` come after them, so the cut of the two together is the cut of all.) An
    identity not read ahead is asked afresh."""
    known = [(i, who) for i, who in enumerate(people) if _name_key(who) in ahead.people]
    rest = [i for i, who in enumerate(people) if _name_key(who) not in ahead.people]
    added: dict[int, list[_Seen]] = defaultdict(list)
    if known:
        for row in _pairs_after(known, user, ahead.low):
            added[row[0]].append(_Seen._make(row[1:]))
    found: list[tuple[int, int]] = []
    seen: dict[int, _Seen] = {}
    for i, who in known:  # in order of index, each in order of id
        chosen = ahead.people[_name_key(who)]
        if i in added:  # anyone new: merged, and cut again
            merged = {p.pk: p for p in chosen}
            for p in added[i]:
                merged.setdefault(p.pk, p)
            ordered = [merged[pid] for pid in sorted(merged)]
            chosen = [p for n, p in enumerate(ordered) if n < CANDIDATES_SCORED or p.date_of_birth == who.date_of_birth]
        found += [(i, p.pk) for p in chosen]
        seen.update({p.pk: p for p in chosen})
    if rest:
        pairs, fresh = candidate_people([people[i] for i in rest], user)
        found += [(rest[n], pid) for n, pid in pairs]
        seen.update({pid: person for pid, person in fresh.items() if pid not in seen})
        found.sort()
    return found, seen


def _date_sql(part: str) -> str:
    return "CAST(strftime('%%Y', p.date_of_birth) AS INTEGER)" if part == "year" else "strftime('%%m-%%d', p.date_of_birth)"


def _pairs_sqlite(chunk: list[tuple[int, Identity]], user: User) -> list[tuple[Any, ...]]:
    """``candidate_people`` for one chunk on the embedded database: one join of the chunk with the
    people table by each of ``candidates_q``'s ways, ranked by id. Names are compared as Django's
    ``iexact`` compares them here (``LIKE``, which folds the case of ASCII letters alone). Rows as
    ``_pairs_postgresql``'s, the date of birth read back as a date."""
    like = connection.ops.prep_for_like_query
    year, day_month = _date_sql("year"), _date_sql("day_month")
    visible_sql, visible_params = (
        Person.objects.filter(people_filter(user), merged_into__isnull=True).order_by().values("pk").query.sql_with_params()
    )
    values: list[str] = []
    params: list[Any] = []
    for i, who in chunk:
        dob = who.date_of_birth
        values.append("(%s, %s, %s, %s, %s, %s, %s)")
        params += [i, like(who.family_name), like(who.given_name), dob, probable.swapped(dob) or dob, dob.year, dob.strftime("%m-%d")]
    joins = [
        "p.date_of_birth = b.dob OR p.date_of_birth = b.swp",
        f"p.last_name LIKE b.fam ESCAPE '\\' AND {year} BETWEEN b.y - 10 AND b.y + 10",
        f"p.first_name LIKE b.giv ESCAPE '\\' AND ({year} = b.y OR {day_month} = b.md)",
    ]
    # Only the table name, our own SQL fragments and Django's SQL of the visible people are
    # interpolated; every value is a parameter.
    seen = ", ".join(f"p.{name}" for name in _SEEN)
    pairs = " UNION ".join(
        f"SELECT b.i, p.id, p.date_of_birth = b.dob AS same, {seen} FROM b JOIN {_PEOPLE} p ON ({on}) WHERE p.merged_into_id IS NULL"  # noqa: S608
        for on in joins
    )
    sql = (
        f"WITH b(i, fam, giv, dob, swp, y, md) AS (VALUES {', '.join(values)}), "  # noqa: S608
        f"pairs AS ({pairs}), "
        f"ranked AS (SELECT pairs.*, ROW_NUMBER() OVER (PARTITION BY i ORDER BY id) AS n FROM pairs WHERE id IN ({visible_sql})) "
        f"SELECT i, id, {', '.join(_SEEN)} FROM ranked WHERE n <= %s OR same ORDER BY i, id"
    )
    born = 2 + _SEEN.index("date_of_birth")
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *visible_params, CANDIDATES_SCORED])
        rows = cursor.fetchall()
    return [(*row[:born], _as_date(row[born]), *row[born + 1 :]) for row in rows]


def _as_date(value: datetime.date | str) -> datetime.date:
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(value)


@lru_cache(maxsize=100_000)
def _record(pid: int, first: str, last: str, dob: datetime.date, pnc: str) -> dict[str, Any]:
    """The model's record of a person (``settings.record``), kept between batches: the same people
    are candidates again and again. Read only (``score_many`` copies it)."""
    return record(pid, first, last, dob, pnc)


def _holding(user: User, people: list[Identity], name: str, *, values_only: bool = False) -> Iterator[Any]:
    """The people ``user`` sees, merged records left out, who hold the identifier ``name`` (PNC ID or
    prison number) of any of ``people``, in order of id: each as its record, or only the value they
    hold (``prefetch`` asks which values are held, ``_holders`` by whom)."""
    visible = Person.objects.filter(people_filter(user), merged_into__isnull=True).order_by("pk")
    wanted = {getattr(who, name) for who in people if getattr(who, name)}
    return one_of(visible.values_list(name, flat=True) if values_only else visible, name, wanted)


def _holders(user: User, people: list[Identity], name: str) -> dict[str, list[Person]]:
    holders: dict[str, list[Person]] = defaultdict(list)
    for person in _holding(user, people, name):
        holders[getattr(person, name)].append(person)
    return holders


def _by_identifiers(user: User, people: list[Identity], todo: dict[int, Identity]) -> dict[int, Found]:
    found: dict[int, Found] = {}
    for name, method in (("prison_number", LinkMethod.PRISON_NUMBER), ("pnc_id", LinkMethod.PNC)):
        holders = _holders(user, people, name)
        for i, who in list(todo.items()):
            value = getattr(who, name)
            if not value or not holders.get(value):
                continue
            try:
                found[i] = identifier_link(who, holders[value][:5], name, method)
            except Uncertain as uncertain:
                found[i] = uncertain
            del todo[i]
    return found


def links_for_many(people: list[Identity], row_keys: list[str], *, user: User, ahead: Prefetched | None = None) -> list[Found]:
    """For each identity (with its row's key), what ``feeds.linkage.link_for`` would answer: the
    :class:`Link`, an :class:`Uncertain` for the review queue, or None when nobody matches."""
    found: dict[int, Found] = {}
    todo = dict(enumerate(people))
    held = {r.row_key: r for r in LinkReview.objects.filter(row_key__in=row_keys).select_related("person")}
    for i, key in enumerate(row_keys):
        if key not in held:
            continue
        try:
            found[i] = on_review_queue(people[i], held[key])
        except Uncertain as waiting:
            found[i] = waiting
        del todo[i]
    found.update(_by_identifiers(user, people, todo))
    if todo:
        found.update(_by_people(user, todo, ahead))
    return [found.get(i) for i in range(len(people))]


def _by_people(user: User, todo: dict[int, Identity], ahead: Prefetched | None) -> dict[int, Found]:
    order = list(todo)
    pairs, persons = candidate_people([todo[i] for i in order], user, ahead)
    by_row: dict[int, list[_Seen]] = defaultdict(list)
    for n, pid in pairs:  # in order of id: the first ``CANDIDATES_SCORED`` are scored
        by_row[order[n]].append(persons[pid])
    found: dict[int, Found] = {}
    to_score: list[tuple[int, int]] = []
    rows: dict[int, dict] = {}  # type: ignore[type-arg]
    for i, who in todo.items():
        candidates = by_row.get(i, [])
        try:
            link = exact_link(who, cast("list[Person]", [p for p in candidates if p.date_of_birth == who.date_of_birth]))
        except Uncertain as uncertain:
            found[i] = uncertain
            continue
        if link is not None:
            found[i] = link
            continue
        rows[i] = record(0, who.given_name, who.family_name, who.date_of_birth, who.pnc_id)
        to_score += [(i, p.pk) for p in candidates[:CANDIDATES_SCORED]]
        found[i] = None
    scored_ids = {pid for _, pid in to_score}
    records = {pid: _record(pid, p.first_name, p.last_name, p.date_of_birth, p.pnc_id) for pid, p in persons.items() if pid in scored_ids}
    for i, scored in probable.score_many(rows, records, to_score).items():
        try:
            found[i] = probable_link(probable.decide_scored(scored), cast("dict[int, Person]", persons))
        except Uncertain as uncertain:
            found[i] = uncertain
    return _as_records(found)


def _as_records(found: dict[int, Found]) -> dict[int, Found]:
    """Each link's person as the record itself (read in one query), for the writes that follow."""
    people = {p.pk: p for p in one_of(Person.objects.all(), "pk", {f.person.pk for f in found.values() if isinstance(f, Link)})}
    return {i: Link(people[f.person.pk], f.method, f.agreed) if isinstance(f, Link) else f for i, f in found.items()}
