"""Sign-in (password, then TOTP), sign-out, the audit log for information governance, users,
organisations and API tokens."""

from __future__ import annotations

import base64
import csv
from typing import Any
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from axes.helpers import get_client_username
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from iomhub.access import audit, selectors, services
from iomhub.access.forms import ApiTokenForm, AuditSearchForm, OtpForm, SignInForm
from iomhub.access.middleware import has_confirmed_device, needs_second_factor
from iomhub.access.models import AuditAction
from iomhub.access.policy import Action
from iomhub.access.routes import guarded, public
from iomhub.web.http import AuthedRequest


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return candidate
    return "/"


@public
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        user = authenticate(request, username=username, password=form.cleaned_data["password"])
        if user is None:
            audit.record(actor=None, username=username, action=AuditAction.SIGN_IN_FAILED, object_type="user", outcome="failed")
            form.add_error(
                None, "Enter a correct username and password. After several failed attempts your account is locked for 30 minutes."
            )
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            audit.record(actor=user, action=AuditAction.SIGN_IN, object_type="user", object_id=user.pk)
            if settings.DEMO_MODE:
                return redirect(_next_url(request))
            has_device = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
            target = "access:two-factor" if has_device else "access:two-factor-setup"
            return redirect(f"{redirect(target).url}?{urlencode({'next': _next_url(request)})}")
    return render(request, "access/sign_in.html", {"form": form, "next": _next_url(request)})


def locked_out(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """Shown by django-axes once an account has had too many failed sign-ins.

    django-axes calls this as ``(request, original_response, credentials)`` (older versions
    ``(request, credentials)``), so the credentials are whichever argument is a dict."""
    credentials = next((a for a in (*args, kwargs.get("credentials")) if isinstance(a, dict)), None)
    username = get_client_username(request, credentials) or ""
    audit.record(actor=None, username=str(username), action=AuditAction.LOCKED_OUT, object_type="user", outcome="locked")
    return render(request, "access/locked_out.html", status=429)


@public
@require_http_methods(["GET", "POST"])
def two_factor(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("access:sign-in")
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = next(
            (d for d in TOTPDevice.objects.filter(user=request.user, confirmed=True) if d.verify_token(form.cleaned_data["token"])), None
        )
        if device is None:
            audit.record(
                actor=request.user, action=AuditAction.SIGN_IN_FAILED, object_type="user", object_id=request.user.pk, outcome="bad-otp"
            )
            form.add_error("token", "The security code is not correct or has expired")
        else:
            otp_login(request, device)
            return redirect(_next_url(request))
    return render(request, "access/two_factor.html", {"form": form, "next": _next_url(request)})


@public
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("access:sign-in")
    if has_confirmed_device(request.user) and needs_second_factor(request):
        # Enrolling another device needs the second factor already: else the password alone would do.
        return redirect(f"{redirect('access:two-factor').url}?{urlencode({'next': _next_url(request)})}")
    device, _ = TOTPDevice.objects.get_or_create(user=request.user, confirmed=False, defaults={"name": "Authenticator app"})
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            messages.success(request, "Two-step verification is set up")
            return redirect(_next_url(request))
        form.add_error("token", "The security code is not correct or has expired")
    svg = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage).to_string(encoding="unicode")
    secret = base64.b32encode(device.bin_key).decode()
    return render(request, "access/two_factor_setup.html", {"form": form, "qr_svg": svg, "secret": secret, "next": _next_url(request)})


@public
@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        audit.record(actor=request.user, action=AuditAction.SIGN_OUT, object_type="user", object_id=request.user.pk)
    logout(request)
    messages.success(request, "You have signed out")
    return redirect("access:sign-in")


@guarded(Action.AUDIT_VIEW, personal_data=True)
@require_http_methods(["GET"])
def audit_log(request: AuthedRequest) -> HttpResponse:
    form = AuditSearchForm(request.GET or None)
    filters: dict[str, Any] = {}
    if form.is_bound and form.is_valid():
        filters = {
            "person_id": form.cleaned_data["person"],
            "username": form.cleaned_data["username"],
            "action": form.cleaned_data["action"],
            "date_from": form.cleaned_data["date_from"],
            "date_to": form.cleaned_data["date_to"],
        }
    events = selectors.audit_events_for(user=request.user, **filters)
    if form.is_bound and not form.is_valid():
        events = events.none()  # never show the unfiltered log under a filter the user got wrong
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "access/audit_log.html",
        {"form": form, "page": page, "person_id": filters.get("person_id"), "query": query.urlencode()},
    )


@guarded(Action.AUDIT_EXPORT, personal_data=True)
@require_http_methods(["GET"])
def audit_viewers_csv(request: AuthedRequest, person_id: int) -> HttpResponse:
    rows = selectors.person_viewers_export(user=request.user, person_id=person_id)
    response = HttpResponse(content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="viewers-of-person-{person_id}.csv"'
    writer = csv.writer(response)
    writer.writerow(["when", "username", "action", "reason", "ip_address", "route"])
    for row in rows:
        writer.writerow(
            [
                row["occurred_at"].isoformat(),
                _csv_safe(row["actor_username"]),  # usernames may begin with - + or @
                row["action"],
                _csv_safe(row["reason"]),
                row["ip_address"] or "",
                _csv_safe(row["route"]),
            ]
        )
    return response


def _csv_safe(value: str) -> str:
    """Stop spreadsheet formula injection from free text (OWASP CSV injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


@guarded(Action.USER_VIEW)
@require_http_methods(["GET"])
def users(request: AuthedRequest) -> HttpResponse:
    page = Paginator(selectors.users_visible_to(request.user), 100).get_page(request.GET.get("page"))
    return render(request, "access/users.html", {"page": page})


@guarded(Action.ORGANISATION_VIEW)
@require_http_methods(["GET"])
def organisations(request: AuthedRequest) -> HttpResponse:
    return render(request, "access/organisations.html", {"organisations": selectors.organisations_visible_to(request.user)})


@guarded(Action.TOKEN_MANAGE)
@require_http_methods(["GET", "POST"])
def api_tokens(request: AuthedRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        _, secret = services.api_token_issue(acting_user=request.user, name=form.cleaned_data["name"])
    tokens = request.user.api_tokens.filter(revoked_at__isnull=True).order_by("-created_at")
    return render(request, "access/api_tokens.html", {"form": form, "secret": secret, "tokens": tokens})
    page.object_list = selectors.audit_rows(user=request.user, events=page.object_list)
