"""Two posts of the same form (or API request) at the same instant store one record: each runs in its
own thread with its own database connection; a barrier releases them together. The unique
constraint on the once-only key lets one claim it; the other waits for it and answers as it did,
or says it is still being saved. PostgreSQL, the production database (see pytestmark)."""

from __future__ import annotations

import datetime
import json
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections
from django.test import Client

from iomhub.access.models import Role
from iomhub.casework.models import TimelineEntry
from iomhub.cohort.models import Registration

pytestmark = [
    pytest.mark.django_db(transaction=True),
    # The SQLite test database is in memory with a shared cache, where a second writer is refused at
    # once ("database table is locked") instead of waiting as on the service's file database (WAL,
    # IMMEDIATE transactions, a busy timeout); the states a race goes through (a key in flight, done,
    # or left by a request that died) are tested on both databases in test_double_submit.py and
    # tests/api/test_idempotency.py. `.ci/run` runs this on PostgreSQL.
    pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite's in-memory test database refuses a second writer at once"),
]


def _race(*senders: Callable[[], Any]) -> list[Any]:
    barrier = threading.Barrier(len(senders))
    results: list[Any] = [None] * len(senders)

    def run(i: int, send: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=10)
            results[i] = send()
        except Exception as exc:  # a fault is a result the test shows
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, s)) for i, s in enumerate(senders)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a request is stuck"
    return results


@pytest.fixture
def case(partnership):
    Registration.objects.create(person=partnership.ordinary, started_on=datetime.date(2026, 1, 5), rag="amber")
    return partnership


def test_two_posts_of_one_form_at_once_store_one_entry(case):
    officer = case.users[Role.POLICE_IOM_OFFICER]
    url = f"/people/{case.ordinary.pk}/timeline/new/"
    data = {"kind": "home-visit", "occurred_on_day": "1", "occurred_on_month": "6", "occurred_on_year": "2026", "once_token": "R" * 32}
    clients = [Client(), Client()]
    for c in clients:
        c.force_login(officer)
    results = _race(*(lambda c=c: c.post(url, data) for c in clients))
    assert [getattr(r, "status_code", r) for r in results] in ([302, 302], [302, 409], [409, 302]), results
    assert all(r["Location"] == f"/people/{case.ordinary.pk}/timeline/" for r in results if r.status_code == 302)
    assert TimelineEntry.objects.filter(person=case.ordinary).count() == 1


def test_two_api_posts_with_one_key_at_once_store_one_entry(case, api_auth):
    auth = api_auth(Role.POLICE_IOM_OFFICER)
    url = f"/api/v1/people/{case.ordinary.pk}/timeline"
    body = json.dumps({"kind": "home-visit", "occurred_on": "2026-06-10"})
    clients = [Client(), Client()]
    results = _race(
        *(lambda c=c: c.post(url, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="race-1", **auth) for c in clients)
    )
    statuses = sorted(getattr(r, "status_code", r) for r in results)
    assert statuses in ([201, 201], [201, 409]), results
    if statuses == [201, 201]:
        assert sum(r.get("Idempotent-Replayed") == "true" for r in results) == 1
    assert TimelineEntry.objects.filter(person=case.ordinary).count() == 1
