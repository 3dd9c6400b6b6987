"""The data version of the stored reports (ADR 0042): a number that grows with every committed write
to a table the quarterly report counts, kept by database triggers so that no write escapes it
(the ORM, ``update()``, ``bulk_create``, COPY, raw SQL, another process, a restore).

The version is ``DataChangeTotal.changes + count(DataChange rows)``, read in one statement.

* **PostgreSQL**: a statement-level trigger on each counted table inserts one ``DataChange`` row per
  writing statement. Inserting takes no lock another writer waits for (no counter row to update,
  so no new waits and no deadlocks between writers), and a row becomes visible exactly when its
  transaction commits, so the count grows by at least one with every committed write; a
  transaction's own uncommitted writes count for it, and a rolled-back write takes its row with it.
  :func:`compact` folds the rows into the total in one statement (delete and add the number
  deleted), which leaves the sum unchanged for every snapshot.
* **SQLite**: one writer at a time anyway, so a row-level trigger adds one to the total (an upsert,
  so an emptied table starts again rather than stopping).

A stored report is valid only for the version read *before* its figures were counted: any write
committed after that read changes the version, so a stale report is never served; a report that
happens to include a write a moment newer than its version is only recounted once more.
"""

from __future__ import annotations

from django.db import connection

from iomhub.db_triggers import Triggers

# What the quarterly report reads (selectors/quarterly.py and overview._referral_figures). A table
# added to the report must be added here and to a migration (tests/reporting/test_stored.py checks
# each figure changes after a write to its table).
COUNTED_TABLES: tuple[str, ...] = (
    "access_team",
    "casework_caserecord",
    "casework_timelineentry",
    "cohort_deregistration",
    "cohort_registration",
    "justice_custodyepisode",
    "justice_pssbreach",
    "justice_recall",
    "justice_warrant",
    "people_address",
    "referrals_decision",
    "referrals_referral",
)
# people_person counts only for its managing team (a person counts for the team now managing them);
# a new person counts in no figure until a registration, referral or the like is written.
PERSON_TABLE = "people_person"
PERSON_COLUMN = "managing_team_id"

COMPACT_AFTER = 1000

_PG_FUNCTION = """CREATE OR REPLACE FUNCTION reporting_data_changed() RETURNS trigger AS $$
BEGIN
    INSERT INTO reporting_datachange DEFAULT VALUES;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql"""


def _pg_install() -> list[str]:
    statements = [_PG_FUNCTION]
    for table in COUNTED_TABLES:
        statements.append(
            f"CREATE TRIGGER reporting_data_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION reporting_data_changed()"
        )
    statements.append(
        f"CREATE TRIGGER reporting_data_changed AFTER UPDATE OF {PERSON_COLUMN} OR DELETE OR TRUNCATE ON {PERSON_TABLE} "
        "FOR EACH STATEMENT EXECUTE FUNCTION reporting_data_changed()"
    )
    return statements


def _pg_drop() -> list[str]:
    return [f"DROP TRIGGER IF EXISTS reporting_data_changed ON {t}" for t in (*COUNTED_TABLES, PERSON_TABLE)] + [
        "DROP FUNCTION IF EXISTS reporting_data_changed()"
    ]


_SQLITE_BUMP = (
    "BEGIN INSERT INTO reporting_datachangetotal (id, changes) VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET changes = changes + 1; END"
)


def _sqlite_install() -> list[str]:
    statements = []
    for table in COUNTED_TABLES:
        for event in ("INSERT", "UPDATE", "DELETE"):
            statements.append(f"CREATE TRIGGER reporting_{table}_{event.lower()} AFTER {event} ON {table} {_SQLITE_BUMP}")
    statements.append(f"CREATE TRIGGER reporting_{PERSON_TABLE}_update AFTER UPDATE OF {PERSON_COLUMN} ON {PERSON_TABLE} {_SQLITE_BUMP}")
    statements.append(f"CREATE TRIGGER reporting_{PERSON_TABLE}_delete AFTER DELETE ON {PERSON_TABLE} {_SQLITE_BUMP}")
    return statements


def _sqlite_drop() -> list[str]:
    names = [f"reporting_{t}_{e}" for t in COUNTED_TABLES for e in ("insert", "update", "delete")]
    return [f"DROP TRIGGER IF EXISTS {n}" for n in (*names, f"reporting_{PERSON_TABLE}_update", f"reporting_{PERSON_TABLE}_delete")]


TRIGGERS = Triggers("data-version", postgresql=(_pg_install(), _pg_drop()), sqlite=(_sqlite_install(), _sqlite_drop()))
install, drop = TRIGGERS.install, TRIGGERS.drop
# Without the triggers, for a restore only: the backup's rows are loaded with the backup's own data
# version and the stored reports valid for it (operations.backup).
suspended = TRIGGERS.suspended


def current() -> tuple[int, int]:
    """(the data version, the rows not yet folded into the total), in one statement."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COALESCE((SELECT changes FROM reporting_datachangetotal WHERE id = 1), 0), (SELECT COUNT(*) FROM reporting_datachange)"
        )
        total, rows = cursor.fetchone()
    return int(total) + int(rows), int(rows)


def compact() -> None:
    """Fold the change rows into the total in one statement: the version is unchanged for every
    snapshot (rows another transaction has not committed yet are not seen, so stay)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "WITH gone AS (DELETE FROM reporting_datachange RETURNING 1) "
            "INSERT INTO reporting_datachangetotal (id, changes) SELECT 1, COUNT(*) FROM gone "
            "ON CONFLICT (id) DO UPDATE SET changes = reporting_datachangetotal.changes + EXCLUDED.changes"
        )
