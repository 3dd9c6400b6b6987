"""What the case timeline knows that the RAG regime and the deregistration rules need.

The timeline (home visits, appointments, intelligence notes, drug tests, assessments) belongs to
``iomhub.casework`` (issue 6 §3, §5). This module is the adapter, as ``screening.py`` is for justice:

CASEWORK ADAPTER (the contract with ``iomhub.casework.selectors``; every function optional):
- ``last_home_visit(*, person_id: int, as_of: date) -> date | None``: the last home visit that took
  place (attended) on or before ``as_of``, None when there has been none;
- ``deregistration_facts(*, person_id: int, since: date, as_of: date) -> CaseworkFacts``: the
  evidence for the "suggested" deregistration rules of 002 §2, over the registration from
  ``since`` to ``as_of`` (a :class:`CaseworkFacts`, or any object or dict with its field names);
- ``last_home_visits(*, person_ids: list[int], as_of: date) -> dict[int, date]`` and
  ``deregistration_facts_many(*, since: dict[int, date], as_of: date) -> dict[int, facts]``: the
  same for many people at once in a fixed number of queries (the dashboard, reviews due, the
  agenda); while missing, the one-person functions are called for each person.

While a function is missing, the answer is "not known": the regime counts from the RAG date, and the
deregistration page says the evidence is not available rather than guessing.
"""

from __future__ import annotations

import datetime
import inspect
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class CaseworkFacts:
    """Evidence from the timeline for 002 §2's suggestions. ``None`` means not known."""

    intelligence_known: bool = False  # True when the timeline can say whether there was intelligence
    last_intelligence_on: datetime.date | None = None
    drug_test_results: Sequence[bool] | None = None  # recent tests, True for positive
    appointments_kept: int | None = None
    appointments_due: int | None = None
    risk_fallen: bool | None = None
    risk_evidence: str = ""


def _load(name: str) -> Callable[..., Any] | None:
    try:
        from iomhub.casework import selectors  # type: ignore[attr-defined,unused-ignore]
    except ImportError:
        return None
    found = getattr(selectors, name, None)
    return found if callable(found) else None


def _call(function: Callable[..., Any], **given: Any) -> Any:
    """Call ``function`` with the keyword arguments it accepts (the contract names them; a version
    that takes fewer, e.g. only ``person_id``, still works)."""
    parameters = inspect.signature(function).parameters
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values()):
        return function(**given)
    return function(**{name: value for name, value in given.items() if name in parameters})


def last_home_visit(*, person_id: int, as_of: datetime.date) -> datetime.date | None:
    """The last home visit on or before ``as_of``; None when none or the timeline is not there."""
    return last_home_visits(person_ids=[person_id], as_of=as_of).get(person_id)


def last_home_visits(*, person_ids: Sequence[int], as_of: datetime.date) -> dict[int, datetime.date]:
    """``last_home_visit`` for each of ``person_ids`` that has had one, read in bulk where casework
    offers ``last_home_visits`` (one query), else one person at a time."""
    bulk = _load("last_home_visits")
    if bulk is not None:
        found = dict(_call(bulk, person_ids=list(person_ids), as_of=as_of))
    else:
        load = _load("last_home_visit")
        found = {} if load is None else {pid: _call(load, person_id=pid, as_of=as_of) for pid in person_ids}
    return {pid: day for pid, day in ((pid, _as_date(found.get(pid))) for pid in person_ids) if day is not None}


def _as_date(found: Any) -> datetime.date | None:
    if isinstance(found, datetime.datetime):
        return found.date()
    return found if isinstance(found, datetime.date) else None


def timeline_available() -> bool:
    return _load("last_home_visit") is not None or _load("last_home_visits") is not None


def deregistration_facts(*, person_id: int, since: datetime.date, as_of: datetime.date) -> CaseworkFacts:
    return deregistration_facts_many(since={person_id: since}, as_of=as_of)[person_id]


def deregistration_facts_many(*, since: Mapping[int, datetime.date], as_of: datetime.date) -> dict[int, CaseworkFacts]:
    """``deregistration_facts`` for each person id of ``since`` (to the start of their registration),
    read in bulk where casework offers ``deregistration_facts_many``, else one person at a time."""
    bulk = _load("deregistration_facts_many")
    if bulk is not None:
        found = dict(_call(bulk, since=dict(since), as_of=as_of))
    else:
        load = _load("deregistration_facts")
        found = {} if load is None else {pid: _call(load, person_id=pid, since=day, as_of=as_of) for pid, day in since.items()}
    return {pid: _as_facts(found.get(pid)) for pid in since}


def _as_facts(found: Any) -> CaseworkFacts:
    if isinstance(found, CaseworkFacts) or found is None:
        return found or CaseworkFacts()
    # Any object or mapping with the same names will do (casework need not import cohort).
    names = CaseworkFacts.__dataclass_fields__
    values = found if isinstance(found, dict) else {n: getattr(found, n) for n in names if hasattr(found, n)}
    return CaseworkFacts(**{n: v for n, v in values.items() if n in names})
