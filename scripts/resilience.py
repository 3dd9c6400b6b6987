"""Resilience of the production server (issue 13 §7; docs/operations.md, "Resilience").

Runs gunicorn exactly as ``make serve-production`` does (production settings, ``iomhub.config.gunicorn``)
on 127.0.0.1 against a scratch PostgreSQL database it creates and drops, and proves three things:

- **kill**: writers create people through the API; one gunicorn worker is SIGKILLed mid-stream, then
  the whole server (master and workers). After a restart every failed write is sent once more.
  Checked in the database: every write answered 201 is there (none lost), every person has its audit
  event (nothing half-written), and no name is there twice (the retry of a write that had in fact
  committed is refused as a possible duplicate, never saved twice).
- **dbfault**: writers and readers run while every backend of the scratch database is terminated
  (``pg_terminate_backend``) repeatedly for a few seconds, as a restart or failover would. Every
  answer is a success or a clean 503 (never a 500 or a dropped connection), every 201 is in the
  database with its audit event, and the service recovers by itself (time to the first success).
- **load**: a short Locust run (its own process: Locust monkey-patches with gevent, so it never
  imports Django) of a realistic API mix against a small demo, reporting p50/p95 and errors.

Only 127.0.0.1. Kept short and small on purpose (a shared 2-core machine). Exit status 0 when every
check passed; the figures are printed at the end.

    python scripts/resilience.py [kill] [dbfault] [load]        (or: make resilience)
    RESILIENCE_PG=postgres://postgres@127.0.0.1:5432 RESILIENCE_PORT=8766 LOAD_USERS=10 LOAD_SECONDS=30
"""

from __future__ import annotations

import base64
import csv
import datetime
import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path
from typing import Any

import psycopg

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
PG = os.environ.get("RESILIENCE_PG", "postgres://postgres@127.0.0.1:5432")
PORT = int(os.environ.get("RESILIENCE_PORT", "8766"))
BASE = f"http://127.0.0.1:{PORT}"
DB = f"iomhub_resilience_{os.getpid()}"
HEADERS = {"X-Forwarded-Proto": "https", "Content-Type": "application/json"}

SETUP = """
from django.utils import timezone
from iomhub.access.models import Organisation, Role, RoleAssignment, User
from iomhub.access.services import api_token_issue
org, _ = Organisation.objects.get_or_create(name="Resilience Police", defaults={"kind": "police"})
user, made = User.objects.get_or_create(username="resilience-officer", defaults={"organisation": org, "first_name": "Res", "last_name": "Officer"})
if made:
    RoleAssignment.objects.create(user=user, role=Role.POLICE_IOM_OFFICER)
_, secret = api_token_issue(acting_user=user, name="resilience", scope="read-write", second_factor_at=timezone.now())
print("TOKEN=" + secret)
"""


class Failed(Exception):
    pass


def check(condition: bool, message: str) -> None:
    if not condition:
        raise Failed(message)


def environment(scratch: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "IOMHUB_DEMO", "DJANGO_SETTINGS_MODULE"}}
    env |= {
        "IOMHUB_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "IOMHUB_FIELD_KEY": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),  # ADR 0039
        "DATABASE_URL": f"{PG}/{DB}",
        "ALLOWED_HOSTS": "127.0.0.1",
        "IOMHUB_VAR_DIR": str(scratch / "var"),
        "STATIC_ROOT": str(scratch / "static"),
        "IOMHUB_BIND": f"127.0.0.1:{PORT}",
        "WEB_CONCURRENCY": os.environ.get("WEB_CONCURRENCY", "2"),
        "IOMHUB_TOKEN_DAYS": "1",
    }
    return env


def manage(env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    done = subprocess.run(  # noqa: S603 - our own command
        [str(BIN / "python"), "-m", "iomhub", *args], env=env, cwd=ROOT, input=stdin, capture_output=True, text=True, check=False
    )
    if done.returncode:
        raise Failed(f"python -m iomhub {' '.join(args)} failed:\n{done.stderr[-2000:]}")
    return done.stdout


class Server:
    """gunicorn as ``make serve-production`` starts it, in its own process group."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env, self.log, self.process = env, log, None  # type: ignore[var-annotated]

    def start(self) -> None:
        out = self.log.open("a")
        self.process = subprocess.Popen(  # noqa: S603
            [str(BIN / "gunicorn"), "-c", "python:iomhub.config.gunicorn", "iomhub.config.wsgi"],
            env=self.env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if status("/ready")[0] == 200 and len(self.workers()) >= int(self.env["WEB_CONCURRENCY"]):
                return
            time.sleep(0.2)
        raise Failed("gunicorn did not become ready within 60 s")

    def workers(self) -> list[int]:
        if self.process is None:
            return []
        found = subprocess.run(["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True, check=False)  # noqa: S603, S607
        return [int(p) for p in found.stdout.split()]

    def kill_worker(self) -> int:
        pid = self.workers()[0]
        os.kill(pid, signal.SIGKILL)
        return pid

    def kill_all(self) -> None:
        if self.process is not None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
            self.process = None

    def stop(self) -> None:
        if self.process is not None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)
            self.process = None


def request(method: str, path: str, token: str = "", body: dict[str, Any] | None = None, timeout: float = 15) -> tuple[int, Any]:
    """(status, JSON body or None); status 0 when the connection failed (refused, reset, dropped)."""
    headers = dict(HEADERS)
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(BASE + path, data=data, headers=headers, method=method)  # noqa: S310 - loopback
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:  # noqa: S310
            raw = response.read()
            return response.status, json.loads(raw) if raw[:1] in (b"{", b"[") else None
    except urllib.error.HTTPError as exc:
        raw = exc.read()
        return exc.code, json.loads(raw) if raw[:1] in (b"{", b"[") else None
    except (OSError, urllib.error.URLError):
        return 0, None


def status(path: str) -> tuple[int, Any]:
    return request("GET", path, timeout=5)


def word(n: int, salt: int) -> str:
    """A made-up name, different for every number (so the duplicate check never matches two)."""
    value, letters = (n * 7919 + salt) % 26**7, []
    for _ in range(7):
        value, digit = divmod(value, 26)
        letters.append("abcdefghijklmnopqrstuvwxyz"[digit])
    return "".join(letters).capitalize()


def new_person(prefix: str, n: int) -> dict[str, Any]:
    """Person ``n`` of a run: the last name ``<word>-<prefix>-<n>`` says which run and which one."""
    born = datetime.date(1950, 1, 1) + datetime.timedelta(days=(n * 113) % 14000)
    return {"first_name": word(n, 104729), "last_name": f"{word(n, 7)}-{prefix}-{n}", "date_of_birth": born.isoformat(), "sex": "male"}


class Writers:
    """Threads creating people through the API, each answer recorded by name."""

    def __init__(self, token: str, prefix: str, threads: int = 2) -> None:
        self.token, self.prefix, self.threads = token, prefix, threads
        self.answers: dict[str, tuple[int, Any]] = {}
        self.counter = 0
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.pool: list[threading.Thread] = []

    def _next(self) -> int:
        with self.lock:
            self.counter += 1
            return self.counter

    def _run(self) -> None:
        while not self.stopping.is_set():
            body = new_person(self.prefix, self._next())
            answer = request("POST", "/api/v1/people", self.token, body)
            with self.lock:
                self.answers[body["last_name"]] = (answer[0], (answer[1] or {}).get("id") if isinstance(answer[1], dict) else None)

    def start(self) -> None:
        self.pool = [threading.Thread(target=self._run, daemon=True) for _ in range(self.threads)]
        for thread in self.pool:
            thread.start()

    def wait_for(self, created: int, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if sum(1 for s, _ in self.answers.values() if s == 201) >= created:
                    return
            time.sleep(0.05)
        raise Failed(f"fewer than {created} people created in {timeout} s")

    def stop(self) -> None:
        self.stopping.set()
        for thread in self.pool:
            thread.join(timeout=30)

    def statuses(self) -> Counter[int]:
        return Counter(s for s, _ in self.answers.values())


def database_people(prefix: str) -> dict[str, tuple[int, int]]:
    """last name -> (person id, number of audit 'create' events for it), straight from PostgreSQL."""
    with psycopg.connect(f"{PG}/{DB}", autocommit=True) as db:
        rows = db.execute(
            "SELECT p.last_name, p.id, (SELECT count(*) FROM access_auditevent a WHERE a.object_type = 'person' "
            "AND a.action = 'create' AND a.object_id = p.id::text) FROM people_person p WHERE p.last_name LIKE %s",
            [f"%-{prefix}-%"],
        ).fetchall()
    names = Counter(r[0] for r in rows)
    duplicated = [name for name, n in names.items() if n > 1]
    check(not duplicated, f"people saved twice: {duplicated[:5]}")
    return {name: (pk, audits) for name, pk, audits in rows}


def verify_writes(writers: Writers, prefix: str) -> dict[str, int]:
    saved = database_people(prefix)
    answered = {name: pk for name, (code, pk) in writers.answers.items() if code == 201}
    lost = [name for name in answered if name not in saved]
    check(not lost, f"writes answered 201 but not in the database: {lost[:5]}")
    check(all(saved[name][0] == pk for name, pk in answered.items()), "a 201 named another record's id")
    partial = [name for name, (_, audits) in saved.items() if audits != 1]
    check(not partial, f"people without exactly one audit event (half-written): {partial[:5]}")
    return {"answered_201": len(answered), "in_database": len(saved), "committed_but_unanswered": len(set(saved) - set(answered))}


def kill_test(server: Server, token: str) -> dict[str, Any]:
    writers = Writers(token, "Kill")
    writers.start()
    writers.wait_for(30)
    killed = server.kill_worker()
    writers.wait_for(60)
    server.kill_all()  # the whole server, mid-write
    writers.stop()
    before_restart = dict(writers.statuses())
    server.start()
    retried = Counter()
    for name, (code, _) in list(writers.answers.items()):
        if code != 201:  # the writer never heard back: send it once more, as a client would
            again = request("POST", "/api/v1/people", token, new_person("Kill", int(name.rsplit("-", 1)[1])))
            retried[again[0]] += 1
            if again[0] == 201:
                writers.answers[name] = (201, again[1]["id"])
    result = verify_writes(writers, "Kill")
    check(set(retried) <= {201, 409}, f"a retry was answered {dict(retried)}")
    return {"worker_killed": killed, "answers_before_restart": before_restart, "retried": dict(retried), **result}


def terminate_backends() -> int:
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as db:
        return len(
            db.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", [DB]
            ).fetchall()
        )


def fault_test(token: str, seconds: float = 6) -> dict[str, Any]:
    writers = Writers(token, "Fault")
    reads: Counter[int] = Counter()
    stop_reading = threading.Event()

    def reader() -> None:
        while not stop_reading.is_set():
            reads[request("GET", "/api/v1/people?q=resilience", token)[0]] += 1

    reading = threading.Thread(target=reader, daemon=True)
    writers.start()
    reading.start()
    writers.wait_for(10)
    terminated, end = 0, time.monotonic() + seconds
    while time.monotonic() < end:
        terminated += terminate_backends()
        time.sleep(0.05)
    fault_over = time.monotonic()
    recovered_after = None
    while time.monotonic() - fault_over < 30:
        if request("GET", "/api/v1/people?q=resilience", token)[0] == 200:
            recovered_after = time.monotonic() - fault_over
            break
        time.sleep(0.05)
    writers.wait_for(writers.statuses()[201] + 10)  # writes succeed again
    writers.stop()
    stop_reading.set()
    reading.join(timeout=30)
    answers = writers.statuses() + reads
    check(recovered_after is not None, "no successful request within 30 s of the fault ending")
    check(answers[503] > 0, "the fault was never hit (no 503): terminate more often")
    check(set(answers) <= {200, 201, 503}, f"answers other than success or a clean 503: {dict(answers)}")
    result = verify_writes(writers, "Fault")
    return {
        "backends_terminated": terminated,
        "answers": dict(answers),
        "recovered_after_s": round(recovered_after or 0, 3),
        **result,
    }


def load_test(env: dict[str, str], token: str, scratch: Path) -> dict[str, Any]:
    users = os.environ.get("LOAD_USERS", "10")
    seconds = os.environ.get("LOAD_SECONDS", "30")
    with psycopg.connect(f"{PG}/{DB}", autocommit=True) as db:
        # People the officer may read: not restricted (MAPPA, counter-terrorism: named users only) and
        # not merged into another record (both answer 404 to everyone else, by design).
        query = "SELECT id FROM people_person WHERE restriction = '' AND merged_into_id IS NULL ORDER BY id LIMIT 200"
        ids = [r[0] for r in db.execute(query).fetchall()]
    load_env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    load_env |= {"IOMHUB_TOKEN": token, "IOMHUB_PERSON_IDS": ",".join(map(str, ids))}
    prefix = scratch / "load"
    done = subprocess.run(  # noqa: S603 - locust's own command line, a process of its own (gevent)
        [
            str(BIN / "locust"),
            "-f",
            str(ROOT / "scripts" / "locustfile.py"),
            "--headless",
            "-u",
            users,
            "-r",
            users,
            "-t",
            f"{seconds}s",
            "--host",
            BASE,
            "--csv",
            str(prefix),
            "--only-summary",
            "--stop-timeout",
            "5",
        ],
        env=load_env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    rows = list(csv.DictReader((scratch / "load_stats.csv").open()))
    figures = {
        row["Name"]: {
            "requests": int(row["Request Count"]),
            "failures": int(row["Failure Count"]),
            "p50_ms": row["50%"],
            "p95_ms": row["95%"],
            "rps": round(float(row["Requests/s"]), 1),
        }
        for row in rows
    }
    total = figures.get("Aggregated", {})
    check(total.get("requests", 0) > 0, f"locust made no requests:\n{done.stderr[-2000:]}")
    check(total.get("failures", 1) == 0, f"errors under load: {figures}")
    return {"users": int(users), "seconds": int(seconds), "load_average_after": os.getloadavg(), "by_request": figures}


def main(which: list[str]) -> int:
    which = which or ["kill", "dbfault", "load"]
    scratch = Path(tempfile.mkdtemp(prefix="iomhub-resilience-"))
    env = environment(scratch)
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as db:
        db.execute(f'CREATE DATABASE "{DB}"')
    server = Server(env, scratch / "server.log")
    results: dict[str, Any] = {}
    try:
        manage(env, "migrate", "--no-input", "-v", "0")
        manage(env, "collectstatic", "--no-input", "-v", "0")
        if "load" in which:
            demo_env = env | {"IOMHUB_ENV": "dev", "IOMHUB_DEMO": "1"}
            started = time.monotonic()
            manage(demo_env, "demo", "--people", os.environ.get("LOAD_PEOPLE", "300"), "--if-empty")
            results["demo_load_s"] = round(time.monotonic() - started, 1)
        token = manage(env, "shell", "-c", SETUP).strip().rsplit("TOKEN=", 1)[1]
        manage(env, "migrate", "--no-input", "-v", "0")  # again: a shared working tree may have gained one meanwhile
        server.start()
        if "kill" in which:
            results["kill"] = kill_test(server, token)
        if "dbfault" in which:
            results["dbfault"] = fault_test(token)
        if "load" in which:
            results["load"] = load_test(env, token, scratch)
        print(json.dumps(results, indent=2))
        print("resilience: passed")
        return 0
    except Failed as exc:
        print(json.dumps(results, indent=2))
        print(f"resilience: FAILED: {exc}", file=sys.stderr)
        log = scratch / "server.log"
        if log.exists():
            print("".join(log.read_text().splitlines(keepends=True)[-30:]), file=sys.stderr)
        return 1
    finally:
        try:
            server.stop()
        except (ProcessLookupError, subprocess.TimeoutExpired):
            server.kill_all()
        with psycopg.connect(f"{PG}/postgres", autocommit=True) as db:
            terminate_backends()
            db.execute(f'DROP DATABASE IF EXISTS "{DB}"')


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
