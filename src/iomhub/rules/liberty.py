"""Offending before and after registration, counted over time at liberty (outcomes.md §4, M4; the
IDIOM-comparable measure: 003 "track an offender prior to being registered on IOM, whilst they are
managed, and after"; 004 warns that time in prison before engagement "will affect any such
comparison"). Pure Python.

Conventions ([inferred] in the reference; ADR 0015):
- Windows of ``window_days`` (default 365) either side of the registration date A: before is
  [A - L, A), after is [A, A + L), the after window cut at ``as_of`` (censored) when it has not
  ended yet.
- Days at liberty in a window = its days minus the days in custody within it, a custody episode
  counting both its reception and its release day; an open episode runs to the window's end.
- An offence belongs to the window holding its offence date, never its conviction date.
- Rates are pooled over the cohort (sum of offences / sum of days at liberty x 365), not averaged
  per person; the rate ratio's 95% interval treats counts as Poisson:
  exp(log RR +/- 1.96 x sqrt(1/O_after + 1/O_before)).
- Offences may carry a category (the RR99 cost category): the counts by category in each window
  price the offending with ``iomhub.rules.costs`` (gross, not attributable to IOM).
- A person with fewer than ``min_liberty_days`` at liberty in a window has no rate of their own
  there ("not measurable") but still adds to the pooled figures.
"""

from __future__ import annotations

import datetime
import math
from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass

from iomhub.rules.dates import require_date

DAYS_PER_YEAR = 365


@dataclass(frozen=True, slots=True)
class Window:
    offences: int
    days: int
    liberty_days: int

    @property
    def rate(self) -> float | None:
        """Offences per 365 days at liberty; None with no days at liberty."""
        return self.offences / self.liberty_days * DAYS_PER_YEAR if self.liberty_days else None


@dataclass(frozen=True, slots=True)
class LibertyResult:
    people: int
    before: Window
    after: Window
    not_measurable_before: int  # people with fewer than the minimum days at liberty before
    not_measurable_after: int
    censored: int  # people whose after window has not ended by as_of
    rate_ratio: float | None
    rate_ratio_ci: tuple[float, float] | None
    reduction: float | None  # 1 - rate after / rate before
    # Offences in each window by category (for the cost of offending), where offences carry one.
    categories_before: tuple[tuple[str, int], ...] = ()
    categories_after: tuple[tuple[str, int], ...] = ()

    @property
    def raw_change(self) -> float | None:
        """The change in raw counts, which ignores time in custody (shown only to compare)."""
        return None if not self.before.offences else self.after.offences / self.before.offences - 1


def _overlap(start: datetime.date, end: datetime.date, custody: Iterable[tuple[datetime.date, datetime.date | None]]) -> int:
    """Days of [start, end) covered by the custody episodes (merged, so overlaps count once)."""
    covered: set[datetime.date] = set()
    last = end - datetime.timedelta(days=1)
    for received, released in custody:
        first = max(received, start)
        final = min(released if released is not None else last, last)
        day = first
        while day <= final:
            covered.add(day)
            day += datetime.timedelta(days=1)
    return len(covered)


def _first_registrations(registrations: Iterable[tuple[Hashable, datetime.date]], as_of: datetime.date) -> dict[Hashable, datetime.date]:
    """Each person's first registration on or before ``as_of``: the index date."""
    index: dict[Hashable, datetime.date] = {}
    for i, (person, day) in enumerate(registrations):
        require_date(f"registrations[{i}] date", day)
        if day <= as_of and (person not in index or day < index[person]):
            index[person] = day
    return index


def _stays(
    custody: Iterable[tuple[Hashable, datetime.date, datetime.date | None]],
) -> dict[Hashable, list[tuple[datetime.date, datetime.date | None]]]:
    stays: dict[Hashable, list[tuple[datetime.date, datetime.date | None]]] = defaultdict(list)
    for i, (person, received, released) in enumerate(custody):
        require_date(f"custody[{i}] start", received)
        if released is not None and released < received:
            raise ValueError(f"custody[{i}]: released {released} before received {received}")
        stays[person].append((received, released))
    return stays


def _dated(
    offences: Iterable[tuple[Hashable, datetime.date] | tuple[Hashable, datetime.date, str]],
) -> dict[Hashable, list[tuple[datetime.date, str]]]:
    """Each person's offences as (date, category, "" where not given)."""
    dated: dict[Hashable, list[tuple[datetime.date, str]]] = defaultdict(list)
    for i, offence in enumerate(offences):
        if not isinstance(offence, tuple) or len(offence) not in (2, 3):
            raise ValueError(f"offences[{i}] must be (person, offence date) or (person, offence date, category), not {offence!r}")
        day = offence[1]
        require_date(f"offences[{i}] date", day)
        dated[offence[0]].append((day, str(offence[2]) if len(offence) == 3 else ""))
    return dated


def offending_at_liberty(
    *,
    registrations: Iterable[tuple[Hashable, datetime.date]],
    custody: Iterable[tuple[Hashable, datetime.date, datetime.date | None]],
    offences: Iterable[tuple[Hashable, datetime.date] | tuple[Hashable, datetime.date, str]],
    as_of: datetime.date,
    window_days: int = DAYS_PER_YEAR,
    min_liberty_days: int = 30,
) -> LibertyResult:
    require_date("as_of", as_of)
    if window_days < 1:
        raise ValueError(f"window_days must be at least 1, not {window_days}")
    index = _first_registrations(registrations, as_of)
    stays = _stays(custody)
    dated = _dated(offences)

    span = datetime.timedelta(days=window_days)
    totals = {"before": [0, 0, 0], "after": [0, 0, 0]}
    short = {"before": 0, "after": 0}
    categories: dict[str, dict[str, int]] = {"before": defaultdict(int), "after": defaultdict(int)}
    censored = 0
    for person, start in index.items():
        after_end = start + span
        if after_end > as_of + datetime.timedelta(days=1):
            after_end = as_of + datetime.timedelta(days=1)
            censored += 1
        for name, (first, end) in {"before": (start - span, start), "after": (start, after_end)}.items():
            days = (end - first).days
            liberty = days - _overlap(first, end, stays[person])
            inside = [category for d, category in dated[person] if first <= d < end]
            count = len(inside)
            for category in inside:
                if category:
                    categories[name][category] += 1
            totals[name][0] += count
            totals[name][1] += days
            totals[name][2] += liberty
            if liberty < min_liberty_days:
                short[name] += 1
    before, after = Window(*totals["before"]), Window(*totals["after"])
    ratio = ci = reduction = None
    if before.rate and after.rate is not None:
        ratio = after.rate / before.rate
        reduction = 1 - ratio
        if after.offences:
            half = 1.96 * math.sqrt(1 / after.offences + 1 / before.offences)
            ci = (math.exp(math.log(ratio) - half), math.exp(math.log(ratio) + half))
    return LibertyResult(
        people=len(index),
        before=before,
        after=after,
        not_measurable_before=short["before"],
        not_measurable_after=short["after"],
        censored=censored,
        rate_ratio=ratio,
        rate_ratio_ci=ci,
        reduction=reduction,
        categories_before=tuple(sorted(categories["before"].items())),
        categories_after=tuple(sorted(categories["after"].items())),
    )
