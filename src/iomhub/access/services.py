"""Writes that belong to access: break-glass, API tokens, sign-in events."""

from __future__ import annotations

import datetime
import unicodedata
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from iomhub.access import audit
from iomhub.access.errors import deny
from iomhub.access.models import ApiToken, AuditAction, TokenScope
from iomhub.access.policy import Action
from iomhub.access.refusals import get_or_deny

if TYPE_CHECKING:
    from iomhub.access.models import User


def api_token_issue(
    *,
    acting_user: User,
    name: str,
    second_factor_at: datetime.datetime | None,
    scope: str = TokenScope.READ,
) -> tuple[ApiToken, str]:
    """Issue a token for the acting user; the secret is returned once and only its digest kept.

    Only after a recent second factor (``IOMHUB_STEP_UP_SECONDS``, 15 minutes by default):
    ``second_factor_at`` is when the caller last passed it, ``None`` when it cannot say (a request
    made with a bearer token, which never counts as a second factor). ADR 0012."""
    now = timezone.now()
    recent = datetime.timedelta(seconds=settings.IOMHUB_STEP_UP_SECONDS)
    if second_factor_at is None or not (now - recent <= second_factor_at <= now + datetime.timedelta(seconds=5)):
        deny(
            user=acting_user,
            action=Action.TOKEN_MANAGE,
            reason="Creating an API token needs your security code from the last 15 minutes",
            object_type="api-token",
        )
    name = name.strip()
    errors: dict[str, list[str]] = {}
    if not name or len(name) > 100:
        errors["name"] = ["Enter a name for the token of up to 100 characters"]
    elif any(unicodedata.category(c) in ("Cc", "Cf") for c in name):
        errors["name"] = ["Name of the token contains a control or invisible character"]
    if scope not in TokenScope.values:
        errors["scope"] = ["Choose read only or read and write"]
    if errors:
        raise ValidationError(errors)
    secret = ApiToken.new_secret()
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=acting_user,
            name=name,
            digest=ApiToken.digest_of(secret),
            prefix=secret[4:12],
            scope=scope,
            created_at=now,
            expires_at=now + datetime.timedelta(days=settings.IOMHUB_TOKEN_DAYS),
        )
        audit.record(
            actor=acting_user,
            action=AuditAction.TOKEN_ISSUED,
            object_type="api-token",
            object_id=token.pk,
            changes={"name": name, "scope": scope, "expires_at": token.expires_at},
        )
    return token, secret


def api_token_revoke(*, acting_user: User, token_id: int) -> ApiToken:
    """Revoke one of the acting user's own tokens at once; another's token is not found (404)."""
    with transaction.atomic():
        token = get_or_deny(
            ApiToken.objects.select_for_update().filter(user=acting_user),
            token_id,
            user=acting_user,
            action=Action.TOKEN_MANAGE,
            reason="no such token of this user",
            object_type="api-token",
        )
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            audit.record(
                actor=acting_user,
                action=AuditAction.TOKEN_REVOKED,
                object_type="api-token",
                object_id=token.pk,
                changes={"name": token.name},
            )
    return token


def api_token_used(*, token: ApiToken) -> None:
    """Note a request made with ``token``: ``last_used_at`` every time, and an audit event the
    first time it is used each day (every API read of a person is audited on its own as well)."""
    now = timezone.now()
    first_today = token.last_used_at is None or timezone.localdate(token.last_used_at) != timezone.localdate(now)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    if first_today:
        audit.record(
            actor=token.user, action=AuditAction.TOKEN_USED, object_type="api-token", object_id=token.pk, changes={"scope": token.scope}
        )
    token.last_used_at = now
