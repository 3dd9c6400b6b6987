"""The figures of the performance reports (issue 16): the overview, the quarterly report and proven
reoffending. Keyword-only selectors with ``user=``, authorised through the access policy and
audited; the pages, the JSON API, the downloads and ``python -m iomhub report`` all call these.

Aggregate figures are counted over the whole partnership (or one local team), whoever reads them,
so the same report reads the same for the performance lead and the chair; no figure carries a
name, identifier or date of birth. Each figure keeps the ids of the people behind it for
``drill_down``, which shows only those ``people_filter`` lets the reader see, and only to the
roles ``Action.REPORT_DRILL`` allows (ADR 0015).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Q
from django.utils import timezone

from iomhub import clock
from iomhub.access import audit
from iomhub.access.errors import deny
from iomhub.access.models import AuditAction, Team
from iomhub.access.policy import Action, decide, people_filter
from iomhub.rules import reoffending as reoffending_rules
from iomhub.rules._dates import add_months
from iomhub.rules.attrition import Stage, funnel
from iomhub.rules.costs import CostOfOffending, CostTable
from iomhub.rules.liberty import LibertyResult, offending_at_liberty
from iomhub.rules.needs import PathwayChange, pathway_changes
from iomhub.rules.reporting import Quarter, TargetCheck, against_target, average_caseload, on_caseload, wilson_interval

if TYPE_CHECKING:
    from iomhub.access.models import User
    from iomhub.cohort.models import Registration
    from iomhub.people.models import Person

RAG_ORDER = ("red-alert", "red", "amber", "green", "prison")
RAG_LABELS = {"red-alert": "Red Alert", "red": "Red", "amber": "Amber", "green": "Green", "prison": "Prison"}

# The 002 §7 and 000 §9.4 measures the recorded data cannot support yet, and why (issue 16 §2).
NOT_YET_SUPPORTED: tuple[tuple[str, str], ...] = (
    (
        "Settled accommodation, employment, finance and debt outcomes (002 §7)",
        "Pathway assessments record a RAG rating and free-text needs, not a coded outcome (settled accommodation, in work, debt managed), so no count can be made without reading free text. Only no fixed abode is recorded as data (shown above); the change in pathway ratings is on the outcomes page.",
    ),
    (
        "Alcohol, treatment, health and mental health outcomes (002 §7)",
        "Drug tests are counted above, but treatment starts, completions, AUDIT scores at first and last session and Treatment Outcomes Profile scores are not recorded as data.",
    ),
    (
        "Electronic monitoring (TAG) measures (002 §7)",
        "Curfew requirements are recorded on court outcomes, but tag fitting, violations and removal are not.",
    ),
    (
        "Initial contacts by route and new clients engaging in treatment (000 figure 1, §9.4)",
        "Arrest-referral and prison-release contacts by the substance-misuse service are not recorded with their route.",
    ),
    (
        "DRR commencements (000 figure 1)",
        "Drug rehabilitation requirements are recorded when sentenced, not when they start.",
    ),
    (
        "Proven reoffending in the quarter",
        "A proven reoffending figure needs 18 months after its cohort (12-month follow-up and a 6-month waiting period): see the proven reoffending report for a cohort and period.",
    ),
)


@dataclass(frozen=True)
class Figure:
    """One number of a report, with the people behind it (never shown to those who may not see them)."""

    key: str
    label: str
    count: int | float
    person_ids: frozenset[int] = field(default=frozenset(), repr=False, compare=False)
    drillable: bool = True


@dataclass(frozen=True)
class Table:
    key: str
    caption: str
    rows: tuple[Figure, ...]
    unit: str = "People"

    def find(self, key: str) -> Figure | None:
        return next((f for f in self.rows if f.key == key), None)


@dataclass(frozen=True)
class TrendRow:
    """One quarter of the overview's headline trend (the current quarter up to the day)."""

    quarter: str
    label: str
    managed_at_end: int
    registrations: int
    exits: int
    average_caseload: float

    def as_json(self) -> dict[str, Any]:
        return {
            "quarter": self.quarter,
            "managed_at_end": self.managed_at_end,
            "registrations": self.registrations,
            "exits": self.exits,
            "average_caseload": self.average_caseload,
        }


@dataclass(frozen=True)
class Report:
    title: str
    period: str
    team: str
    tables: tuple[Table, ...]
    notes: tuple[str, ...] = ()
    not_supported: tuple[tuple[str, str], ...] = ()
    trend: tuple[TrendRow, ...] = ()

    def figure(self, key: str) -> Figure:
        for table in self.tables:
            found = table.find(key)
            if found is not None:
                return found
        raise KeyError(key)

    def as_rows(self) -> list[tuple[str, str, int | float]]:
        """(table caption, measure, value): the shape of the CSV and XLSX downloads."""
        return [(t.caption, f.label, f.count) for t in self.tables for f in t.rows]

    def as_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "period": self.period,
            "team": self.team,
            "tables": [
                {
                    "key": t.key,
                    "caption": t.caption,
                    "unit": t.unit,
                    "rows": [{"key": f.key, "label": f.label, "value": f.count} for f in t.rows],
                }
                for t in self.tables
            ],
            "notes": list(self.notes),
            "not_yet_supported": [{"measure": m, "why": why} for m, why in self.not_supported],
            **({"trend": [row.as_json() for row in self.trend]} if self.trend else {}),
        }


def _authorise(user: User, action: Action, what: str) -> None:
    decision = decide(user, action)
    if not decision.allowed:
        deny(user=user, action=action, object_type="report", object_id=what, reason=decision.reason)


def _audit(user: User, what: str, params: dict[str, Any], *, export: bool = False) -> None:
    """A report read is audited as a search (a download as an export) naming what was asked, never
    anyone in it (the figures are aggregates)."""
    audit.record(
        actor=user, action=AuditAction.EXPORT if export else AuditAction.SEARCH, object_type="report", object_id=what, changes=params
    )


def team_choices() -> list[Team]:
    return list(Team.objects.order_by("name"))


def _team(team_id: int | None) -> Team | None:
    if team_id is None:
        return None
    team = Team.objects.filter(pk=team_id).first()
    if team is None:
        raise ValueError(f"no local team has id {team_id}")
    return team


def _registrations(team: Team | None, *, overlapping: tuple[datetime.date, datetime.date]) -> list[Registration]:
    """Registrations on the caseload at some day of the period, or ending in it (from its start to its
    end inclusive)."""
    from iomhub.cohort.models import Registration

    start, end = overlapping
    queryset = Registration.objects.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=start), started_on__lte=end)
    if team is not None:
        queryset = queryset.filter(person__managing_team=team)
    return list(queryset.select_related("person__managing_team").order_by("started_on", "pk"))


def _in_custody(person_ids: Iterable[int], day: datetime.date) -> set[int]:
    """Of ``person_ids``, those in custody (remand or sentenced) on ``day``: an episode begun on or
    before it and not ended by it."""
    from iomhub.justice.models import CustodyEpisode

    return set(
        CustodyEpisode.objects.filter(person_id__in=sorted(set(person_ids)), started_on__lte=day)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=day))
        .values_list("person_id", flat=True)
    )


def _figure(key: str, label: str, ids: Iterable[int]) -> Figure:
    people = frozenset(ids)
    return Figure(key, label, len(people), people)


def _count(key: str, label: str, events: Sequence[int]) -> Figure:
    """A count of events (several may be one person's)."""
    return Figure(key, label, len(events), frozenset(events))


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
        period=f"On {today:%-d %B %Y}; referrals in {quarter.label}",
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
            Table("referrals", f"Referrals and decisions, {quarter.label}", referrals, unit="Referrals"),
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

    referrals = Referral.objects.exclude(status=Referral.Status.DRAFT).filter(submitted_at__isnull=False)
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


# ---- the quarterly report ------------------------------------------------------------------------


def _on_caseload_any(intervals: Sequence[tuple[datetime.date, datetime.date | None]], day: datetime.date) -> bool:
    return any(on_caseload(started_on=s, ended_on=e, day=day) for s, e in intervals)


def _exit_planned(registration: Registration) -> bool:
    """A planned exit: deregistered by the chair on the 002 §2 review, neither required by a rule (a
    long custodial sentence, MAPPA level 3) nor exceptional. Everything else (required, exceptional,
    transferred out, ended without a deregistration) is unplanned [inferred, ADR 0015]."""
    dereg = getattr(registration, "deregistration", None)
    return dereg is not None and not dereg.required_by and not dereg.exceptional


def quarterly(*, user: User, quarter: Quarter, team_id: int | None = None, export: bool = False) -> Report:
    """The quarterly report (issue 16 §2; 002 §7; 000 §9.4, figure 1, §7.2) for ``quarter`` and a
    local team (by the person's managing team) or the whole partnership."""
    from iomhub.casework.models import CaseRecord
    from iomhub.cohort.models import Registration
    from iomhub.justice.models import PssBreach, Recall, Warrant

    _authorise(user, Action.REPORT_VIEW, f"quarterly {quarter}")
    team = _team(team_id)
    start, end = quarter.start, quarter.end
    registrations = _registrations(team, overlapping=(start, end))
    registrations = list(
        Registration.objects.filter(pk__in=[r.pk for r in registrations]).select_related("deregistration").order_by("started_on", "pk")
    )
    person_ids = sorted({r.person_id for r in registrations})
    intervals: dict[int, list[tuple[datetime.date, datetime.date | None]]] = defaultdict(list)
    for r in Registration.objects.filter(person_id__in=person_ids).values_list("person_id", "started_on", "ended_on"):
        intervals[r[0]].append((r[1], r[2]))

    started = [r for r in registrations if start <= r.started_on <= end]
    reregistered = [r.person_id for r in started if any(s < r.started_on for s, _ in intervals[r.person_id])]
    ended = [r for r in registrations if r.ended_on is not None and start <= r.ended_on <= end]
    at_start = {r.person_id for r in registrations if on_caseload(started_on=r.started_on, ended_on=r.ended_on, day=start)}
    at_end = {r.person_id for r in registrations if on_caseload(started_on=r.started_on, ended_on=r.ended_on, day=end)}
    average = round(average_caseload([(r.started_on, r.ended_on) for r in registrations], start=start, end=end), 1)

    def managed_then(pid: int, day: datetime.date) -> bool:
        return _on_caseload_any(intervals[pid], day)

    warrants = [
        (p, k)
        for p, k, d in Warrant.objects.filter(
            person_id__in=person_ids, issued_on__gte=start, issued_on__lte=end, kind__in=[Warrant.Kind.BREACH, Warrant.Kind.FAIL_TO_APPEAR]
        ).values_list("person_id", "kind", "issued_on")
        if managed_then(p, d)
    ]
    pss = [
        p
        for p, d in PssBreach.objects.filter(person_id__in=person_ids, heard_on__gte=start, heard_on__lte=end).values_list(
            "person_id", "heard_on"
        )
        if managed_then(p, d)
    ]
    recalls = [
        (p, k)
        for p, k, at in Recall.objects.filter(person_id__in=person_ids).values_list("person_id", "kind", "recalled_at")
        if timezone.localdate(at) in quarter and managed_then(p, timezone.localdate(at))
    ]
    cases = {c.person_id: c for c in CaseRecord.objects.filter(person_id__in=sorted(at_end))}
    parental = [p for p in at_end if p in cases and cases[p].parental_status]
    safeguarding = [p for p in at_end if p in cases and cases[p].safeguarding_complete]
    custody_end = _in_custody(at_end, end)
    tests, appointments = _timeline_figures(person_ids, start, end, managed_then)
    no_fixed_abode = _no_fixed_abode(at_end, end)

    def pct(part: int, whole: int) -> float:
        return round(100 * part / whole, 1) if whole else 0.0

    report = Report(
        title=f"Quarterly report, {quarter.label}",
        period=str(quarter),
        team=team.name if team else "All local teams",
        tables=(
            Table(
                "caseload",
                "Caseload",
                (
                    _figure("caseload-start", f"Managed on {start:%-d %B %Y}", at_start),
                    _figure("caseload-end", f"Managed on {end:%-d %B %Y}", at_end),
                    Figure("average-caseload", "Average caseload (people per day)", average, frozenset(), drillable=False),
                    _figure("in-custody-end", f"In custody on {end:%-d %B %Y}", custody_end),
                ),
            ),
            Table(
                "registrations",
                "Registrations and exits",
                (
                    _count("registrations", "Registrations", [r.person_id for r in started]),
                    _count("reregistrations", "of which re-registrations", reregistered),
                    _count("exits", "Exits", [r.person_id for r in ended]),
                    _count("exits-planned", "Planned exits", [r.person_id for r in ended if _exit_planned(r)]),
                    _count("exits-unplanned", "Unplanned exits", [r.person_id for r in ended if not _exit_planned(r)]),
                ),
                unit="Registrations",
            ),
            Table("referrals", "Referrals and decisions", _referral_figures(team, start, end), unit="Referrals"),
            Table(
                "enforcement",
                "Enforcement: breaches by type and recalls (002 §7)",
                (
                    _count("breach-warrants", "Breach of an order: warrants issued", [p for p, k in warrants if k == Warrant.Kind.BREACH]),
                    _count(
                        "fail-to-appear", "Failed to appear: warrants issued", [p for p, k in warrants if k == Warrant.Kind.FAIL_TO_APPEAR]
                    ),
                    _count("pss-breaches", "Breach of post-sentence supervision: court hearings", pss),
                    _count("recalls-fixed-term", "Recalls: fixed-term", [p for p, k in recalls if k == Recall.Kind.FIXED_TERM]),
                    _count("recalls-standard", "Recalls: standard", [p for p, k in recalls if k == Recall.Kind.STANDARD]),
                ),
                unit="Events",
            ),
            Table(
                "drugs",
                "Drugs: drug tests while managed (002 §7)",
                (
                    _count("drug-tests", "Drug tests", [p for p, _ in tests]),
                    _count("drug-tests-positive", "of which positive", [p for p, r in tests if r == "positive"]),
                    _count("drug-tests-negative", "of which negative", [p for p, r in tests if r == "negative"]),
                    _count("drug-tests-refused", "of which refused", [p for p, r in tests if r == "refused"]),
                    _figure("people-tested", "People tested", [p for p, _ in tests]),
                    _figure("people-positive", "People with a positive test", [p for p, r in tests if r == "positive"]),
                ),
                unit="Tests or people",
            ),
            Table(
                "engagement",
                "Engagement: office appointments while managed",
                (
                    _count("appointments-kept", "Office appointments attended", [p for p, o in appointments if o == "attended"]),
                    _count("appointments-failed", "Office appointments failed", [p for p, o in appointments if o == "failed-to-attend"]),
                ),
                unit="Appointments",
            ),
            Table(
                "accommodation",
                f"Accommodation on {end:%-d %B %Y} (002 §7)",
                (_figure("no-fixed-abode", "Managed and of no fixed abode", no_fixed_abode),),
            ),
            Table(
                "completeness",
                f"Parental status and safeguarding completeness on {end:%-d %B %Y} (000 §7.2: must reach 100%)",
                (
                    _figure("parental-complete", "Parental status recorded", parental),
                    Figure("parental-percent", "Parental status recorded (%)", pct(len(parental), len(at_end)), drillable=False),
                    _figure("safeguarding-complete", "Parental status, children at home and safeguarding all recorded", safeguarding),
                    Figure(
                        "safeguarding-percent", "Safeguarding fields all recorded (%)", pct(len(safeguarding), len(at_end)), drillable=False
                    ),
                    _figure("safeguarding-incomplete", "Safeguarding fields incomplete", at_end - set(safeguarding)),
                ),
            ),
        ),
        notes=(
            "Counted by the local team now managing each person.",
            "Breaches and recalls count events dated in the quarter on a day the person was on the caseload.",
            "Planned exits: deregistered at review, neither required by a rule (custodial sentence of 5 years or more, MAPPA level 3) nor exceptional. Other exits are unplanned.",
            "Completeness is as recorded today for the people managed on the quarter's last day.",
        ),
        not_supported=NOT_YET_SUPPORTED,
    )
    _audit(user, f"quarterly {quarter}", {"quarter": str(quarter), "team": team_id}, export=export)
    return report


def _timeline_figures(
    person_ids: Sequence[int], start: datetime.date, end: datetime.date, managed_then: Any
) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """Drug tests (person, result) and office appointments (person, outcome) dated in the period on
    a day the person was managed: one query."""
    from iomhub.casework.models import EntryKind, TimelineEntry

    rows = TimelineEntry.objects.filter(
        person_id__in=list(person_ids), occurred_on__gte=start, occurred_on__lte=end, kind__in=[EntryKind.DRUG_TEST, EntryKind.OFFICE]
    ).values_list("person_id", "kind", "drug_result", "outcome", "occurred_on")
    tests, appointments = [], []
    for person_id, kind, result, outcome, day in rows:
        if not managed_then(person_id, day):
            continue
        if kind == EntryKind.DRUG_TEST:
            tests.append((person_id, result))
        else:
            appointments.append((person_id, outcome))
    return tests, appointments


def _no_fixed_abode(person_ids: Iterable[int], day: datetime.date) -> set[int]:
    """Of ``person_ids``, those whose address on ``day`` is recorded as no fixed abode."""
    from iomhub.people.models import Address

    return set(
        Address.objects.filter(person_id__in=sorted(set(person_ids)), no_fixed_abode=True)
        .filter(Q(from_date__isnull=True) | Q(from_date__lte=day), Q(to_date__isnull=True) | Q(to_date__gte=day))
        .values_list("person_id", flat=True)
    )


# ---- drill-down ------------------------------------------------------------------------------------


def drill_down(*, user: User, report: Report, key: str) -> list[Person]:
    """The people behind figure ``key`` whom ``user`` sees without breaking glass: the coordinator
    and chair only (``Action.REPORT_DRILL``); everyone shown is audited as listed."""
    from iomhub.people.models import Person

    _authorise(user, Action.REPORT_DRILL, f"{report.period} {key}")
    figure = report.figure(key)
    if not figure.drillable:
        return []
    people = list(Person.objects.filter(people_filter(user), pk__in=sorted(figure.person_ids)).order_by("last_name", "first_name", "pk"))
    audit.record_shown(
        actor=user, person_ids=[p.pk for p in people], object_type="report", object_id=f"{report.period} {key}", changes={"figure": key}
    )
    return people


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
        def result(r: reoffending_rules.ReoffendingResult) -> dict[str, Any]:
            return {
                "cohort": r.cohort,
                "reoffenders": r.reoffenders,
                "reoffences": r.reoffences,
                "rate": r.rate,
                "per_reoffender": r.per_reoffender,
                "per_offender": r.per_offender,
                "not_yet_measurable": r.not_yet_measurable,
            }

        return {
            "cohort_from": self.cohort_from.isoformat(),
            "cohort_to": self.cohort_to.isoformat(),
            "team": self.team,
            "as_of": self.as_of.isoformat(),
            "after_registration": result(self.after),
            "before_registration": result(self.before),
            "rate_95_ci": list(self.interval) if self.interval else None,
            "at_liberty": {
                "people": self.liberty.people,
                "before": {
                    "offences": self.liberty.before.offences,
                    "liberty_days": self.liberty.before.liberty_days,
                    "rate": self.liberty.before.rate,
                },
                "after": {
                    "offences": self.liberty.after.offences,
                    "liberty_days": self.liberty.after.liberty_days,
                    "rate": self.liberty.after.rate,
                },
                "rate_ratio": self.liberty.rate_ratio,
                "rate_ratio_95_ci": list(self.liberty.rate_ratio_ci) if self.liberty.rate_ratio_ci else None,
                "reduction": self.liberty.reduction,
                "censored": self.liberty.censored,
            },
            "pathway_change": [
                {
                    "pathway": label,
                    "people": c.people,
                    "red_first": c.red_first,
                    "red_latest": c.red_latest,
                    "improved": c.improved,
                    "same": c.same,
                    "worse": c.worse,
                }
                for label, c in self.needs
            ],
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


def reoffending_events(
    *, team: Team | None, cohort_from: datetime.date, cohort_to: datetime.date
) -> tuple[list[tuple[int, datetime.date]], list[tuple[int, datetime.date, datetime.date]]]:
    """The index events (each person's first registration starting in the period, by its start
    date) and their proven offences (offence date, and the earliest conviction or caution that
    dealt with it), the inputs of ``iomhub.rules.reoffending`` [index date: inferred, ADR 0015]."""
    from iomhub.cohort.models import Registration
    from iomhub.justice.models import CourtOutcome

    registrations = Registration.objects.filter(started_on__gte=cohort_from, started_on__lte=cohort_to)
    if team is not None:
        registrations = registrations.filter(person__managing_team=team)
    index: dict[int, datetime.date] = {}
    for person_id, started_on in registrations.values_list("person_id", "started_on"):
        if person_id not in index or started_on < index[person_id]:
            index[person_id] = started_on
    proven: dict[int, tuple[int, datetime.date, datetime.date]] = {}
    rows = CourtOutcome.offences.through.objects.filter(offence__person_id__in=sorted(index)).values_list(
        "offence_id", "offence__person_id", "offence__committed_on", "courtoutcome__decided_on"
    )
    for offence_id, person_id, committed_on, decided_on in rows:
        if offence_id not in proven or decided_on < proven[offence_id][2]:
            proven[offence_id] = (person_id, committed_on, decided_on)
    return sorted(index.items()), [proven[k] for k in sorted(proven)]


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
        "exits_planned": sum(1 for p in reached if _exit_planned(left[p])),
        "exits_unplanned": sum(1 for p in reached if not _exit_planned(left[p])),
    }
