"""API authentication by per-user bearer token: refused once expired or revoked (401), its use
recorded (ADR 0012). A read-only token's limits are applied by ``PolicyGate``."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request

from iomhub.access.backends import WITH_USER
from iomhub.access.models import ApiToken
from iomhub.access.services import api_token_used


class ApiTokenAuthentication(BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[Any, ApiToken] | None:
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Send the header as 'Authorization: Bearer <token>'")
        try:
            secret = header[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed("Invalid token") from None
        token = (
            ApiToken.objects.select_related("user", *(f"user__{name}" for name in WITH_USER))
            .filter(digest=ApiToken.digest_of(secret))
            .first()
        )
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed("Invalid token")
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed("This token has been revoked")
        if token.expires_at <= timezone.now():
            raise exceptions.AuthenticationFailed("This token has expired: create a new one on your account page")
        api_token_used(token=token)
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


class ApiTokenScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "iomhub.access.api_auth.ApiTokenAuthentication"
    name = "ApiToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "http", "scheme": "bearer"}
