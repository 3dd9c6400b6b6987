"""Database triggers that make the audit log append-only, on PostgreSQL and SQLite.

Installed by migration ``access/0003``. ``suspended`` exists for one purpose only: the test
framework empties every table between browser tests, which the triggers (rightly) refuse.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

PG_INSTALL = [
    """CREATE OR REPLACE FUNCTION access_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'The audit log is append-only';
END;
$$ LANGUAGE plpgsql""",
    "CREATE TRIGGER access_auditevent_no_update BEFORE UPDATE OR DELETE ON access_auditevent "
    "FOR EACH ROW EXECUTE FUNCTION access_auditevent_append_only()",
    "CREATE TRIGGER access_auditevent_no_truncate BEFORE TRUNCATE ON access_auditevent "
    "FOR EACH STATEMENT EXECUTE FUNCTION access_auditevent_append_only()",
]
PG_DROP = [
    "DROP TRIGGER IF EXISTS access_auditevent_no_update ON access_auditevent",
    "DROP TRIGGER IF EXISTS access_auditevent_no_truncate ON access_auditevent",
]
SQLITE_INSTALL = [
    "CREATE TRIGGER access_auditevent_no_update BEFORE UPDATE ON access_auditevent "
    "BEGIN SELECT RAISE(ABORT, 'The audit log is append-only'); END",
    "CREATE TRIGGER access_auditevent_no_delete BEFORE DELETE ON access_auditevent "
    "BEGIN SELECT RAISE(ABORT, 'The audit log is append-only'); END",
]
SQLITE_DROP = ["DROP TRIGGER IF EXISTS access_auditevent_no_update", "DROP TRIGGER IF EXISTS access_auditevent_no_delete"]


def _statements(vendor: str, install: bool) -> list[str]:
    if vendor == "postgresql":
        return PG_INSTALL if install else PG_DROP
    if vendor == "sqlite":
        return SQLITE_INSTALL if install else SQLITE_DROP
    raise RuntimeError(f"No append-only audit trigger for database {vendor}")


def install(connection: Any) -> None:
    with connection.cursor() as cursor:
        for statement in _statements(connection.vendor, install=True):
            cursor.execute(statement)


def drop(connection: Any) -> None:
    with connection.cursor() as cursor:
        for statement in _statements(connection.vendor, install=False):
            cursor.execute(statement)


@contextlib.contextmanager
def suspended(connection: Any) -> Iterator[None]:
    drop(connection)
    try:
        yield
    finally:
        install(connection)
