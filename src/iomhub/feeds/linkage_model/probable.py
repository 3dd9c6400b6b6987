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
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, cast

from django.db.models import Q

from iomhub.feeds.linkage_model.settings import LEVELS, record
from iomhub.feeds.linkage_model.train import MODEL

if TYPE_CHECKING:
    from collections.abc import Mapping

    import numpy as np
    import pyarrow as pa
    from splink import DuckDBAPI, Linker
    from splink.internals.splink_dataframe import SplinkDataFrame  # the type only: splink does not export it

LINK_AT = 0.35
RIVAL_BELOW = 0.2
REVIEW_AT = 0.1
# The people the thresholds were chosen among (``evaluate.choose_thresholds``): with more people on
# record, a pair needs more agreement to reach them (``for_population``).
REFERENCE_PEOPLE = 2000
_FIELDS = {"first_name": "given_name", "surname": "family_name", "dob": "date_of_birth", "pnc_id": "pnc_id"}


@dataclass(frozen=True)
class Scored:
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


@lru_cache(maxsize=1)
def _linker_and_api() -> tuple[Linker, DuckDBAPI]:
    """The trained model, and the DuckDB connection it runs on (where ``score_many`` registers a batch)."""
    import pandas as pd
    from splink import DuckDBAPI, Linker

    api = DuckDBAPI()
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


def people_on_record() -> int:
    """How many people the row could be: every record not merged into another, whoever may see it."""
    from iomhub.people.models import Person

    return Person.objects.filter(merged_into__isnull=True).count()


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
    """Each candidate scored against ``row`` (``settings.record`` dicts), best first, for a
    population of ``population`` people (by default, the people on record)."""
    if not candidates:
        return []
    population = people_on_record() if population is None else population
    found = _linker().inference.score_pairs([row], candidates).as_record_list()
    scored = [_scored(int(s["unique_id_r"]), s, population) for s in found]
    return sorted(scored, key=lambda s: (-s.probability, s.unique_id))


# What ``score_many`` reads of Splink's predictions (``_predictions``).
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


def _table(records: list[dict[str, Any]], unique_ids: list[int], pair_keys: list[int]) -> pa.Table:
    """``records`` (``settings.record`` dicts) as one Arrow table, column by column, typed as the
    model reads them, with their ``unique_id`` and ``pair_key`` (no pandas frame in between)."""
    import pyarrow as pa

    arrays = {"unique_id": pa.array(unique_ids, pa.int64())}
    for column, kind in _record_columns():
        arrays[column] = pa.array([r[column] for r in records], kind)
    arrays["pair_key"] = pa.array(pair_keys, pa.int64())
    return pa.table(arrays)


def _pair_table(rows: Mapping[int, dict[str, Any]] | list[dict[str, Any]], pairs: list[tuple[int, int]]) -> pa.Table:
    """The left side of ``score_many``: one record per pair (``unique_id``: the pair's place in
    ``pairs``; ``pair_key``: its person), each row's record made once and repeated by Arrow."""
    import pyarrow as pa

    place = {i: n for n, i in enumerate(dict.fromkeys(i for i, _ in pairs))}
    table = _table([rows[i] for i in place], list(place.values()), list(place.values()))
    table = table.take(pa.array([place[i] for i, _ in pairs], pa.int64()))
    table = table.set_column(0, "unique_id", pa.array(range(len(pairs)), pa.int64()))
    return table.set_column(table.num_columns - 1, "pair_key", pa.array([pid for _, pid in pairs], pa.int64()))


def _predictions(predicted: SplinkDataFrame) -> dict[str, np.ndarray]:
    """Splink's predictions, only the ``_PREDICTED`` columns, as NumPy arrays straight from DuckDB
    (``SplinkDataFrame.as_duckdbpyrelation``, Splink's public API), rather than every column of
    every pair as a dict (``as_record_list``)."""
    return cast("dict[str, np.ndarray]", predicted.as_duckdbpyrelation().select(", ".join(_PREDICTED)).fetchnumpy())


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
    linker, api = _linker_and_api()
    ids = list(dict.fromkeys(pid for _, pid in pairs))
    tables = [api.register(_pair_table(rows, pairs)), api.register(_table([people[pid] for pid in ids], ids, ids))]
    try:
        predicted = linker.inference.predict_between(
            tables[0], tables[1], blocking_rules_to_generate_predictions=["l.pair_key = r.pair_key"]
        )
        tables.append(predicted)
        found = _predictions(predicted)
    finally:
        for table in tables:
            table.drop_table_from_database_and_remove_from_cache(force_non_splink_table=True)
    place = found["unique_id_l"]
    row_of = np.array([i for i, _ in pairs], dtype=np.int64)[place]
    pid_of = np.array([pid for _, pid in pairs], dtype=np.int64)[place]
    probability = _for_population_all(found["match_probability"], population)
    # Each pair's levels (-1 to 6 each) as one number, and what agreed once for each number reached.
    levels = np.column_stack([found[g] for g in _GAMMAS]).astype(np.int64)
    code = (levels + 1) @ (8 ** np.arange(len(_GAMMAS), dtype=np.int64))
    _, first, combination_of = np.unique(code, return_index=True, return_inverse=True)
    agreed = [_agreed_at(tuple(c)) for c in levels[first].tolist()]
    # By row, then best first (``-probability``), then by person: as ``score`` sorts.
    order = np.lexsort((pid_of, -probability, row_of))
    scored = list(
        map(
            Scored,
            pid_of[order].tolist(),
            probability[order].tolist(),
            [agreed[c] for c in combination_of.reshape(-1)[order].tolist()],
            (found["gamma_pnc_id"][order] == 0).tolist(),
        )
    )
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
