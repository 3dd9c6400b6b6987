"""The overview (issue 16 §1): caseload at a glance and its headline trend."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.utils import timezone

from iomhub import clock
from iomhub.access.models import Team
from iomhub.access.policy import Action
from iomhub.reporting.selectors.base import (
    RAG_LABELS,
    RAG_ORDER,
    Figure,
    Report,
    Table,
    TrendRow,
    _audit,
    _authorise,
    _figure,
    _in_custody,
    _registrations,
    _team,
    day_bounds,
)
from iomhub.rules.quarters import Quarter
from iomhub.rules.reporting import average_caseload, on_caseload

if TYPE_CHECKING:
    from iomhub.access.models import User
    from iomhub.cohort.models import Registration


# ---- the overview --------------------------------------------------------------------------------


def overview(*, user: User, team_id: int | None = None, as_of: datetime.date | None = None) -> Report:
    """Caseload at a glance (issue 16 §1; 003 §3): people managed by RAG, in the neighbourhood-crime
    cohort, in custody, by local team; referrals and decisions this quarter; home visits overdue
    against the RAG regime (002 appendix 1)."""
    _authorise(user, Action.REPORT_VIEW, "overview")
    today = as_of or clock.today()
    team = _team(team_id)
    quarter = Quarter.containing(today)
    current = [
        r for r in _registrations(team, overlapping=(today, today)) if on_caseload(started_on=r.started_on, ended_on=r.ended_on, day=today)
    ]
    people = [r.person_id for r in current]
    custody = _in_custody(people, today)
    by_team: dict[str, set[int]] = defaultdict(set)
    for r in current:
        by_team[r.person.managing_team.name if r.person.managing_team else "No local team"].add(r.person_id)
    referrals = _referral_figures(team, quarter.start, quarter.end)
    report = Report(
        title="Overview",
        period=f"On {today:%-d %B %Y}; referrals in {quarter.months}",
        team=team.name if team else "All local teams",
        tables=(
            Table(
                "caseload",
                "People managed",
                (
                    _figure("managed", "People managed", people),
                    _figure(
                        "neighbourhood-crime", "In the neighbourhood-crime cohort", [r.person_id for r in current if r.neighbourhood_crime]
                    ),
                    _figure("in-custody", "In custody", custody),
                    _figure("home-visits-overdue", "Home visit overdue against the RAG regime", _overdue(current, today)),
                ),
            ),
            Table(
                "rag",
                "People managed by RAG level",
                tuple(_figure(f"rag-{level}", RAG_LABELS[level], [r.person_id for r in current if r.rag == level]) for level in RAG_ORDER),
            ),
            Table(
                "teams", "People managed by local team", tuple(_figure(f"team-{name}", name, ids) for name, ids in sorted(by_team.items()))
            ),
            Table("referrals", f"Referrals and decisions, {quarter.months}", referrals, unit="Referrals"),
        ),
        notes=(
            "In custody: a custody episode (remand or sentenced) open on the day.",
            "Trend: the last eight quarters, the current one up to today; managed at the end of each, registrations and exits in it, and the average caseload per day.",
        ),
        trend=_trend(team, today),
    )
    _audit(user, "overview", {"team": team_id, "as_of": today})
    return report


TREND_QUARTERS = 8


def _trend(team: Team | None, today: datetime.date) -> tuple[TrendRow, ...]:
    """The headline trend: caseload, registrations and exits for the last ``TREND_QUARTERS``
    quarters, from one read of the registrations."""
    quarters = [Quarter.containing(today)]
    while len(quarters) < TREND_QUARTERS:
        quarters.append(quarters[-1].previous())
    quarters.reverse()
    registrations = _registrations(team, overlapping=(quarters[0].start, today))
    rows = []
    for quarter in quarters:
        end = min(quarter.end, today)
        spans = [
            (r.started_on, r.ended_on) for r in registrations if r.started_on <= end and (r.ended_on is None or r.ended_on >= quarter.start)
        ]
        rows.append(
            TrendRow(
                quarter=str(quarter),
                label=f"{quarter.start:%b} to {quarter.end:%b %Y}" + (" (to date)" if end < quarter.end else ""),
                managed_at_end=len(
                    {r.person_id for r in registrations if on_caseload(started_on=r.started_on, ended_on=r.ended_on, day=end)}
                ),
                registrations=sum(1 for r in registrations if quarter.start <= r.started_on <= end),
                exits=sum(1 for r in registrations if r.ended_on is not None and quarter.start <= r.ended_on <= end),
                average_caseload=round(average_caseload(spans, start=quarter.start, end=end), 1),
            )
        )
    return tuple(rows)


def _overdue(current: Sequence[Registration], today: datetime.date) -> set[int]:
    from iomhub.cohort.models import Registration
    from iomhub.cohort.selectors import regimes_of

    registrations = list(Registration.objects.filter(pk__in=[r.pk for r in current]).prefetch_related("rag_history", "reviews"))
    regimes = regimes_of(registrations, today)
    return {r.person_id for r in registrations if regimes[r.pk].home_visit_overdue}


def _referral_figures(team: Team | None, start: datetime.date, end: datetime.date) -> tuple[Figure, ...]:
    """Referrals submitted in the period, and the meeting's decisions made in it by outcome (002 §2)."""
    from iomhub.referrals.models import Decision, Referral

    earliest, latest = day_bounds(start, end)
    referrals = Referral.objects.exclude(status=Referral.Status.DRAFT).filter(submitted_at__gte=earliest, submitted_at__lt=latest)
    decisions = Decision.objects.filter(meeting_date__gte=start, meeting_date__lte=end)
    if team is not None:
        referrals = referrals.filter(person__managing_team=team)
        decisions = decisions.filter(referral__person__managing_team=team)
    submitted = [
        (pk, person)
        for pk, person, at in referrals.values_list("pk", "person_id", "submitted_at")
        if start <= timezone.localdate(at) <= end
    ]
    made = list(decisions.values_list("outcome", "referral__person_id"))
    rows = [Figure("referrals-submitted", "Referrals submitted", len(submitted), frozenset(p for _, p in submitted if p is not None))]
    for outcome, label in Decision.Outcome.choices:
        ids = [p for o, p in made if o == outcome]
        rows.append(Figure(f"decisions-{outcome}", f"Decisions: {label}", len(ids), frozenset(p for p in ids if p is not None)))
    return tuple(rows)
