"""The database as a backup reads it: its tables in foreign-key order, each table's rows as JSON
lines in primary-key order with their count and SHA-256 (the manifest), and the one consistent read."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db.backends.base.base import BaseDatabaseWrapper

from iomhub.operations.backup_file import BackupError, row_line

BATCH_ROWS = 2000
MIGRATIONS_TABLE = "django_migrations"
# Tables that ``migrate`` fills by itself (content types, permissions, and the offence catalogue's
# post-migrate sync). A freshly migrated database has rows in these and nowhere else; a restore
# replaces their rows with the backup's, so the ids other rows point at are the backup's.
# tests/operations proves the list is complete for a freshly emptied database.
# The reports' data version (ADR 0042) is written by triggers on every write, migrate's included: a
# restore replaces it with the backup's, with the triggers suspended while it loads.
FILLED_BY_MIGRATE = (
    "django_content_type",
    "auth_permission",
    "justice_offencecode",
    "operations_retentionrule",
    "reporting_datachange",
    "reporting_datachangetotal",
)
# Rows that ``migrate`` makes in tables that otherwise hold the partnership's own records: the system
# account the feeds act as (feeds/0004, ADR 0014; access.accounts.FEEDS_SYSTEM_USERNAME, spelled
# out here so the SQL stays a literal), its role and the audit event of its making. A
# freshly migrated database may hold these and still count as empty; a restore replaces them with
# the backup's copies (made by the same migration on the live database), audit event included.
_SYSTEM_ACCOUNT = "SELECT id FROM access_user WHERE username = 'system-feeds'"
MADE_BY_MIGRATE = {
    "access_user": "username = 'system-feeds'",
    "access_roleassignment": f"user_id IN ({_SYSTEM_ACCOUNT})",
    "access_auditevent": (
        "actor_id IS NULL AND object_type = 'user' AND action = 'create' "
        "AND object_id IN (SELECT CAST(id AS VARCHAR(20)) FROM access_user WHERE username = 'system-feeds')"
    ),
}


Manifest = dict[str, dict[str, Any]]


@dataclass(frozen=True)
class Table:
    name: str
    key: list[str]  # the primary-key columns that order its rows (every column when it has none)


# -- keys ------------------------------------------------------------------------------------------


def tables_in_order(connection: BaseDatabaseWrapper) -> list[Table]:
    """Every table of the database except the migration record, each after the tables its foreign
    keys point at (ties by name, so the order is the same every time)."""
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
        keys: dict[str, list[str]] = {}
        needs: dict[str, set[str]] = {}
        for model in apps.get_models(include_auto_created=True):
            table = model._meta.db_table
            if table not in existing or not model._meta.managed or model._meta.proxy:
                continue
            keys[table] = [model._meta.pk.column]
            needs[table] = {
                field.related_model._meta.db_table
                for field in model._meta.concrete_fields
                if field.is_relation and field.related_model is not None and not isinstance(field.related_model, str)
            } - {table}
        for table in existing - set(keys) - {MIGRATIONS_TABLE}:
            if table.startswith("sqlite_"):
                continue
            keys[table] = list(connection.introspection.get_primary_key_columns(cursor, table) or [])
            needs[table] = set()
    ordered: list[Table] = []
    done: set[str] = set()
    waiting = sorted(keys)
    while waiting:
        pending = set(waiting)
        # A cycle (none today) is broken by name: foreign keys are checked at commit on both databases.
        ready = [t for t in waiting if not (needs[t] & pending)] or waiting[:1]
        for table in ready:
            ordered.append(Table(table, keys[table]))
            done.add(table)
        waiting = [t for t in waiting if t not in done]
    return ordered


def table_rows(connection: BaseDatabaseWrapper, table: Table) -> Iterator[bytes]:
    """A table's rows as backup lines, in primary-key order, read in pages of BATCH_ROWS."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if len(table.key) == 1:
            # Keyset pages: memory stays bounded however large the table.
            key = quote(table.key[0])
            last: Any = None
            while True:
                where = f" WHERE {key} > %s" if last is not None else ""
                cursor.execute(
                    f"SELECT * FROM {quote(table.name)}{where} ORDER BY {key} LIMIT {BATCH_ROWS}",  # noqa: S608 - names from the schema
                    [last] if last is not None else [],
                )
                columns = [c[0] for c in cursor.description]
                position = columns.index(table.key[0])
                page = cursor.fetchall()
                for row in page:
                    yield row_line(row)
                if len(page) < BATCH_ROWS:
                    return
                last = page[-1][position]
        cursor.execute(f"SELECT * FROM {quote(table.name)}")  # noqa: S608 - names from the schema
        rows = cursor.fetchall()
        ordering = sorted(range(len(rows)), key=lambda i: row_line(rows[i]))
        for i in ordering:
            yield row_line(rows[i])


def columns_of(connection: BaseDatabaseWrapper, table: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)} WHERE 1 = 0")  # noqa: S608 - names from the schema
        return [c[0] for c in cursor.description]


def measure(connection: BaseDatabaseWrapper, tables: Iterable[Table]) -> Manifest:
    """Each table's row count and SHA-256 as the database holds it now."""
    manifest: Manifest = {}
    for table in tables:
        digest, count = hashlib.sha256(), 0
        for line in table_rows(connection, table):
            digest.update(line + b"\n")
            count += 1
        manifest[table.name] = {"rows": count, "sha256": digest.hexdigest()}
    return manifest


def applied_migrations(connection: BaseDatabaseWrapper) -> list[list[str]]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT app, name FROM {MIGRATIONS_TABLE} ORDER BY app, name")  # noqa: S608 - a constant
        return [[app, name] for app, name in cursor.fetchall()]


# -- backup -----------------------------------------------------------------------------------------


class ReadSnapshot:
    """One read transaction around the whole backup, so every table is read as of one moment."""

    def __init__(self, connection: BaseDatabaseWrapper) -> None:
        self.connection = connection

    def __enter__(self) -> None:
        if self.connection.in_atomic_block:
            raise BackupError("A backup must run outside any transaction (it opens its own snapshot)")
        self.connection.ensure_connection()
        begin = {
            "postgresql": "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
            "sqlite": "BEGIN DEFERRED",
        }.get(self.connection.vendor)
        if begin is None:
            raise BackupError(f"Backups support PostgreSQL and SQLite, not {self.connection.vendor}")
        with self.connection.cursor() as cursor:
            cursor.execute(begin)

    def __exit__(self, *exc: object) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute("ROLLBACK")
