"""Backup and verified restore (issue 13 §2, ADR 0016), on whichever database the suite runs on.

The empty database a backup is restored into is the test database itself, emptied the way a fresh
one is: every table flushed (the audit log's append-only triggers lifted for the flush alone, as
for the browser tests), then what ``migrate`` writes by itself put back by the post-migrate
signals. ``test_an_emptied_database_is_a_freshly_migrated_one`` checks that state is the one
``restore`` accepts. Each table is compared row by row with plain SQL, not with the checksums the
code under test computes.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from iomhub.access import audit_triggers
from iomhub.access.audit import record
from iomhub.access.models import AuditEvent, Organisation, Role
from iomhub.operations.backup import FILLED_BY_MIGRATE, PART_BYTES, new_key
from iomhub.operations.backup_tables import MADE_BY_MIGRATE
from iomhub.people.models import Person
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def key(monkeypatch):
    value = new_key()
    monkeypatch.setenv("IOMHUB_BACKUP_KEY", value)
    monkeypatch.delenv("IOMHUB_BACKUP_PREVIOUS_KEYS", raising=False)
    return value


@pytest.fixture
def records(partnership):
    """The small partnership, and audit events (the append-only table) with JSON, dates and text."""
    actor = partnership.users[Role.PROBATION_OFFICER]
    for n in range(3):
        record(
            actor=actor,
            action="view",
            object_type="person",
            object_id=partnership.ordinary.pk,
            person_id=partnership.ordinary.pk,
            changes={"n": n, "when": "2026-12-04", "names": ["Jordan", "Ø"]},
            reason=f"reason {n}",
        )
    return partnership


def snapshot() -> dict[str, list[tuple]]:
    """Every table's rows, ordered, read with plain SQL (the oracle: no code under test)."""
    quote = connection.ops.quote_name
    tables = sorted(t for t in connection.introspection.table_names() if t != "django_migrations" and not t.startswith("sqlite_"))
    out = {}
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT * FROM {quote(table)}")  # noqa: S608 - names from the schema
            out[table] = sorted(tuple(str(v) for v in row) for row in cursor.fetchall())
    return out


def empty_the_database() -> None:
    with audit_triggers.suspended(connection):
        call_command("flush", interactive=False, verbosity=0)


def backup_to(tmp_path: Path) -> Path:
    target = tmp_path / "iomhub.backup"
    call_command("backup", str(target), stdout=_Sink())
    return target


class _Sink:
    def __init__(self) -> None:
        self.text = ""

    def write(self, text: str) -> None:
        self.text += text

    def flush(self) -> None:
        pass


def test_backup_then_restore_into_an_empty_database_reproduces_every_table(records, key, tmp_path):
    before = snapshot()
    assert AuditEvent.objects.count() >= 3 and Person.objects.count() == 3
    target = backup_to(tmp_path)
    assert b"Jordan" not in target.read_bytes() and b"Test Police" not in target.read_bytes()  # encrypted

    empty_the_database()
    assert Person.objects.count() == 0 and _audit_events_not_made_by_migrate() == 0
    out = _Sink()
    call_command("restore", str(target), stdout=out)

    after = snapshot()
    assert set(after) == set(before)
    for table in before:
        assert after[table] == before[table], table
    assert "every count and SHA-256 matches" in out.text
    # The sequences moved past the restored ids: new records get new ids, not a clash.
    organisation = OrganisationFactory(name="Made after the restore")
    assert organisation.pk > max(Organisation.objects.exclude(pk=organisation.pk).values_list("pk", flat=True))
    record(actor=None, action="view", object_type="test", reason="after the restore")


def test_restore_refuses_a_database_that_is_not_empty(records, key, tmp_path):
    target = backup_to(tmp_path)
    before = snapshot()
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(target))
    assert snapshot() == before


def test_an_emptied_database_is_a_freshly_migrated_one(records):
    """Only the tables ``migrate`` fills by itself have rows in a fresh database; a new post-migrate
    hook must join FILLED_BY_MIGRATE (or restore would call the database not empty)."""
    empty_the_database()
    filled = {table for table, rows in snapshot().items() if rows}
    assert filled <= set(FILLED_BY_MIGRATE) | set(MADE_BY_MIGRATE)
    with connection.cursor() as cursor:  # and in those tables, only the rows migrate makes
        for table, made in MADE_BY_MIGRATE.items():
            cursor.execute(f"SELECT COUNT(*) FROM {table} WHERE NOT ({made})")  # noqa: S608
            assert cursor.fetchone()[0] == 0, table


def _audit_events_not_made_by_migrate() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM access_auditevent WHERE NOT ({MADE_BY_MIGRATE['access_auditevent']})")  # noqa: S608
        return cursor.fetchone()[0]


def _restore_refused(target: Path, message: str) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("restore", str(target))
    assert Person.objects.count() == 0 and _audit_events_not_made_by_migrate() == 0 and Organisation.objects.count() == 0


def test_a_tampered_backup_is_refused_and_nothing_is_restored(records, key, tmp_path):
    target = backup_to(tmp_path)
    data = bytearray(target.read_bytes())
    empty_the_database()
    for position in (len(data) // 2, len(data) - 1):
        tampered = bytearray(data)
        tampered[position] ^= 0x01
        target.write_bytes(bytes(tampered))
        _restore_refused(target, "altered or damaged")


def test_a_truncated_or_extended_backup_is_refused(records, key, tmp_path):
    target = backup_to(tmp_path)
    data = target.read_bytes()
    empty_the_database()
    target.write_bytes(data[:-20])
    _restore_refused(target, "truncated")
    target.write_bytes(data + b"\x00\x00\x00\x10" + b"x" * 16)
    _restore_refused(target, "after its last part")


def test_a_backup_with_an_edited_header_is_refused(records, key, tmp_path):
    target = backup_to(tmp_path)
    data = target.read_bytes()
    empty_the_database()
    # The header is readable but authenticated: changing one character of its date fails every part.
    edited = data.replace(b'"created_at": "2', b'"created_at": "1', 1)
    assert edited != data and len(edited) == len(data)
    target.write_bytes(edited)
    _restore_refused(target, "altered or damaged")


def test_the_wrong_key_is_refused(records, key, tmp_path, monkeypatch):
    target = backup_to(tmp_path)
    empty_the_database()
    monkeypatch.setenv("IOMHUB_BACKUP_KEY", new_key())
    _restore_refused(target, "wrong key")


def test_after_rotation_a_backup_made_with_the_previous_key_still_restores(records, key, tmp_path, monkeypatch):
    before = snapshot()
    target = backup_to(tmp_path)
    empty_the_database()
    monkeypatch.setenv("IOMHUB_BACKUP_KEY", new_key())
    monkeypatch.setenv("IOMHUB_BACKUP_PREVIOUS_KEYS", key)
    call_command("restore", str(target), stdout=_Sink())
    assert snapshot() == before


CORRUPTING_TRIGGER = {
    "sqlite": [
        "CREATE TRIGGER test_corrupt AFTER INSERT ON access_organisation "
        "BEGIN UPDATE access_organisation SET name = name || ' (altered)' WHERE id = NEW.id; END"
    ],
    "postgresql": [
        "CREATE FUNCTION test_corrupt() RETURNS trigger AS $$ BEGIN NEW.name := NEW.name || ' (altered)'; RETURN NEW; END; $$ LANGUAGE plpgsql",
        "CREATE TRIGGER test_corrupt BEFORE INSERT ON access_organisation FOR EACH ROW EXECUTE FUNCTION test_corrupt()",
    ],
}
DROP_CORRUPTING_TRIGGER = {
    "sqlite": ["DROP TRIGGER IF EXISTS test_corrupt"],
    "postgresql": ["DROP TRIGGER IF EXISTS test_corrupt ON access_organisation", "DROP FUNCTION IF EXISTS test_corrupt()"],
}


def test_a_restore_that_reads_back_differently_is_rolled_back(records, key, tmp_path):
    """A database that changes what it is given (here a trigger) fails the read-back check."""
    target = backup_to(tmp_path)
    empty_the_database()
    with connection.cursor() as cursor:
        for statement in CORRUPTING_TRIGGER[connection.vendor]:
            cursor.execute(statement)
    try:
        _restore_refused(target, r"access_organisation: \d+ rows expected, \d+ found, contents differ")
    finally:
        with connection.cursor() as cursor:
            for statement in DROP_CORRUPTING_TRIGGER[connection.vendor]:
                cursor.execute(statement)


def test_a_backup_larger_than_one_part_restores(partnership, key, tmp_path):
    """Many audit events with incompressible text make the backup span several sealed parts."""
    import os

    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                action="view",
                object_type="test",
                reason=os.urandom(600).hex(),
                occurred_at=datetime.datetime(2026, 12, 4, tzinfo=datetime.UTC),
            )
            for _ in range(2500)
        ]
    )
    before = snapshot()
    target = backup_to(tmp_path)
    assert target.stat().st_size > PART_BYTES
    empty_the_database()
    call_command("restore", str(target), stdout=_Sink())
    assert snapshot() == before


def test_backup_needs_a_key_and_never_overwrites(records, tmp_path, monkeypatch):
    monkeypatch.delenv("IOMHUB_BACKUP_KEY", raising=False)
    with pytest.raises(CommandError, match="IOMHUB_BACKUP_KEY is not set"):
        call_command("backup", str(tmp_path / "b"))
    assert not list(tmp_path.iterdir())
    monkeypatch.setenv("IOMHUB_BACKUP_KEY", "too-short")
    with pytest.raises(CommandError, match="32 random bytes"):
        call_command("backup", str(tmp_path / "b"))
    monkeypatch.setenv("IOMHUB_BACKUP_KEY", new_key())
    (tmp_path / "b").write_text("keep me")
    with pytest.raises(CommandError, match="never overwrites"):
        call_command("backup", str(tmp_path / "b"))
    assert (tmp_path / "b").read_text() == "keep me"


def test_restore_refuses_a_database_at_other_migrations(records, key, tmp_path):
    target = backup_to(tmp_path)
    empty_the_database()
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, name, applied FROM django_migrations WHERE app = 'people' AND name = '0001_initial'")
        row = cursor.fetchone()
        # ``flush`` leaves the migration record alone, so the test puts the row back itself.
        cursor.execute("DELETE FROM django_migrations WHERE app = 'people' AND name = '0001_initial'")
    try:
        _restore_refused(target, r"other migrations.*'people', '0001_initial'")
    finally:
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO django_migrations (app, name, applied) VALUES (%s, %s, %s)", row)


def _sessions(conn) -> int:
    with conn.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM django_session")
        return cursor.fetchone()[0]


def test_a_backup_reads_every_table_as_of_one_moment(records):
    """While the backup's snapshot is open, another connection's committed write is not seen (on
    SQLite's shared in-memory test database the writer is refused instead): the tables read later
    agree with those read earlier."""
    from django.db import OperationalError, connections

    from iomhub.operations.backup import ReadSnapshot

    other = connections.create_connection("default")
    try:
        with ReadSnapshot(connection):
            before = _sessions(connection)
            try:
                with other.cursor() as cursor:
                    cursor.execute(
                        "INSERT INTO django_session (session_key, session_data, expire_date) VALUES (%s, %s, %s)",
                        ["snapshot-test", "x", datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC)],
                    )
                written = True
            except OperationalError:
                written = False
            assert _sessions(connection) == before
        assert _sessions(connection) == before + written
    finally:
        other.close()
