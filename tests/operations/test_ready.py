"""``/ready``: the process can serve, because the database answers and is migrated (issue 13 §1)."""

from __future__ import annotations

import pytest
from django.db import connection


@pytest.mark.django_db
def test_ready_when_the_database_answers_and_is_migrated(client):
    response = client.get("/ready")
    assert response.status_code == 200
    assert response.json() == {"status": "ready"}
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_not_ready_while_a_migration_is_not_applied(client):
    with connection.cursor() as cursor:  # undone with the test's transaction
        cursor.execute("DELETE FROM django_migrations WHERE app = 'people' AND name = '0001_initial'")
    response = client.get("/ready")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "migrations not applied"}


@pytest.mark.django_db
def test_health_and_ready_need_no_sign_in_and_show_no_data(client, partnership):
    for url in ("/health", "/ready"):
        response = client.get(url)
        assert response.status_code == 200
        assert b"Jordan" not in response.content


@pytest.mark.django_db
def test_health_is_liveness_and_asks_nothing_of_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/health")
    assert response.json() == {"status": "ok"}
