"""Request context for the audit log, the sign-in gate every page passes (default deny), and
``no-store`` on every response the application makes."""

from __future__ import annotations

import datetime
import ipaddress
import re
import uuid
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden, JsonResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

from iomhub.access import audit
from iomhub.access.errors import deny
from iomhub.access.policy import may_attempt
from iomhub.access.routes import rule_of

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _trusted_networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def _ip(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """The client's address. ``X-Forwarded-For`` is believed only when the connection comes from a
    configured proxy (``IOMHUB_TRUSTED_PROXIES``), and then read from the right: the first hop
    that is not itself a trusted proxy is the client; anything left of it the client wrote."""
    remote = request.META.get("REMOTE_ADDR") or None
    networks = _trusted_networks(tuple(settings.IOMHUB_TRUSTED_PROXIES))
    address = _ip(remote) if remote else None
    if address is None or not any(address in n for n in networks):
        return remote
    client = str(address)
    for hop in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        hop_address = _ip(hop)
        if hop_address is None:
            break  # garbage: stop at the last address a trusted proxy vouched for
        client = str(hop_address)
        if not any(hop_address in n for n in networks):
            break
    return client


_SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{7,35}")


def request_id_from(supplied: str) -> str:
    """The caller's ``X-Request-ID`` if it is a UUID or a short token of letters, digits, dot,
    dash and underscore (8 to 36 characters); otherwise a fresh UUID."""
    supplied = supplied.strip()
    try:
        return str(uuid.UUID(supplied)) if len(supplied) in (32, 36) else _fresh_or(supplied)
    except ValueError:
        return _fresh_or(supplied)


def _fresh_or(supplied: str) -> str:
    return supplied if _SAFE_REQUEST_ID.fullmatch(supplied) else audit.new_request_id()


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_from(request.headers.get("X-Request-ID", ""))
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


class NoStoreMiddleware:
    """Nothing the application answers is kept by a browser or a shared cache: person pages,
    exports and a new token's secret among them (issue 9 §8). Static files are served before this
    by WhiteNoise, with their own long cache."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        add_never_cache_headers(response)
        return response


# The largest identifier the database holds (a signed 64-bit key); a larger one in a URL is a 404.
MAX_ID = 2**63 - 1


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
        if any(isinstance(v, int) and not 0 <= v <= MAX_ID for v in kwargs.values()):
            # An identifier no record can have (<int:...> in a URL takes any number of digits).
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": "Not found."}, status=404)
            raise Http404("Not found")
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


def second_factor_exempt(user: Any) -> bool:
    """Demo mode (never production) lets the demo loader's synthetic accounts, and only them, in
    without a second factor."""
    return bool(settings.DEMO_MODE and getattr(user, "demo_account", False))


def needs_second_factor(request: HttpRequest) -> bool:
    if second_factor_exempt(request.user):
        return False
    is_verified = getattr(request.user, "is_verified", None)
    return not (is_verified and is_verified())


SECOND_FACTOR_AT = "iomhub_second_factor_at"


def second_factor_passed(request: HttpRequest) -> None:
    """Remember when this session last passed the second factor (for steps that need it recently)."""
    request.session[SECOND_FACTOR_AT] = timezone.now().timestamp()


def second_factor_at(request: HttpRequest, *, bearer: bool = False) -> datetime.datetime | None:
    """When this request's session last passed the second factor; ``None`` for a request made with
    a bearer token (a token is never a second factor) or a session that has not passed it."""
    if bearer:
        return None
    if second_factor_exempt(request.user):
        return timezone.now()
    stamp = request.session.get(SECOND_FACTOR_AT) if hasattr(request, "session") else None
    if not isinstance(stamp, int | float) or needs_second_factor(request):
        return None
    return datetime.datetime.fromtimestamp(stamp, tz=datetime.UTC)


def has_confirmed_device(user: Any) -> bool:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return bool(getattr(user, "pk", None)) and TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).exists()


def second_factor_page(request: HttpRequest) -> str:
    """Where a signed-in user who has not passed the second factor must go: to enter a code, or to
    set up an authenticator app if they have none yet."""
    return "access:two-factor" if has_confirmed_device(request.user) else "access:two-factor-setup"
