"""Sign-in (password, then TOTP), sign-out, the audit log for information governance, users,
organisations and API tokens."""

from __future__ import annotations

import base64
import csv
import datetime
from typing import Any
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login

from iomhub.access import accounts, audit, selectors, services
from iomhub.access import sign_in as sign_in_limits
from iomhub.access.forms import ApiTokenForm, AuditSearchForm, ChoosePasswordForm, OtpForm, SignInForm
from iomhub.access.http import AuthedRequest
from iomhub.access.middleware import (
    client_ip,
    has_confirmed_device,
    needs_second_factor,
    second_factor_at,
    second_factor_exempt,
    second_factor_passed,
)
from iomhub.access.models import AuditAction
from iomhub.access.policy import Action, can
from iomhub.access.routes import guarded, public


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return candidate
    return "/"


def _locked(request: HttpRequest, username: str, limit: str) -> HttpResponse:
    audit.record(actor=None, username=username, action=AuditAction.LOCKED_OUT, object_type="user", outcome="locked", reason=limit)
    return render(request, "access/locked_out.html", status=429)


def _signed_in(request: HttpRequest, user: Any) -> HttpResponse:
    audit.record(actor=user, action=AuditAction.SIGN_IN, object_type="user", object_id=user.pk)
    return redirect(_next_url(request))


@public
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    """The password step. Audited in order: password accepted, then (outside demo accounts in demo
    mode) the second factor, and only then signed in."""
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        address = client_ip(request)
        limit = sign_in_limits.lockout(username=username, ip_address=address)
        if limit:
            return _locked(request, username, limit)
        user = authenticate(request, username=username, password=form.cleaned_data["password"])
        if user is None:
            sign_in_limits.failure_record(username=username, ip_address=address)
            audit.record(actor=None, username=username, action=AuditAction.SIGN_IN_FAILED, object_type="user", outcome="failed")
            limit = sign_in_limits.lockout(username=username, ip_address=address)
            if limit:
                return _locked(request, username, limit)
            form.add_error(
                None, "Enter a correct username and password. After several failed attempts your account is locked for 30 minutes."
            )
        else:
            sign_in_limits.success_record(username=username, ip_address=address)
            audit.record(actor=user, action=AuditAction.PASSWORD_OK, object_type="user", object_id=user.pk)
            login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
            if second_factor_exempt(user):
                return _signed_in(request, user)
            target = "access:two-factor" if has_confirmed_device(user) else "access:two-factor-setup"
            return redirect(f"{redirect(target).url}?{urlencode({'next': _next_url(request)})}")
    return render(request, "access/sign_in.html", {"form": form, "next": _next_url(request)})


@public
@require_http_methods(["GET", "POST"])
def two_factor(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("access:sign-in")
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        username, address = request.user.get_username(), client_ip(request)
        limit = sign_in_limits.lockout(username=username, ip_address=address)
        if limit:
            logout(request)
            return _locked(request, username, limit)
        device = sign_in_limits.device_verifying(user=request.user, token=form.cleaned_data["token"])
        if device is None:
            sign_in_limits.failure_record(username=username, ip_address=address)
            audit.record(
                actor=request.user, action=AuditAction.SIGN_IN_FAILED, object_type="user", object_id=request.user.pk, outcome="bad-otp"
            )
            form.add_error("token", "The security code is not correct or has expired")
        else:
            was_verified = not needs_second_factor(request)
            otp_login(request, device)
            second_factor_passed(request)
            audit.record(actor=request.user, action=AuditAction.SECOND_FACTOR_OK, object_type="user", object_id=request.user.pk)
            if was_verified:  # a fresh code for a step that needs a recent one
                return redirect(_next_url(request))
            return _signed_in(request, request.user)
    return render(request, "access/two_factor.html", {"form": form, "next": _next_url(request)})


ENROLMENT_SESSION_KEY = "iomhub_enrolment_link"


@public
@require_http_methods(["GET", "POST"])
def enrolment_link_open(request: HttpRequest, secret: str) -> HttpResponse:
    """The one-time link an administrator issued: remembered in the session, then the password,
    then the set-up page. The link alone signs nobody in, except a new account's holder choosing
    their first password with it (ADR 0045), who then must still set up the authenticator app."""
    link = sign_in_limits.enrolment_link_find(secret)
    if link is None or not link.user.is_active:
        return render(request, "access/enrolment_link_invalid.html", status=404)
    if not link.user.has_usable_password():
        return _choose_password(request, link)
    if request.method == "POST":
        return redirect("access:enrolment-link", secret=secret)
    if request.user.is_authenticated and request.user.pk != link.user_id:
        logout(request)
    request.session[ENROLMENT_SESSION_KEY] = link.pk
    setup = redirect("access:two-factor-setup").url
    if not request.user.is_authenticated:
        return redirect(f"{redirect('access:sign-in').url}?{urlencode({'next': setup})}")
    return redirect(setup)


def _choose_password(request: HttpRequest, link: Any) -> HttpResponse:
    form = ChoosePasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = sign_in_limits.password_choose(link=link, password=form.cleaned_data["password"])
        except ValidationError as exc:
            for message in exc.message_dict.get("password", []):
                form.add_error("password", message)
        else:
            if request.user.is_authenticated:
                logout(request)
            login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
            request.session[ENROLMENT_SESSION_KEY] = link.pk
            return redirect("access:two-factor-setup")
    context = {
        "form": form,
        "account": link.user,
        "title": "Choose your password",
        "caption": "Set up your IOM Hub account",
        "button": "Continue",
    }
    return render(request, "access/choose_password.html", context)


@public
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: the first one only with an administrator's one-time link, a
    further one only after passing the second factor with an earlier one."""
    if not request.user.is_authenticated:
        return redirect("access:sign-in")
    user = request.user
    if has_confirmed_device(user):
        if needs_second_factor(request):
            # Enrolling another device needs the second factor already: else the password alone would do.
            return redirect(f"{redirect('access:two-factor').url}?{urlencode({'next': _next_url(request)})}")
        link_id = None
    else:
        link_id = request.session.get(ENROLMENT_SESSION_KEY)
        if not isinstance(link_id, int) or not sign_in_limits.enrolment_link_open(link_id=link_id, user=user):
            return render(request, "access/two_factor_needs_link.html")
    device = sign_in_limits.device_to_enrol(user=user)
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        was_verified = not needs_second_factor(request)
        try:
            sign_in_limits.device_enrol(acting_user=user, device=device, link_id=link_id, code=form.cleaned_data["token"])
        except ValidationError as exc:
            for message in exc.message_dict.get("token", []):
                form.add_error("token", message)
        else:
            request.session.pop(ENROLMENT_SESSION_KEY, None)
            otp_login(request, device)
            second_factor_passed(request)
            audit.record(actor=user, action=AuditAction.SECOND_FACTOR_OK, object_type="user", object_id=user.pk)
            messages.success(request, "Two-step verification is set up")
            if was_verified:
                return redirect(_next_url(request))
            return _signed_in(request, user)
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
    page.object_list = selectors.audit_rows(user=request.user, events=page.object_list)
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
    context = {
        "page": page,
        "may_enrol": can(request.user, Action.USER_ENROL),
        "may_manage": can(request.user, Action.USER_MANAGE),
        "system_usernames": accounts.SYSTEM_USERNAMES,
    }
    return render(request, "access/users.html", context)


@guarded(Action.ORGANISATION_VIEW)
@require_http_methods(["GET"])
def organisations(request: AuthedRequest) -> HttpResponse:
    return render(request, "access/organisations.html", {"organisations": selectors.organisations_visible_to(request.user)})


@guarded(Action.USER_ENROL)
@require_POST
def user_enrolment_link(request: AuthedRequest, user_id: int) -> HttpResponse:
    """Issue a one-time link for a user's first authenticator app; shown once, here."""
    link, secret = sign_in_limits.enrolment_link_issue(acting_user=request.user, user_id=user_id)
    url = request.build_absolute_uri(redirect("access:enrolment-link", secret=secret).url)
    return render(request, "access/enrolment_link_issued.html", {"link": link, "url": url})


@guarded(Action.TOKEN_MANAGE)
@require_http_methods(["GET", "POST"])
def api_tokens(request: AuthedRequest) -> HttpResponse:
    """The user's API tokens. Creating one needs the second factor in the last 15 minutes: without
    it the form asks for a fresh security code."""
    needs_code = second_factor_at(request) is None or not _recent(second_factor_at(request))
    form = ApiTokenForm(request.POST or None, ask_code=needs_code)
    secret = None
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data.get("code")
        device = None
        if code:
            device = sign_in_limits.device_verifying(user=request.user, token=code)
            if device is None:
                form.add_error("code", "The security code is not correct or has expired")
            else:
                otp_login(request, device)
                second_factor_passed(request)
                audit.record(actor=request.user, action=AuditAction.SECOND_FACTOR_OK, object_type="user", object_id=request.user.pk)
        if not form.errors:
            try:
                _, secret = services.api_token_issue(
                    acting_user=request.user,
                    name=form.cleaned_data["name"],
                    scope=form.cleaned_data["scope"],
                    second_factor_at=second_factor_at(request),
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    for message in errors:
                        form.add_error(field if field in form.fields else None, message)
            except PermissionDenied as exc:
                form.add_error("code" if "code" in form.fields else None, str(exc))
            else:
                form = ApiTokenForm(ask_code=False)
    tokens = request.user.api_tokens.filter(revoked_at__isnull=True, expires_at__gt=timezone.now()).order_by("-created_at")
    return render(
        request, "access/api_tokens.html", {"form": form, "secret": secret, "tokens": tokens, "token_days": settings.IOMHUB_TOKEN_DAYS}
    )


def _recent(at: Any) -> bool:
    return at is not None and timezone.now() - at <= datetime.timedelta(seconds=settings.IOMHUB_STEP_UP_SECONDS)


@guarded(Action.TOKEN_MANAGE)
@require_POST
def api_token_revoke(request: AuthedRequest, token_id: int) -> HttpResponse:
    token = services.api_token_revoke(acting_user=request.user, token_id=token_id)
    messages.success(request, f"Token '{token.name}' revoked: it no longer works")
    return redirect("access:api-tokens")
