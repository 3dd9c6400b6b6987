"""The quarterly report (issue 16 §2; 002 §7; 000 §9.4, figure 1, §7.2)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from iomhub.access.policy import Action
from iomhub.reporting.selectors.base import (
    ExitRow,
    Figure,
    RegistrationRow,
    Report,
    Table,
    _audit,
    _authorise,
    _count,
    _figure,
    _id_filter,
    _in_custody,
    _on_caseload_any,
    _overlapping,
    _team,
    day_bounds,
    exit_planned,
)
from iomhub.reporting.selectors.overview import _referral_figures
from iomhub.rules.quarters import Quarter
from iomhub.rules.reporting import average_caseload, on_caseload

if TYPE_CHECKING:
    from iomhub.access.models import Team, User


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


# ---- the quarterly report ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Quarter:
    """What the quarterly report counts, read once: the registrations overlapping the quarter, each
    person's registration intervals, and who was managed on the first and last day. ``people`` and
    ``managed_at_end`` are the same people as subqueries, for filtering other tables in the database
    (at national scale tens of thousands of ids: one statement, not as many parameters)."""

    start: datetime.date
    end: datetime.date
    registrations: list[RegistrationRow]
    person_ids: list[int]
    people: QuerySet[Any]
    managed_at_end: QuerySet[Any]
    intervals: dict[int, list[tuple[datetime.date, datetime.date | None]]]
    at_start: set[int]
    at_end: set[int]

    def managed_then(self, pid: int, day: datetime.date) -> bool:
        return _on_caseload_any(self.intervals[pid], day)


# The quarterly figures as counted by this code: raise it when a figure is counted differently, so
# that reports stored by the code before are counted again (ADR 0042).
FIGURES_VERSION = 1


def quarterly(*, user: User, quarter: Quarter, team_id: int | None = None, export: bool = False, people: bool = False) -> Report:
    """The quarterly report (issue 16 §2; 002 §7; 000 §9.4, figure 1, §7.2) for ``quarter`` and a
    local team (by the person's managing team) or the whole partnership.

    The figures are the same for every reader allowed them (ADR 0015), so they are stored and read
    again while no counted record has changed (``reporting.stored``, ADR 0042); ``people=True``
    counts afresh and keeps the people behind each figure, for ``drill_down``. Either way the reader
    is authorised first and the read audited, every time."""
    from iomhub.reporting import stored

    _authorise(user, Action.REPORT_VIEW, f"quarterly {quarter}")
    team = _team(team_id)
    if people:
        report = _count_quarterly(team, quarter)
    else:
        params = f"{quarter} team={team.pk if team else 'all'}"
        report = stored.stored_or_counted(
            kind="quarterly", params=params, figures_version=FIGURES_VERSION, count=lambda: _count_quarterly(team, quarter)
        )
    _audit(user, f"quarterly {quarter}", {"quarter": str(quarter), "team": team_id}, export=export)
    return report


def _count_quarterly(team: Team | None, quarter: Quarter) -> Report:
    q = _read_quarter(team, quarter)
    return Report(
        title=f"Quarterly report, {quarter.months}",
        period=str(quarter),
        team=team.name if team else "All local teams",
        tables=(
            _caseload_table(q),
            _registrations_table(q),
            Table("referrals", "Referrals and decisions", _referral_figures(team, q.start, q.end), unit="Referrals"),
            _enforcement_table(q, quarter),
            *_timeline_tables(q),
            Table(
                "accommodation",
                f"Accommodation on {q.end:%-d %B %Y} (002 §7)",
                (_figure("no-fixed-abode", "Managed and of no fixed abode", _no_fixed_abode(q.managed_at_end, q.end)),),
            ),
            _completeness_table(q),
        ),
        notes=NOTES,
        not_supported=NOT_YET_SUPPORTED,
    )


NOTES = (
    "Counted by the local team now managing each person.",
    "Breaches and recalls count events dated in the quarter on a day the person was on the caseload.",
    "Planned exits: deregistered at review, neither required by a rule (custodial sentence of 5 years or more, MAPPA level 3) nor exceptional. Other exits are unplanned.",
    "Completeness is as recorded today for the people managed on the quarter's last day.",
)


def _read_quarter(team: Team | None, quarter: Quarter) -> _Quarter:
    """The registrations overlapping ``quarter`` (of ``team``'s people, or everyone's), in two queries:
    only the columns the figures use (a planned exit needs the deregistration's two reasons)."""
    from iomhub.cohort.models import Registration

    start, end = quarter.start, quarter.end
    overlapping = _overlapping(team, start, end)
    rows = overlapping.order_by("started_on", "pk").values_list(
        "person_id", "started_on", "ended_on", "deregistration__pk", "deregistration__required_by", "deregistration__exceptional"
    )
    registrations = [
        RegistrationRow(p, s, e, ExitRow(required or [], exceptional) if dereg is not None else None)
        for p, s, e, dereg, required, exceptional in rows
    ]
    people = overlapping.values("person_id")
    intervals: dict[int, list[tuple[datetime.date, datetime.date | None]]] = defaultdict(list)
    for r in Registration.objects.filter(person_id__in=people).values_list("person_id", "started_on", "ended_on"):
        intervals[r[0]].append((r[1], r[2]))
    # On the caseload on the last day (rules.reporting.on_caseload): begun by it, not ended by it.
    at_end = overlapping.filter(Q(ended_on__isnull=True) | Q(ended_on__gt=end), started_on__lte=end)
    return _Quarter(
        start=start,
        end=end,
        registrations=registrations,
        person_ids=sorted({r.person_id for r in registrations}),
        people=people,
        managed_at_end=at_end.values("person_id"),
        intervals=intervals,
        at_start={r.person_id for r in registrations if on_caseload(started_on=r.started_on, ended_on=r.ended_on, day=start)},
        at_end={r.person_id for r in registrations if on_caseload(started_on=r.started_on, ended_on=r.ended_on, day=end)},
    )


def _caseload_table(q: _Quarter) -> Table:
    average = round(average_caseload([(r.started_on, r.ended_on) for r in q.registrations], start=q.start, end=q.end), 1)
    return Table(
        "caseload",
        "Caseload",
        (
            _figure("caseload-start", f"Managed on {q.start:%-d %B %Y}", q.at_start),
            _figure("caseload-end", f"Managed on {q.end:%-d %B %Y}", q.at_end),
            Figure("average-caseload", "Average caseload (people per day)", average, frozenset(), drillable=False),
            _figure("in-custody-end", f"In custody on {q.end:%-d %B %Y}", _in_custody(q.managed_at_end, q.end)),
        ),
    )


def _registrations_table(q: _Quarter) -> Table:
    started = [r for r in q.registrations if q.start <= r.started_on <= q.end]
    reregistered = [r.person_id for r in started if any(s < r.started_on for s, _ in q.intervals[r.person_id])]
    ended = [r for r in q.registrations if r.ended_on is not None and q.start <= r.ended_on <= q.end]
    return Table(
        "registrations",
        "Registrations and exits",
        (
            _count("registrations", "Registrations", [r.person_id for r in started]),
            _count("reregistrations", "of which re-registrations", reregistered),
            _count("exits", "Exits", [r.person_id for r in ended]),
            _count("exits-planned", "Planned exits", [r.person_id for r in ended if exit_planned(r)]),
            _count("exits-unplanned", "Unplanned exits", [r.person_id for r in ended if not exit_planned(r)]),
        ),
        unit="Registrations",
    )


def _enforcement_table(q: _Quarter, quarter: Quarter) -> Table:
    """Breach and fail-to-appear warrants, post-sentence supervision breaches and recalls dated in
    the quarter on a day the person was managed (002 §7)."""
    from iomhub.justice.models import PssBreach, Recall, Warrant

    kinds = [Warrant.Kind.BREACH, Warrant.Kind.FAIL_TO_APPEAR]
    issued = Warrant.objects.filter(person_id__in=q.people, issued_on__gte=q.start, issued_on__lte=q.end, kind__in=kinds)
    warrants = [(p, k) for p, k, d in issued.values_list("person_id", "kind", "issued_on") if q.managed_then(p, d)]
    heard = PssBreach.objects.filter(person_id__in=q.people, heard_on__gte=q.start, heard_on__lte=q.end)
    pss = [p for p, d in heard.values_list("person_id", "heard_on") if q.managed_then(p, d)]
    earliest, latest = day_bounds(q.start, q.end)
    recalled = Recall.objects.filter(person_id__in=q.people, recalled_at__gte=earliest, recalled_at__lt=latest)
    recalls = [
        (p, k)
        for p, k, at in recalled.values_list("person_id", "kind", "recalled_at")
        if timezone.localdate(at) in quarter and q.managed_then(p, timezone.localdate(at))
    ]
    return Table(
        "enforcement",
        "Enforcement: breaches by type and recalls (002 §7)",
        (
            _count("breach-warrants", "Breach of an order: warrants issued", [p for p, k in warrants if k == Warrant.Kind.BREACH]),
            _count("fail-to-appear", "Failed to appear: warrants issued", [p for p, k in warrants if k == Warrant.Kind.FAIL_TO_APPEAR]),
            _count("pss-breaches", "Breach of post-sentence supervision: court hearings", pss),
            _count("recalls-fixed-term", "Recalls: fixed-term", [p for p, k in recalls if k == Recall.Kind.FIXED_TERM]),
            _count("recalls-standard", "Recalls: standard", [p for p, k in recalls if k == Recall.Kind.STANDARD]),
        ),
        unit="Events",
    )


def _timeline_tables(q: _Quarter) -> tuple[Table, Table]:
    tests, appointments = _timeline_figures(q.people, q.start, q.end, q.managed_then)
    drugs = Table(
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
    )
    engagement = Table(
        "engagement",
        "Engagement: office appointments while managed",
        (
            _count("appointments-kept", "Office appointments attended", [p for p, o in appointments if o == "attended"]),
            _count("appointments-failed", "Office appointments failed", [p for p, o in appointments if o == "failed-to-attend"]),
        ),
        unit="Appointments",
    )
    return drugs, engagement


def _completeness_table(q: _Quarter) -> Table:
    """Parental status and safeguarding completeness of the people managed on the last day (000 §7.2)."""
    from iomhub.casework.models import CaseRecord

    at_end = q.at_end
    # (person, parental status, lives with children, safeguarding): CaseRecord.safeguarding_complete as values
    cases = {
        row[0]: row[1:]
        for row in CaseRecord.objects.filter(person_id__in=q.managed_at_end).values_list("person_id", *CaseRecord.SAFEGUARDING_FIELDS)
    }
    parental = [p for p in at_end if p in cases and cases[p][0]]
    safeguarding = [p for p in at_end if p in cases and all(cases[p])]

    def pct(part: int, whole: int) -> float:
        return round(100 * part / whole, 1) if whole else 0.0

    return Table(
        "completeness",
        f"Parental status and safeguarding completeness on {q.end:%-d %B %Y} (000 §7.2: must reach 100%)",
        (
            _figure("parental-complete", "Parental status recorded", parental),
            Figure("parental-percent", "Parental status recorded (%)", pct(len(parental), len(at_end)), drillable=False),
            _figure("safeguarding-complete", "Parental status, children at home and safeguarding all recorded", safeguarding),
            Figure("safeguarding-percent", "Safeguarding fields all recorded (%)", pct(len(safeguarding), len(at_end)), drillable=False),
            _figure("safeguarding-incomplete", "Safeguarding fields incomplete", at_end - set(safeguarding)),
        ),
    )


def _timeline_figures(
    person_ids: Sequence[int] | QuerySet[Any], start: datetime.date, end: datetime.date, managed_then: Any
) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """Drug tests (person, result) and office appointments (person, outcome) dated in the period on
    a day the person was managed: one query."""
    from iomhub.casework.models import EntryKind, TimelineEntry

    rows = TimelineEntry.objects.filter(
        person_id__in=_id_filter(person_ids), occurred_on__gte=start, occurred_on__lte=end, kind__in=[EntryKind.DRUG_TEST, EntryKind.OFFICE]
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


def _no_fixed_abode(person_ids: Iterable[int] | QuerySet[Any], day: datetime.date) -> set[int]:
    """Of ``person_ids`` (ids, or a subquery of them), those whose address on ``day`` is recorded as
    no fixed abode."""
    from iomhub.people.models import Address

    return set(
        Address.objects.filter(person_id__in=_id_filter(person_ids), no_fixed_abode=True)
        .filter(Q(from_date__isnull=True) | Q(from_date__lte=day), Q(to_date__isnull=True) | Q(to_date__gte=day))
        .values_list("person_id", flat=True)
    )
