"""Writes that belong to access: break-glass, API tokens, sign-in events."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from iomhub.access import audit
from iomhub.access.errors import deny
from iomhub.access.models import ApiToken, AuditAction, BreakGlassAccess
from iomhub.access.policy import BREAK_GLASS_DURATION, Action, active_break_glass, decide

if TYPE_CHECKING:
    from iomhub.access.models import User


def break_glass_open(*, acting_user: User, person_id: int, reason: str) -> BreakGlassAccess:
    """A chair records why they must read a record they cannot normally see; lasts one hour,
    read-only. One at a time: a second while one is in force is refused (ADR 0012)."""
    from iomhub.people.models import Person

    reason = reason.strip()
    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        deny(
            user=acting_user,
            action=Action.PERSON_BREAK_GLASS,
            reason="no such person",
            object_type="person",
            object_id=person_id,
            not_found=True,
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


def api_token_issue(*, acting_user: User, name: str) -> tuple[ApiToken, str]:
    """Issue a token for the acting user; the secret is returned once and only its digest kept."""
    name = name.strip()
    if not name or len(name) > 100:
        raise ValidationError({"name": ["Enter a name for the token of up to 100 characters"]})
    secret = ApiToken.new_secret()
    with transaction.atomic():
        token = ApiToken.objects.create(user=acting_user, name=name, digest=ApiToken.digest_of(secret), prefix=secret[4:12])
        audit.record(
            actor=acting_user, action=AuditAction.TOKEN_ISSUED, object_type="api-token", object_id=token.pk, changes={"name": name}
        )
    return token, secret
