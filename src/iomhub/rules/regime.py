"""The RAG contact regime, reviews, the transfer-in period and the deregistration rules.

Sources:
- Seed 002 appendix 1 (RAG classification): Red Alert - wanted, priority intelligence sharing;
  Red - at least one home visit a week and a weekly review; Amber - a home visit at least every two
  weeks; Green - a monthly home visit and active exit planning; Prison - pre-release plan from
  3 months before release.
- Seed 002 §2: Red cases reviewed at every meeting, Amber at least every three months; deregistration
  required on a custodial sentence of 5 years or more and on MAPPA level 3; considered when there has
  been no intelligence for 3 months, drug tests are negative, attendance is good, assessed risk has
  fallen, or risk is managed in another forum.
- Seed 000 §5.7 and §6.4: a minimum of six months on the scheme, then reviewed every three months.
- Seed 002 §4: transfers-in are managed as Red for their first 8 weeks.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from iomhub.rules.dates import add_months, long_date, require_date

RAG_LEVELS = ("red-alert", "red", "amber", "green", "prison")
VISIT_REGIME: dict[str, str] = {"red": "7 days", "amber": "14 days", "green": "1 calendar month"}
MINIMUM_ON_SCHEME_MONTHS = 6
SCHEME_REVIEW_MONTHS = 3
TRANSFER_RED_DAYS = 8 * 7
LIVE_LIST_WEEKS = 12
NO_INTELLIGENCE_MONTHS = 3
DEREGISTER_SENTENCE_YEARS = 5
GOOD_ATTENDANCE = 0.8  # share of appointments kept; local practice, configurable by the caller


def _rag(rag: str) -> str:
    if rag not in RAG_LEVELS:
        raise ValueError(f"rag must be one of {', '.join(RAG_LEVELS)}, not {rag!r}")
    return rag


def next_home_visit_due(*, rag: str, rag_since: datetime.date, last_home_visit: datetime.date | None) -> datetime.date | None:
    """When the next home visit is due under the RAG regime (002 appendix 1), or None where the
    level has no home-visit regime (Red Alert: wanted; Prison: in custody)."""
    _rag(rag)
    require_date("rag_since", rag_since)
    if last_home_visit is not None:
        require_date("last_home_visit", last_home_visit)
    if rag in ("red-alert", "prison"):
        return None
    start = last_home_visit if last_home_visit is not None else rag_since
    if rag == "red":
        return start + datetime.timedelta(days=7)
    if rag == "amber":
        return start + datetime.timedelta(days=14)
    return add_months(start, 1)


def home_visit_overdue(*, rag: str, rag_since: datetime.date, last_home_visit: datetime.date | None, today: datetime.date) -> bool:
    due = next_home_visit_due(rag=rag, rag_since=rag_since, last_home_visit=last_home_visit)
    return due is not None and require_date("today", today) > due


@dataclass(frozen=True, slots=True)
class ReviewDue:
    due: datetime.date
    breakdown: tuple[str, ...]


def review_due(
    *,
    rag: str,
    registered_on: datetime.date,
    rag_since: datetime.date,
    last_review: datetime.date | None = None,
    next_meeting: datetime.date | None = None,
    transferred_in_on: datetime.date | None = None,
) -> ReviewDue:
    """When the case is next due for review.

    Red: weekly, and at every meeting (002 appendix 1, §2). Amber: at least every three months
    (002 §2). Everyone: first at six months on the scheme, then every three months (000 §5.7, §6.4).
    A transfer-in is managed as Red for its first 8 weeks "and then reviewed" (002 §4): a review is
    due the day after the Red period ends unless one has been held since. The earliest applicable
    date wins.
    """
    _rag(rag)
    require_date("registered_on", registered_on)
    require_date("rag_since", rag_since)
    if rag_since < registered_on:
        raise ValueError(f"rag_since ({rag_since}) cannot be before registered_on ({registered_on})")
    if last_review is not None and require_date("last_review", last_review) < registered_on:
        raise ValueError(f"last_review ({last_review}) cannot be before registered_on ({registered_on})")
    candidates: list[tuple[datetime.date, str]] = []
    if last_review is None:
        candidates.append((add_months(registered_on, MINIMUM_ON_SCHEME_MONTHS), "first review after six months on the scheme (000 §5.7)"))
    else:
        candidates.append((add_months(last_review, SCHEME_REVIEW_MONTHS), "three-monthly review (000 §6.4)"))
    since = max(d for d in (rag_since, last_review) if d is not None)
    if rag in ("red", "red-alert"):
        candidates.append((since + datetime.timedelta(days=7), "Red: weekly review (002 appendix 1)"))
        if next_meeting is not None:
            candidates.append((require_date("next_meeting", next_meeting), "Red: reviewed at every meeting (002 §2)"))
    elif rag == "amber":
        candidates.append((add_months(since, 3), "Amber: reviewed at least every three months (002 §2)"))
    if transferred_in_on is not None:
        after_red = transfer_in_red_until(transferred_in_on=transferred_in_on) + datetime.timedelta(days=1)
        if last_review is None or last_review < after_red:
            candidates.append((after_red, "transfer in: reviewed after 8 weeks as Red (002 §4)"))
    due, why = min(candidates)
    return ReviewDue(due=due, breakdown=(why,))


def earliest_deregistration(*, registered_on: datetime.date) -> datetime.date:
    """Nobody leaves before six months on the scheme unless deregistration is required (000 §5.7)."""
    return add_months(require_date("registered_on", registered_on), MINIMUM_ON_SCHEME_MONTHS)


def pre_release_planning_from(*, release_date: datetime.date) -> datetime.date:
    """Prison: the pre-release plan starts 3 months before release (002 appendix 1)."""
    return add_months(require_date("release_date", release_date), -3)


def reconsider_reregistration_from(*, release_date: datetime.date) -> datetime.date:
    """Deregistered for 5 years or more of custody: the case is brought back to the referral and
    review meeting 12 months before release to consider re-registration (002 §2)."""
    return add_months(require_date("release_date", release_date), -12)


def live_list_from(*, release_date: datetime.date) -> datetime.date:
    """Prison cases return to the live list 12 weeks before release (002 §2)."""
    return require_date("release_date", release_date) - datetime.timedelta(weeks=LIVE_LIST_WEEKS)


def transfer_in_red_until(*, transferred_in_on: datetime.date) -> datetime.date:
    """The last day a transfer-in is managed as Red (first 8 weeks, 002 §4)."""
    return require_date("transferred_in_on", transferred_in_on) + datetime.timedelta(days=TRANSFER_RED_DAYS - 1)


def effective_rag(*, assessed_rag: str, transferred_in_on: datetime.date | None, today: datetime.date) -> str:
    _rag(assessed_rag)
    require_date("today", today)
    in_red_period = transferred_in_on is not None and transferred_in_on <= today <= transfer_in_red_until(
        transferred_in_on=transferred_in_on
    )
    if in_red_period and assessed_rag not in ("red-alert", "prison"):
        return "red"
    return assessed_rag


@dataclass(frozen=True, slots=True)
class DeregistrationAdvice:
    required: tuple[str, ...]
    suggested: tuple[str, ...]
    breakdown: tuple[str, ...]

    @property
    def must_deregister(self) -> bool:
        return bool(self.required)


def deregistration(
    *,
    today: datetime.date,
    custodial_sentence_days: int | None = None,
    custodial_sentence_years: float | None = None,
    mappa_level: int | None = None,
    last_intelligence_on: datetime.date | None = None,
    registered_on: datetime.date | None = None,
    drug_test_results: Sequence[bool] = (),
    appointments_kept: int = 0,
    appointments_due: int = 0,
    risk_fallen: bool = False,
    managed_in_another_forum: bool = False,
) -> DeregistrationAdvice:
    """Which deregistration rules of 002 §2 hold, with the evidence.

    ``drug_test_results`` are the recent tests, True for positive. ``custodial_sentence_years`` is
    the sentence term; give either it or ``custodial_sentence_days``.
    """
    require_date("today", today)
    if mappa_level is not None and mappa_level not in (1, 2, 3):
        raise ValueError(f"mappa_level must be 1, 2 or 3, not {mappa_level!r}")
    if appointments_kept < 0 or appointments_due < 0 or appointments_kept > appointments_due:
        raise ValueError(f"appointments_kept ({appointments_kept}) must be between 0 and appointments_due ({appointments_due})")
    if custodial_sentence_days is not None and custodial_sentence_years is not None:
        raise ValueError("give custodial_sentence_days or custodial_sentence_years, not both")
    required: list[str] = []
    suggested: list[str] = []
    why: list[str] = []
    years = custodial_sentence_years
    if custodial_sentence_days is not None:
        years = custodial_sentence_days / 365.25
    if years is not None and years >= DEREGISTER_SENTENCE_YEARS:
        required.append("custodial-sentence-5-years")
        why.append(f"custodial sentence of {years:.1f} years: 5 years or more requires deregistration (002 §2)")
    if mappa_level == 3:
        required.append("mappa-level-3")
        why.append("MAPPA level 3 requires deregistration (002 §2)")
    if last_intelligence_on is not None:
        quiet_since = add_months(require_date("last_intelligence_on", last_intelligence_on), NO_INTELLIGENCE_MONTHS)
        if today >= quiet_since:
            suggested.append("no-intelligence-3-months")
            why.append(f"no intelligence since {long_date(last_intelligence_on)}: 3 months or more (002 §2)")
    elif registered_on is not None and today >= add_months(require_date("registered_on", registered_on), NO_INTELLIGENCE_MONTHS):
        suggested.append("no-intelligence-3-months")
        why.append(f"no intelligence recorded since registration on {long_date(registered_on)} (002 §2)")
    if drug_test_results and not any(drug_test_results):
        suggested.append("drug-tests-negative")
        why.append(f"the last {len(drug_test_results)} drug tests were negative (002 §2)")
    if appointments_due and appointments_kept / appointments_due >= GOOD_ATTENDANCE:
        suggested.append("good-attendance")
        why.append(f"{appointments_kept} of {appointments_due} appointments kept (002 §2)")
    if risk_fallen:
        suggested.append("risk-fallen")
        why.append("assessed risk has fallen (002 §2)")
    if managed_in_another_forum:
        suggested.append("managed-elsewhere")
        why.append("risk is managed in another forum (002 §2)")
    return DeregistrationAdvice(required=tuple(required), suggested=tuple(suggested), breakdown=tuple(why))
