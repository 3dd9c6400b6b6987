"""What the case timeline knows that the RAG regime and the deregistration rules need.

The timeline (home visits, appointments, intelligence notes, drug tests, needs assessments) belongs
to ``iomhub.casework``, a layer above cohort (ADR 0032), so cohort names no casework module:
casework installs its two readers here when it loads (``CaseworkConfig.ready``):

- ``last_home_visits(*, person_ids, as_of) -> {person id: date}``: the last home visit that took
  place (attended) on or before ``as_of``, for those who have had one;
- ``deregistration_facts_many(*, since: {person id: date}, as_of) -> {person id: facts}``: the
  evidence for the "suggested" deregistration rules of 002 §2 from the start of each registration
  to ``as_of``, each a mapping with :class:`CaseworkFacts`' names (empty: no evidence either way).

Until they are installed the answer is "not known": the regime counts from the RAG date and the
deregistration page says the evidence is not available rather than guessing.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

from iomhub.slots import Slot


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


LastHomeVisits = Callable[..., Mapping[int, datetime.date]]
FactsMany = Callable[..., Mapping[int, Mapping[str, Any]]]
_last_home_visits: Slot[LastHomeVisits] = Slot("reader of home visits", installed_by="casework (CaseworkConfig.ready)")
_facts_many: Slot[FactsMany] = Slot("reader of the deregistration facts", installed_by="casework (CaseworkConfig.ready)")
_NAMES = frozenset(f.name for f in fields(CaseworkFacts))


def install(*, last_home_visits: LastHomeVisits, deregistration_facts_many: FactsMany) -> None:
    _last_home_visits.install(last_home_visits)
    _facts_many.install(deregistration_facts_many)


def timeline_available() -> bool:
    return _last_home_visits.installed


def last_home_visit(*, person_id: int, as_of: datetime.date) -> datetime.date | None:
    """The last home visit on or before ``as_of``; None when none or the timeline is not there."""
    return last_home_visits(person_ids=[person_id], as_of=as_of).get(person_id)


def last_home_visits(*, person_ids: Sequence[int], as_of: datetime.date) -> dict[int, datetime.date]:
    """``last_home_visit`` for each of ``person_ids`` that has had one (one query)."""
    found = _last_home_visits.step()(person_ids=list(person_ids), as_of=as_of) if timeline_available() else {}
    return {pid: found[pid] for pid in person_ids if found.get(pid) is not None}


def deregistration_facts(*, person_id: int, since: datetime.date, as_of: datetime.date) -> CaseworkFacts:
    return deregistration_facts_many(since={person_id: since}, as_of=as_of)[person_id]


def deregistration_facts_many(*, since: Mapping[int, datetime.date], as_of: datetime.date) -> dict[int, CaseworkFacts]:
    """``deregistration_facts`` for each person id of ``since`` (to the start of their registration)."""
    found = _facts_many.step()(since=dict(since), as_of=as_of) if _facts_many.installed else {}
    return {pid: CaseworkFacts(**{k: v for k, v in found.get(pid, {}).items() if k in _NAMES}) for pid in since}
