"""The Treatment Outcomes Profile (TOP): what each answer may be, and the change between profiles.

Sources:
- Seed 000 (Hampshire IOM service specification) §4.9.3: the TOP "focuses on four important areas
  ... substance use, injecting risk behaviour, crime, health & social functioning"; §9.2: "the
  Service Provider will maintain TOPS reports for all drug and alcohol clients".
- reference/instruments.md §7.3 (National Treatment Agency TOP form): completed at the start of
  treatment and then every 3 months (reviews) and at exit, each covering the previous 28 days.
  Section 1, days used in the past 28 (0-28) per substance and, for alcohol, the average units on
  a drinking day; section 2, days injected (0-28) and sharing a needle or syringe, or a spoon,
  water or filter (yes/no); section 3, days of shoplifting and of selling drugs, days of other
  theft or burglary (0-28), and assault or violence (yes/no); section 4, the client's ratings of
  psychological health, physical health and quality of life (0-20, poor to good), days in paid
  work and at college or school (0-28), an acute housing problem and risk of eviction (yes/no).

``check(values)`` refuses an impossible profile naming each question; ``change(first, latest)``
compares the first profile with the latest one measure by measure, with the direction that counts
as better (fewer days using or offending; higher health ratings, more days working).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

DAYS = "days"  # 0-28 days in the last 28
RATING = "rating"  # 0-20, poor to good
UNITS = "units"  # average units of alcohol on a drinking day, 0-200
YES_NO = "yes-no"

MAX_DAYS = 28
MAX_RATING = 20
MAX_UNITS = 200  # a plausible ceiling for a day's drinking; more is a typing error
STAGES = ("start", "review", "exit")


@dataclass(frozen=True, slots=True)
class Measure:
    name: str
    label: str
    kind: str
    area: str
    higher_is_better: bool = False


MEASURES: tuple[Measure, ...] = (
    Measure("alcohol_days", "Days drinking alcohol", DAYS, "substance use"),
    Measure("alcohol_units", "Units of alcohol on a typical drinking day", UNITS, "substance use"),
    Measure("opiates_days", "Days using opiates (illicit)", DAYS, "substance use"),
    Measure("crack_days", "Days using crack", DAYS, "substance use"),
    Measure("cocaine_days", "Days using cocaine", DAYS, "substance use"),
    Measure("amphetamines_days", "Days using amphetamines", DAYS, "substance use"),
    Measure("cannabis_days", "Days using cannabis", DAYS, "substance use"),
    Measure("other_drug_days", "Days using another drug", DAYS, "substance use"),
    Measure("injecting_days", "Days injecting non-prescribed drugs", DAYS, "injecting risk"),
    Measure("shared_needles", "Injected with a needle or syringe used by someone else", YES_NO, "injecting risk"),
    Measure("shared_paraphernalia", "Injected with a spoon, water or filter used by someone else", YES_NO, "injecting risk"),
    Measure("shoplifting_days", "Days shoplifting", DAYS, "crime"),
    Measure("selling_drugs_days", "Days selling drugs", DAYS, "crime"),
    Measure("theft_days", "Days of other theft or burglary", DAYS, "crime"),
    Measure("assault", "Committed assault or violence", YES_NO, "crime"),
    Measure("psychological_health", "Psychological health (0 poor to 20 good)", RATING, "health and social functioning", True),
    Measure("physical_health", "Physical health (0 poor to 20 good)", RATING, "health and social functioning", True),
    Measure("quality_of_life", "Overall quality of life (0 poor to 20 good)", RATING, "health and social functioning", True),
    Measure("paid_work_days", "Days in paid work", DAYS, "health and social functioning", True),
    Measure("education_days", "Days at college or school", DAYS, "health and social functioning", True),
    Measure("acute_housing_problem", "Acute housing problem", YES_NO, "health and social functioning"),
    Measure("eviction_risk", "At risk of eviction", YES_NO, "health and social functioning"),
)
BY_NAME = {m.name: m for m in MEASURES}
NUMBERS = tuple(m.name for m in MEASURES if m.kind != YES_NO)
_LIMITS = {DAYS: MAX_DAYS, RATING: MAX_RATING, UNITS: MAX_UNITS}


def check(values: Mapping[str, object]) -> dict[str, str]:
    """Every impossible answer of a profile, by measure name, with a message naming the question
    (empty: the profile is possible). Every measure must be answered; units of alcohol are asked
    only when there were drinking days (and must be absent when there were none)."""
    problems: dict[str, str] = {}
    for unknown in sorted(set(values) - set(BY_NAME)):
        problems[unknown] = f"{unknown} is not a question of the Treatment Outcomes Profile"
    for m in MEASURES:
        value = values.get(m.name)
        if m.name == "alcohol_units":
            continue
        problem = _check_one(m, value)
        if problem:
            problems[m.name] = problem
    problem = _check_units(values.get("alcohol_days"), values.get("alcohol_units"))
    if problem:
        problems["alcohol_units"] = problem
    return problems


def _check_one(m: Measure, value: object) -> str:
    if value is None:
        return f"{m.label}: answer the question"
    if m.kind == YES_NO:
        return "" if isinstance(value, bool) else f"{m.label}: answer yes or no"
    if isinstance(value, bool) or not isinstance(value, int):
        return f"{m.label}: enter a whole number"
    limit = _LIMITS[m.kind]
    if not 0 <= value <= limit:
        return f"{m.label}: must be between 0 and {limit}, not {value}"
    return ""


def _check_units(days: object, units: object) -> str:
    label = BY_NAME["alcohol_units"].label
    if isinstance(days, int) and not isinstance(days, bool) and days > 0:
        return (
            _check_one(BY_NAME["alcohol_units"], units) if units is not None else f"{label}: answer the question (there were drinking days)"
        )
    if units not in (None, 0):
        return f"{label}: leave it empty when there were no drinking days"
    return ""


@dataclass(frozen=True, slots=True)
class Change:
    name: str
    label: str
    first: int
    latest: int
    difference: int
    direction: str  # "better", "worse" or "same"


def change(first: Mapping[str, object], latest: Mapping[str, object]) -> tuple[Change, ...]:
    """Each numeric measure answered in both profiles, first to latest, with the direction that
    counts as better for it (a yes/no measure is compared as 1/0: a "yes" at the start and "no" at
    the latest is better for every yes/no question of the TOP)."""
    found = []
    for m in MEASURES:
        a, b = _number(first.get(m.name)), _number(latest.get(m.name))
        if a is None or b is None:
            continue
        diff = b - a
        if diff == 0:
            direction = "same"
        else:
            direction = "better" if (diff > 0) == m.higher_is_better else "worse"
        found.append(Change(m.name, m.label, a, b, diff, direction))
    return tuple(found)


def _number(value: object) -> int | None:
    if isinstance(value, bool):
        return int(value)
    return value if isinstance(value, int) else None


def first_and_latest(
    profiles: Sequence[tuple[datetime.date, Mapping[str, object]]],
) -> tuple[Mapping[str, object], Mapping[str, object]] | None:
    """The earliest and latest of ``(date, values)`` profiles (None with fewer than two)."""
    if len(profiles) < 2:
        return None
    ordered = sorted(profiles, key=lambda p: p[0])
    return ordered[0][1], ordered[-1][1]
