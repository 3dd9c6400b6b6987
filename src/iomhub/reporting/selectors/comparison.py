"""The matched comparison (issue 16 §4; outcomes.md §3; ADR 0025): the people registered in a
period against people who met the screening criteria in the same period but were never registered,
matched on their offending history, age, sex, OGRS3 and offence type, and their proven reoffending
compared. Figures only: nobody in it is named or identified to anyone, so it is open to every role
that reads reports (``Action.REPORT_VIEW``) and has no drill-down.

Gathering (the arithmetic is ``iomhub.rules.matching``):
- **registered**: each person's first registration starting in the period (as the proven
  reoffending report, ADR 0015 §9), index date its start; by the chosen local team, if any;
- **screened, not registered**: the eligibility screening (``cohort.screening``, 000 §5.7, 003) run
  on the last day of each month of the period over everyone with a justice event in the twelve
  months before it; a person who met the criteria on one of those days and has never been
  registered is in the pool, index date the first such day. The pool is the whole partnership's
  (people not managed have no local team);
- **covariates at the index date**: age, sex (male), offences and arrests in the 12 months before,
  a neighbourhood-crime offence in those 12 months (offence type), and OGRS3 (``derive_each``);
- **outcome**: proven reoffending in the 12 months after the index date, proven within 18 months
  (``iomhub.rules.reoffending``, person by person); people still in their waiting period on the day
  are left out of both groups before matching.
"""

from __future__ import annotations

import datetime
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from iomhub import clock
from iomhub.access.policy import Action
from iomhub.reporting.selectors.base import _audit, _authorise, _team
from iomhub.reporting.selectors.outcomes import proven_offences, reoffending_events
from iomhub.rules import reoffending as reoffending_rules
from iomhub.rules.dates import add_months, whole_years_between
from iomhub.rules.eligibility import NEIGHBOURHOOD_CRIME
from iomhub.rules.jdl_wording import Words, describe
from iomhub.rules.matching import Comparison, Subject, matched_comparison

if TYPE_CHECKING:
    from iomhub.access.models import User
    from iomhub.people.models import Person

COVARIATES: tuple[tuple[str, str], ...] = (
    ("age", "Age at the index date (years)"),
    ("male", "Male (share)"),
    ("offences_12m", "Offences in the 12 months before"),
    ("arrests_12m", "Arrests in the 12 months before"),
    ("neighbourhood_crime", "A neighbourhood-crime offence in the 12 months before (share)"),
    ("ogrs3", "OGRS3 two-year score (probability)"),
)
LABELS = dict(COVARIATES) | {f"{key} not known": f"{label}: not known (share)" for key, label in COVARIATES}


@dataclass(frozen=True)
class ComparisonReport:
    cohort_from: datetime.date
    cohort_to: datetime.date
    team: str
    as_of: datetime.date
    result: Comparison
    words: Words
    registered_not_yet_measurable: int
    screened_not_yet_measurable: int

    def label(self, covariate: str) -> str:
        return LABELS.get(covariate, covariate)

    def as_json(self) -> dict[str, Any]:
        """Figures only: never the pairs (they are people's ids)."""
        r = self.result

        def difference(d: Any) -> dict[str, Any] | None:
            if d is None:
                return None
            return {
                "registered": d.treated_mean,
                "comparison": d.comparison_mean,
                "difference": d.difference,
                "ci_95": [d.lower, d.upper],
                "p_value": d.p_value,
                "significant": d.significant,
                "people_needed": d.number_needed,
            }

        return {
            "cohort_from": self.cohort_from.isoformat(),
            "cohort_to": self.cohort_to.isoformat(),
            "team": self.team,
            "as_of": self.as_of.isoformat(),
            "registered": r.treated,
            "screened_not_registered": r.pool,
            "matched_pairs": r.matched,
            "registered_unmatched": r.unmatched_treated,
            "registered_not_yet_measurable": self.registered_not_yet_measurable,
            "screened_not_yet_measurable": self.screened_not_yet_measurable,
            "caliper": r.caliper,
            "balance": [
                {
                    "covariate": b.covariate,
                    "description": self.label(b.covariate),
                    "registered_before": b.treated_before,
                    "comparison_before": b.comparison_before,
                    "smd_before": _finite(b.smd_before),
                    "registered_after": b.treated_after,
                    "comparison_after": b.comparison_after,
                    "smd_after": _finite(b.smd_after),
                    "balanced": b.balanced,
                }
                for b in r.balance
            ],
            "reoffending_rate": difference(r.rate),
            "reoffending_frequency": difference(r.frequency),
            "conclusive": self.words.conclusive,
            "headline": self.words.headline,
            "sentences": list(self.words.sentences),
            "model_note": r.model_note,
        }


def _finite(value: float | None) -> float | None:
    """A standardised difference is infinite when both groups are constant and differ: not a number."""
    return value if value is not None and math.isfinite(value) else None


def _smd_text(value: float | None) -> str:
    return "Not defined" if value is None or not math.isfinite(value) else f"{value:+.2f}"


def check_days(cohort_from: datetime.date, cohort_to: datetime.date) -> list[datetime.date]:
    """The last day of each month of the period (the period's last day for its last month)."""
    days, month = [], cohort_from.replace(day=1)
    while month <= cohort_to:
        days.append(min(add_months(month, 1) - datetime.timedelta(days=1), cohort_to))
        month = add_months(month, 1)
    return days


def screened_not_registered(cohort_from: datetime.date, cohort_to: datetime.date) -> dict[int, datetime.date]:
    """Everyone who met the screening criteria on a check day of the period and was never
    registered, with the first such day (internal: the caller counts, never lists). The justice
    record of everyone with an event from a year before the period to its end is read once, as on
    the period's last day, and cut to each check day (arrests, offences and
    sentences up to it); the MAPPA level and community-order non-compliance are as on that last day
    (ADR 0025)."""
    from dataclasses import replace

    from iomhub.cohort.models import Registration
    from iomhub.cohort.screening import justice_facts, screen_people
    from iomhub.justice.models import Arrest, Offence, Sentence
    from iomhub.people.models import Person

    first_year = add_months(cohort_from, -12)  # a check day's rolling year reaches back this far
    active: set[int] = set(
        Arrest.objects.filter(arrested_on__gt=first_year, arrested_on__lte=cohort_to).values_list("person_id", flat=True)
    )
    active |= set(Offence.objects.filter(committed_on__gt=first_year, committed_on__lte=cohort_to).values_list("person_id", flat=True))
    active |= set(Sentence.objects.filter(sentenced_on__gt=first_year, sentenced_on__lte=cohort_to).values_list("person_id", flat=True))
    latest = justice_facts(sorted(active), cohort_to) or {}
    ever_registered = set(Registration.objects.values_list("person_id", flat=True))
    wanted = sorted(set(latest) - ever_registered)
    people = {p.pk: p for p in Person.objects.filter(pk__in=wanted, merged_into__isnull=True)}
    found: dict[int, datetime.date] = {}
    for day in check_days(cohort_from, cohort_to):
        year_ago = add_months(day, -12)
        read = {}
        for pid in people:
            if pid in found:
                continue
            facts = latest[pid]
            arrests = tuple(d for d in facts.arrest_dates if d <= day)
            offences = tuple(o for o in facts.offences if o[0] <= day)
            sentences = tuple(x for x in facts.custodial_sentences if x[0] <= day)
            recent = any(year_ago < d for d in arrests) or any(year_ago < o[0] for o in offences) or any(year_ago < x[0] for x in sentences)
            if recent or facts.mappa_level:
                read[pid] = replace(facts, arrest_dates=arrests, offences=offences, custodial_sentences=sentences)
        batch = [people[pid] for pid in sorted(read)]
        for screening in screen_people(batch, day, read=read, eligible_only=True, ogrs3=False):
            found[screening.person_id] = day
    return found


def _covariates(index: dict[int, datetime.date]) -> dict[int, dict[str, float | None]]:
    """Each person's covariates on their index date, from a fixed number of queries."""
    from iomhub.justice.models import Arrest, Offence
    from iomhub.people.models import Person
    from iomhub.referrals.ogrs import derive_each

    people: dict[int, Person] = Person.objects.in_bulk(sorted(index))
    offences: dict[int, list[tuple[datetime.date, str]]] = defaultdict(list)
    for pid, day, category in Offence.objects.filter(person_id__in=sorted(index)).values_list(
        "person_id", "committed_on", "code__neighbourhood_crime"
    ):
        offences[pid].append((day, category or ""))
    arrests: dict[int, list[datetime.date]] = defaultdict(list)
    for pid, day in Arrest.objects.filter(person_id__in=sorted(index)).values_list("person_id", "arrested_on"):
        arrests[pid].append(day)
    ogrs = derive_each([(people[pid], day) for pid, day in sorted(index.items())])
    found = {}
    for pid, day in index.items():
        year_before = add_months(day, -12)
        recent = [c for d, c in offences[pid] if year_before <= d < day]
        derivation = ogrs[pid]
        person = people[pid]
        found[pid] = {
            "age": float(whole_years_between(person.date_of_birth, day)),
            "male": {"male": 1.0, "female": 0.0}.get(person.sex),
            "offences_12m": float(len(recent)),
            "arrests_12m": float(sum(1 for d in arrests[pid] if year_before <= d < day)),
            "neighbourhood_crime": 1.0 if any(c in NEIGHBOURHOOD_CRIME for c in recent) else 0.0,
            "ogrs3": derivation.result.two_year if derivation.result is not None else None,
        }
    return found


def _subjects(treated: dict[int, datetime.date], pool: dict[int, datetime.date], as_of: datetime.date) -> tuple[list[Subject], int, int]:
    """The measurable people of both groups as ``Subject``s, and how many of each were not yet
    measurable on ``as_of``."""
    measurable = {p: d for p, d in (treated | pool).items() if reoffending_rules.waiting_period_end(d) < as_of}
    covariates = _covariates(measurable)
    offences: dict[int, list[tuple[int, datetime.date, datetime.date]]] = defaultdict(list)
    for row in proven_offences(measurable):
        offences[row[0]].append(row)
    subjects = []
    for pid, day in sorted(measurable.items()):
        outcome = reoffending_rules.proven_reoffending(index_events=[(pid, day)], proven_offences=offences[pid])
        subjects.append(
            Subject(
                key=pid,
                treated=pid in treated,
                covariates=covariates[pid],
                reoffended=outcome.reoffenders > 0,
                reoffences=outcome.reoffences,
            )
        )
    return subjects, sum(1 for p in treated if p not in measurable), sum(1 for p in pool if p not in measurable)


def matched_comparison_report(
    *,
    user: User,
    cohort_from: datetime.date,
    cohort_to: datetime.date,
    team_id: int | None = None,
    as_of: datetime.date | None = None,
    export: bool = False,
) -> ComparisonReport:
    """The matched comparison for the people registered from ``cohort_from`` to ``cohort_to``."""
    if cohort_to < cohort_from:
        raise ValueError(f"cohort end {cohort_to} is before its start {cohort_from}")
    _authorise(user, Action.REPORT_VIEW, "comparison")
    today = as_of or clock.today()
    team = _team(team_id)
    index, _ = reoffending_events(team=team, cohort_from=cohort_from, cohort_to=cohort_to)
    pool = screened_not_registered(cohort_from, cohort_to)
    subjects, treated_pending, pool_pending = _subjects(dict(index), pool, today)
    result = matched_comparison(subjects, [key for key, _ in COVARIATES])
    report = ComparisonReport(
        cohort_from=cohort_from,
        cohort_to=cohort_to,
        team=team.name if team else "All local teams",
        as_of=today,
        result=result,
        words=describe(result),
        registered_not_yet_measurable=treated_pending,
        screened_not_yet_measurable=pool_pending,
    )
    _audit(user, "comparison", {"from": cohort_from, "to": cohort_to, "team": team_id}, export=export)
    return report


def balance_rows(report: ComparisonReport) -> Sequence[tuple[str, str, str, str, str]]:
    """The balance table as text: covariate, registered and comparison means, SMD before and after."""
    rows = []
    for b in report.result.balance:
        rows.append(
            (
                report.label(b.covariate),
                f"{b.treated_before:.2f}",
                f"{b.comparison_before:.2f}",
                _smd_text(b.smd_before),
                _smd_text(b.smd_after),
            )
        )
    return rows


def outcome_rows(report: ComparisonReport) -> Sequence[tuple[str, tuple[str, str, str]]]:
    """The outcome table as text, per 100 people: registered, comparison, difference (interval)."""
    rows = []
    for name, d in (("Proven reoffenders", report.result.rate), ("Proven reoffences", report.result.frequency)):
        if d is not None:
            rows.append(
                (
                    name,
                    (
                        f"{100 * d.treated_mean:.0f}",
                        f"{100 * d.comparison_mean:.0f}",
                        f"{100 * d.difference:+.0f} ({100 * d.lower:+.0f} to {100 * d.upper:+.0f})",
                    ),
                )
            )
    return rows
