"""``iomhub.pg_indexes.postgresql_indexes``: a migration's indexes made on PostgreSQL, and dropped
when it is reversed; nothing run on SQLite. And the migrated database holds every index the people
migrations ask for (on PostgreSQL), so the queries they serve find them."""

from __future__ import annotations

import importlib

import pytest
from django.db import connection

from iomhub.pg_indexes import postgresql_indexes

pytestmark = pytest.mark.django_db

PEOPLE_MIGRATIONS = ("0008_linkage_candidate_indexes", "0009_duplicate_check_name_indexes", "0010_linkage_candidate_indexes_by_way")


class _Editor:
    """What the operation asks of Django's schema editor: the connection, and statements run."""

    def __init__(self) -> None:
        self.connection = connection
        self.statements: list[str] = []

    def execute(self, sql: str) -> None:
        self.statements.append(sql)
        with connection.cursor() as cursor:
            cursor.execute(sql)


def _indexes() -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
        return {row[0] for row in cursor.fetchall()}


def test_made_and_dropped_on_postgresql_only() -> None:
    operation = postgresql_indexes({"toolkit_probe_idx": "people_person (last_name, id) WHERE id < 0"})
    editor = _Editor()
    operation.code(None, editor)
    assert ("toolkit_probe_idx" in _indexes()) == (connection.vendor == "postgresql")
    operation.code(None, editor)  # again: already there, no error
    operation.reverse_code(None, editor)
    assert "toolkit_probe_idx" not in _indexes()
    assert bool(editor.statements) == (connection.vendor == "postgresql")


def test_the_people_migrations_indexes_are_there() -> None:
    """Every index the people migrations make, less those a later one drops (0010 drops two of 0008's)."""
    wanted: set[str] = set()
    dropped: set[str] = set()
    for name in PEOPLE_MIGRATIONS:
        migration = importlib.import_module(f"iomhub.people.migrations.{name}")
        wanted = (wanted - set(getattr(migration, "DROPPED", {}))) | set(migration.INDEXES)
        dropped = (dropped | set(getattr(migration, "DROPPED", {}))) - set(migration.INDEXES)
    assert dropped == {"person_upper_last_dob", "person_upper_first_dob"}
    found = _indexes()
    if connection.vendor == "postgresql":
        assert wanted <= found
        assert not dropped & found
    else:
        assert not (wanted | dropped) & found
