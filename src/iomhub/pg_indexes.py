"""Indexes made on PostgreSQL only, by a migration (issue 11; ADR 0037 addenda, fifth and sixth
sittings): expression and partial indexes that serve PostgreSQL's own form of a query (record
linkage's candidates, the batch duplicate check's names). The embedded SQLite database runs another
form of the same query and gets none: an expression index there would be one the ``sqlite3`` tool
could not write through.

    operations = [postgresql_indexes({"name": "table (columns) WHERE condition", ...})]

``OnPostgreSQL`` is a ``RunSQL`` run on PostgreSQL alone (shown by ``sqlmigrate`` like any other):
for indexes only PostgreSQL has, such as the ``varchar_pattern_ops`` ones Django adds there.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

__all__ = ["OnPostgreSQL", "postgresql_indexes"]


def postgresql_indexes(indexes: dict[str, str]) -> migrations.RunPython:
    """A migration operation: each index ``name`` made ``ON`` its definition on PostgreSQL (if not
    there already), and dropped when the migration is reversed; nothing on other databases."""

    def create(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            for name, definition in indexes.items():
                schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {definition}")

    def drop(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            for name in indexes:
                schema_editor.execute(f"DROP INDEX IF EXISTS {name}")

    return migrations.RunPython(create, drop)


class OnPostgreSQL(migrations.RunSQL):
    """SQL for PostgreSQL alone, both ways; nothing on other databases (SQLite never had the indexes
    it is about)."""

    def database_forwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)
