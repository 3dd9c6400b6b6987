"""The database going away mid-request (issue 13 §7b), in process on PostgreSQL: the request's own
database connection is terminated from another session, as a restart or failover would; the page
answers a clean 503 (the API a problem+json 503) rendered without the database, and the next request
reconnects by itself. The end-to-end version against gunicorn is ``make resilience``."""

from __future__ import annotations

import os

import psycopg
import pytest
from django.db import connection

from iomhub.access.models import Role

pytestmark = [
    pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="terminates a PostgreSQL backend"),
    pytest.mark.django_db(transaction=True),
]


def _terminate_own_connection() -> None:
    pid = connection.connection.info.backend_pid
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(
        **{k: v for k, v in params.items() if k in {"dbname", "user", "password", "host", "port"}}, autocommit=True
    ) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])


def test_a_dropped_connection_answers_503_and_the_next_request_recovers(client, partnership):
    client.raise_request_exception = False
    client.force_login(partnership.users[Role.POLICE_IOM_OFFICER])
    assert client.get("/people/").status_code == 200
    _terminate_own_connection()
    page = client.get("/people/")
    assert page.status_code == 503
    assert "Sorry, the service is unavailable" in page.content.decode() and page["Retry-After"] == "30"
    assert client.get("/people/").status_code == 200  # reconnected by itself
    _terminate_own_connection()
    api = client.get("/api/v1/people", {"q": "Jordan"})
    assert api.status_code == 503 and api["Content-Type"] == "application/problem+json"
    assert api.json()["status"] == 503
    assert client.get("/api/v1/people", {"q": "Jordan"}).status_code == 200
