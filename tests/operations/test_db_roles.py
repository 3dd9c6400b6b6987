"""The application's database role cannot rewrite the audit log (issue 13; docs/operations.md,
"Database roles"): as that role, UPDATE, DELETE and TRUNCATE of audit events are refused, and so is
touching the append-only triggers; it can still append, read and write the records, and retention
removes only events past the database's floor. PostgreSQL only (SQLite has no roles). Everything,
the role included, is undone with the test's transaction."""

from __future__ import annotations

import datetime
import os

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from iomhub.access.audit import record
from iomhub.access.models import AuditEvent
from iomhub.operations import retention
from iomhub.people.models import Person

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="roles are PostgreSQL's"),
]
APP = f"iomhub_app_test_{os.getpid()}"


@pytest.fixture
def app_role(partnership):
    call_command("db_roles", "--app-role", APP, stdout=open(os.devnull, "w"))  # noqa: SIM115 - closed with the process
    return APP


def as_app(statement: str, params: list | None = None) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f'SET ROLE "{APP}"')
        cursor.execute(statement, params or [])
        cursor.execute("RESET ROLE")


def refused_as_app(statement: str) -> str:
    with pytest.raises(DatabaseError) as refused:
        as_app(statement)
    return str(refused.value)


def test_the_app_role_cannot_update_delete_or_truncate_audit_events(app_role, partnership):
    record(actor=None, action="view", object_type="test", reason="kept")
    for statement in ("UPDATE access_auditevent SET reason = 'rewritten'", "DELETE FROM access_auditevent", "TRUNCATE access_auditevent"):
        assert "permission denied" in refused_as_app(statement), statement
    assert AuditEvent.objects.filter(reason="kept").exists()


def test_the_app_role_cannot_touch_the_triggers(app_role):
    for statement in (
        "ALTER TABLE access_auditevent DISABLE TRIGGER access_auditevent_no_update",
        "DROP TRIGGER access_auditevent_no_update ON access_auditevent",
        "CREATE OR REPLACE FUNCTION access_auditevent_append_only() RETURNS trigger AS $$ BEGIN RETURN NULL; END; $$ LANGUAGE plpgsql",
        "ALTER TABLE access_auditevent OWNER TO CURRENT_USER",
    ):
        assert "must be owner" in refused_as_app(statement) or "permission denied" in refused_as_app(statement), statement


def test_the_app_role_appends_and_reads_audit_events_and_writes_records(app_role, partnership):
    as_app(
        "INSERT INTO access_auditevent (occurred_at, actor_username, action, object_type, object_id, route, outcome, changes, reason, user_agent, request_id) "
        "VALUES (now(), '', 'view', 'test', '', '', 'ok', '{}', 'appended by the app role', '', '')"
    )
    as_app("SELECT count(*) FROM access_auditevent")
    as_app("UPDATE people_person SET first_name = 'Rowan' WHERE id = %s", [partnership.ordinary.pk])
    assert AuditEvent.objects.filter(reason="appended by the app role").exists()
    assert Person.objects.get(pk=partnership.ordinary.pk).first_name == "Rowan"


def test_even_the_owner_meets_the_trigger(app_role):
    record(actor=None, action="view", object_type="test", reason="kept")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE access_auditevent SET reason = 'rewritten'")


def test_retention_as_the_app_role_removes_only_events_past_the_floor(app_role):
    old = AuditEvent.objects.create(occurred_at=timezone.now() - datetime.timedelta(days=400), action="view", reason="old")
    recent = AuditEvent.objects.create(occurred_at=timezone.now() - datetime.timedelta(days=200), action="view", reason="recent")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f'SET ROLE "{APP}"')
        retention._delete_audit([old.pk, recent.pk])
        cursor.execute("RESET ROLE")
    assert not AuditEvent.objects.filter(pk=old.pk).exists()
    assert AuditEvent.objects.filter(pk=recent.pk).exists()  # a rule below the floor does not reach it
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM access_auditevent WHERE id = %s", [recent.pk])  # the trigger is back


def test_the_owner_or_a_superuser_is_refused_as_the_app_role():
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        me = cursor.fetchone()[0]
    with pytest.raises(CommandError, match="must not be the owner|superuser"):
        call_command("db_roles", "--app-role", me)
