"""Who is eligible for IOM: the entry criteria, with the evidence for each, and the routes out.

Sources:
- Seed 000 §5.7: six or more arrests in a rolling twelve months; PPOs; short custodial sentences;
  high risk of non-compliance with a community order; residents of the area only (others: notify
  their area).
- Seed 003 (2021 refresh): the mandatory neighbourhood-crime cohort - burglary, robbery, vehicle
  crime and theft from the person.
- Seed 002 §4: under-18s go to the youth route (YOT discussion); MAPPA level 3 is not IOM managed;
  MAPPA level 2 may be dually managed.
- Seed 002 appendix 2 (referral form, "Priority Groups", each Y/N): a referral that places the person
  in a priority group is a criterion met (issue 5 §3 lists "priority groups" among the criteria).
"Rolling twelve months" means arrests after (as_of minus 12 calendar months) and on or before as_of.

Screening a whole population calls :func:`screen` once a person, so it does no work a person does
not need: the dates that depend only on the day screened are worked out once per day (cached), and a
criterion with no facts to weigh is not weighed. :func:`relevant_facts` is the part of a justice
record that the rule (and the candidate ranking) can use on a day; screening reads only that part
(``iomhub.cohort.screening_read``). Both are checked against the rule as it was first written,
over generated records (tests/rules/test_eligibility_fast.py).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from iomhub.rules.dates import add_months, long_date, require_date, whole_years_between

NEIGHBOURHOOD_CRIME = ("burglary", "robbery", "vehicle", "theft-from-person")
ARREST_THRESHOLD = 6
ONE_DAY = datetime.timedelta(days=1)
# A sentence under 12 calendar months that is being served on a day began less than this many days
# before it (12 calendar months are at most 366 days): the bound of a read that must hold them all.
SHORT_CUSTODY_REACH = datetime.timedelta(days=366)


@lru_cache(maxsize=65536)  # the days screened; a rebuild of the screening table asks it of every edge
def year_before(as_of: datetime.date) -> datetime.date:
    """``as_of`` minus 12 calendar months: the rolling year is after this day and up to ``as_of``."""
    return add_months(as_of, -12)


_long_date = lru_cache(maxsize=8192)(long_date)  # evidence names the same few hundred days again and again


@lru_cache(maxsize=8192)
def _twelve_months_less_a_day(day: datetime.date) -> datetime.date:
    return add_months(day, 12) - ONE_DAY


def serving_short_custody(day: datetime.date, length: int, as_of: datetime.date) -> bool:
    """A custodial sentence of ``length`` days from ``day`` is under 12 calendar months and being
    served on ``as_of`` (custody or licence: from the sentence date to its last day), 000 §5.7."""
    last_day = day + datetime.timedelta(days=length - 1)
    return last_day < _twelve_months_less_a_day(day) and day <= as_of <= last_day


def arrests_in_rolling_year(*, arrest_dates: Iterable[datetime.date], as_of: datetime.date) -> int:
    require_date("as_of", as_of)
    start = year_before(as_of)
    count = 0
    for i, day in enumerate(arrest_dates):
        require_date(f"arrest_dates[{i}]", day)
        if start < day <= as_of:
            count += 1
    return count


@dataclass(frozen=True)
class JusticeFacts:
    """What the justice record knows that screening needs: ``iomhub.justice.selectors.screening_facts``
    gives it and ``iomhub.cohort.screening`` reads it (here, beside the rule, so neither app imports
    the other for it)."""

    arrest_dates: Sequence[datetime.date] = ()
    offences: Sequence[
        tuple[datetime.date, str]
    ] = ()  # (offence date, category: "burglary", "robbery", "vehicle", "theft-from-person" or other)
    custodial_sentences: Sequence[tuple[datetime.date, int]] = ()  # (sentence date, length in days)
    community_order_non_compliance: bool = False
    mappa_level: int | None = None
    # Filled here from IOM Hub's own records when the justice record does not say (it does not):
    resident_in_area: bool | None = None  # None: not known
    ogrs3_two_year: float | None = None  # probability 0-1, for ranking candidates


def relevant_facts(facts: JusticeFacts, as_of: datetime.date) -> JusticeFacts:
    """The part of a justice record (as the database holds it: valid dates, lengths of a day or more)
    that :func:`screen` and the candidate ranking can use on ``as_of``; screening with it gives the
    same answer, evidence and ranking keys as with the whole record:
    - arrests in the rolling year (the count, 000 §5.7) and the latest arrest on or before ``as_of``
      (the ranking's second key), oldest first;
    - neighbourhood-crime offences in the rolling year (003), oldest first;
    - custodial sentences under 12 months being served on ``as_of`` (000 §5.7), oldest first;
    - the rest (non-compliance, MAPPA level, residence, OGRS3) as they are."""
    start = year_before(as_of)
    past = [day for day in facts.arrest_dates if day <= as_of]
    in_year = sorted(day for day in past if day > start)
    older = [day for day in past if day <= start]
    arrests = ([max(older)] if older else []) + in_year
    offences = sorted((day, category) for day, category in facts.offences if category in NEIGHBOURHOOD_CRIME and start < day <= as_of)
    sentences = sorted((day, length) for day, length in facts.custodial_sentences if serving_short_custody(day, length, as_of))
    return JusticeFacts(
        arrest_dates=tuple(arrests),
        offences=tuple(offences),
        custodial_sentences=tuple(sentences),
        community_order_non_compliance=facts.community_order_non_compliance,
        mappa_level=facts.mappa_level,
        resident_in_area=facts.resident_in_area,
        ogrs3_two_year=facts.ogrs3_two_year,
    )


# The longest custodial sentence that can be "under 12 months" (000 §5.7): 12 calendar months from
# any day are at most 366 days, and the sentence must end before them.
SHORT_CUSTODY_LONGEST = 366


def may_be_eligible(
    *,
    as_of: datetime.date,
    arrests_in_year: int = 0,
    neighbourhood_crime_in_year: bool = False,
    custodial_sentences: Iterable[tuple[datetime.date, int]] = (),
    breach_warrant_in_year: bool = False,
    ppo: bool = False,
    priority_groups: bool = False,
) -> bool:
    """A necessary condition for :func:`screen` to find a person eligible on ``as_of``, in terms a
    database can count (issue 15 §4: the whole population is narrowed by it in SQL, then the rule
    decides the few it keeps): eligibility needs an entry criterion met (000 §5.7, 003, 002
    appendix 2), and each criterion needs its own fact:
    - six arrests in the rolling year: ``arrests_in_year`` (the count after ``year_before(as_of)``
      and on or before ``as_of``) of at least ``ARREST_THRESHOLD``;
    - neighbourhood crime (003): an offence of those categories in the rolling year;
    - short custody (000 §5.7): a sentence of 1 to ``SHORT_CUSTODY_LONGEST`` days begun on or
      before ``as_of`` whose last day is on or after it (a wider test than ``serving_short_custody``);
    - non-compliance with a community order: a breach warrant in the rolling year (the order made is
      not asked for: wider again);
    - PPO; a referral placing the person in a priority group (002 appendix 2).
    Someone for whom this is False is never eligible (tests/rules/test_eligibility_fast.py checks it
    against the rule on generated records); True decides nothing: the rule decides."""
    if arrests_in_year >= ARREST_THRESHOLD or neighbourhood_crime_in_year or breach_warrant_in_year or ppo or priority_groups:
        return True
    return any(
        1 <= length <= SHORT_CUSTODY_LONGEST and day <= as_of <= day + datetime.timedelta(days=length - 1)
        for day, length in custodial_sentences
    )


@dataclass(frozen=True, slots=True)
class Criterion:
    code: str
    evidence: str


@dataclass(frozen=True, slots=True)
class ScreeningResult:
    criteria: tuple[Criterion, ...]
    routes: tuple[Criterion, ...]
    eligible: bool
    breakdown: tuple[str, ...]

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(c.code for c in self.criteria + self.routes)


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
    year_ago = year_before(as_of)
    # A criterion with nothing to weigh is not met: most people screened have no facts at all.
    met = (
        _arrests(arrest_dates, as_of, year_ago) if arrest_dates else None,
        _neighbourhood_crime(offences, as_of, year_ago) if offences else None,
        _short_custody(custodial_sentences, as_of) if custodial_sentences else None,
        Criterion("ppo", "prolific and other priority offender (000 §6.4)") if ppo else None,
        Criterion("community-order-non-compliance", "high risk of non-compliance with a community order (000 §5.7)")
        if community_order_non_compliance
        else None,
        _priority_groups(priority_groups) if priority_groups else None,
    )
    criteria = tuple(c for c in met if c is not None)
    routes = _routes(date_of_birth, as_of, mappa_level, resident_in_area)
    if not routes:
        if not criteria:
            return ScreeningResult(criteria=(), routes=(), eligible=False, breakdown=_NONE_MET)
        return ScreeningResult(criteria=criteria, routes=(), eligible=True, breakdown=tuple(c.evidence for c in criteria))
    excluded = [r.code for r in routes if r.code in _EXCLUSIONS]
    eligible = bool(criteria) and not excluded
    breakdown = tuple(c.evidence for c in criteria + routes) or _NONE_MET
    return ScreeningResult(criteria=criteria, routes=routes, eligible=eligible, breakdown=breakdown)


_NONE_MET = ("no entry criterion met",)
_EXCLUSIONS = ("under-18", "mappa-3", "outside-area")


def _arrests(arrest_dates: Sequence[datetime.date], as_of: datetime.date, year_ago: datetime.date) -> Criterion | None:
    arrests = arrests_in_rolling_year(arrest_dates=arrest_dates, as_of=as_of)
    if arrests < ARREST_THRESHOLD:
        return None
    return Criterion(
        "six-arrests-12-months", f"{arrests} arrests after {_long_date(year_ago)} and on or before {_long_date(as_of)} (000 §5.7)"
    )


def _neighbourhood_crime(offences: Sequence[tuple[datetime.date, str]], as_of: datetime.date, year_ago: datetime.date) -> Criterion | None:
    recent = []
    for i, (day, category) in enumerate(offences):
        require_date(f"offences[{i}] date", day)
        if not isinstance(category, str) or not category:
            raise ValueError(f"offences[{i}] category must be a non-empty string, not {category!r}")
        if category in NEIGHBOURHOOD_CRIME and year_ago < day <= as_of:
            recent.append(f"{category} on {_long_date(day)}")
    return Criterion("neighbourhood-crime", "; ".join(recent) + " (003)") if recent else None


def _short_custody(custodial_sentences: Sequence[tuple[datetime.date, int]], as_of: datetime.date) -> Criterion | None:
    short = []
    for i, (day, length) in enumerate(custodial_sentences):
        require_date(f"custodial_sentences[{i}] date", day)
        if isinstance(length, bool) or not isinstance(length, int) or length < 1:
            raise ValueError(f"custodial_sentences[{i}] length must be a whole number of days of 1 or more, not {length!r}")
        if serving_short_custody(day, length, as_of):
            short.append(f"{length} days from {_long_date(day)} to {_long_date(day + datetime.timedelta(days=length - 1))}")
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


def _routes(
    date_of_birth: datetime.date, as_of: datetime.date, mappa_level: int | None, resident_in_area: bool | None
) -> tuple[Criterion, ...]:
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
    return tuple(routes)
