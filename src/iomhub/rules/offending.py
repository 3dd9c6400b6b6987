"""Offending over time, for the chart on a person's Justice tab (issue 4 §7): counts of offences
by category per calendar quarter, with the periods in custody and on the IOM cohort over the same
quarters. Pure Python (standard library only).

Why quarters and these periods: IOM follows the person "irrespective of their position within the
criminal justice system" (seed 000 §2.3.5), and tracks offending before, during and after the scheme
(seed 003, IDIOM); seed 004 asks for before/after offending. Time in custody explains gaps in
offending (no opportunity), so it is shown beside the counts.

Conventions:
- Quarters are calendar quarters (January-March is Q1). The chart runs from the quarter of the
  earliest offence, custody or registration up to the quarter of ``today``, at most
  ``max_quarters`` (the most recent ones); offences before the first quarter shown are counted in
  ``earlier_offences``, never dropped silently; offences after ``today`` are ignored (not yet
  happened - a data error the record's own validation refuses).
- A category not in ``categories`` is counted under ``OTHER`` (which must be one of them).
- Periods that overlap or touch are merged, then clipped to the chart; an open period (no end, or
  ending after ``today``) runs to ``today`` and is ``ongoing``.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from iomhub.rules.quarters import Quarter

OTHER = "other"
DEFAULT_MAX_QUARTERS = 20  # five years


def quarter_of(day: datetime.date) -> Quarter:
    return Quarter.containing(day)


def quarters_between(first: Quarter, last: Quarter) -> list[Quarter]:
    found: list[Quarter] = []
    q = first
    while q <= last:
        found.append(q)
        q = q.next()
    return found


@dataclass(frozen=True)
class Period:
    """A period in custody or on the cohort, clipped to the chart."""

    start: datetime.date
    end: datetime.date  # inclusive; ``today`` for an ongoing period
    ongoing: bool
    starts_before_chart: bool

    def overlap_days(self, quarter: Quarter) -> int:
        first, last = max(self.start, quarter.start), min(self.end, quarter.end)
        return max(0, (last - first).days + 1)


@dataclass(frozen=True)
class QuarterCounts:
    quarter: Quarter
    counts: tuple[int, ...]  # in the order of ``OffendingChart.categories``
    in_custody: str  # "all", "part" or "none" of the quarter (up to today)
    registered: str

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass(frozen=True)
class OffendingChart:
    categories: tuple[str, ...]
    quarters: tuple[QuarterCounts, ...]
    custody: tuple[Period, ...]
    registrations: tuple[Period, ...]
    earlier_offences: int
    today: datetime.date

    @property
    def start(self) -> datetime.date | None:
        return self.quarters[0].quarter.start if self.quarters else None

    @property
    def total(self) -> int:
        return sum(q.total for q in self.quarters)

    @property
    def peak(self) -> int:
        return max((q.total for q in self.quarters), default=0)

    def category_totals(self) -> tuple[int, ...]:
        return tuple(sum(q.counts[i] for q in self.quarters) for i in range(len(self.categories)))


def _clip(periods: Iterable[tuple[datetime.date, datetime.date | None]], start: datetime.date, today: datetime.date) -> tuple[Period, ...]:
    """Periods merged where they overlap or touch (a remand then the sentence is one spell),
    clipped to [start, today]."""
    merged: list[tuple[datetime.date, datetime.date, bool]] = []
    for begin, end in sorted(periods, key=lambda p: p[0]):
        ongoing = end is None or end > today
        last = today if ongoing or end is None else end
        if begin > today or last < begin:
            continue
        if merged and begin <= merged[-1][1] + datetime.timedelta(days=1):
            b, e, o = merged[-1]
            new_end = max(e, last)
            merged[-1] = (b, new_end, (o and e == new_end) or (ongoing and last == new_end))
        else:
            merged.append((begin, last, ongoing))
    return tuple(
        Period(start=max(begin, start), end=last, ongoing=ongoing, starts_before_chart=begin < start)
        for begin, last, ongoing in merged
        if last >= start
    )


def _cover(periods: Sequence[Period], quarter: Quarter, today: datetime.date) -> str:
    span_end = min(quarter.end, today)
    days = (span_end - quarter.start).days + 1
    covered: set[int] = set()
    for p in periods:
        first, last = max(p.start, quarter.start), min(p.end, span_end)
        covered.update(range((first - quarter.start).days, (last - quarter.start).days + 1))
    if not covered:
        return "none"
    return "all" if len(covered) >= days else "part"


def offending_by_quarter(
    *,
    offences: Iterable[tuple[datetime.date, str]],
    categories: Sequence[str],
    today: datetime.date,
    custody: Iterable[tuple[datetime.date, datetime.date | None]] = (),
    registrations: Iterable[tuple[datetime.date, datetime.date | None]] = (),
    max_quarters: int = DEFAULT_MAX_QUARTERS,
) -> OffendingChart:
    """Offences counted by category per calendar quarter, with custody and registration periods
    clipped to the same quarters (see the module docstring for the conventions)."""
    if OTHER not in categories:
        raise ValueError(f"categories must include {OTHER!r}")
    if max_quarters < 1:
        raise ValueError("max_quarters must be 1 or more")
    offences = [(day, category) for day, category in offences if day <= today]
    custody = [p for p in custody if p[0] <= today]
    registrations = [p for p in registrations if p[0] <= today]
    starts = [day for day, _ in offences] + [p[0] for p in custody] + [p[0] for p in registrations]
    if not starts:
        return OffendingChart(tuple(categories), (), (), (), 0, today)
    quarters = quarters_between(quarter_of(min(starts)), quarter_of(today))[-max_quarters:]
    start = quarters[0].start
    index = {q: i for i, q in enumerate(quarters)}
    position = {c: i for i, c in enumerate(categories)}
    counts = [[0] * len(categories) for _ in quarters]
    earlier = 0
    for day, category in offences:
        if day < start:
            earlier += 1
            continue
        counts[index[quarter_of(day)]][position.get(category, position[OTHER])] += 1
    in_custody = _clip(custody, start, today)
    on_cohort = _clip(registrations, start, today)
    return OffendingChart(
        categories=tuple(categories),
        quarters=tuple(
            QuarterCounts(q, tuple(counts[i]), _cover(in_custody, q, today), _cover(on_cohort, q, today)) for i, q in enumerate(quarters)
        ),
        custody=in_custody,
        registrations=on_cohort,
        earlier_offences=earlier,
        today=today,
    )
