"""The production smoke script passes (issue 13 §1: "tested in CI where possible").

Runs ``scripts/smoke_production.sh`` (``make serve-production``: gunicorn, production settings, 127.0.0.1, a
scratch PostgreSQL database it creates and drops, then /health, /ready, the sign-in page, a
static file, and the task worker completing the scheduled retention run from the queue) when the suite runs on PostgreSQL; on the SQLite run there is no server to try it on.
"""

from __future__ import annotations

import os
import socket
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="the production server runs on PostgreSQL")
def test_the_production_server_starts_answers_and_stops():
    # The server gets a production environment: none of the test process's own settings (the browser
    # tests' DJANGO_ALLOW_ASYNC_UNSAFE, set when they run in the same worker, fails check --deploy).
    test_only = {"DJANGO_SETTINGS_MODULE", "IOMHUB_ENV", "IOMHUB_DEMO", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment = {k: v for k, v in os.environ.items() if k not in test_only}
    environment["SMOKE_PORT"] = str(_free_port())
    result = subprocess.run(  # noqa: S603 - our own script
        ["bash", str(ROOT / "scripts" / "smoke_production.sh")],  # noqa: S607
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=420,  # the script waits up to 300 s for a busy machine to migrate
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "smoke: passed" in result.stdout
    with socket.socket() as probe:  # and it stopped the server
        assert probe.connect_ex(("127.0.0.1", int(environment["SMOKE_PORT"]))) != 0
