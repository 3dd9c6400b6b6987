"""Reads of access data that authorise: the audit log, users, organisations."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils import timezone

from iomhub.access import audit
from iomhub.access.errors import deny
from iomhub.access.models import AuditAction, AuditEvent, Organisation, User
from iomhub.access.policy import Action, can
from iomhub.crypto.changes import open_changes

if TYPE_CHECKING:
    from iomhub.access.projection import Lens


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def audit_events_for(
    *,
    user: User,
    person_id: int | None = None,
    username: str = "",
    action: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet[AuditEvent]:
    if not can(user, Action.AUDIT_VIEW):
        deny(user=user, action=Action.AUDIT_VIEW, reason="information governance only")
    qs = AuditEvent.objects.all()
    if person_id:
        qs = qs.filter(person_id=person_id)
    if username:
        qs = qs.filter(actor_username__iexact=username.strip())
    if action:
        qs = qs.filter(action=action)
    if date_from:
        qs = qs.filter(occurred_at__gte=_day_start(date_from))
    if date_to:
        qs = qs.filter(occurred_at__lt=_day_start(date_to + datetime.timedelta(days=1)))
    criteria: dict[str, Any] = {"person": person_id, "username": username, "action": action, "from": date_from, "to": date_to}
    audit.record(actor=user, action=AuditAction.SEARCH, object_type="audit", changes={k: v for k, v in criteria.items() if v})
    return qs


def person_viewers_export(*, user: User, person_id: int) -> list[dict[str, Any]]:
    """Everyone who has read a person's record, for subject access and IG review."""
    if not can(user, Action.AUDIT_EXPORT):
        deny(user=user, action=Action.AUDIT_EXPORT, reason="information governance only", person_id=person_id)
    from iomhub.access.projection import NOTHING, audit_reason

    events = AuditEvent.objects.filter(
        person_id=person_id, action__in=[AuditAction.VIEW, AuditAction.BREAK_GLASS, AuditAction.EXPORT, AuditAction.LISTED]
    ).order_by("occurred_at", "id")
    lens, hidden_people = _readers(user, {person_id})
    reader = NOTHING if person_id in hidden_people else lens
    result: list[dict[str, Any]] = []
    for event in events:
        changes = open_changes(event.changes) if isinstance(event.changes, dict) else {}  # ADR 0039
        # The reason as the audit page shows it (audit_rows): a read's reason may quote the record.
        reason = audit_reason(reader, action=event.action, object_type=event.object_type, changes=changes, reason=event.reason)
        row = {"occurred_at": event.occurred_at, "actor_username": event.actor_username, "action": event.action}
        result.append({**row, "reason": reason, "ip_address": event.ip_address, "route": event.route})
    audit.record(
        actor=user,
        action=AuditAction.EXPORT,
        object_type="audit-viewers",
        object_id=person_id,
        person_id=person_id,
        changes={"rows": len(result)},
    )
    return result


def users_visible_to(user: User) -> QuerySet[User]:
    if not can(user, Action.USER_VIEW):
        deny(user=user, action=Action.USER_VIEW, reason="role may not list users")
    return User.objects.select_related("organisation", "team").prefetch_related("role_assignments").order_by("last_name", "username")


def organisations_visible_to(user: User) -> QuerySet[Organisation]:
    if not can(user, Action.ORGANISATION_VIEW):
        deny(user=user, action=Action.ORGANISATION_VIEW, reason="no role")
    return Organisation.objects.all()


def _readers(user: User, person_ids: set[int]) -> tuple[Lens, set[int]]:
    """The reader's lens on the audit log (their sections) and which of ``person_ids`` are
    restricted people they are not named on (nothing of those is read)."""
    from iomhub.access.models import PersonAccessGrant
    from iomhub.access.projection import lens_of
    from iomhub.access.subjects import restricted_among

    restricted = restricted_among(person_ids)
    granted = set(PersonAccessGrant.objects.filter(user=user, person_id__in=restricted).values_list("person_id", flat=True))
    return lens_of(user), restricted - granted


def audit_rows(*, user: User, events: Iterable[AuditEvent]) -> list[AuditEvent]:
    """The events of one page of the audit log with ``shown_changes``: the before/after values the
    reader may see, projected like the record itself (issue 9 finding 5): a field's values only
    where its section is shared with the reader (a restriction's only with its reason's section);
    which record an event is about only with that record's section (``record_shown``); nothing at
    all about a restricted person the reader is not named on. Withheld details are one line, not
    named field by field (a field's name says what changed). Metadata (purpose, ids listed) is
    shown as it is."""
    from iomhub.access.projection import NOTHING, WITHHELD, audit_changes, audit_reason, audit_record_shown

    rows = list(events)
    lens, hidden_people = _readers(user, {e.person_id for e in rows if e.person_id is not None})
    for event in rows:
        hidden = event.person_id in hidden_people
        event.restricted = hidden  # type: ignore[attr-defined]
        changes = open_changes(event.changes) if isinstance(event.changes, dict) else {}  # ADR 0039
        reader = NOTHING if hidden else lens
        record_shown = audit_record_shown(reader, action=event.action, object_type=event.object_type, changes=changes)
        shown = audit_changes(reader, object_type=event.object_type, changes=changes) if record_shown else {}
        event.record_shown = record_shown  # type: ignore[attr-defined]
        event.shown_reason = audit_reason(reader, action=event.action, object_type=event.object_type, changes=changes, reason=event.reason)  # type: ignore[attr-defined]
        lines = [(key, _change_text(value)) for key, value in shown.items() if value is not WITHHELD]
        if len(lines) < len(changes):
            lines.append(("Other details", WITHHELD))
        event.shown_changes = lines  # type: ignore[attr-defined]
    return rows


def _change_text(value: Any) -> str:
    if isinstance(value, dict) and set(value) == {"before", "after"}:
        return f"{_or_empty(value['before'])} → {_or_empty(value['after'])}"
    return str(value)


def _or_empty(value: Any) -> str:
    return "(empty)" if value in (None, "", []) else str(value)
