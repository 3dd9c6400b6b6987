"""Rules of managing a case (issue 6). Pure Python: no Django.

- The lead worker (seed 000 §2.3.1, seed 002 §3: one lead professional per person) must be the
  probation officer, the responsible officer, while the person is on licence or under supervision
  (seed 002 §5: the offender manager supervises the licence and post-sentence supervision).
- Safeguarding and parental status must be completed on every case (seed 000 §7.2.1: "Completion
  of Parental Status and Safeguarding data fields ... are mandatory"; "100% completeness").
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class SentenceDates:
    """The dates of one custodial sentence that decide whether the person is supervised now."""

    release: datetime.date | None
    expiry: datetime.date | None = None  # licence or sentence expiry
    supervision_end: datetime.date | None = None  # top-up supervision end (TUSED)


def on_licence_or_supervision(sentences: Iterable[SentenceDates], today: datetime.date) -> bool:
    """True when some sentence has released the person (release date on or before ``today``) and
    its licence/sentence expiry or top-up supervision end is still ahead (after ``today``).

    Seed 002 §5: after release the person is on licence to the sentence expiry, then (for short
    sentences) on post-sentence supervision to the top-up supervision end date."""
    for s in sentences:
        if s.release is None or s.release > today:
            continue
        ends = [d for d in (s.expiry, s.supervision_end) if d is not None]
        if any(d > today for d in ends):
            return True
    return False


def lead_worker_problem(*, supervised: bool, lead_is_probation_officer: bool, lead_can_sign_in: bool = True) -> str:
    """Why a lead worker may not lead this case ('' when they may). Seed 002 §3, §5. Seed 002 §3's
    one lead professional is someone who can do the work: a worker whose account is disabled (they
    have left, or are away) leads nobody, and the case needs a new one."""
    if not lead_can_sign_in:
        return "The lead worker's account is disabled: allocate a new lead worker"
    if supervised and not lead_is_probation_officer:
        return "The person is on licence or supervision: the lead worker must be their probation officer (the responsible officer)"
    return ""


@dataclass(frozen=True)
class Completeness:
    """How many cases have their mandatory fields completed (seed 000 §7.2.1 asks for 100%)."""

    total: int
    complete: int

    @property
    def percent(self) -> float:
        """Percentage complete; an empty caseload is 100% complete (nothing is missing)."""
        return 100.0 if self.total == 0 else round(100.0 * self.complete / self.total, 1)

    @property
    def incomplete(self) -> int:
        return self.total - self.complete


def first_and_latest_change(ratings: Iterable[tuple[datetime.date, int]]) -> tuple[int, int, int] | None:
    """From dated scores (Red=3, Amber=2, Green=1) of one pathway, the first, the latest and the
    change (latest - first; negative is an improvement). None when never assessed. Seed 004 asks
    for change from first to latest assessment."""
    ordered = sorted(ratings)
    if not ordered:
        return None
    first, latest = ordered[0][1], ordered[-1][1]
    return first, latest, latest - first


def assessed_risk_fallen(
    assessments: Iterable[tuple[datetime.date, int]], *, registered_on: datetime.date, as_of: datetime.date
) -> tuple[bool, str] | None:
    """002 §2 suggests deregistration when "assessed risk has fallen": the needs score (the sum over
    the nine pathways of Red=3, Amber=2, Green=1) of the latest needs assessment on or before
    ``as_of`` is lower than at registration, which is the latest assessment on or before
    ``registered_on`` (the referral's ratings become one at adoption), else the first after it.
    Returns (fallen, why), or None when there are not two assessments to compare."""
    dated = [a for a in assessments if a[0] <= as_of]  # in the order assessed (ties: as recorded)
    dated.sort(key=lambda a: a[0])
    at_start = [i for i, a in enumerate(dated) if a[0] <= registered_on]
    start = at_start[-1] if at_start else 0
    if len(dated) - start < 2:
        return None
    (first_on, first), (latest_on, last) = dated[start], dated[-1]
    between = f"{first_on:%-d %B %Y} and {latest_on:%-d %B %Y} needs assessments"
    if last < first:
        return True, f"Needs score fell from {first} to {last} between the {between}"
    if last > first:
        return False, f"Needs score rose from {first} to {last} between the {between}"
    return False, f"Needs score stayed at {first} between the {between}"
