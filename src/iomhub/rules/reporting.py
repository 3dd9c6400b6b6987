"""The arithmetic of the performance reports (issue 16): quarters, caseload over a period, a
proportion's confidence interval and the 20% reduction target. Pure Python.

Sources: 002 §7 (quarterly measures of success), 000 §9 (quarterly returns, average caseload in
000 figure 1), 003 §3 ("The MoJ have set a target of a 20% reduction in reoffending"), the
reference outcomes.md §2.3 (Wilson interval) and §1.3 (the target is reported against a stated
baseline). The conventions marked [inferred] there are recorded in ADR 0015.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterable
from dataclasses import dataclass

REDUCTION_TARGET = 0.20  # 003 §3: the MoJ's 20% reduction in reoffending


def on_caseload(*, started_on: datetime.date, ended_on: datetime.date | None, day: datetime.date) -> bool:
    """Whether a registration is on the caseload on ``day``: from its first day up to the day before
    it ended (the exit day is not a day managed) [inferred, ADR 0015]."""
    return started_on <= day and (ended_on is None or day < ended_on)


def average_caseload(intervals: Iterable[tuple[datetime.date, datetime.date | None]], *, start: datetime.date, end: datetime.date) -> float:
    """The mean number of people on the caseload per day from ``start`` to ``end`` inclusive (000
    figure 1 "average caseload"): the days each registration was on the caseload within the period,
    summed, over the period's days."""
    if end < start:
        raise ValueError(f"period end {end} is before its start {start}")
    period_days = (end - start).days + 1
    managed = 0
    for i, (started_on, ended_on) in enumerate(intervals):
        if ended_on is not None and ended_on < started_on:
            raise ValueError(f"intervals[{i}]: ended {ended_on} before it started {started_on}")
        first = max(started_on, start)
        last = min(end, ended_on - datetime.timedelta(days=1)) if ended_on is not None else end
        if last >= first:
            managed += (last - first).days + 1
    return managed / period_days


def wilson_interval(successes: int, n: int, z: float = 1.96) -> tuple[float, float] | None:
    """The 95% Wilson score interval for a proportion (outcomes.md §2.3); None when n is 0."""
    if n < 0 or successes < 0 or successes > n:
        raise ValueError(f"need 0 <= successes <= n, not {successes} of {n}")
    if n == 0:
        return None
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return (max(0.0, centre - half), min(1.0, centre + half))


@dataclass(frozen=True, slots=True)
class TargetCheck:
    baseline: float | None
    observed: float | None
    reduction: float | None  # 1 - observed / baseline
    target: float
    met: bool | None  # None when it cannot be worked out (no baseline, or a baseline of 0)
    explanation: str


def against_target(*, baseline: float | None, observed: float | None, target: float = REDUCTION_TARGET) -> TargetCheck:
    """The reduction of ``observed`` against ``baseline`` and whether it reaches ``target`` (003 §3:
    a 20% reduction). Reported against the stated baseline, never on its own (outcomes.md §1.3)."""
    if baseline is None or observed is None:
        return TargetCheck(baseline, observed, None, target, None, "Not enough people have completed the follow-up to compare.")
    if baseline == 0:
        return TargetCheck(baseline, observed, None, target, None, "The baseline is 0, so a reduction cannot be worked out.")
    reduction = 1 - observed / baseline
    met = reduction >= target - 1e-12
    words = "reduction" if reduction >= 0 else "increase"
    return TargetCheck(
        baseline,
        observed,
        reduction,
        target,
        met,
        f"A {abs(reduction):.1%} {words} against the baseline: the {target:.0%} reduction target is {'met' if met else 'not met'}.",
    )
