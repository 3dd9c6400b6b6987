"""The timeline's evidence for the RAG regime and the deregistration rules (the contract in
``iomhub.cohort.evidence``, installed by ``CaseworkConfig.ready``; no audit per call, the callers
read only people the user sees, through ``people_filter``):
- ``last_home_visit(person_id=, as_of=)`` — the last attended home visit, and
  ``deregistration_facts(person_id=, since=, as_of=)``; each is the one-person case of its bulk
  read, ``last_home_visits`` and ``deregistration_facts_many`` (one query however many people: the
  dashboard, reviews due and the agenda).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from typing import Any

from django.db.models import Max

from iomhub import clock
from iomhub.casework.models import RAG_SCORE, DrugResult, EntryKind, EntryOutcome, PathwayNeed, TimelineEntry
from iomhub.rules.casework import assessed_risk_fallen


def last_home_visit(*, person_id: int, as_of: datetime.date | None = None) -> datetime.date | None:
    """The last home visit that took place (attended, alone or as a joint visit) on or before
    ``as_of``; None when there has been none. The one-person case of ``last_home_visits``."""
    return last_home_visits(person_ids=[person_id], as_of=as_of).get(person_id)


def last_home_visits(*, person_ids: Sequence[int], as_of: datetime.date | None = None) -> dict[int, datetime.date]:
    """The last home visit of each of ``person_ids`` (as ``last_home_visit``), for those who have had
    one: one query, the latest date grouped by person."""
    found = (
        TimelineEntry.objects.filter(
            person_id__in=list(person_ids),
            kind__in=[EntryKind.HOME_VISIT, EntryKind.JOINT_VISIT],
            outcome=EntryOutcome.ATTENDED,
            occurred_on__lte=as_of or clock.today(),
        )
        .order_by()
        .values("person_id")
        .annotate(last=Max("occurred_on"))
        .values_list("person_id", "last")
    )
    return dict(found)


def deregistration_facts(*, person_id: int, since: datetime.date, as_of: datetime.date) -> dict[str, Any]:
    """The timeline's evidence for 002 §2's suggestions (the ``CaseworkFacts`` names of
    ``iomhub.cohort.evidence``). The one-person case of ``deregistration_facts_many``."""
    return deregistration_facts_many(since={person_id: since}, as_of=as_of)[person_id]


def deregistration_facts_many(*, since: Mapping[int, datetime.date], as_of: datetime.date) -> dict[int, dict[str, Any]]:
    """``deregistration_facts`` for each person id of ``since`` (person id to the start of their
    registration), from ``since`` to ``as_of``: the timelines read in one query."""
    entries: dict[int, list[tuple[str, str, datetime.date, str]]] = {pid: [] for pid in since}
    if since:
        rows = (
            TimelineEntry.objects.filter(person_id__in=list(since), occurred_on__gte=min(since.values()), occurred_on__lte=as_of)
            .order_by("person_id", "occurred_on", "pk")
            .values_list("person_id", "kind", "outcome", "occurred_on", "drug_result")
        )
        for pid, kind, outcome, occurred_on, drug_result in rows:
            if occurred_on >= since[pid]:
                entries[pid].append((kind, outcome, occurred_on, drug_result))
    risk = _risk_fallen_many(since, as_of)
    return {pid: {**_deregistration_facts(found), **risk.get(pid, {})} for pid, found in entries.items()}


def _risk_fallen_many(since: Mapping[int, datetime.date], as_of: datetime.date) -> dict[int, dict[str, Any]]:
    """ "Assessed risk has fallen" (002 §2) from each person's needs assessments (issue 18 §6): the
    needs score at registration against the latest (``rules.casework.assessed_risk_fallen``), in one
    query. A derived fact of the assessments section (``cohort.advice.RULE_SECTIONS``)."""
    scores: dict[int, dict[int, tuple[datetime.date, int]]] = {}
    if since:
        for pid, assessment_id, assessed_on, rag in (
            PathwayNeed.objects.filter(assessment__person_id__in=list(since), assessment__assessed_on__lte=as_of)
            .order_by("assessment__assessed_on", "assessment_id")
            .values_list("assessment__person_id", "assessment_id", "assessment__assessed_on", "rag")
        ):
            on, total = scores.setdefault(pid, {}).get(assessment_id, (assessed_on, 0))
            scores[pid][assessment_id] = (on, total + RAG_SCORE.get(rag, 0))  # type: ignore[call-overload]
    found: dict[int, dict[str, Any]] = {}
    for pid, by_assessment in scores.items():
        result = assessed_risk_fallen(by_assessment.values(), registered_on=since[pid], as_of=as_of)
        if result is not None:
            found[pid] = {"risk_fallen": result[0], "risk_evidence": result[1]}
    return found


def _deregistration_facts(entries: list[tuple[str, str, datetime.date, str]]) -> dict[str, Any]:
    """The facts from one person's timeline entries over the registration, oldest first, as
    (kind, outcome, occurred on, drug result)."""
    if not entries:
        return {}  # an empty timeline is no evidence either way: every suggestion stays "not known"
    last_intel = max((on for kind, _, on, _ in entries if kind == EntryKind.INTELLIGENCE), default=None)
    tests = [result for kind, outcome, _, result in entries if kind == EntryKind.DRUG_TEST and outcome != EntryOutcome.BOOKED]
    appointments = [
        outcome
        for kind, outcome, _, _ in entries
        if kind in (EntryKind.OFFICE, EntryKind.HOME_VISIT) and outcome not in (EntryOutcome.BOOKED, EntryOutcome.REARRANGED)
    ]
    due = len(appointments)
    return {
        "intelligence_known": True,
        "last_intelligence_on": last_intel,
        "drug_test_results": [r != DrugResult.NEGATIVE for r in tests] if tests else None,
        "appointments_kept": sum(1 for o in appointments if o == EntryOutcome.ATTENDED) if due else None,
        "appointments_due": due or None,
    }
