"""A page that changes nothing in the session does not write it again within a minute of its last
renewal (ADR 0040): the idle timeout still moves with activity, a minute at a time, and a session
whose data changed is always written. Counts and stored expiry dates, never times."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from iomhub.access.models import Role
from iomhub.web.sessions import RENEW_AFTER, SessionStore

pytestmark = pytest.mark.django_db


def session_writes(call) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        answer = call()
    writes = [q["sql"] for q in captured.captured_queries if "django_session" in q["sql"] and not q["sql"].lstrip().startswith("SELECT")]
    return len(writes), answer


def stored_expiry(client) -> datetime.datetime:
    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_pages_within_a_minute_of_the_last_renewal_do_not_write_the_session(client, partnership):
    client.force_login(partnership.users[Role.POLICE_IOM_OFFICER])
    client.get("/")
    before = stored_expiry(client)
    for path in ("/", "/people/", "/caseload/"):
        writes, answer = session_writes(lambda path=path: client.get(path))
        assert answer.status_code == 200
        assert writes == 0, path
    assert stored_expiry(client) == before


def test_an_expiry_over_a_minute_old_is_renewed_to_a_full_idle_period(client, partnership):
    client.force_login(partnership.users[Role.POLICE_IOM_OFFICER])
    key = client.session.session_key
    Session.objects.filter(pk=key).update(
        expire_date=timezone.now() + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE - RENEW_AFTER - 5)
    )
    writes, answer = session_writes(lambda: client.get("/"))
    assert answer.status_code == 200
    assert writes == 1
    assert stored_expiry(client) - timezone.now() > datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE - 5)
    # Just renewed: the next page leaves it alone.
    writes, _ = session_writes(lambda: client.get("/"))
    assert writes == 0


def test_a_changed_session_is_written_at_once(client, partnership):
    client.force_login(partnership.users[Role.POLICE_IOM_OFFICER])
    client.get("/")
    key = client.session.session_key
    store = SessionStore(key)
    store["something"] = "changed"  # not due for renewal, but its data changed
    store.save()
    assert SessionStore(key)["something"] == "changed"
    answer = client.post("/sign-out/")
    assert answer.status_code == 302
    assert not Session.objects.filter(pk=key).exists()


def test_an_idle_session_still_ends(client, partnership):
    client.force_login(partnership.users[Role.POLICE_IOM_OFFICER])
    Session.objects.filter(pk=client.session.session_key).update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    answer = client.get("/")
    assert answer.status_code == 302
    assert answer["Location"].startswith("/sign-in/")
