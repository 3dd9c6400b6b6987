"""Prompts the justice record raises for the caseload dashboard and the meeting agenda (issue 4 §6).

Pure functions of the record and "today" (callers pass ``clock.today()``; the justice selectors
gather the facts). The periods are the regime's own (``iomhub.rules.regime``), written once:
- ``pre-release-plan``: release within 3 months - the Prison RAG level's pre-release plan starts
  3 months before release (002 appendix 1; brief "The life of a case" step 4).
- ``live-list``: release within 12 weeks - prison cases return to the live list 12 weeks before
  release (002 §2; brief step 5).
- ``deregister``: a custodial sentence of 5 years or more requires deregistration (002 §2), and
  ``reconsider`` 12 months before that release the person is considered again.
- ``recall``: a recall to custody, from the recall decision until the recall ends (release, or the
  licence expiry for a standard recall); its report is due 24 hours after the decision.
- ``warrant``: an outstanding warrant - wanted, the Red Alert level (002 appendix 1).
- ``warrant-arrested``: arrested on or after the day an outstanding warrant was issued - the
  warrant is usually executed on such an arrest, so the record asks for it (its execution, or why
  it stands) and the Red Alert level is reviewed (002 appendix 1: Red Alert is "wanted"; 002 §3:
  overnight arrests are checked daily). Shows from the arrest until the warrant is executed.
Each prompt shows from its first day inclusive, and never the day before.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from iomhub.rules.regime import live_list_from, pre_release_planning_from, reconsider_reregistration_from


@dataclass(frozen=True)
class Prompt:
    code: str
    title: str
    shows_from: datetime.date
    about: datetime.date | None
    detail: str


@dataclass(frozen=True)
class SentenceFacts:
    sentence_id: int
    sentenced_on: datetime.date
    release_date: datetime.date | None
    five_years_or_more: bool


@dataclass(frozen=True)
class RecallFacts:
    recall_id: int
    recalled_on: datetime.date
    ends_on: datetime.date | None  # fixed-term release, or the licence expiry
    report_due_at: datetime.datetime


@dataclass(frozen=True)
class WarrantFacts:
    warrant_id: int
    kind: str
    issued_on: datetime.date
    executed_on: datetime.date | None
    arrested_on: datetime.date | None = None  # the first arrest on or after ``issued_on``, if any


def sentence_prompts(facts: SentenceFacts, today: datetime.date) -> list[Prompt]:
    found: list[Prompt] = []
    release = facts.release_date
    if facts.five_years_or_more and facts.sentenced_on <= today and (release is None or today < release):
        found.append(
            Prompt(
                "deregister",
                "Deregister: custodial sentence of 5 years or more",
                facts.sentenced_on,
                release,
                "Deregistration is required on a custodial sentence of 5 years or more (002 §2)",
            )
        )
    if release is None or today > release:
        return found
    if facts.five_years_or_more:
        start = reconsider_reregistration_from(release_date=release)
        if start <= today:
            found.append(
                Prompt(
                    "reconsider",
                    "Reconsider for IOM: 12 months before release",
                    start,
                    release,
                    "A person deregistered for a long sentence is reconsidered 12 months before release",
                )
            )
    start = pre_release_planning_from(release_date=release)
    if start <= today:
        found.append(
            Prompt(
                "pre-release-plan",
                "Pre-release plan: release within 3 months",
                start,
                release,
                "The pre-release plan starts 3 months before release (002 appendix 1, Prison)",
            )
        )
    start = live_list_from(release_date=release)
    if start <= today:
        found.append(
            Prompt(
                "live-list",
                "Back on the live list: release within 12 weeks",
                start,
                release,
                "Prison cases return to the live list 12 weeks before release (002 §2)",
            )
        )
    return found


def recall_prompts(facts: RecallFacts, today: datetime.date) -> list[Prompt]:
    if facts.recalled_on > today or (facts.ends_on is not None and today > facts.ends_on):
        return []
    return [
        Prompt(
            "recall", "Recalled to custody", facts.recalled_on, facts.ends_on, f"Recall report due by {facts.report_due_at:%-d %B %Y %H:%M}"
        )
    ]


def warrant_prompts(facts: WarrantFacts, today: datetime.date) -> list[Prompt]:
    if facts.issued_on > today or (facts.executed_on is not None and facts.executed_on <= today):
        return []
    found = [
        Prompt(
            "warrant",
            "Wanted: outstanding warrant (Red Alert)",
            facts.issued_on,
            None,
            f"Warrant ({facts.kind}) issued {facts.issued_on:%-d %B %Y}; consider Red Alert (002 appendix 1)",
        )
    ]
    arrested = facts.arrested_on
    if arrested is not None and facts.issued_on <= arrested <= today:
        found.append(
            Prompt(
                "warrant-arrested",
                "Arrested while wanted: record whether the warrant was executed",
                arrested,
                arrested,
                f"Arrested {arrested:%-d %B %Y}, on or after the warrant ({facts.kind}) issued {facts.issued_on:%-d %B %Y}; "
                "record its execution, or why it stands, and review the Red Alert level (002 appendix 1)",
            )
        )
    return found


def prompts(
    *,
    today: datetime.date,
    sentences: Iterable[SentenceFacts] = (),
    recalls: Iterable[RecallFacts] = (),
    warrants: Iterable[WarrantFacts] = (),
) -> list[Prompt]:
    found = [p for s in sentences for p in sentence_prompts(s, today)]
    found += [p for r in recalls for p in recall_prompts(r, today)]
    found += [p for w in warrants for p in warrant_prompts(w, today)]
    return sorted(found, key=lambda p: (p.shows_from, p.code))
