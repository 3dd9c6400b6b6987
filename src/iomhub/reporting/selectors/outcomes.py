"""Outcomes (issue 16 §3): proven reoffending against the 20% target, offending before and after
registration at liberty and its cost, change in pathway needs and the attrition funnel."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from iomhub import clock
from iomhub.access.models import Team
from iomhub.access.policy import Action
from iomhub.reporting.selectors.base import (
    _audit,
    _authorise,
    _team,
    exit_planned,
)
from iomhub.rules import reoffending as reoffending_rules
from iomhub.rules.attrition import Stage, funnel
from iomhub.rules.costs import CostOfOffending, CostTable
from iomhub.rules.dates import add_months
from iomhub.rules.liberty import LibertyResult, Window, offending_at_liberty
from iomhub.rules.needs import PathwayChange, pathway_changes
from iomhub.rules.reporting import TargetCheck, against_target, wilson_interval

if TYPE_CHECKING:
    from iomhub.access.models import User
    from iomhub.cohort.models import Registration


# ---- proven reoffending ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ReoffendingReport:
    cohort_from: datetime.date
    cohort_to: datetime.date
    team: str
    after: reoffending_rules.ReoffendingResult
    before: reoffending_rules.ReoffendingResult
    interval: tuple[float, float] | None
    target: TargetCheck
    as_of: datetime.date
    liberty: LibertyResult
    cost_before: CostOfOffending
    cost_after: CostOfOffending
    needs: tuple[tuple[str, PathwayChange], ...] = ()  # (pathway label, change) in the form's order
    attrition: tuple[Stage, ...] = ()  # people referred in the period, stage by stage
    exits_planned: int = 0  # of those who left the scheme
    exits_unplanned: int = 0

    @staticmethod
    def percent(value: float | None) -> str:
        return "Not measurable" if value is None else f"{100 * value:.1f}%"

    @property
    def before_rate(self) -> str:
        return self.percent(self.before.rate)

    @property
    def after_rate(self) -> str:
        return self.percent(self.after.rate)

    @property
    def unknown_cost_labels(self) -> list[str]:
        table = CostTable.default()
        found = set(self.cost_before.unknown_categories) | set(self.cost_after.unknown_categories)
        return [table.unit_cost(c).label for c in sorted(found)]

    @property
    def interval_text(self) -> str:
        return "" if self.interval is None else f"{self.percent(self.interval[0])} to {self.percent(self.interval[1])}"

    def as_json(self) -> dict[str, Any]:
        return {
            "cohort_from": self.cohort_from.isoformat(),
            "cohort_to": self.cohort_to.isoformat(),
            "team": self.team,
            "as_of": self.as_of.isoformat(),
            "after_registration": _result_json(self.after),
            "before_registration": _result_json(self.before),
            "rate_95_ci": list(self.interval) if self.interval else None,
            "at_liberty": _liberty_json(self.liberty),
            "pathway_change": [_pathway_change_json(label, c) for label, c in self.needs],
            "attrition": {
                "stages": [
                    {"stage": st.key, "label": st.label, "people": st.people, "share_of_first": st.share_of_first, "lost": st.lost}
                    for st in self.attrition
                ],
                "exits_planned": self.exits_planned,
                "exits_unplanned": self.exits_unplanned,
            },
            "cost_of_offending": {
                "price_year": "2015/16",
                "before_pounds": self.cost_before.total_pounds,
                "after_pounds": self.cost_after.total_pounds,
                "before_offences_costed": self.cost_before.counted,
                "after_offences_costed": self.cost_after.counted,
                "unknown_unit_costs": sorted(set(self.cost_before.unknown_categories) | set(self.cost_after.unknown_categories)),
            },
            "target": {
                "reduction": self.target.reduction,
                "target": self.target.target,
                "met": self.target.met,
                "explanation": self.target.explanation,
            },
        }


def _result_json(r: reoffending_rules.ReoffendingResult) -> dict[str, Any]:
    return {
        "cohort": r.cohort,
        "reoffenders": r.reoffenders,
        "reoffences": r.reoffences,
        "rate": r.rate,
        "per_reoffender": r.per_reoffender,
        "per_offender": r.per_offender,
        "not_yet_measurable": r.not_yet_measurable,
    }


def _window_json(window: Window) -> dict[str, Any]:
    return {"offences": window.offences, "liberty_days": window.liberty_days, "rate": window.rate}


def _liberty_json(liberty: LibertyResult) -> dict[str, Any]:
    return {
        "people": liberty.people,
        "before": _window_json(liberty.before),
        "after": _window_json(liberty.after),
        "rate_ratio": liberty.rate_ratio,
        "rate_ratio_95_ci": list(liberty.rate_ratio_ci) if liberty.rate_ratio_ci else None,
        "reduction": liberty.reduction,
        "censored": liberty.censored,
    }


def _pathway_change_json(label: str, c: PathwayChange) -> dict[str, Any]:
    return {
        "pathway": label,
        "people": c.people,
        "red_first": c.red_first,
        "red_latest": c.red_latest,
        "improved": c.improved,
        "same": c.same,
        "worse": c.worse,
    }


def reoffending_events(
    *, team: Team | None, cohort_from: datetime.date, cohort_to: datetime.date
) -> tuple[list[tuple[int, datetime.date]], list[tuple[int, datetime.date, datetime.date]]]:
    """The index events (each person's first registration starting in the period, by its start
    date) and their proven offences (offence date, and the earliest conviction or caution that
    dealt with it), the inputs of ``iomhub.rules.reoffending`` [index date: inferred, ADR 0015]."""
    from iomhub.cohort.models import Registration

    registrations = Registration.objects.filter(started_on__gte=cohort_from, started_on__lte=cohort_to)
    if team is not None:
        registrations = registrations.filter(person__managing_team=team)
    index: dict[int, datetime.date] = {}
    for person_id, started_on in registrations.values_list("person_id", "started_on"):
        if person_id not in index or started_on < index[person_id]:
            index[person_id] = started_on
    return sorted(index.items()), proven_offences(index)


def proven_offences(person_ids: Iterable[int]) -> list[tuple[int, datetime.date, datetime.date]]:
    """Each offence of ``person_ids`` dealt with by a conviction or caution: (person, offence date,
    the earliest outcome's date), in offence order, from one query."""
    from iomhub.justice.models import CourtOutcome

    proven: dict[int, tuple[int, datetime.date, datetime.date]] = {}
    rows = CourtOutcome.offences.through.objects.filter(offence__person_id__in=sorted(set(person_ids))).values_list(
        "offence_id", "offence__person_id", "offence__committed_on", "courtoutcome__decided_on"
    )
    for offence_id, person_id, committed_on, decided_on in rows:
        if offence_id not in proven or decided_on < proven[offence_id][2]:
            proven[offence_id] = (person_id, committed_on, decided_on)
    return [proven[k] for k in sorted(proven)]


def proven_reoffending(
    *, user: User, cohort_from: datetime.date, cohort_to: datetime.date, team_id: int | None = None, as_of: datetime.date | None = None
) -> ReoffendingReport:
    """Proven reoffending (MoJ binary rate and frequency) of the people registered in the period,
    from their registration, against the same people's proven offending in the 12 months before
    it, and the 20% reduction target against that baseline (003 §3; outcomes.md §1.3)."""
    if cohort_to < cohort_from:
        raise ValueError(f"cohort end {cohort_to} is before its start {cohort_from}")
    _authorise(user, Action.REPORT_VIEW, "reoffending")
    today = as_of or clock.today()
    team = _team(team_id)
    index, offences = reoffending_events(team=team, cohort_from=cohort_from, cohort_to=cohort_to)
    after = reoffending_rules.proven_reoffending(index_events=index, proven_offences=offences, as_of=today)
    # The baseline: the same measure over the 12 months before registration, for the people
    # measured after it (those still in their waiting period are left out of both).
    measured = {p for p, d in index if reoffending_rules.waiting_period_end(d) < today}
    before_index = [(p, add_months(d, -12)) for p, d in index if p in measured]
    before = reoffending_rules.proven_reoffending(index_events=before_index, proven_offences=offences)
    liberty = _at_liberty(index, today)
    costs = CostTable.default()
    known = set(costs.categories)
    report = ReoffendingReport(
        liberty=liberty,
        cost_before=costs.cost_of({c: n for c, n in liberty.categories_before if c in known}),
        cost_after=costs.cost_of({c: n for c, n in liberty.categories_after if c in known}),
        needs=_needs_change([p for p, _ in index]),
        **_attrition(team, cohort_from, cohort_to, today),
        cohort_from=cohort_from,
        cohort_to=cohort_to,
        team=team.name if team else "All local teams",
        after=after,
        before=before,
        interval=wilson_interval(after.reoffenders, after.cohort),
        target=against_target(baseline=before.rate, observed=after.rate),
        as_of=today,
    )
    _audit(user, "reoffending", {"from": cohort_from, "to": cohort_to, "team": team_id})
    return report


def _at_liberty(index: Sequence[tuple[int, datetime.date]], as_of: datetime.date) -> LibertyResult:
    """Offences recorded on the justice record (by offence date) in the 12 months before and after
    registration, over the days at liberty (``iomhub.rules.liberty``; ADR 0015)."""
    from iomhub.justice.models import CustodyEpisode, Offence

    people = sorted({p for p, _ in index})
    custody = list(CustodyEpisode.objects.filter(person_id__in=people).values_list("person_id", "started_on", "ended_on"))
    offences = list(Offence.objects.filter(person_id__in=people).values_list("person_id", "committed_on", "code__cost_category"))
    return offending_at_liberty(registrations=index, custody=custody, offences=offences, as_of=as_of)


def _needs_change(person_ids: Sequence[int]) -> tuple[tuple[str, PathwayChange], ...]:
    """Each pathway's rating at each person's first and latest assessment (two or more needed),
    from one query (``iomhub.rules.needs``)."""
    from iomhub.casework.models import PathwayNeed
    from iomhub.referrals.models import Pathway

    rows = PathwayNeed.objects.filter(assessment__person_id__in=sorted(set(person_ids))).values_list(
        "assessment__person_id", "assessment__assessed_on", "assessment_id", "pathway", "rag"
    )
    by_person: dict[int, dict[tuple[datetime.date, int], dict[str, str]]] = defaultdict(lambda: defaultdict(dict))
    for person_id, assessed_on, assessment_id, pathway, rag in rows:
        by_person[person_id][(assessed_on, assessment_id)][pathway] = rag
    pairs = []
    for assessments in by_person.values():
        if len(assessments) < 2:
            continue
        first, latest = assessments[min(assessments)], assessments[max(assessments)]
        pairs += [(pathway, first[pathway], latest[pathway]) for pathway in first if pathway in latest]
    found = pathway_changes(pairs)
    return tuple((label, found[value]) for value, label in Pathway.choices if value in found)


def _attrition(team: Team | None, cohort_from: datetime.date, cohort_to: datetime.date, today: datetime.date) -> dict[str, Any]:
    """The funnel for the people referred (a submitted referral naming a person) in the period:
    referred, adopted (the meeting's decision), registered on or after the referral, engaged (an
    appointment or visit attended once registered) and left the scheme, with its exits planned or
    unplanned (``iomhub.rules.attrition``; ADR 0015). Who was identified by screening is not kept
    over time, so the funnel starts at the referral."""
    from iomhub.casework.models import EntryOutcome, TimelineEntry
    from iomhub.cohort.models import Registration
    from iomhub.referrals.models import Referral

    referrals = Referral.objects.exclude(status=Referral.Status.DRAFT).filter(person__isnull=False, submitted_at__isnull=False)
    if team is not None:
        referrals = referrals.filter(person__managing_team=team)
    referred: dict[int, datetime.date] = {}
    adopted: set[int] = set()
    for person_id, status, submitted_at in referrals.values_list("person_id", "status", "submitted_at"):
        day = timezone.localdate(submitted_at)
        if cohort_from <= day <= cohort_to:
            referred[person_id] = min(day, referred.get(person_id, day))
            if status == Referral.Status.ADOPTED:
                adopted.add(person_id)
    first_registration: dict[int, Registration] = {}
    for registration in (
        Registration.objects.filter(person_id__in=sorted(referred)).select_related("deregistration").order_by("started_on", "pk")
    ):
        started = referred[registration.person_id] <= registration.started_on <= today
        if started and registration.person_id not in first_registration:
            first_registration[registration.person_id] = registration
    attended = TimelineEntry.objects.filter(person_id__in=sorted(first_registration), outcome=EntryOutcome.ATTENDED).values_list(
        "person_id", "occurred_on"
    )
    engaged = {p for p, day in attended if first_registration[p].started_on <= day <= today}
    left = {p: r for p, r in first_registration.items() if r.ended_on is not None and r.ended_on <= today}
    stages = funnel(
        [
            ("referred", "Referred", referred),
            ("adopted", "Adopted at the meeting", adopted),
            ("registered", "Registered", first_registration),
            ("engaged", "Engaged: an appointment or visit attended", engaged),
            ("left", "Left the scheme", left),
        ]
    )
    reached = engaged & set(left) & adopted
    return {
        "attrition": stages,
        "exits_planned": sum(1 for p in reached if exit_planned(left[p])),
        "exits_unplanned": sum(1 for p in reached if not exit_planned(left[p])),
    }
