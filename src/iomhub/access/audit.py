"""Writing the audit log. Every read, write, export, sign-in and denial passes through ``record``.

The actor is always passed explicitly; only the request's network details (IP address, user agent,
request id, route) come from the request context set by ``RequestContextMiddleware``.
"""

from __future__ import annotations

import contextvars
import datetime
import decimal
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from iomhub.access.models import AuditAction, AuditEvent

if TYPE_CHECKING:
    from iomhub.access.models import User


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


def jsonable(value: Any) -> Any:
    if isinstance(value, datetime.date | datetime.datetime | uuid.UUID | decimal.Decimal):
        return str(value) if not isinstance(value, datetime.date) else value.isoformat()
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    return value


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
        object_id=str(object_id) if object_id not in (None, "") else "",
        person_id=person_id,
        changes=jsonable(changes or {}),
        reason=reason,
        outcome=outcome,
        ip_address=ctx.ip_address,
        user_agent=ctx.user_agent[:300],
        request_id=ctx.request_id,
        route=ctx.route[:200],
    )


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Field-level before/after for the fields that changed."""
    return {k: {"before": jsonable(before.get(k)), "after": jsonable(after.get(k))} for k in after if before.get(k) != after.get(k)}
