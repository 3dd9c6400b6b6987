"""Database triggers that make the audit log append-only, on PostgreSQL and SQLite.

Installed by migration ``access/0003``. ``suspended`` exists for one purpose only: the test
framework empties every table between browser tests, which the triggers (rightly) refuse.
"""

from __future__ import annotations

from iomhub.db_triggers import Triggers

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


TRIGGERS = Triggers("append-only audit", postgresql=(PG_INSTALL, PG_DROP), sqlite=(SQLITE_INSTALL, SQLITE_DROP))
install, drop, suspended = TRIGGERS.install, TRIGGERS.drop, TRIGGERS.suspended
