"""Break-glass: a chair reads a record they cannot normally see, for a recorded reason (ADR 0013).

The access policy decides and ``access.models.BreakGlassAccess`` holds the grant; the write is here,
beside the person it opens, because it reads the person (the policy names no app above it, ADR 0032).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from iomhub.access import audit
from iomhub.access.errors import deny
from iomhub.access.models import AuditAction, BreakGlassAccess
from iomhub.access.policy import BREAK_GLASS_DURATION, Action, active_break_glass, decide
from iomhub.access.refusals import get_or_deny
from iomhub.people.models import Person

if TYPE_CHECKING:
    from iomhub.access.models import User


def break_glass_open(*, acting_user: User, person_id: int, reason: str) -> BreakGlassAccess:
    """A chair records why they must read a record they cannot normally see; lasts one hour,
    read-only. One at a time: a second while one is in force is refused (ADR 0013)."""
    reason = reason.strip()
    person = get_or_deny(
        Person.objects.all(), person_id, user=acting_user, action=Action.PERSON_BREAK_GLASS, reason="no such person", object_type="person"
    )
    if len(reason) < 20:
        raise ValidationError({"reason": ["Give a reason of at least 20 characters"]})
    decision = decide(acting_user, Action.PERSON_BREAK_GLASS, person)
    if not decision:
        deny(
            user=acting_user,
            action=Action.PERSON_BREAK_GLASS,
            reason=decision.reason,
            object_type="person",
            object_id=person.pk,
            person_id=person.pk,
            not_found=True,
        )
    with transaction.atomic():
        Person.objects.select_for_update().filter(pk=person.pk).first()  # two requests at once: one waits, then sees the other's
        current = active_break_glass(acting_user, person)
        if current is not None:
            raise ValidationError(
                {
                    "reason": [
                        f"You already have break-glass access to this record until {timezone.localtime(current.expires_at):%H:%M}: "
                        "use it, or wait until it ends to give a new reason"
                    ]
                }
            )
        access = BreakGlassAccess.objects.create(
            user=acting_user, person=person, reason=reason, expires_at=timezone.now() + BREAK_GLASS_DURATION
        )
        audit.record(
            actor=acting_user,
            action=AuditAction.BREAK_GLASS,
            object_type="person",
            object_id=person.pk,
            person_id=person.pk,
            reason=reason,
            outcome="granted",
            changes={"expires_at": access.expires_at},
        )
    return access
