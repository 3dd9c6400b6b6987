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
from typing import TYPE_CHECKING, Any

from django.db.models import Q

from iomhub.feeds.linkage_model.settings import LEVELS, record
from iomhub.feeds.linkage_model.train import MODEL

if TYPE_CHECKING:
    from collections.abc import Mapping

    from splink import Linker

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


@lru_cache(maxsize=1)
def _linker() -> Linker:
    import pandas as pd
    from splink import DuckDBAPI, Linker

    seed = pd.DataFrame([record(0, "a", "a", "1900-01-01")])
    return Linker(DuckDBAPI().register(seed), str(MODEL), log_level=logging.WARNING)


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


def blocks(row: dict[str, Any], person: dict[str, Any]) -> bool:
    """``candidates_q`` in Python, on two ``settings.record`` dicts."""
    a, b = datetime.date.fromisoformat(row["dob"]), datetime.date.fromisoformat(person["dob"])
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


def score_many(
    rows: Mapping[int, dict[str, Any]] | list[dict[str, Any]],
    people: dict[int, dict[str, Any]],
    pairs: list[tuple[int, int]],
    *,
    population: int | None = None,
) -> dict[int, list[Scored]]:
    """Every (row index, person id) pair in ``pairs`` scored in one DuckDB query (the batch of a feed
    import, issue 11): by row index, best first. The same model and the same scores as ``score``;
    only the pairs asked for are compared (one row per pair, joined to its person)."""
    if not pairs:
        return {}
    import pandas as pd

    population = people_on_record() if population is None else population
    linker = _linker()
    left = pd.DataFrame([{**rows[i], "unique_id": n, "pair_key": pid} for n, (i, pid) in enumerate(pairs)])
    right = pd.DataFrame([{**people[pid], "pair_key": pid} for pid in {pid for _, pid in pairs}])
    for frame in (left, right):
        frame["pnc_id"] = frame["pnc_id"].astype("string")
        for column in ("first_name", "first_name_sound", "surname", "surname_sound"):
            frame[column] = frame[column].astype("string")
    api = linker._db_api
    tables = [api.register(left), api.register(right)]
    try:
        predicted = linker.inference.predict_between(
            tables[0], tables[1], blocking_rules_to_generate_predictions=["l.pair_key = r.pair_key"]
        )
        tables.append(predicted)
        found = predicted.as_record_list()
    finally:
        for table in tables:
            table.drop_table_from_database_and_remove_from_cache(force_non_splink_table=True)
    by_row: dict[int, list[Scored]] = {}
    for s in found:
        i, pid = pairs[int(s["unique_id_l"])]
        by_row.setdefault(i, []).append(_scored(pid, s, population))
    return {i: sorted(found_, key=lambda s: (-s.probability, s.unique_id)) for i, found_ in by_row.items()}


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
