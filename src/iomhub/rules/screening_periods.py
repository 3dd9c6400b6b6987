"""The days on which a justice record meets an entry criterion for IOM, as periods (issue 15 §5).

``iomhub.rules.eligibility.screen`` decides one person on one day. The candidate list asks it of a
whole area on any day, so the justice record's part of that answer is kept ahead of time, as the
periods in which at least one of the criteria the justice record alone decides holds:
- six or more arrests after (day minus 12 calendar months) and on or before the day (000 §5.7);
- a neighbourhood-crime offence (burglary, robbery, vehicle crime, theft from the person) in the
  same rolling twelve months (003);
- serving a custodial sentence of under 12 months on the day (000 §5.7);
- high risk of non-compliance with a community order: a breach warrant in the rolling twelve months
  while a community or suspended sentence order has been made (000 §5.7; the facts as
  ``justice.selectors.screening_facts`` reads them).
Each period also carries the two facts the candidate list ranks by first (issue 5 §4): the arrests
in the rolling year and the most recent arrest, both constant within a period.

Exclusions (under 18, MAPPA level 3, outside the area) and the criteria from IOM Hub's own records
(PPO, priority groups) are not decided here: the periods are the days a person *may* be a candidate
on their justice record, and the candidate list screens those people with ``screen`` itself.
"""

from __future__ import annotations

import datetime
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from iomhub.rules.dates import add_months
from iomhub.rules.eligibility import ARREST_THRESHOLD, NEIGHBOURHOOD_CRIME, year_before

ONE_DAY = datetime.timedelta(days=1)
FOREVER = datetime.date.max


@dataclass(frozen=True, slots=True)
class Period:
    starts_on: datetime.date
    ends_on: datetime.date  # inclusive
    arrests_in_year: int
    last_arrest: datetime.date | None


@lru_cache(maxsize=65536)  # a rebuild asks it of the same few thousand days again and again
def leaves_window(day: datetime.date) -> datetime.date:
    """The first day whose rolling twelve months no longer hold ``day``: the first D with
    ``add_months(D, -12) >= day`` (the window is after D minus 12 months, ``eligibility``)."""
    found = add_months(day, 12)
    while add_months(found - ONE_DAY, -12) >= day:
        found -= ONE_DAY
    while add_months(found, -12) < day:
        found += ONE_DAY
    return found


def _short(sentences: Iterable[tuple[datetime.date, int]]) -> list[tuple[datetime.date, datetime.date]]:
    """The custodial sentences under 12 months, as (first day, last day): ``eligibility.screen``'s test."""
    found = []
    for day, length in sentences:
        if length < 1:
            continue
        last_day = day + datetime.timedelta(days=length - 1)
        if last_day < add_months(day, 12) - ONE_DAY:
            found.append((day, last_day))
    return found


PeriodRow = tuple[datetime.date, datetime.date, int, datetime.date | None]  # a Period's fields, in order


def periods(
    *,
    arrest_dates: Iterable[datetime.date],
    offences: Iterable[tuple[datetime.date, str]],
    custodial_sentences: Iterable[tuple[datetime.date, int]],
    breach_warrants: Iterable[datetime.date] = (),
    orders: Iterable[datetime.date] = (),
) -> list[Period]:
    """The periods (oldest first, never overlapping) in which the record meets a criterion above:
    ``period_rows``'s, as ``Period``s."""
    found = period_rows(
        arrest_dates=arrest_dates,
        offences=offences,
        custodial_sentences=custodial_sentences,
        breach_warrants=breach_warrants,
        orders=orders,
    )
    return [Period(*row) for row in found]


def period_rows(
    *,
    arrest_dates: Iterable[datetime.date],
    offences: Iterable[tuple[datetime.date, str]],
    custodial_sentences: Iterable[tuple[datetime.date, int]],
    breach_warrants: Iterable[datetime.date] = (),
    orders: Iterable[datetime.date] = (),
) -> list[PeriodRow]:
    """The periods (oldest first, never overlapping) in which the record meets a criterion above.
    ``offences``: (date, category) as screening reads them; ``custodial_sentences``: (sentence date,
    length in days); ``breach_warrants``: the dates breach warrants were issued; ``orders``: the
    dates community and suspended sentence orders were made.

    A period can begin only on an edge: a day a fact happens, the day it leaves the rolling year
    (``leaves_window``), the first day of a short sentence or the day after its last, the first
    order. Each edge's rolling year (``year_before``) is worked out once and its arrests counted
    once (two bisections), for the criterion and the period's count alike (issue 11). Each period
    is a tuple of ``Period``'s fields (starts_on, ends_on, arrests_in_year, last_arrest): the
    screening table writes and compares these, without a ``Period`` made for each (issue 11)."""
    arrests = sorted(arrest_dates)
    crimes = sorted([day for day, category in offences if category in NEIGHBOURHOOD_CRIME])
    short = _short(custodial_sentences)
    breaches = sorted(breach_warrants)
    first_order = min(orders, default=None)
    edges: set[datetime.date] = {first_order} if first_order else set()
    for day in {*arrests, *crimes, *breaches}:
        edges.add(day)
        edges.add(leaves_window(day))
    for first, last in short:
        edges.add(first)
        edges.add(last + ONE_DAY)
    ordered = sorted(edges)
    # Breaches count only from the first order on: without an order (or a breach) the criterion never holds.
    breaches_count = first_order is not None and bool(breaches)
    found: list[list[Any]] = []  # [starts_on, ends_on, arrests_in_year, last_arrest], made Periods at the end
    for i, day in enumerate(ordered):
        after = year_before(day)
        upto = bisect_right(arrests, day)
        count = upto - bisect_right(arrests, after)
        if not (
            count >= ARREST_THRESHOLD
            or (crimes and bisect_right(crimes, day) > bisect_right(crimes, after))
            or (short and any(first <= day <= last for first, last in short))
            or (breaches_count and first_order <= day and bisect_right(breaches, day) > bisect_right(breaches, after))  # type: ignore[operator]
        ):
            continue
        ends_on = ordered[i + 1] - ONE_DAY if i + 1 < len(ordered) else FOREVER
        last_arrest = arrests[upto - 1] if upto else None
        if found:
            previous = found[-1]
            if previous[1] + ONE_DAY == day and previous[2] == count and previous[3] == last_arrest:
                previous[1] = ends_on
                continue
        found.append([day, ends_on, count, last_arrest])
    return [(starts_on, ends_on, count, last_arrest) for starts_on, ends_on, count, last_arrest in found]
