"""Request context for the audit log, and the sign-in gate every page passes (default deny)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect

from iomhub.access import audit
from iomhub.access.errors import deny
from iomhub.access.policy import may_attempt
from iomhub.access.routes import rule_of


def client_ip(request: HttpRequest) -> str | None:
    if getattr(settings, "IOMHUB_TRUST_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip() or None
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        supplied = request.headers.get("X-Request-ID", "")
        request_id = supplied[:36] if supplied.replace("-", "").isalnum() else audit.new_request_id()
        token = audit.set_request_context(
            audit.RequestContext(
                ip_address=client_ip(request),
                user_agent=request.headers.get("User-Agent", ""),
                request_id=request_id,
                route=request.path,
            )
        )
        try:
            response = self.get_response(request)
        finally:
            audit.reset_request_context(token)
        response["X-Request-ID"] = request_id
        return response


class SignInRequiredMiddleware:
    """Refuse undeclared routes; send anyone not signed in (and second-factor verified) to sign in."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func: Callable[..., Any], args: Any, kwargs: Any) -> HttpResponse | None:
        rule = rule_of(view_func)
        if rule is None:
            return HttpResponseForbidden("This route has not declared its access policy.")
        if rule.public or rule.api:
            return None
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if needs_second_factor(request):
            return redirect(second_factor_page(request))
        if rule.action is not None and not may_attempt(user, rule.action):
            deny(user=user, action=rule.action, reason="role may not use this page")
        return None


def needs_second_factor(request: HttpRequest) -> bool:
    if settings.DEMO_MODE:
        return False
    is_verified = getattr(request.user, "is_verified", None)
    return not (is_verified and is_verified())


def has_confirmed_device(user: Any) -> bool:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return bool(getattr(user, "pk", None)) and TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).exists()


def second_factor_page(request: HttpRequest) -> str:
    """Where a signed-in user who has not passed the second factor must go: to enter a code, or to
    set up an authenticator app if they have none yet."""
    return "access:two-factor" if has_confirmed_device(request.user) else "access:two-factor-setup"
