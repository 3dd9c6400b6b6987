"""The entry-criteria rule as it stood before it was made faster (commit 52c974d), kept word for word
as the oracle the faster ``iomhub.rules.eligibility.screen`` is checked against (tests/rules/test_eligibility_fast.py)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence

from iomhub.rules.dates import add_months, long_date, require_date, whole_years_between
from iomhub.rules.eligibility import ARREST_THRESHOLD, NEIGHBOURHOOD_CRIME, Criterion, ScreeningResult


def arrests_in_rolling_year(*, arrest_dates: Iterable[datetime.date], as_of: datetime.date) -> int:
    require_date("as_of", as_of)
    start = add_months(as_of, -12)
    count = 0
    for i, day in enumerate(arrest_dates):
        require_date(f"arrest_dates[{i}]", day)
        if start < day <= as_of:
            count += 1
    return count


def screen(
    *,
    as_of: datetime.date,
    date_of_birth: datetime.date,
    arrest_dates: Sequence[datetime.date] = (),
    offences: Sequence[tuple[datetime.date, str]] = (),
    custodial_sentences: Sequence[tuple[datetime.date, int]] = (),
    ppo: bool = False,
    community_order_non_compliance: bool = False,
    mappa_level: int | None = None,
    resident_in_area: bool | None = True,
    priority_groups: Sequence[str] = (),
) -> ScreeningResult:
    """Screen one person on one date.

    ``offences`` are (offence date, category) with category one of the neighbourhood-crime
    categories or anything else; ``custodial_sentences`` are (sentence date, length in days), and
    "short custody" means serving one of under 12 calendar months on ``as_of`` (custody or licence:
    from the sentence date to its last day), as 000 §5.7 puts it: "serving a short term (under
    12months) custodial sentence".
    ``resident_in_area`` is None when it is not known (no current address, no fixed abode, no area
    configured): not known is not evidence, so only False gives the outside-area route (000 §5.7).
    ``priority_groups`` are the labels of the priority groups a referral answered Y (002 appendix 2).
    Eligible when at least one criterion is met and no exclusion applies (under 18 -> youth route,
    MAPPA 3, outside the area). MAPPA 2 is a note (dual management), not an exclusion.
    """
    require_date("as_of", as_of)
    require_date("date_of_birth", date_of_birth)
    if date_of_birth > as_of:
        raise ValueError(f"date_of_birth ({date_of_birth}) is after as_of ({as_of})")
    if mappa_level is not None and mappa_level not in (1, 2, 3):
        raise ValueError(f"mappa_level must be 1, 2 or 3, not {mappa_level!r}")
    year_ago = add_months(as_of, -12)
    met = [
        _arrests(arrest_dates, as_of, year_ago),
        _neighbourhood_crime(offences, as_of, year_ago),
        _short_custody(custodial_sentences, as_of),
        Criterion("ppo", "prolific and other priority offender (000 §6.4)") if ppo else None,
        Criterion("community-order-non-compliance", "high risk of non-compliance with a community order (000 §5.7)")
        if community_order_non_compliance
        else None,
        _priority_groups(priority_groups),
    ]
    criteria = [c for c in met if c is not None]
    routes = _routes(date_of_birth, as_of, mappa_level, resident_in_area)
    excluded = [r.code for r in routes if r.code in ("under-18", "mappa-3", "outside-area")]
    eligible = bool(criteria) and not excluded
    breakdown = tuple(c.evidence for c in criteria + routes) or ("no entry criterion met",)
    return ScreeningResult(criteria=tuple(criteria), routes=tuple(routes), eligible=eligible, breakdown=breakdown)


def _arrests(arrest_dates: Sequence[datetime.date], as_of: datetime.date, year_ago: datetime.date) -> Criterion | None:
    arrests = arrests_in_rolling_year(arrest_dates=arrest_dates, as_of=as_of)
    if arrests < ARREST_THRESHOLD:
        return None
    return Criterion(
        "six-arrests-12-months", f"{arrests} arrests after {long_date(year_ago)} and on or before {long_date(as_of)} (000 §5.7)"
    )


def _neighbourhood_crime(offences: Sequence[tuple[datetime.date, str]], as_of: datetime.date, year_ago: datetime.date) -> Criterion | None:
    recent = []
    for i, (day, category) in enumerate(offences):
        require_date(f"offences[{i}] date", day)
        if not isinstance(category, str) or not category:
            raise ValueError(f"offences[{i}] category must be a non-empty string, not {category!r}")
        if category in NEIGHBOURHOOD_CRIME and year_ago < day <= as_of:
            recent.append(f"{category} on {long_date(day)}")
    return Criterion("neighbourhood-crime", "; ".join(recent) + " (003)") if recent else None


def _short_custody(custodial_sentences: Sequence[tuple[datetime.date, int]], as_of: datetime.date) -> Criterion | None:
    short = []
    for i, (day, length) in enumerate(custodial_sentences):
        require_date(f"custodial_sentences[{i}] date", day)
        if isinstance(length, bool) or not isinstance(length, int) or length < 1:
            raise ValueError(f"custodial_sentences[{i}] length must be a whole number of days of 1 or more, not {length!r}")
        last_day = day + datetime.timedelta(days=length - 1)
        under_12_months = last_day < add_months(day, 12) - datetime.timedelta(days=1)
        if under_12_months and day <= as_of <= last_day:
            short.append(f"{length} days from {long_date(day)} to {long_date(last_day)}")
    if not short:
        return None
    return Criterion("short-custody", "serving a custodial sentence under 12 months: " + "; ".join(short) + " (000 §5.7)")


def _priority_groups(priority_groups: Sequence[str]) -> Criterion | None:
    groups: list[str] = []
    for i, group in enumerate(priority_groups):
        if not isinstance(group, str) or not group.strip():
            raise ValueError(f"priority_groups[{i}] must be a non-empty string, not {group!r}")
        if group not in groups:
            groups.append(group)
    return Criterion("priority-group", "referred in the priority groups: " + "; ".join(groups) + " (002 appendix 2)") if groups else None


def _routes(date_of_birth: datetime.date, as_of: datetime.date, mappa_level: int | None, resident_in_area: bool | None) -> list[Criterion]:
    """The other routes: youth (under 18), MAPPA 3 (excluded) or 2 (dual management), outside the area."""
    routes: list[Criterion] = []
    age = whole_years_between(date_of_birth, as_of)
    if age < 18:
        routes.append(Criterion("under-18", f"aged {age}: youth route, discuss with the YOT (002 §4)"))
    if mappa_level == 3:
        routes.append(Criterion("mappa-3", "MAPPA level 3: managed by MAPPA, not IOM (002 §2)"))
    elif mappa_level == 2:
        routes.append(Criterion("mappa-2-dual", "MAPPA level 2: dual management with MAPPA (002 §4)"))
    if resident_in_area is not None and not isinstance(resident_in_area, bool):
        raise ValueError(f"resident_in_area must be True, False or None (not known), not {resident_in_area!r}")
    if resident_in_area is False:
        routes.append(Criterion("outside-area", "lives outside the area: notify their home area (000 §5.7)"))
    return routes
