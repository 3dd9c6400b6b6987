"""The API's gate: the same coarse route check as the pages' middleware, audited when it refuses;
a read-only token is refused on every method that could change something."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from iomhub.access.errors import deny
from iomhub.access.middleware import needs_second_factor
from iomhub.access.models import ApiToken
from iomhub.access.policy import may_attempt
from iomhub.access.routes import rule_of


class PolicyGate(BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if request.auth is None and needs_second_factor(request._request):
            return False  # a session signed in with only a password
        rule = rule_of(view)
        if rule is None:
            return False
        if isinstance(request.auth, ApiToken) and request.auth.read_only and request.method not in SAFE_METHODS:
            deny(
                user=user,
                action=rule.action or "api",
                reason="This API token is read-only: it may only read (GET, HEAD, OPTIONS)",
                object_type="api-token",
                object_id=request.auth.pk,
            )
        if rule.action is not None and not may_attempt(user, rule.action):
            deny(user=user, action=rule.action, reason="role may not use this endpoint")
        return True
