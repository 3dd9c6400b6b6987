"""The production server under concurrent users on loopback (issue 15 §2).

gunicorn runs as ``make serve-production`` runs it (production settings, ``iomhub.config.gunicorn``,
its default number of workers unless WEB_CONCURRENCY says) on 127.0.0.1 against the benchmark's
database. Each page is driven in a phase of its own, first by one user then by 20 at once with no
think time, by a small asyncio client (httpx; ADR 0035 says why not Locust): every sample is kept,
so p50/p95/p99 are exact, and requests per second is the phase's answers over its wall time. A phase
stops at a number of requests or a number of seconds, whichever comes first; the next starts when
the workers are idle again (requests a client gave up on are still worked on). Users sign in as real
roles: a session for each (virtual) user, made as the sign-in does (password hash, a confirmed TOTP
device, the second factor passed), and a bearer token for each API user, so the access policy and
the audit run on every request.
"""

from __future__ import annotations

import asyncio
import math
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"


def free_port() -> int:
    """A port nobody listens on (two benchmarks at once on a shared machine must not meet)."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


PORT = int(os.environ.get("BENCH_PORT", "0")) or free_port()
BASE = f"http://127.0.0.1:{PORT}"
HEADERS = {"X-Forwarded-Proto": "https", "Accept": "text/html,application/json"}


@dataclass
class Target:
    """A page (or API read) and who asks for it: ``urls`` are cycled through, one per request."""

    name: str
    urls: list[str]
    role: str  # "anonymous", a username (a session each), or "token:<username>" (a bearer token each)
    credentials: list[dict[str, str]] = field(default_factory=list)  # headers, one per virtual user


def server_environment(database_url: str, secret: str, out: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "IOMHUB_DEMO", "DJANGO_SETTINGS_MODULE"}}
    env |= {
        "IOMHUB_ENV": "production",
        "SECRET_KEY": secret,
        "DATABASE_URL": database_url,
        "ALLOWED_HOSTS": "127.0.0.1",
        "IOMHUB_VAR_DIR": str(out / "server"),
        "STATIC_ROOT": str(out / "static"),
        "IOMHUB_BIND": f"127.0.0.1:{PORT}",
    }
    return env


class Server:
    """gunicorn as ``make serve-production`` starts it (after collectstatic), in its own process group."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env, self.log = env, log
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Server:
        done = subprocess.run(  # noqa: S603 - our own command
            [str(BIN / "python"), "-m", "iomhub", "collectstatic", "--no-input", "-v", "0"],
            env=self.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode:
            raise SystemExit(f"collectstatic failed:\n{done.stderr[-2000:]}")
        self.process = subprocess.Popen(  # noqa: S603
            [str(BIN / "gunicorn"), "-c", "python:iomhub.config.gunicorn", "iomhub.config.wsgi"],
            env=self.env,
            cwd=ROOT,
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(BASE + "/ready", timeout=5) as answer:  # noqa: S310 - loopback
                    if answer.status == 200:
                        return self
            except OSError:
                time.sleep(0.3)
        self.__exit__()
        raise SystemExit(f"gunicorn did not become ready within 120 s; see {self.log}")

    def workers(self) -> int:
        if self.process is None:
            return 0
        found = subprocess.run(["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True, check=False)  # noqa: S603, S607
        return len(found.stdout.split())

    def cpu(self) -> dict[int, int]:
        """CPU ticks used so far by each worker."""
        if self.process is None:
            return {}
        found = subprocess.run(["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True, check=False)  # noqa: S603, S607
        ticks = {}
        for pid in map(int, found.stdout.split()):
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            ticks[pid] = int(fields[11]) + int(fields[12])  # utime + stime
        return ticks

    def queries(self) -> int:
        """Statements running now in the benchmark's database, from anyone but this look."""
        import psycopg

        try:
            with psycopg.connect(self.env["DATABASE_URL"], autocommit=True, connect_timeout=10) as db:
                row = db.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' AND pid <> pg_backend_pid()"
                ).fetchone()
        except psycopg.Error:
            return 0
        return int(row[0]) if row else 0

    def settle(self, limit: float) -> float:
        """Wait until the server is idle (a client that gave up on a request does not stop gunicorn
        working on it, nor on the ones queued behind it): no worker uses more than a few ticks of CPU
        in half a second and no statement runs in the database, twice running. Returns the seconds
        waited (at most ``limit``)."""
        started = time.perf_counter()
        before, quiet = self.cpu(), 0
        while time.perf_counter() - started < limit and quiet < 2:
            time.sleep(0.5)
            now = self.cpu()
            idle = sum(max(0, t - before.get(pid, t)) for pid, t in now.items()) <= 3 and self.queries() == 0
            quiet = quiet + 1 if idle else 0
            before = now
        return round(time.perf_counter() - started, 1)

    def __exit__(self, *exc: object) -> None:
        if self.process is not None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=40)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process = None


def session_for(user: Any) -> str:
    """A signed-in session for ``user``, as the sign-in makes it: the password hash, a confirmed TOTP
    device verified, the second factor passed now."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from iomhub.access.middleware import SECOND_FACTOR_AT

    device = TOTPDevice.objects.filter(user=user, name="bench", confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[SECOND_FACTOR_AT] = timezone.now().timestamp()
    session.create()
    return session.session_key or ""


def token_for(user: Any) -> str:
    from django.utils import timezone

    from iomhub.access.services import api_token_issue

    _, secret = api_token_issue(acting_user=user, name="bench", second_factor_at=timezone.now())
    return secret


def sign_in(targets: list[Target], users: int) -> None:
    """One session (or token) per virtual user per role, shared by the targets of that role."""
    from django.conf import settings

    from iomhub.access.models import User

    made: dict[str, list[dict[str, str]]] = {"anonymous": [{}]}
    for target in targets:
        if target.role not in made:
            username = target.role.removeprefix("token:")
            user = User.objects.get(username=username)
            if target.role.startswith("token:"):
                made[target.role] = [{"Authorization": f"Bearer {token_for(user)}"} for _ in range(users)]
            else:
                cookie = settings.SESSION_COOKIE_NAME
                made[target.role] = [{"Cookie": f"{cookie}={session_for(user)}"} for _ in range(users)]
        target.credentials = made[target.role]


def percentile(samples: list[float], q: float) -> float:
    """Nearest rank: the smallest sample with at least q of them at or below it."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


async def phase(client: Any, target: Target, users: int, max_requests: int, max_seconds: float) -> dict[str, Any]:
    samples: list[float] = []
    statuses: Counter[int] = Counter()
    issued = 0
    deadline = time.perf_counter() + max_seconds

    async def user(k: int) -> None:
        nonlocal issued
        headers = {**HEADERS, **target.credentials[k % len(target.credentials)]}
        while issued < max_requests and time.perf_counter() < deadline:
            url = target.urls[issued % len(target.urls)]
            issued += 1
            started = time.perf_counter()
            try:
                answer = await client.get(url, headers=headers)
                code = answer.status_code
            except Exception:
                code = 0
            samples.append((time.perf_counter() - started) * 1000)
            statuses[code] += 1

    started = time.perf_counter()
    await asyncio.gather(*(user(k) for k in range(users)))
    elapsed = time.perf_counter() - started
    errors = sum(n for code, n in statuses.items() if code != 200)
    return {
        "users": users,
        "requests": len(samples),
        "errors": errors,
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "p50_ms": round(percentile(samples, 0.50), 1),
        "p95_ms": round(percentile(samples, 0.95), 1),
        "p99_ms": round(percentile(samples, 0.99), 1),
        "rps": round(len(samples) / elapsed, 1),
        "seconds": round(elapsed, 1),
    }


async def drive(server: Server, targets: list[Target], concurrency: list[int], limits: dict[int, tuple[int, float]]) -> dict[str, Any]:
    import httpx

    results: dict[str, Any] = {}
    async with httpx.AsyncClient(
        base_url=BASE, timeout=httpx.Timeout(180.0), limits=httpx.Limits(max_connections=max(concurrency) + 5), follow_redirects=False
    ) as client:
        for target in targets:  # warm: one request each (the workers' first import of each view)
            answer = await client.get(target.urls[0], headers={**HEADERS, **target.credentials[0]})
            if answer.status_code != 200:
                print(f"  warning: {target.name} answered {answer.status_code} for {target.urls[0]}", file=sys.stderr)
        for users in concurrency:
            for target in targets:
                max_requests, max_seconds = limits[users]
                found = await phase(client, target, users, max_requests, max_seconds)
                found["settle_seconds"] = server.settle(float(os.environ.get("BENCH_SETTLE_SECONDS", "300")))
                results.setdefault(target.name, {})[str(users)] = found
                print(
                    f"  {target.name:<34} {users:>3} users: p50 {found['p50_ms']:>8} p95 {found['p95_ms']:>8}"
                    f" p99 {found['p99_ms']:>8} ms, {found['rps']:>6} req/s, {found['errors']} errors; idle after {found['settle_seconds']}s",
                    flush=True,
                )
    return results


def run(targets: list[Target], *, database_url: str, secret: str, out: Path) -> dict[str, Any]:
    concurrency = [1, 20]
    limits = {
        1: (int(os.environ.get("BENCH_REQUESTS_1", "40")), float(os.environ.get("BENCH_SECONDS_1", "15"))),
        20: (int(os.environ.get("BENCH_REQUESTS_20", "200")), float(os.environ.get("BENCH_SECONDS_20", "20"))),
    }
    out.mkdir(parents=True, exist_ok=True)
    sign_in(targets, max(concurrency))
    from django.db import connection

    connection.close()  # the server's workers have the database to themselves while measured
    with Server(server_environment(database_url, secret, out), out / "server.log") as server:
        workers = server.workers()
        server.settle(60)  # the workers' start
        pages = asyncio.run(drive(server, targets, concurrency, limits))
    return {"workers": workers, "limits": {str(k): {"requests": v[0], "seconds": v[1]} for k, v in limits.items()}, "pages": pages}
