"""Refusals that are always audited before they are raised."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NoReturn

from django.core.exceptions import PermissionDenied
from django.http import Http404

from iomhub.access import audit
from iomhub.access.models import AuditAction

if TYPE_CHECKING:
    from iomhub.access.models import User


def deny(
    *,
    user: User | None,
    action: str,
    reason: str,
    object_type: str = "",
    object_id: Any = "",
    person_id: int | None = None,
    not_found: bool = False,
) -> NoReturn:
    """Record the refusal, then raise 404 (when even existence must not leak) or 403."""
    audit.record(
        actor=user,
        action=AuditAction.DENIED,
        object_type=object_type,
        object_id=object_id,
        person_id=person_id,
        outcome="denied",
        reason=f"{action}: {reason}",
    )
    if not_found:
        raise Http404("Not found")
    raise PermissionDenied(reason)
