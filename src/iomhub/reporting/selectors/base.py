"""What every report is made of: figures, tables and reports, the policy check and the audit of a
report read, the registrations and custody of a period, the exit rule and the drill-down to the
people behind a figure (ADR 0015)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from iomhub.access import audit
from iomhub.access.errors import deny
from iomhub.access.models import AuditAction, Team
from iomhub.access.policy import Action, decide, people_filter
from iomhub.rules.reporting import on_caseload

if TYPE_CHECKING:
    from iomhub.access.models import User
    from iomhub.cohort.models import Registration
    from iomhub.people.models import Person


RAG_ORDER = ("red-alert", "red", "amber", "green", "prison")
RAG_LABELS = {"red-alert": "Red Alert", "red": "Red", "amber": "Amber", "green": "Green", "prison": "Prison"}


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
    # False for a report read back from its stored figures (ADR 0042): counts only, so no drill-down
    with_people: bool = True

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


def _overlapping(team: Team | None, start: datetime.date, end: datetime.date) -> QuerySet[Registration]:
    """Registrations on the caseload at some day from ``start`` to ``end`` inclusive, or ending in
    that period, of ``team``'s people (or everyone's): not yet read, so it can be a subquery."""
    from iomhub.cohort.models import Registration

    queryset = Registration.objects.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=start), started_on__lte=end)
    return queryset if team is None else queryset.filter(person__managing_team=team)


def _registrations(team: Team | None, *, overlapping: tuple[datetime.date, datetime.date]) -> list[Registration]:
    """Registrations on the caseload at some day of the period, or ending in it (from its start to its
    end inclusive)."""
    return list(_overlapping(team, *overlapping).select_related("person__managing_team").order_by("started_on", "pk"))


def _id_filter(person_ids: Iterable[int] | QuerySet[Any]) -> Iterable[int] | QuerySet[Any]:
    """``person_ids`` for an ``__in`` filter: a subquery as it is (a national quarter's tens of
    thousands of ids as one statement, not as as many parameters), other ids sorted and unique."""
    return person_ids if isinstance(person_ids, QuerySet) else sorted(set(person_ids))


def _in_custody(person_ids: Iterable[int] | QuerySet[Any], day: datetime.date) -> set[int]:
    """Of ``person_ids`` (ids, or a subquery of them), those in custody (remand or sentenced) on
    ``day``: an episode begun on or before it and not ended by it."""
    from iomhub.justice.models import CustodyEpisode

    return set(
        CustodyEpisode.objects.filter(person_id__in=_id_filter(person_ids), started_on__lte=day)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=day))
        .values_list("person_id", flat=True)
    )


def _figure(key: str, label: str, ids: Iterable[int]) -> Figure:
    people = frozenset(ids)
    return Figure(key, label, len(people), people)


def _count(key: str, label: str, events: Sequence[int]) -> Figure:
    """A count of events (several may be one person's)."""
    return Figure(key, label, len(events), frozenset(events))


def _on_caseload_any(intervals: Sequence[tuple[datetime.date, datetime.date | None]], day: datetime.date) -> bool:
    return any(on_caseload(started_on=s, ended_on=e, day=day) for s, e in intervals)


@dataclass(frozen=True, slots=True)
class ExitRow:
    """The two facts of a deregistration the exit rule reads."""

    required_by: list[str]
    exceptional: bool


@dataclass(frozen=True, slots=True)
class RegistrationRow:
    """A registration as the quarterly report counts it: read as values, not as a model (tens of
    thousands at national scale)."""

    person_id: int
    started_on: datetime.date
    ended_on: datetime.date | None
    deregistration: ExitRow | None


def day_bounds(start: datetime.date, end: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """Aware datetimes a day either side of ``start`` to ``end`` in the current time zone: a filter
    that lets the database skip what cannot fall in the period (the exact local day is still
    checked after)."""
    earliest = timezone.make_aware(datetime.datetime.combine(start - datetime.timedelta(days=1), datetime.time.min))
    latest = timezone.make_aware(datetime.datetime.combine(end + datetime.timedelta(days=2), datetime.time.min))
    return earliest, latest


def exit_planned(registration: Registration | RegistrationRow) -> bool:
    """A planned exit: deregistered by the chair on the 002 §2 review, neither required by a rule (a
    long custodial sentence, MAPPA level 3) nor exceptional. Everything else (required, exceptional,
    transferred out, ended without a deregistration) is unplanned [inferred, ADR 0015]."""
    dereg = getattr(registration, "deregistration", None)
    return dereg is not None and not dereg.required_by and not dereg.exceptional


# ---- drill-down ------------------------------------------------------------------------------------


def drill_down(*, user: User, report: Report, key: str) -> list[Person]:
    """The people behind figure ``key`` whom ``user`` sees without breaking glass: the coordinator
    and chair only (``Action.REPORT_DRILL``); everyone shown is audited as listed."""
    from iomhub.people.models import Person

    _authorise(user, Action.REPORT_DRILL, f"{report.period} {key}")
    if not report.with_people:
        raise RuntimeError("drill_down needs a report counted with its people (quarterly(..., people=True))")
    figure = report.figure(key)
    if not figure.drillable:
        return []
    people = list(Person.objects.filter(people_filter(user), pk__in=sorted(figure.person_ids)).order_by("last_name", "first_name", "pk"))
    audit.record_shown(
        actor=user, person_ids=[p.pk for p in people], object_type="report", object_id=f"{report.period} {key}", changes={"figure": key}
    )
    return people
