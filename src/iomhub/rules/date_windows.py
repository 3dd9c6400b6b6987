"""How far ahead a date typed, sent over the API or read from a feed may plausibly lie (pure
Python; today is passed in, read by the caller from ``iomhub.clock``). Dates in the past are
checked elsewhere (``iomhub.validation.clean_date``: not after today, not before the date of
birth); these windows refuse the far-future dates that cannot be right: an appointment booked in
2099, an order starting decades after it was made, a prison release date after the sentence ends.

Each window and its reason:

- ``BOOKING_YEARS`` (2): an appointment booked ahead on the timeline and a plan action's due date
  (and its new due date when carried over). A case's status is reviewed every three months (seed
  000 "Selection and de-selection", line 671: "reviewed every three months"; seed 002 §2, line
  143: amber cases "every three months", red at each meeting), and the release plan begins 12
  months before release for the longest sentences (seed 002, line 156): two years is eight
  reviews and twice the longest lead time the seeds give. A date beyond it is nearly always a
  mistyped year (2062 for 2026) and would sit unseen on the caseload's "due" and "booked" lists.
- ``ORDER_START_MONTHS`` (36): a DRR or ATR starts within 36 months of the date the court made it.
  An order lasts 6 to 36 months (seed 000 appendix 4; ``rules.interventions.ORDER_MONTHS_MAX``)
  and a community order's requirements must all be complied with by its end date, not more than
  3 years after the order is made (Sentencing Act 2020 s.209(2)): a requirement starting later
  could never be done.
- ``latest_release`` / ``latest_supervision``: a sentence's release, HDC and expiry dates are
  bounded by the sentence, not by a fixed window (a 30-year sentence is released decades ahead).
  No one is held past the end of the sentence: the sentence and licence expiry is the sentence's
  end less remand and tagged bail plus any days unlawfully at large, and every release date,
  additional days awarded included, is capped at it (reference/release-dates-2026.md §2.1
  "Arithmetic": SLED = sentence end - remand - tagged bail + UAL; §2.2: the release is "capped at
  SLED"). So no such date is after the sentence's last day (PSI 5.5, ``rules.sentence.sentence_end``)
  plus the days unlawfully at large. Top-up supervision ends 12 months after release (CJA 2003
  s.256AA; seed 002 §5), so its end is at most 12 months after that. Sentences ordered to run one
  after another are served as one term (CJA 2003 s.264; the prison's dates are the whole term's),
  so where the person has other sentences on record the bound is the latest end of any run of them
  served back to back that includes this one (``latest_release_served_with``): a sentence of one
  month passed while the person serves 20 years is released with the 20 years.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from iomhub.rules.dates import add_months
from iomhub.rules.sentence import sentence_end

BOOKING_YEARS = 2
ORDER_START_MONTHS = 36
SUPERVISION_MONTHS = 12


def horizon(today: datetime.date, years: int = BOOKING_YEARS) -> datetime.date:
    """The last day within ``years`` of ``today``: the same day ``years`` years on (28 February
    for 29 February when that year has none). That day is within the window; the next is not."""
    return add_months(today, 12 * years)


def within_years(day: datetime.date, today: datetime.date, years: int = BOOKING_YEARS) -> bool:
    """True when ``day`` is no later than ``horizon(today, years)`` (the past is not this rule's business)."""
    return day <= horizon(today, years)


def latest_order_start(made_on: datetime.date) -> datetime.date:
    """The last day a DRR or ATR made on ``made_on`` may start: ``ORDER_START_MONTHS`` later."""
    return add_months(made_on, ORDER_START_MONTHS)


def latest_release(
    *, sentenced_on: datetime.date, years: int = 0, months: int = 0, weeks: int = 0, days: int = 0, unlawfully_at_large_days: int = 0
) -> datetime.date:
    """The last day a release, HDC or sentence and licence expiry date of this sentence can fall on:
    the sentence's last day (PSI 5.5) plus the days unlawfully at large."""
    end = sentence_end(sentence_date=sentenced_on, years=years, months=months, weeks=weeks, days=days)
    return end + datetime.timedelta(days=unlawfully_at_large_days)


@dataclass(frozen=True)
class Term:
    """A sentence as the bound reads it: when it was passed, its length and its days unlawfully at large."""

    sentenced_on: datetime.date
    years: int = 0
    months: int = 0
    weeks: int = 0
    days: int = 0
    unlawfully_at_large_days: int = 0

    def served_days(self) -> int:
        """Days from the sentence date to ``latest_release``, both counted."""
        last = latest_release(
            sentenced_on=self.sentenced_on,
            years=self.years,
            months=self.months,
            weeks=self.weeks,
            days=self.days,
            unlawfully_at_large_days=self.unlawfully_at_large_days,
        )
        return (last - self.sentenced_on).days + 1


def latest_release_served_with(term: Term, others: Sequence[Term] = ()) -> datetime.date:
    """The last day a release, HDC or expiry date of ``term`` can fall on when it may run after or
    before the person's ``others``: the latest end, over every sentence date on or before ``term``'s,
    of all the sentences passed from that date on served back to back (a run that includes
    ``term``). With no others, ``latest_release`` of ``term`` itself."""
    terms = [term, *others]
    latest = datetime.date.min
    for start in {t.sentenced_on for t in terms if t.sentenced_on <= term.sentenced_on}:
        total = sum(t.served_days() for t in terms if t.sentenced_on >= start)
        latest = max(latest, start + datetime.timedelta(days=total - 1))
    return latest


def latest_supervision(latest: datetime.date) -> datetime.date:
    """The last day top-up supervision can end, given ``latest_release``: 12 months after it."""
    return add_months(latest, SUPERVISION_MONTHS)
