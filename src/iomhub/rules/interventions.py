"""Rules of drug testing and of DRR / ATR orders (issue 12 part 2). Pure Python: no Django.

- Drug testing is for designated clients, primarily those on a Drug Rehabilitation Requirement
  (seed 000 §5.6, "Drug testing for designated client groups only (primarily DRR)"); a licence
  condition tests for "Class A or B drugs" (seed 002 §5), and a test on arrest for "specified Class A"
  drugs (opiates and cocaine: Drugs Act 2005). The class of each substance is the Misuse of Drugs
  Act 1971, Schedule 2 (alcohol is not a controlled drug).
- A test's overall result: refused when the person refused; otherwise positive when any substance
  tested is positive; otherwise negative (the summary the timeline and the deregistration evidence
  read: seed 002 §2 "drug tests negative").
- DRR and ATR orders (seed 000 §6.1, appendix 4): "Orders can be made as Low - Medium or High, in
  effect from 6 - 36 months"; an ATR "would consist of a minimum of six sessions".
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Mapping

# Misuse of Drugs Act 1971, Schedule 2: the class of each substance a test may report.
SUBSTANCE_CLASS: Mapping[str, str] = {
    "opiates": "A",  # heroin, morphine
    "cocaine": "A",  # including crack cocaine
    "methadone": "A",
    "amphetamines": "B",
    "cannabis": "B",
    "spice": "B",  # synthetic cannabinoid receptor agonists
    "benzodiazepines": "C",
    "buprenorphine": "C",
    "alcohol": "",  # not a controlled drug
}
# A test for "specified Class A" drugs tests for these (Drugs Act 2005 trigger-offence testing).
SPECIFIED_CLASS_A = frozenset({"opiates", "cocaine"})

NEGATIVE, POSITIVE, REFUSED = "negative", "positive", "refused"
ORDER_MONTHS_MIN, ORDER_MONTHS_MAX = 6, 36
ATR_MIN_SESSIONS = 6


def substance_class(substance: str) -> str:
    """``A``, ``B`` or ``C`` for a controlled drug, ``""`` for alcohol or anything not listed."""
    return SUBSTANCE_CLASS.get(substance, "")


def overall_result(results: Mapping[str, str], *, refused: bool = False) -> str:
    """The test's result from the result of each substance tested (``negative``/``positive``)."""
    if refused:
        return REFUSED
    return POSITIVE if any(r == POSITIVE for r in results.values()) else NEGATIVE


def missing_for_specified(tested: set[str] | frozenset[str], specified: str) -> frozenset[str]:
    """What a test that claims to be for ``specified`` drugs did not test for: ``class-a`` needs
    opiates and cocaine; ``class-a-b`` needs at least one Class A or B substance (returned as the
    Class A and B substances when none was tested)."""
    if specified == "class-a":
        return frozenset(SPECIFIED_CLASS_A - tested)
    if specified == "class-a-b" and not any(substance_class(s) in ("A", "B") for s in tested):
        return frozenset(s for s, c in SUBSTANCE_CLASS.items() if c in ("A", "B"))
    return frozenset()


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` moved on by whole calendar months (the last day of a shorter month when needed)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def order_ends(start: datetime.date, months: int) -> datetime.date:
    """The last day of an order of ``months`` months starting on ``start`` (an order of 6 months
    from 15 January runs to 14 July)."""
    return add_months(start, months) - datetime.timedelta(days=1)


def order_length_problem(months: int) -> str | None:
    """Why an order length is not allowed (seed 000 appendix 4: 6 to 36 months), or None."""
    if months < ORDER_MONTHS_MIN or months > ORDER_MONTHS_MAX:
        return f"An order lasts from {ORDER_MONTHS_MIN} to {ORDER_MONTHS_MAX} months"
    return None
