"""Sign-in: password then TOTP (outside demo mode), lockout, idle timeout, CSRF, security headers,
no open redirects, and a production configuration that passes ``check --deploy``."""

from __future__ import annotations

import datetime
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.conf import settings as django_settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from iomhub.access.models import ApiToken, AuditEvent, Role
from tests.access.support import code_for, events_since, last_event_id
from tests.factories import PASSWORD

PROJECT = Path(__file__).resolve().parents[2]


def sign_in(client: Client, username: str, password: str = PASSWORD, **extra):
    return client.post("/sign-in/", {"username": username, "password": password, **extra})


def signed_in_as(client: Client) -> str | None:
    """Who the client is signed in as, asked of the service itself."""
    response = client.get("/api/v1/users/me")
    return response.json()["username"] if response.status_code == 200 else None


# ---- password ----------------------------------------------------------------------------------


def test_a_real_user_signs_in_with_the_form(client, partnership):
    assert signed_in_as(client) is None
    response = sign_in(client, "probation-officer")
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert signed_in_as(client) == "probation-officer"
    assert client.get("/people/").status_code == 200


def test_a_wrong_password_shows_the_govuk_error_summary_and_is_audited(client, partnership):
    since = last_event_id()
    response = sign_in(client, "probation-officer", "not the password at all")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'class="govuk-error-summary"' in page
    assert "There is a problem" in page
    assert "Enter a correct username and password" in page
    assert "<title>Error:" in page
    assert signed_in_as(client) is None
    [event] = events_since(since, action="sign-in-failed")
    assert event.actor_username == "probation-officer"
    assert event.outcome == "failed"


def test_an_empty_form_names_each_missing_field(client, db):
    page = client.post("/sign-in/", {"username": "", "password": ""}).content.decode()
    assert 'href="#id_username"' in page
    assert 'href="#id_password"' in page


def test_an_inactive_user_cannot_sign_in(client, partnership):
    user = partnership.users[Role.CHAIR]
    user.is_active = False
    user.save()
    sign_in(client, "chair")
    assert signed_in_as(client) is None


def test_repeated_failures_lock_the_account_and_are_audited(client, partnership, settings):
    limit = settings.IOMHUB_LOCKOUT_FAILURES
    assert 3 <= limit <= 10
    for _ in range(limit - 1):
        assert sign_in(client, "chair", "wrong password here").status_code == 200
    since = last_event_id()
    locked = sign_in(client, "chair", "wrong password here")
    assert locked.status_code == 429
    # Now even the right password is refused.
    assert sign_in(client, "chair").status_code == 429
    assert signed_in_as(client) is None
    events = events_since(since, action="locked-out")
    assert events
    assert events[0].actor_username == "chair"
    assert events[0].outcome == "locked"


def test_failures_below_the_limit_do_not_lock(client, partnership, settings):
    for _ in range(settings.IOMHUB_LOCKOUT_FAILURES - 1):
        sign_in(client, "chair", "wrong password here")
    assert sign_in(client, "chair").status_code == 302
    assert signed_in_as(client) == "chair"


# ---- second factor ------------------------------------------------------------------------------


@pytest.fixture
def strict(settings):
    """Outside demo mode a second factor is required."""
    settings.DEMO_MODE = False
    return settings


def test_without_a_device_the_user_must_set_one_up_and_cannot_reach_people(client, partnership, strict):
    response = sign_in(client, "police-iom-officer")
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/two-factor/set-up/")
    people = client.get("/people/")
    assert people.status_code == 302
    assert people["Location"].startswith("/sign-in/two-factor/set-up/")
    assert client.get(f"/people/{partnership.ordinary.pk}/").status_code == 302
    assert client.get("/").status_code == 302
    assert client.get("/sign-in/two-factor/set-up/").status_code == 200


def test_setting_up_a_device_with_a_correct_code_lets_the_user_in(client, partnership, strict):
    from iomhub.access.sign_in import enrolment_link_issue

    user = partnership.users[Role.POLICE_IOM_OFFICER]
    _, link = enrolment_link_issue(acting_user=partnership.users[Role.SYSTEM_ADMIN], user_id=user.pk)
    client.get(f"/sign-in/set-up-link/{link}/")
    sign_in(client, "police-iom-officer")
    page = client.get("/sign-in/two-factor/set-up/")
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert device.config_url.startswith("otpauth://totp/")
    response = client.post("/sign-in/two-factor/set-up/", {"token": code_for(device)})
    assert response.status_code == 302
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert client.get("/people/").status_code == 200


@pytest.fixture
def device(partnership):
    return TOTPDevice.objects.create(user=partnership.users[Role.POLICE_IOM_OFFICER], name="phone", confirmed=True)


def test_with_a_device_a_correct_code_lets_the_user_in(client, partnership, strict, device):
    response = sign_in(client, "police-iom-officer", next="/people/")
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/two-factor/")
    assert "set-up" not in response["Location"]
    assert client.get("/people/").status_code == 302
    verified = client.post("/sign-in/two-factor/", {"token": code_for(device), "next": "/people/"})
    assert verified.status_code == 302
    assert verified["Location"] == "/people/"
    assert client.get("/people/").status_code == 200
    assert client.get(f"/api/v1/people/{partnership.ordinary.pk}").status_code == 200  # the API over the same session


def test_the_second_factor_keeps_a_local_next_whole_and_refuses_an_off_site_one(client, partnership, strict, device):
    response = sign_in(client, "police-iom-officer", next="/people/?q=Jordan&page=2")
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert 'value="/people/?q=Jordan&amp;page=2"' in page.content.decode()
    verified = client.post("/sign-in/two-factor/", {"token": code_for(device), "next": "https://evil.example/"})
    assert verified.status_code == 302
    assert verified["Location"] == "/"


def test_with_a_device_a_wrong_code_keeps_the_user_out(client, partnership, strict, device):
    sign_in(client, "police-iom-officer")
    right = code_for(device)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    since = last_event_id()
    response = client.post("/sign-in/two-factor/", {"token": wrong})
    assert response.status_code == 200
    assert "The security code is not correct" in response.content.decode()
    assert client.get("/people/").status_code == 302
    assert events_since(since, action="sign-in-failed", outcome="bad-otp")
    old = code_for(device, offset_steps=-10)  # five minutes ago
    assert client.post("/sign-in/two-factor/", {"token": old}).status_code == 200
    assert client.get("/people/").status_code == 302


def test_a_password_alone_cannot_enrol_a_new_device_when_one_exists(client, partnership, strict, device):
    """Otherwise anyone with the password could skip the second factor by setting up their own."""
    sign_in(client, "police-iom-officer")
    response = client.get("/sign-in/two-factor/set-up/")
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/two-factor/")
    rogue = TOTPDevice.objects.filter(user=device.user, confirmed=False).first()
    if rogue is not None:  # if a device was offered anyway, confirming it must not sign them in
        client.post("/sign-in/two-factor/set-up/", {"token": code_for(rogue)})
    assert client.get("/people/").status_code == 302
    assert list(TOTPDevice.objects.filter(user=device.user, confirmed=True)) == [device]


def test_the_api_with_a_token_does_not_need_the_second_factor(client, partnership, strict):
    from iomhub.access.services import api_token_issue

    _, secret = api_token_issue(
        acting_user=partnership.users[Role.POLICE_IOM_OFFICER], name="feed", scope="read-write", second_factor_at=timezone.now()
    )
    response = client.get("/api/v1/users/me", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200


def test_the_api_over_a_session_needs_the_second_factor(client, partnership, strict):
    sign_in(client, "police-iom-officer")
    assert client.get(f"/api/v1/people/{partnership.ordinary.pk}").status_code in (401, 403)


# ---- sessions -----------------------------------------------------------------------------------


def test_sessions_time_out_when_idle_and_activity_renews_them(client, partnership):
    assert 0 < django_settings.SESSION_COOKIE_AGE <= 60 * 60
    assert django_settings.SESSION_SAVE_EVERY_REQUEST is True
    sign_in(client, "chair")
    session = Session.objects.get(session_key=client.session.session_key)
    # Activity moves the expiry forward to a full idle period from now.
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() + datetime.timedelta(seconds=30))
    assert client.get("/").status_code == 200
    renewed = Session.objects.get(pk=session.pk).expire_date - timezone.now()
    assert renewed > datetime.timedelta(seconds=django_settings.SESSION_COOKIE_AGE - 60)
    # Idle past the expiry: signed out.
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")


def test_signing_out_ends_the_session(client, partnership):
    sign_in(client, "chair")
    assert client.get("/").status_code == 200
    assert client.post("/sign-out/").status_code == 302
    assert client.get("/").status_code == 302
    assert client.get("/sign-out/").status_code == 405  # a link cannot sign someone out


def test_session_and_csrf_cookies_are_http_only_and_same_site(client, partnership):
    response = sign_in(client, "chair")
    cookie = response.cookies[django_settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert django_settings.CSRF_COOKIE_HTTPONLY


# ---- headers, CSRF, redirects -------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/sign-in/", "/", "/people/", "/api/v1/users/me"])
def test_responses_carry_the_security_headers(client, partnership, path):
    client.force_login(partnership.users[Role.CHAIR])
    response = client.get(path)
    assert response.status_code == 200
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "object-src 'none'" in csp
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp


def test_every_inline_script_carries_the_nonce_of_the_csp(client, partnership):
    client.force_login(partnership.users[Role.CHAIR])
    response = client.get(f"/people/{partnership.ordinary.pk}/")
    nonce = re.search(r"script-src [^;]*'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    scripts = re.findall(r"<script\b[^>]*>", response.content.decode())
    assert scripts
    for tag in scripts:
        if "src=" not in tag:
            assert f'nonce="{nonce}"' in tag, tag
    # A fresh nonce for every response.
    again = client.get(f"/people/{partnership.ordinary.pk}/")["Content-Security-Policy"]
    assert f"'nonce-{nonce}'" not in again


def test_csrf_is_enforced_on_sign_in(partnership):
    client = Client(enforce_csrf_checks=True)
    assert client.post("/sign-in/", {"username": "chair", "password": PASSWORD}).status_code == 403
    page = client.get("/sign-in/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    response = client.post("/sign-in/", {"username": "chair", "password": PASSWORD, "csrfmiddlewaretoken": token})
    assert response.status_code == 302


def test_csrf_is_enforced_on_pages_and_the_api_for_signed_in_users(partnership):
    client = Client(enforce_csrf_checks=True)
    user = partnership.users[Role.CHAIR]
    client.force_login(user)
    assert client.post("/account/api-tokens/", {"name": "sneaky"}).status_code == 403
    assert not ApiToken.objects.filter(user=user).exists()
    person = partnership.ordinary
    response = client.patch(f"/api/v1/people/{person.pk}", {"middle_names": "Forged"}, content_type="application/json")
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action="change").exists()
    assert client.post("/sign-out/").status_code == 403
    assert client.get("/").status_code == 200  # still signed in


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/steal", "//evil.example/steal", "http://evil.example", "/\\evil.example", "https:///evil.example"],
)
def test_sign_in_refuses_to_redirect_off_site(client, partnership, target):
    response = sign_in(client, "chair", next=target)
    assert response.status_code == 302
    assert response["Location"] == "/"
    page = client.get("/sign-in/", {"next": target}).content.decode()
    assert "evil.example" not in page


def test_sign_in_follows_a_local_next(client, partnership):
    response = sign_in(client, "chair", next="/people/")
    assert response["Location"] == "/people/"


# ---- production configuration -------------------------------------------------------------------


def _check_deploy(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "IOMHUB_", "SECRET_KEY", "DATABASE_URL", "DEBUG"))}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-m", "iomhub", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=PROJECT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_is_clean_for_production_settings(tmp_path):
    result = _check_deploy(
        IOMHUB_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(50),
        DATABASE_URL=f"sqlite:///{tmp_path / 'check.sqlite3'}",
        ALLOWED_HOSTS="iomhub.example.org",
        IOMHUB_VAR_DIR=str(tmp_path),
        IOMHUB_FIELD_KEY=Fernet.generate_key().decode(),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout + result.stderr


def test_check_deploy_would_catch_development_settings(tmp_path):
    """The check above can fail: the development posture does not pass it."""
    result = _check_deploy(IOMHUB_ENV="dev", IOMHUB_VAR_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "SESSION_COOKIE_SECURE" in result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = _check_deploy(IOMHUB_ENV="production", DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite3'}", IOMHUB_VAR_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
