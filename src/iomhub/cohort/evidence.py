"""What the case timeline knows that the RAG regime and the deregistration rules need.

The timeline (home visits, appointments, intelligence notes, drug tests, assessments) belongs to
``iomhub.casework`` (issue 6 §3, §5). This module is the adapter, as ``screening.py`` is for justice:

CASEWORK ADAPTER (the contract with ``iomhub.casework.selectors``; every function optional):
- ``last_home_visit(*, person_id: int, as_of: date) -> date | None``: the last home visit that took
  place (attended) on or before ``as_of``, None when there has been none;
- ``deregistration_facts(*, person_id: int, since: date, as_of: date) -> CaseworkFacts``: the
  evidence for the "suggested" deregistration rules of 002 §2, over the registration from
  ``since`` to ``as_of`` (a :class:`CaseworkFacts`, or any object or dict with its field names).

While a function is missing, the answer is "not known": the regime counts from the RAG date, and the
deregistration page says the evidence is not available rather than guessing.
"""

from __future__ import annotations

import datetime
import inspect
from collections.abc import Callable, Sequence
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
    load = _load("last_home_visit")
    if load is None:
        return None
    found = _call(load, person_id=person_id, as_of=as_of)
    if isinstance(found, datetime.datetime):
        return found.date()
    return found if isinstance(found, datetime.date) else None


def timeline_available() -> bool:
    return _load("last_home_visit") is not None


def deregistration_facts(*, person_id: int, since: datetime.date, as_of: datetime.date) -> CaseworkFacts:
    load = _load("deregistration_facts")
    if load is None:
        return CaseworkFacts()
    found = _call(load, person_id=person_id, since=since, as_of=as_of)
    if isinstance(found, CaseworkFacts) or found is None:
        return found or CaseworkFacts()
    # Any object or mapping with the same names will do (casework need not import cohort).
    names = CaseworkFacts.__dataclass_fields__
    values = found if isinstance(found, dict) else {n: getattr(found, n) for n in names if hasattr(found, n)}
    return CaseworkFacts(**{n: v for n, v in values.items() if n in names})
