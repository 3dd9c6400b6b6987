"""Safe by default (issue 9 findings 8 and 10, ADR 0012): with IOMHUB_ENV unset the service is
production and refuses to start without its secrets or with DEBUG on; demo mode lets only the
demo's own accounts skip the second factor; X-Forwarded-For is believed only from configured
proxies; a client's X-Request-ID is kept only when it is a UUID or a short safe token."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.test import Client

from iomhub.access.models import Role
from iomhub.crypto.keys import new_key
from tests.access.support import events_since, last_event_id
from tests.factories import PASSWORD, UserFactory

PROJECT = Path(__file__).resolve().parents[2]
PRINT = "from django.conf import settings as s; print(s.ENV, s.PRODUCTION, s.DEMO_MODE, s.DEBUG)"


def settings_with(tmp_path, **env: str) -> subprocess.CompletedProcess[str]:
    """Load the real settings module in a fresh interpreter with only ``env`` set."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "IOMHUB_", "SECRET_KEY", "DATABASE_URL", "DEBUG", "PYTEST", "COV_"))
    }
    clean.update({"DJANGO_SETTINGS_MODULE": "iomhub.config.settings", "IOMHUB_VAR_DIR": str(tmp_path)}, **env)
    code = f"import django; django.setup(); {PRINT}"
    return subprocess.run(  # noqa: S603 - our own interpreter and settings module
        [sys.executable, "-c", code], cwd=PROJECT, env=clean, capture_output=True, text=True, timeout=120, check=False
    )


def refused(result: subprocess.CompletedProcess[str], message: str) -> bool:
    return result.returncode != 0 and "ImproperlyConfigured" in result.stderr and message in result.stderr


def test_unset_means_production_and_refuses_to_start_without_a_secret_key(tmp_path):
    result = settings_with(tmp_path, DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite3'}")
    assert refused(result, "SECRET_KEY must be set"), result.stderr[-500:]


def test_unset_means_production_and_refuses_to_start_without_a_database_url(tmp_path):
    result = settings_with(tmp_path, SECRET_KEY="x" * 50)
    assert refused(result, "DATABASE_URL must be set"), result.stderr[-500:]


def test_unset_with_its_secrets_runs_as_production_without_demo_mode(tmp_path):
    result = settings_with(tmp_path, SECRET_KEY="x" * 50, DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite3'}", IOMHUB_DEMO="1")
    assert refused(result, "IOMHUB_DEMO must not be on"), result.stderr[-500:]
    result = settings_with(tmp_path, SECRET_KEY="x" * 50, DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite3'}", IOMHUB_FIELD_KEY=new_key())
    assert result.returncode == 0, result.stderr[-500:]
    assert result.stdout.split() == ["production", "True", "False", "False"]


@pytest.mark.parametrize("env", [{}, {"IOMHUB_ENV": "production"}])
def test_debug_is_refused_in_production(tmp_path, env):
    result = settings_with(tmp_path, SECRET_KEY="x" * 50, DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite3'}", DEBUG="1", **env)
    assert refused(result, "DEBUG must not be on"), result.stderr[-500:]


def test_development_is_asked_for_and_demo_mode_too(tmp_path):
    result = settings_with(tmp_path, IOMHUB_ENV="dev")
    assert result.returncode == 0, result.stderr[-500:]
    assert result.stdout.split() == ["dev", "False", "False", "False"]
    result = settings_with(tmp_path, IOMHUB_ENV="dev", IOMHUB_DEMO="1", DEBUG="1")
    assert result.stdout.split() == ["dev", "False", "True", "True"]


def test_make_run_and_make_bench_ask_for_the_demo_environment_and_the_checks_for_the_test_one():
    make = shutil.which("make") or "make"
    result = subprocess.run(  # noqa: S603 - the project's own Makefile, dry run
        [make, "-n", "run", "bench", "check"], cwd=PROJECT, capture_output=True, text=True, timeout=60, check=False
    )
    lines = result.stdout.splitlines()
    for command in ("iomhub migrate", "iomhub demo", "iomhub runserver", "bench/run.py"):
        [line] = [x for x in lines if command in x]
        assert "IOMHUB_ENV=dev IOMHUB_DEMO=1" in line, line
    [check] = [x for x in lines if "makemigrations --check" in x]
    assert "DJANGO_SETTINGS_MODULE=iomhub.config.test_settings" in check


# ---- demo mode: only the demo's accounts skip the second factor -------------------------------------


def test_demo_mode_lets_a_demo_account_in_without_a_second_factor(client, partnership, settings):
    settings.DEMO_MODE = True
    response = client.post("/sign-in/", {"username": "chair", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/people/").status_code == 200


def test_demo_mode_still_asks_every_other_account_for_a_second_factor(client, partnership, settings):
    settings.DEMO_MODE = True
    UserFactory(username="real-chair", roles=[Role.CHAIR], demo_account=False)
    response = client.post("/sign-in/", {"username": "real-chair", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/two-factor/")
    assert client.get("/people/").status_code == 302
    assert client.get(f"/api/v1/people/{partnership.ordinary.pk}").status_code in (401, 403)


def test_the_demo_loader_marks_its_accounts(db):
    from iomhub.demo import DEMO_USERS, build_partnership

    _, _, users = build_partnership()
    assert {u.username for u in users} == {d.username for d in DEMO_USERS}
    assert all(u.demo_account for u in users)


# ---- forwarded headers ---------------------------------------------------------------------------


def _failed_sign_in_address(client: Client, **headers: str) -> str | None:
    since = last_event_id()
    client.post("/sign-in/", {"username": "nobody-at-all", "password": "wrong"}, **headers)
    [event] = events_since(since, action="sign-in-failed")
    return event.ip_address


def test_x_forwarded_for_from_an_unconfigured_client_is_ignored(client, db, settings):
    settings.IOMHUB_TRUSTED_PROXIES = []
    ip = _failed_sign_in_address(client, REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="198.51.100.99")
    assert ip == "203.0.113.5"
    settings.IOMHUB_TRUSTED_PROXIES = ["10.0.0.0/8"]
    ip = _failed_sign_in_address(client, REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="198.51.100.99")
    assert ip == "203.0.113.5"


def test_behind_a_trusted_proxy_the_right_most_untrusted_hop_is_the_client(client, db, settings):
    settings.IOMHUB_TRUSTED_PROXIES = ["10.0.0.0/8", "192.0.2.1"]
    # The client wrote the first hop itself; the proxies appended the rest.
    forged = "1.2.3.4, 198.51.100.7, 192.0.2.1"
    assert _failed_sign_in_address(client, REMOTE_ADDR="10.1.2.3", HTTP_X_FORWARDED_FOR=forged) == "198.51.100.7"
    assert _failed_sign_in_address(client, REMOTE_ADDR="10.1.2.3", HTTP_X_FORWARDED_FOR="198.51.100.8") == "198.51.100.8"
    assert _failed_sign_in_address(client, REMOTE_ADDR="10.1.2.3", HTTP_X_FORWARDED_FOR="not-an-address, 10.0.0.9") == "10.0.0.9"
    assert _failed_sign_in_address(client, REMOTE_ADDR="10.1.2.3") == "10.1.2.3"


# ---- request ids ---------------------------------------------------------------------------------


def _request_id(client: Client, supplied: str) -> tuple[str, str]:
    since = last_event_id()
    response = client.post("/sign-in/", {"username": "nobody-at-all", "password": "wrong"}, HTTP_X_REQUEST_ID=supplied)
    [event] = events_since(since, action="sign-in-failed")
    assert event.request_id == response["X-Request-ID"]
    return event.request_id, response["X-Request-ID"]


@pytest.mark.parametrize("good", ["0af933e7-039b-4220-91d0-1bbb1caa1992", "trace-0123456789", "abcDEF12.3_4-5"])
def test_a_uuid_or_short_safe_request_id_is_kept(client, db, good):
    assert _request_id(client, good)[0] == good


@pytest.mark.parametrize(
    "bad",
    ["", "short", "x" * 37, "a' OR 1=1 --", "<script>alert(1)</script>", "line\nbreak-0123", "-starts-with-dash", "ünïcode-12345"],
)
def test_any_other_request_id_is_replaced_by_a_fresh_one(client, db, bad):
    kept, _ = _request_id(client, bad)
    assert kept != bad
    assert str(uuid.UUID(kept)) == kept
