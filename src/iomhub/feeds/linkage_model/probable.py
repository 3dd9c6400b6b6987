"""Scoring a feed row against the people it may be, with the trained Splink model (ADR 0026):
used by ``feeds.linkage`` when neither an identifier nor the exact name and date of birth decide.

- ``candidates_q`` / ``blocks``: which people are scored at all (the same date of birth, or with day
  and month swapped; the same family name born within ten years; the same given name born the same
  year, or on the same day and month of another year), as a database query and as the same rule in Python (for the benchmark);
- ``decide``: a link when the best candidate's match probability (``for_population``: scaled for
  the people on record) is at least ``LINK_AT``, no other is at least ``RIVAL_BELOW`` and the PNC
  IDs do not differ; the review queue when any candidate is at least ``REVIEW_AT`` (doubtful pairs:
  a person decides); otherwise nobody. The thresholds were chosen on the tuning people
  (``evaluate.choose_thresholds``, ADR 0026 addendum).

Every scored candidate says which fields agreed, exactly or nearly, as the model compared them.

``score_many`` runs the SQL Splink's ``predict_between`` generates, generated once a process
(``_compiled``): the same statements on the same tables, so the same probabilities to the last bit,
without Splink building its pipeline again for every batch (ADR 0037 addendum).
"""

from __future__ import annotations

import datetime
import logging
import threading
import uuid
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from itertools import repeat
from operator import itemgetter
from typing import TYPE_CHECKING, Any, NamedTuple

from django.db.models import Q
from splink import DuckDBAPI

from iomhub.feeds.linkage_model.settings import LEVELS, record
from iomhub.feeds.linkage_model.train import MODEL

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

    import duckdb
    import numpy as np
    import pyarrow as pa
    from splink import Linker

LINK_AT = 0.35
RIVAL_BELOW = 0.2
REVIEW_AT = 0.1
# The people the thresholds were chosen among (``evaluate.choose_thresholds``): with more people on
# record, a pair needs more agreement to reach them (``for_population``).
REFERENCE_PEOPLE = 2000
_FIELDS = {"first_name": "given_name", "surname": "family_name", "dob": "date_of_birth", "pnc_id": "pnc_id"}


class Scored(NamedTuple):
    """A candidate as scored. A named tuple rather than a frozen dataclass: a batch makes one for
    every pair it scores (some 100,000 a batch of a feed import, issue 11), and ``score_many`` makes
    them straight from its columns (``tuple.__new__``), with no ``__init__`` a pair (ADR 0037 addendum)."""

    unique_id: int
    probability: float
    agreed: tuple[str, ...]
    pnc_differs: bool


@dataclass(frozen=True)
class Decision:
    kind: str  # "link", "review" or "none"
    scored: tuple[Scored, ...]  # best first: the one linked, or those offered for review


def _linker() -> Linker:
    return _linker_and_api()[0]


class _RecordingDuckDBAPI(DuckDBAPI):
    """Splink's DuckDB backend, which also keeps each statement Splink runs while ``recording`` is a
    list (``_compiled``: what ``predict_between`` runs)."""

    recording: list[str] | None = None

    def _execute_sql_against_backend(self, final_sql: str) -> duckdb.DuckDBPyRelation:
        if self.recording is not None:
            self.recording.append(final_sql)
        return super()._execute_sql_against_backend(final_sql)


@lru_cache(maxsize=1)
def _linker_and_api() -> tuple[Linker, _RecordingDuckDBAPI]:
    """The trained model, and the DuckDB connection it runs on (where ``score_many`` registers a batch)."""
    import pandas as pd
    from splink import Linker

    api = _RecordingDuckDBAPI()
    seed = pd.DataFrame([record(0, "a", "a", "1900-01-01")])
    return Linker(api.register(seed), str(MODEL), log_level=logging.WARNING), api


def swapped(dob: datetime.date) -> datetime.date | None:
    if dob.day > 12 or dob.day == dob.month:
        return None
    return dob.replace(day=dob.month, month=dob.day)


def candidates_q(family_name: str, given_name: str, dob: datetime.date) -> Q:
    dates = [d for d in (dob, swapped(dob)) if d is not None]
    return (
        Q(date_of_birth__in=dates)
        | Q(last_name__iexact=family_name, date_of_birth__year__gte=dob.year - 10, date_of_birth__year__lte=dob.year + 10)
        | Q(first_name__iexact=given_name, date_of_birth__year=dob.year)
        | Q(first_name__iexact=given_name, date_of_birth__month=dob.month, date_of_birth__day=dob.day)
    )


def _iso(text: str) -> bool:
    """``YYYY-MM-DD``, as ``settings.record`` writes a date."""
    return len(text) == 10 and text[4] == "-" and text[7] == "-"


def blocks(row: dict[str, Any], person: dict[str, Any]) -> bool:
    """``candidates_q`` in Python, on two ``settings.record`` dicts. On their ``YYYY-MM-DD`` texts
    (issue 11: a batch asks it of some 100,000 pairs): the same date, or the other's day and month
    swapped (a day of 12 or less, not the month: ``swapped``); the years ten or fewer apart; the
    same day and month."""
    x, y = row["dob"], person["dob"]
    if _iso(x) and _iso(y):
        return (
            y == x
            or (x[8:] <= "12" and y == f"{x[:5]}{x[8:]}-{x[5:7]}")
            or (row["surname"] == person["surname"] and abs(int(x[:4]) - int(y[:4])) <= 10)
            or (row["first_name"] == person["first_name"] and (x[:4] == y[:4] or x[5:] == y[5:]))
        )
    a, b = datetime.date.fromisoformat(x), datetime.date.fromisoformat(y)
    return (
        b in (a, swapped(a))
        or (row["surname"] == person["surname"] and abs(a.year - b.year) <= 10)
        or (row["first_name"] == person["first_name"] and (a.year == b.year or (a.month, a.day) == (b.month, b.day)))
    )


def _agreed(scored: dict[str, Any]) -> tuple[str, ...]:
    """What agreed, by the level each comparison reached (``settings.LEVELS``: Splink numbers a
    comparison's levels from the last, 0, up to the first): the exact level names the field alone,
    a near one the field and how (``given_name (sounds alike)``); faint levels claim nothing."""
    agreed = []
    for column, name in _FIELDS.items():
        levels = LEVELS[column]
        gamma = scored[f"gamma_{column}"]
        if gamma < 0:
            continue
        how = levels[len(levels) - 1 - gamma]
        if how is not None:
            agreed.append(f"{name} ({how})" if how else name)
    return tuple(agreed)


def _count_people(**among: int) -> int:
    from iomhub.people.models import Person

    return Person.objects.filter(merged_into__isnull=True, **among).count()


def _highest_id() -> int:
    from iomhub.people.models import Person

    return Person.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


# Within ``people_counted``: the people on record up to the highest id there was when it was first
# asked, and that id (an empty list until then).
_COUNTED: ContextVar[list[int] | None] = ContextVar("people_counted", default=None)


def people_on_record() -> int:
    """How many people the row could be: every record not merged into another, whoever may see it.
    Counted again on each call; within ``people_counted``, the people up to the highest id are
    counted once and only those added since are counted again."""
    counted = _COUNTED.get()
    if counted is None:
        return _count_people()
    if not counted:
        highest = _highest_id()
        counted += [_count_people(pk__lte=highest), highest]
    below, highest = counted
    return below + _count_people(pk__gt=highest)


@contextmanager
def people_counted() -> Iterator[None]:
    """``people_on_record`` within a feed import (``feeds.services.feed_import``), where nobody is
    merged: the people up to the highest id at the first call counted once (53 ms at 666,000
    people, 606 times in a 1,000,000-row import: issue 11), then at each call only the people added
    since, by this import or anyone else, which is the same number as counting them all again. A
    merge of an older record made by someone else while the import runs is counted by the next
    import, no longer by the next batch. Within an enclosing ``people_counted``, the enclosing one."""
    if _COUNTED.get() is not None:
        yield
        return
    token = _COUNTED.set([])
    try:
        yield
    finally:
        _COUNTED.reset(token)


def for_population(probability: float, population: int) -> float:
    """The model's match probability for a population of ``population`` people rather than the
    ``REFERENCE_PEOPLE`` its thresholds were chosen at: the chance that a row is about one given
    person falls as the people on record grow, so the prior odds are scaled by
    ``REFERENCE_PEOPLE / population`` (never raised for a smaller population)."""
    if population <= REFERENCE_PEOPLE or probability >= 1.0:
        return probability
    odds = probability / (1.0 - probability) * REFERENCE_PEOPLE / population
    return odds / (1.0 + odds)


def _scored(unique_id: int, s: dict[str, Any], population: int) -> Scored:
    return Scored(unique_id, for_population(float(s["match_probability"]), population), _agreed(s), s["gamma_pnc_id"] == 0)


def score(row: dict[str, Any], candidates: list[dict[str, Any]], *, population: int | None = None) -> list[Scored]:
    """Each candidate scored against ``row`` (``settings.record`` dicts, the candidates distinct
    people by ``unique_id``), best first, for a population of ``population`` people (by default, the
    people on record). Scored as a batch of one row is (``score_many``: the SQL Splink generates,
    compiled once a process), not by Splink building its pipeline for every row (``score_pairs``,
    some 40 ms a call): the same probabilities to the last bit (ADR 0037 addendum)."""
    if not candidates:
        return []
    people = {int(c["unique_id"]): c for c in candidates}
    if len(people) != len(candidates):
        raise ValueError("score takes each candidate once (by unique_id)")
    return score_many([row], people, [(0, pid) for pid in people], population=population).get(0, [])


# What ``score_many`` reads of Splink's predictions (``predict``).
_GAMMAS = tuple(f"gamma_{column}" for column in _FIELDS)
_PREDICTED = ("unique_id_l", "match_probability", *_GAMMAS)


@lru_cache(maxsize=1)
def _record_columns() -> tuple[tuple[str, pa.DataType], ...]:
    """The columns of a record as ``score_many`` registers them with DuckDB (``settings.record``),
    each with its Arrow type: strings as VARCHAR even when every value in a batch is empty."""
    import pyarrow as pa

    return (
        ("first_name", pa.string()),
        ("first_name_forms", pa.list_(pa.string())),
        ("first_name_sound", pa.string()),
        ("surname", pa.string()),
        ("surname_sound", pa.string()),
        ("dob", pa.string()),
        ("pnc_id", pa.string()),
    )


def _columns(records: list[dict[str, Any]]) -> list[pa.Array]:
    """The model's columns of ``records`` (``_record_columns``), each an Arrow array of its type: the
    records read once each, every column at a time (``itemgetter``)."""
    import pyarrow as pa

    kinds = _record_columns()
    if not records:
        return [pa.array([], kind) for _, kind in kinds]
    values = zip(*map(itemgetter(*(column for column, _ in kinds)), records), strict=True)
    return [pa.array(column, kind) for (_, kind), column in zip(kinds, values, strict=True)]


def _table(records: list[dict[str, Any]], unique_ids: list[int] | np.ndarray, pair_keys: list[int] | np.ndarray) -> pa.Table:
    """``records`` (``settings.record`` dicts) as one Arrow table, column by column, typed as the
    model reads them, with their ``unique_id`` and ``pair_key`` (no pandas frame in between)."""
    import pyarrow as pa

    names = ["unique_id", *(column for column, _ in _record_columns()), "pair_key"]
    arrays = [pa.array(unique_ids, pa.int64()), *_columns(records), pa.array(pair_keys, pa.int64())]
    return pa.Table.from_arrays(arrays, names=names)


def _pair_arrays(pairs: list[tuple[int, int]]) -> tuple[np.ndarray, np.ndarray]:
    """The row index and the person id of each pair, as two arrays."""
    import numpy as np

    return np.array([i for i, _ in pairs], dtype=np.int64), np.array([pid for _, pid in pairs], dtype=np.int64)


def _pair_table(
    rows: Mapping[int, dict[str, Any]] | list[dict[str, Any]],
    pairs: list[tuple[int, int]],
    arrays: tuple[np.ndarray, np.ndarray] | None = None,
) -> pa.Table:
    """The left side of ``score_many``: one record per pair (``unique_id``: the pair's place in
    ``pairs``; ``pair_key``: its person), each row's record made once and repeated by Arrow
    (``arrays``: ``_pair_arrays(pairs)``, when already made)."""
    import numpy as np
    import pyarrow as pa

    row_of, pid_of = _pair_arrays(pairs) if arrays is None else arrays
    distinct, where = np.unique(row_of, return_inverse=True)
    repeated = pa.array(where.reshape(-1), pa.int64())
    names = ["unique_id", *(column for column, _ in _record_columns()), "pair_key"]
    columns = [column.take(repeated) for column in _columns([rows[i] for i in distinct.tolist()])]
    arrays_ = [pa.array(np.arange(len(pairs), dtype=np.int64)), *columns, pa.array(pid_of, pa.int64())]
    return pa.Table.from_arrays(arrays_, names=names)


# The one blocking rule of ``score_many``: only the pairs asked for (each row's record joined to its person).
PAIRS_ONLY = "l.pair_key = r.pair_key"


@dataclass(frozen=True)
class _Compiled:
    """What Splink runs for ``predict_between`` (``PAIRS_ONLY``) on two tables registered as ``left``
    and ``right``: the statements ``before`` its predictions (its blocked pairs made as a table),
    the query of the predictions, and the statements ``after`` (the blocked pairs dropped)."""

    left: str
    right: str
    before: tuple[str, ...]
    predict: str
    after: tuple[str, ...]


# What Splink reads of the tables' columns before it writes SQL for them: nothing to run again.
_LOOKS = ("PRAGMA table_info(", "SELECT column_name FROM information_schema.columns ")
_RUNS = ("DROP TABLE IF EXISTS ", "CREATE TABLE ")


@lru_cache(maxsize=1)
def _compiled() -> _Compiled:
    """Splink's ``predict_between`` for ``score_many``, run once on a record each side registered
    under names of its own (``_table``: the columns and types of every batch), each statement it runs
    kept (``_RecordingDuckDBAPI``). The SQL depends on the model, the blocking rule and the tables'
    names and columns only, never on their rows: run again on other rows registered under the same
    names, it computes what Splink would. Building it took Splink some 10 ms of Python a call
    (issue 11: 10% of the import's CPU)."""
    linker, api = _linker_and_api()
    seed = _table([record(0, "a", "a", "1900-01-01")], [0], [0])
    tag = uuid.uuid4().hex[:8]  # a name Splink has never registered (it refuses a name twice)
    tables = [api.register(seed, table_name=f"__iomhub_left_{tag}"), api.register(seed, table_name=f"__iomhub_right_{tag}")]
    api.recording = []
    try:
        predicted = linker.inference.predict_between(tables[0], tables[1], blocking_rules_to_generate_predictions=[PAIRS_ONLY])
    finally:
        ran, api.recording = api.recording, None
    try:
        made = predicted.physical_name
        statements = [sql for sql in ran if not sql.lstrip().startswith(_LOOKS)]
        unknown = [sql for sql in statements if not sql.lstrip().startswith(_RUNS)]
        create = f"CREATE TABLE {made} AS\n{predicted.sql_used_to_create}"
        drop = f"DROP TABLE IF EXISTS {made}"
        if unknown or create not in statements or drop not in statements:
            msg = f"Splink's predict_between ran what the compiled scoring does not know: {unknown or statements}"
            raise RuntimeError(msg)
        return _Compiled(
            left=tables[0].physical_name,
            right=tables[1].physical_name,
            before=tuple(statements[: statements.index(drop)]),
            predict=predicted.sql_used_to_create,
            after=tuple(statements[statements.index(create) + 1 :]),
        )
    finally:
        for table in (*tables, predicted):
            table.drop_table_from_database_and_remove_from_cache(force_non_splink_table=True)


# One batch at a time on the connection: the compiled statements use fixed table names.
_ONE_AT_A_TIME = threading.Lock()


@lru_cache(maxsize=8)
def _parsed(columns: tuple[str, ...]) -> tuple[tuple[duckdb.Statement, ...], duckdb.Statement, tuple[duckdb.Statement, ...]]:
    """``_compiled``'s statements parsed once (on the connection they run on), the prediction query
    reading only ``columns`` of Splink's predictions (as a relation's ``select`` of them would): each
    batch then runs them with no parsing, and the query is bound once a batch, not three times as
    through a relation (some 7 ms a call of CPU, whatever its size)."""
    compiled = _compiled()
    con = _linker_and_api()[1].duckdb_con
    quoted = ", ".join('"' + column.replace('"', '""') + '"' for column in columns)

    def parsed(sql: str) -> duckdb.Statement:
        [statement] = con.extract_statements(sql)
        return statement

    return (
        tuple(map(parsed, compiled.before)),
        parsed(f"SELECT {quoted} FROM ({compiled.predict}) AS predicted"),  # noqa: S608 - Splink's own SQL, our column names
        tuple(map(parsed, compiled.after)),
    )


def predict(left: pa.Table, right: pa.Table, columns: tuple[str, ...] = _PREDICTED) -> dict[str, np.ndarray]:
    """Splink's predictions of ``predict_between(left, right)`` for the pairs ``PAIRS_ONLY`` blocks
    (``_compiled``), only ``columns``, as NumPy arrays straight from DuckDB, rather than every
    column of every pair as a dict."""
    compiled = _compiled()
    before, query, after = _parsed(tuple(columns))
    con = _linker_and_api()[1].duckdb_con
    with _ONE_AT_A_TIME:
        con.register(compiled.left, left)
        con.register(compiled.right, right)
        try:
            for statement in before:
                con.execute(statement)
            return con.execute(query).fetchnumpy()
        finally:
            for statement in after:
                con.execute(statement)
            con.unregister(compiled.left)
            con.unregister(compiled.right)


@lru_cache(maxsize=4096)
def _agreed_at(gammas: tuple[int, ...]) -> tuple[str, ...]:
    """``_agreed`` for one combination of levels (``_GAMMAS``; a few hundred at most), worked out
    once for all the pairs of a batch that reach it."""
    return _agreed(dict(zip(_GAMMAS, gammas, strict=True)))


def _for_population_all(probabilities: np.ndarray, population: int) -> np.ndarray:
    """``for_population`` on every probability at once: the same operations in the same order, so
    the same doubles."""
    if population <= REFERENCE_PEOPLE:
        return probabilities
    scaled = probabilities.copy()
    below = probabilities < 1.0
    odds = probabilities[below] / (1.0 - probabilities[below]) * REFERENCE_PEOPLE / population
    scaled[below] = odds / (1.0 + odds)
    return scaled


def score_many(
    rows: Mapping[int, dict[str, Any]] | list[dict[str, Any]],
    people: dict[int, dict[str, Any]],
    pairs: list[tuple[int, int]],
    *,
    population: int | None = None,
) -> dict[int, list[Scored]]:
    """Every (row index, person id) pair in ``pairs`` scored in one DuckDB query (the batch of a feed
    import, issue 11): by row index, best first. The same model and the same scores as ``score``;
    only the pairs asked for are compared (one row per pair, joined to its person).

    Kept cheap in CPU (ADR 0037 addendum): the records go to DuckDB as Arrow columns, only the
    columns read come back, as arrays; the scaling and the order are worked on whole arrays, and
    what agreed once for each combination of levels."""
    if not pairs:
        return {}
    import numpy as np

    population = people_on_record() if population is None else population
    row_of, pid_of = _pair_arrays(pairs)
    ids = np.unique(pid_of)
    found = predict(_pair_table(rows, pairs, (row_of, pid_of)), _table([people[pid] for pid in ids.tolist()], ids, ids))
    place = found["unique_id_l"]
    row_of, pid_of = row_of[place], pid_of[place]
    probability = _for_population_all(found["match_probability"], population)
    # Each pair's levels (-1 to 6 each) as one number, and what agreed once for each number reached.
    levels = np.column_stack([found[g] for g in _GAMMAS]).astype(np.int64)
    code = (levels + 1) @ (8 ** np.arange(len(_GAMMAS), dtype=np.int64))
    _, first, combination_of = np.unique(code, return_index=True, return_inverse=True)
    agreed = [_agreed_at(tuple(c)) for c in levels[first].tolist()]
    # By row, then best first (``-probability``), then by person: as ``score`` sorts.
    order = np.lexsort((pid_of, -probability, row_of))
    columns = (
        pid_of[order].tolist(),
        probability[order].tolist(),
        [agreed[c] for c in combination_of.reshape(-1)[order].tolist()],
        (found["gamma_pnc_id"][order] == 0).tolist(),
    )
    scored: list[Scored] = list(map(tuple.__new__, repeat(Scored), zip(*columns, strict=True)))  # no __init__ a pair
    rows_in_order = row_of[order]
    starts = np.flatnonzero(np.r_[True, rows_in_order[1:] != rows_in_order[:-1]]).tolist()
    return {int(rows_in_order[a]): scored[a:b] for a, b in zip(starts, [*starts[1:], len(scored)], strict=True)}


def decide(row: dict[str, Any], candidates: list[dict[str, Any]], *, population: int | None = None) -> Decision:
    return decide_scored(score(row, candidates, population=population))


def decide_scored(
    scored: list[Scored], *, link_at: float = LINK_AT, rival_below: float = RIVAL_BELOW, review_at: float = REVIEW_AT
) -> Decision:
    """A link, the review queue or nobody, from the scored candidates (best first)."""
    doubtful = tuple(s for s in scored if s.probability >= review_at)
    if not doubtful:
        return Decision("none", ())
    best = doubtful[0]
    rivals = [s for s in scored[1:] if s.probability >= rival_below]
    if best.probability >= link_at and not rivals and not best.pnc_differs:
        return Decision("link", (best,))
    return Decision("review", doubtful)
