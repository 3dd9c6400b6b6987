"""Retention (issue 13 §3, ADR 0021): which records have outlived their rule, and removing them.

Each :class:`RetentionRule` (data the information governance lead edits through
``operations.retention_rules``) covers one kind of record; :func:`plan` lists every record past its
rule on a day (the dry run), and :func:`apply` removes exactly what the plan lists, in one
transaction, leaving a :class:`RetentionStub` per record removed (kind, model, id, rule, period,
when, and how many rows went with it: no personal data).

When a record's clock starts, per kind (the periods are the rules'; defaults in
``iomhub.rules.retention``):

- **candidate** (never registered on IOM): the latest of the person record's last change, their
  latest arrest and the latest referral made about them. Removing the person removes every row about
  them (``operations.graph``: found by model metadata, like the merge).
- **closed-case**: the latest of those and the end of their last registration; none may be open.
- **intelligence**: the intelligence note's date (the note alone is removed).
- **audit**: the event's time (the event alone is removed; the append-only triggers are lifted for
  that statement only, inside the transaction, ADR 0021).

Never removed, whatever the rules say: people under a restriction (MAPPA, counter-terrorism: the
responsible authority's rules apply), a duplicate merged into another record (it goes with the record
kept), and anything about a person with an open subject access request (deleting what has been asked
for is an offence under DPA 2018 s.173).
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import Exists, OuterRef, ProtectedError, Subquery
from django.utils import timezone

from iomhub import clock
from iomhub.access import audit, audit_triggers
from iomhub.access.models import AuditAction, AuditEvent
from iomhub.casework.models import EntryKind, TimelineEntry
from iomhub.cohort.models import Registration
from iomhub.justice.models import Arrest
from iomhub.operations import db_roles
from iomhub.operations.graph import CHUNK, PersonRows, rows_about
from iomhub.operations.models import RecordType, RetentionRule, RetentionStub, SubjectAccessRequest
from iomhub.people.models import Person
from iomhub.referrals.models import Referral
from iomhub.rules.retention import cutoff

SYSTEM_USERNAME = "system-retention"
PERSON_TYPES = (RecordType.CANDIDATE, RecordType.CLOSED_CASE)


@dataclass(frozen=True)
class Due:
    """One record past its rule."""

    record_type: str
    model: str  # app_label.model
    object_id: str
    started: datetime.date  # the day its clock started


@dataclass
class RulePlan:
    rule: RetentionRule
    cutoff: datetime.date
    due: list[Due] = field(default_factory=list)


def _local_date(value: datetime.datetime | datetime.date | None) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return timezone.localdate(value)
    return value


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _held_people() -> set[int]:
    return set(SubjectAccessRequest.objects.filter(status__in=["received", "in-review"]).values_list("person_id", flat=True))


def _people_past(record_type: str, limit: datetime.date) -> list[Due]:
    """People of one kind whose latest activity is before ``limit``."""
    registered = Exists(Registration.objects.filter(person=OuterRef("pk")))
    open_registration = Exists(Registration.objects.filter(person=OuterRef("pk"), ended_on__isnull=True))
    people = Person.objects.filter(restriction="", merged_into__isnull=True).exclude(pk__in=_held_people())
    if record_type == RecordType.CANDIDATE:
        people = people.filter(~registered)
    else:
        people = people.filter(registered, ~open_registration)
    people = people.filter(updated_at__lt=_day_start(limit)).annotate(
        last_arrest=Subquery(Arrest.objects.filter(person=OuterRef("pk")).order_by("-arrested_on").values("arrested_on")[:1]),
        last_referral=Subquery(Referral.objects.filter(person=OuterRef("pk")).order_by("-created_at").values("created_at")[:1]),
        last_end=Subquery(Registration.objects.filter(person=OuterRef("pk")).order_by("-ended_on").values("ended_on")[:1]),
    )
    due = []
    for pk, updated, arrest, referral, ended in people.order_by("pk").values_list(
        "pk", "updated_at", "last_arrest", "last_referral", "last_end"
    ):
        dates = [d for d in (_local_date(updated), arrest, _local_date(referral), ended) if d is not None]
        started = max(dates)
        if started < limit:
            due.append(Due(record_type, "people.person", str(pk), started))
    return due


def _intelligence_past(limit: datetime.date, excluded_people: set[int]) -> list[Due]:
    notes = (
        TimelineEntry.objects.filter(kind=EntryKind.INTELLIGENCE, occurred_on__lt=limit)
        .exclude(person_id__in=excluded_people)
        .order_by("pk")
    )
    return [Due(RecordType.INTELLIGENCE, "casework.timelineentry", str(pk), day) for pk, day in notes.values_list("pk", "occurred_on")]


def _audit_past(limit: datetime.date, held: set[int]) -> list[Due]:
    events = AuditEvent.objects.filter(occurred_at__lt=_day_start(limit)).exclude(person_id__in=held).order_by("pk")
    return [
        Due(RecordType.AUDIT, "access.auditevent", str(pk), timezone.localdate(at)) for pk, at in events.values_list("pk", "occurred_at")
    ]


def plan(today: datetime.date | None = None) -> list[RulePlan]:
    """Every record past its rule on ``today`` (default: the service's today), rule by rule. A
    disabled rule lists nothing. Intelligence notes of people removed whole are listed with them."""
    today = today or clock.today()
    rules = {rule.record_type: rule for rule in RetentionRule.objects.all()}
    plans: list[RulePlan] = []
    removed_people: set[int] = set()
    held = _held_people()
    for record_type in (RecordType.CANDIDATE, RecordType.CLOSED_CASE, RecordType.INTELLIGENCE, RecordType.AUDIT):
        rule = rules.get(record_type)
        if rule is None:
            continue
        limit = cutoff(today, rule.period_months)
        result = RulePlan(rule, limit)
        plans.append(result)
        if not rule.enabled:
            continue
        if record_type in PERSON_TYPES:
            result.due = _people_past(record_type, limit)
            removed_people.update(int(d.object_id) for d in result.due)
        elif record_type == RecordType.INTELLIGENCE:
            result.due = _intelligence_past(limit, removed_people | held)
        else:
            result.due = _audit_past(limit, held)
    return plans


def _delete(rows: PersonRows) -> None:
    """Delete every row found, children before parents: a pass that meets a protected row leaves
    that model for the next pass, once its protectors are gone."""
    pending = list(reversed(list(rows.rows.items())))
    while pending:
        stuck = []
        for model, pks in pending:
            try:
                for start in range(0, len(pks), CHUNK):
                    model._base_manager.filter(pk__in=pks[start : start + CHUNK]).delete()
            except ProtectedError:
                stuck.append((model, pks))
        if len(stuck) == len(pending):
            raise RuntimeError(
                f"Retention cannot remove {', '.join(m._meta.label for m, _ in stuck)}: protected by rows outside the person's"
            )
        pending = stuck


def _delete_audit(ids: list[int]) -> None:
    if connection.vendor == "postgresql" and not db_roles.owns_audit(connection):
        # The application's own role cannot lift the triggers: the owner's function does it, for
        # events past the database's floor only (iomhub.operations.db_roles).
        with connection.cursor() as cursor:
            for start in range(0, len(ids), CHUNK):
                cursor.execute(f"SELECT {db_roles.EXPIRE_FUNCTION}(%s::bigint[])", [ids[start : start + CHUNK]])
        return
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    with audit_triggers.suspended(connection), connection.cursor() as cursor:
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            cursor.execute(f"DELETE FROM {table} WHERE id IN ({', '.join(['%s'] * len(chunk))})", chunk)  # noqa: S608 - our table name


@dataclass
class RunResult:
    run: str
    plans: list[RulePlan]
    stubs: int = 0

    def counts(self) -> dict[str, int]:
        return {p.rule.record_type: len(p.due) for p in self.plans}


def _stub(rule: RetentionRule, due: Due, run: str, now: datetime.datetime, rows: dict[str, int]) -> RetentionStub:
    return RetentionStub(
        record_type=due.record_type,
        model=due.model,
        object_id=due.object_id,
        rule=rule,
        period_months=rule.period_months,
        removed_at=now,
        run=run,
        rows_removed=rows,
    )


def apply(*, today: datetime.date | None = None, username: str = SYSTEM_USERNAME, actor: Any = None) -> RunResult:
    """Remove exactly what :func:`plan` lists, in one transaction, with a stub for each record."""
    run = str(uuid.uuid4())
    now = clock.now()
    with transaction.atomic():
        plans = plan(today)
        stubs: list[RetentionStub] = []
        for rule_plan in plans:
            rule = rule_plan.rule
            if rule.record_type in PERSON_TYPES:
                for due in rule_plan.due:
                    rows = rows_about([int(due.object_id)])
                    _delete(rows)
                    stubs.append(_stub(rule, due, run, now, rows.counts()))
            elif rule.record_type == RecordType.INTELLIGENCE:
                ids = [int(d.object_id) for d in rule_plan.due]
                for start in range(0, len(ids), CHUNK):
                    TimelineEntry.objects.filter(pk__in=ids[start : start + CHUNK]).delete()
                stubs.extend(_stub(rule, d, run, now, {d.model: 1}) for d in rule_plan.due)
            elif rule_plan.due:
                _delete_audit([int(d.object_id) for d in rule_plan.due])
                stubs.extend(_stub(rule, d, run, now, {d.model: 1}) for d in rule_plan.due)
        RetentionStub.objects.bulk_create(stubs, batch_size=CHUNK)
        result = RunResult(run, plans, len(stubs))
        audit.record(
            actor=actor,
            username=username,
            action=AuditAction.CHANGE,
            object_type="retention-run",
            object_id=run,
            changes={"operation": "retention applied", "removed": result.counts(), "today": today or clock.today()},
        )
    return result


def dry_run(*, today: datetime.date | None = None, username: str = SYSTEM_USERNAME, actor: Any = None) -> list[RulePlan]:
    """What :func:`apply` would remove today, audited as a search (it names no one)."""
    plans = plan(today)
    audit.record(
        actor=actor,
        username=username,
        action=AuditAction.SEARCH,
        object_type="retention-run",
        changes={"operation": "retention dry run", "due": {p.rule.record_type: len(p.due) for p in plans}},
    )
    return plans
