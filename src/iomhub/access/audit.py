"""Writing the audit log. Every read, write, export, sign-in and denial passes through ``record``.

The actor is always passed explicitly; only the request's network details (IP address, user agent,
request id, route) come from the request context set by ``RequestContextMiddleware``.
"""

from __future__ import annotations

import contextvars
import datetime
import decimal
import json
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.utils import timezone

from iomhub.access.models import AuditAction, AuditEvent
from iomhub.bulk_insert import insert_values
from iomhub.crypto.changes import seal_changes

if TYPE_CHECKING:
    from collections.abc import Iterable

    from iomhub.access.models import User
    from iomhub.access.policy import Decision


@dataclass(frozen=True)
class RequestContext:
    ip_address: str | None = None
    user_agent: str = ""
    request_id: str = ""
    route: str = ""


_NO_REQUEST = RequestContext()
_context: contextvars.ContextVar[RequestContext] = contextvars.ContextVar("iomhub_request", default=_NO_REQUEST)


def set_request_context(ctx: RequestContext) -> contextvars.Token[RequestContext]:
    return _context.set(ctx)


def reset_request_context(token: contextvars.Token[RequestContext]) -> None:
    _context.reset(token)


def new_request_id() -> str:
    return str(uuid.uuid4())


# Values JSON holds as they are, which ``jsonable`` returns unchanged (these exact types: a ``str``
# subclass such as a ``TextChoices`` member takes the general path, which also returns it as it is).
_NATIVE = frozenset({str, int, float, bool, type(None)})


def jsonable(value: Any) -> Any:
    """``value`` as JSON can hold it: dates as ISO text, ids and decimals as text, tuples as lists,
    dictionary keys as text, recursively. A batch's events (``record_many``) are mostly plain dicts
    of text and numbers, so those are answered first, without the general path's tests for each
    value (issue 11); the result is the same either way."""
    kind = type(value)
    if kind in _NATIVE:
        return value
    if kind is dict:
        return {k if type(k) is str else str(k): v if type(v) in _NATIVE else jsonable(v) for k, v in value.items()}
    if kind is list:
        return [v if type(v) in _NATIVE else jsonable(v) for v in value]
    return _jsonable(value)


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime.date | datetime.datetime | uuid.UUID | decimal.Decimal):
        return str(value) if not isinstance(value, datetime.date) else value.isoformat()
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    return value


def _object_id(value: Any) -> str:
    """The object's id as the log keeps it: text, at most the column's 64 characters. An id from a
    URL or a file can be anything; it is cut, not refused, so the event is still written."""
    return "" if value in (None, "") else str(value)[:_OBJECT_ID_LENGTH]


_OBJECT_ID_LENGTH = AuditEvent._meta.get_field("object_id").max_length


def record(
    *,
    actor: User | None,
    action: AuditAction | str,
    object_type: str = "",
    object_id: Any = "",
    person_id: int | None = None,
    changes: dict[str, Any] | None = None,
    reason: str = "",
    outcome: str = "ok",
    username: str = "",
) -> AuditEvent:
    ctx = _context.get()
    actor_obj = actor if actor is not None and getattr(actor, "pk", None) else None
    return AuditEvent.objects.create(
        actor=actor_obj,
        actor_username=(actor_obj.get_username() if actor_obj else username)[:150],
        action=str(action),
        object_type=object_type,
        object_id=_object_id(object_id),
        person_id=person_id,
        changes=seal_changes(object_type, jsonable(changes or {})),  # ADR 0039
        reason=reason,
        outcome=outcome,
        ip_address=ctx.ip_address,
        user_agent=ctx.user_agent[:300],
        request_id=ctx.request_id,
        route=ctx.route[:200],
    )


_MANY_COLUMNS = (
    "actor_id",
    "actor_username",
    "ip_address",
    "user_agent",
    "request_id",
    "route",
    "action",
    "object_type",
    "object_id",
    "person_id",
    "changes",
    "reason",
    "outcome",
)


def record_many(*, actor: User | None, entries: Iterable[dict[str, Any]], username: str = "") -> None:
    """Many events by one actor in one bulk insert (a feed import's batch, issue 11): each entry
    takes ``record``'s keywords (action, object_type, object_id, person_id, changes, reason, outcome),
    and each person written still has an event of their own. The events are written as values, not
    a model instance each (ADR 0037 addendum "a batch's rows as values"): on PostgreSQL by one
    ``COPY`` of their own (``_copy_events``), elsewhere through ``iomhub.bulk_insert.insert_values``
    (the rows ``AuditEvent(...)`` instances would give); ``occurred_at`` each its own
    ``timezone.now()``."""
    ctx = _context.get()
    actor_obj = actor if actor is not None and getattr(actor, "pk", None) else None
    common = (
        actor_obj.pk if actor_obj is not None else None,
        (actor_obj.get_username() if actor_obj else username)[:150],
        ctx.ip_address,
        ctx.user_agent[:300],
        ctx.request_id,
        ctx.route[:200],
    )
    rows = [
        (
            str(e["action"]),
            e.get("object_type", ""),
            _object_id(e.get("object_id")),
            e.get("person_id"),
            seal_changes(e.get("object_type", ""), jsonable(e.get("changes") or {})),
            e.get("reason", ""),
            e.get("outcome", "ok"),
        )
        for e in entries
    ]
    if not rows:
        return
    if connection.vendor == "postgresql":
        _copy_events(common, rows)
        return
    insert_values(AuditEvent, _MANY_COLUMNS, [(*common, *row) for row in rows], batch_size=2000)


# ``_copy_events``: the columns every event of a call shares, then each event's own (``_MANY_COLUMNS``),
# with the types of value each of those writes as it is (the plain types of ``insert_values``).
_SHARED = _MANY_COLUMNS[:6]
_OWN = _MANY_COLUMNS[6:]
_CHANGES_AT = _OWN.index("changes")
_PLAIN_TYPES = {"person_id": (int, type(None)), "changes": (dict,)}  # any other: ``str`` (``changes``: dumped below)


def _copy_events(common: tuple[Any, ...], rows: list[tuple[Any, ...]]) -> None:
    """``record_many``'s events on PostgreSQL, by one ``COPY``: the rows ``insert_values`` writes (each
    field's ``get_db_prep_save`` for any value not of its plain type, as there; ``occurred_at`` its
    own ``timezone.now()`` a row; the id from the table's sequence, in the order given), but each
    event's ``changes`` sent as the JSON text psycopg sends for it (``json.dumps`` of the same value:
    Django's ``JSONField`` on PostgreSQL dumps with ``json.dumps``), not a ``Jsonb`` wrapper made by
    the field's preparation and dumped by psycopg a row (issue 11). The shared values (actor,
    request context) are prepared once a call."""
    fields = {f.attname: f for f in AuditEvent._meta.concrete_fields}
    shared = [_prep(fields[name], value) for name, value in zip(_SHARED, common, strict=True)]
    own = [(fields[name], _PLAIN_TYPES.get(name, (str,))) for name in _OWN]
    dumps = json.dumps
    now = timezone.now
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(fields[name].column) for name in ("occurred_at", *_SHARED, *_OWN))
    with connection.cursor() as cursor, connection.wrap_database_errors, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        write = copy.write_row
        for row in rows:
            values = [value if type(value) in plain else _prep(field, value) for (field, plain), value in zip(own, row, strict=True)]
            values[_CHANGES_AT] = dumps(row[_CHANGES_AT])
            write([now(), *shared, *values])


def _prep(field: Any, value: Any) -> Any:
    """``value`` as ``field`` saves it (``get_db_prep_save``)."""
    return field.get_db_prep_save(value, connection)


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Field-level before/after for the fields that changed."""
    return {k: {"before": jsonable(before.get(k)), "after": jsonable(after.get(k))} for k in after if before.get(k) != after.get(k)}


def record_read(
    *,
    actor: User,
    decision: Decision,
    object_type: str,
    object_id: Any = "",
    person_id: int | None,
    changes: dict[str, Any] | None = None,
) -> AuditEvent:
    """A read of a person's record that ``decision`` allowed: audited as a view, or, when the reader
    sees the person only by breaking glass, as a break-glass read carrying the chair's recorded
    reason (ADR 0003). Every selector that reads a person audits through here."""
    glass = bool(getattr(decision, "break_glass", False))
    return record(
        actor=actor,
        action=AuditAction.BREAK_GLASS if glass else AuditAction.VIEW,
        object_type=object_type,
        object_id=object_id,
        person_id=person_id,
        changes=changes,
        reason=decision.glass_reason if glass else "",
    )


def record_shown(
    *,
    actor: User,
    person_ids: Iterable[int],
    object_type: str,
    object_id: Any = "",
    changes: dict[str, Any] | None = None,
    action: AuditAction | str = AuditAction.SEARCH,
) -> None:
    """A list of people shown to ``actor`` (search results, a caseload, an agenda, the Red Alert
    list): the search itself, with what was asked and found, and one ``listed`` event against each
    person shown, so each person's viewers include everyone who saw them in a list (issue 9 §8).
    One insert, however many people: on PostgreSQL one statement whose rows differ only in four
    arrays (``_insert_listed``), elsewhere ``bulk_create``."""
    ctx = _context.get()
    actor_obj = actor if getattr(actor, "pk", None) else None
    common = {
        "actor": actor_obj,
        "actor_username": (actor_obj.get_username() if actor_obj else "")[:150],
        "ip_address": ctx.ip_address,
        "user_agent": ctx.user_agent[:300],
        "request_id": ctx.request_id,
        "route": ctx.route[:200],
    }
    summary_changes = jsonable(changes or {})
    summary_id = _object_id(object_id)
    purpose = {k: summary_changes[k] for k in ("purpose", "section", "as_of") if k in summary_changes}
    listed = list(dict.fromkeys(pid for pid in person_ids if pid is not None))  # once each, in the order given
    if connection.vendor == "postgresql":
        _insert_listed(common, str(action), object_type, summary_id, summary_changes, purpose, listed)
        return
    events = [AuditEvent(action=str(action), object_type=object_type, object_id=summary_id, changes=summary_changes, **common)]
    events += [
        AuditEvent(action=AuditAction.LISTED, object_type=object_type, object_id=str(pid), person_id=pid, changes=purpose, **common)
        for pid in listed
    ]
    AuditEvent.objects.bulk_create(events)


def _insert_listed(
    common: dict[str, Any],
    action: str,
    object_type: str,
    summary_id: str,
    summary: dict[str, Any],
    purpose: dict[str, Any],
    listed: list[int],
) -> None:
    """``record_shown``'s rows in one ``INSERT … SELECT`` (issue 15, ADR 0040 addendum): the values
    every row shares are parameters once, and the rows' own (action, object id, person, changes)
    four arrays, so a list of 200 people is not 200 model instances and 2,800 parameters (~9 ms
    of the team dashboard's CPU). The same columns and values as ``bulk_create`` would write, in
    the same order (the summary first, then each person as given)."""
    actor = common["actor"]
    actions = [action] + [str(AuditAction.LISTED)] * len(listed)
    ids = [summary_id] + [str(pid) for pid in listed]
    people: list[int | None] = [None, *listed]
    changes = [json.dumps(summary)] + [json.dumps(purpose)] * len(listed)
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (occurred_at, actor_id, actor_username, action, object_type, object_id, person_id, route, outcome,"  # noqa: S608 - the table's own name
            " changes, reason, ip_address, user_agent, request_id)"
            " SELECT %s, %s, %s, a.action, %s, a.object_id, a.person_id, %s, 'ok', a.changes::jsonb, '', %s::inet, %s, %s"
            " FROM unnest(%s::text[], %s::text[], %s::bigint[], %s::text[]) WITH ORDINALITY AS a(action, object_id, person_id, changes, n)"
            " ORDER BY a.n",
            [
                timezone.now(),
                actor.pk if actor is not None else None,
                common["actor_username"],
                object_type,
                common["route"],
                common["ip_address"],
                common["user_agent"],
                common["request_id"],
                actions,
                ids,
                people,
                changes,
            ],
        )
