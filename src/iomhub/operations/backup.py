"""Encrypted, verified backups of the whole database, and their restore (issue 13 §2, ADR 0016).

A backup is one consistent read of every table (PostgreSQL: one REPEATABLE READ, READ ONLY
transaction; SQLite: one read transaction), in foreign-key dependency order, each row as one JSON
line, sealed with AES-256-GCM under ``IOMHUB_BACKUP_KEY``. A restore goes into an empty, migrated
database in one transaction, re-reads every table and compares its row count and SHA-256 with the
manifest the backup carries; any difference, a changed byte anywhere in the file or the wrong key
refuses it and nothing is written.

File format, version 1 (``docs/operations.md`` describes it for operators)::

    b"IOMHUB-BACKUP\\n" | header length (4 bytes, big-endian) | header (JSON)
    then parts until the last: length (4 bytes, big-endian) | AES-256-GCM ciphertext with tag

The header (``format``, ``key_id``, ``nonce_prefix``, ``created_at``) is not secret but is
authenticated: every part is sealed with the nonce ``nonce_prefix`` (8 bytes) + part number
(4 bytes) and the associated data header + ``b"\\x01"`` for the last part, ``b"\\x00"`` otherwise,
so an edited, reordered, truncated or extended file is refused. The parts decrypt to a
zlib stream of JSON lines::

    {"iomhub_backup": 1, "vendor": "postgresql", "created_at": ..., "migrations": [[app, name], ...],
     "tables": [{"name": ..., "columns": [...]}, ...]}
    {"table": "access_organisation"}
    [1, "Police", ...]                 one line per row, in primary-key order
    ...
    {"manifest": {"access_organisation": {"rows": 3, "sha256": "..."}, ...}}

A value JSON cannot hold is tagged: ``{"$dt": iso}`` datetime, ``{"$d": iso}`` date, ``{"$t": iso}``
time, ``{"$dec": "1.50"}`` decimal, ``{"$b": base64}`` bytes, ``{"$uuid": ...}``, ``{"$td": [days,
seconds, microseconds]}`` duration, ``{"$json": ...}`` a JSON document the driver decoded. A table's
SHA-256 is of its row lines, each followed by ``\\n``.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Iterable, Iterator
from typing import Any, BinaryIO

from django.apps import apps
from django.core.management.color import no_style
from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from iomhub.access import audit_triggers
from iomhub.operations.backup_file import (
    FORMAT_VERSION,
    PART_BYTES,
    BackupError,
    SealedWriter,
    decode,
    json_lines,
    key_id,
    keys_from_environment,
    new_key,
    opened,
)
from iomhub.operations.backup_tables import (
    BATCH_ROWS,
    FILLED_BY_MIGRATE,
    MADE_BY_MIGRATE,
    Manifest,
    ReadSnapshot,
    Table,
    applied_migrations,
    columns_of,
    measure,
    table_rows,
    tables_in_order,
)
from iomhub.reporting import data_version


def backup(out: BinaryIO, *, key: bytes, connection: BaseDatabaseWrapper, created_at: datetime.datetime) -> Manifest:
    """Write an encrypted backup of the whole database to ``out``; returns its manifest."""
    with ReadSnapshot(connection):
        tables = tables_in_order(connection)
        writer = SealedWriter(out, key, created_at.isoformat())
        head = {
            "iomhub_backup": FORMAT_VERSION,
            "vendor": connection.vendor,
            "created_at": created_at.isoformat(),
            "migrations": applied_migrations(connection),
            "tables": [{"name": t.name, "key": t.key, "columns": columns_of(connection, t.name)} for t in tables],
        }
        writer.write(json.dumps(head).encode() + b"\n")
        manifest: Manifest = {}
        for table in tables:
            writer.write(json.dumps({"table": table.name}).encode() + b"\n")
            digest, count = hashlib.sha256(), 0
            for line in table_rows(connection, table):
                writer.write(line + b"\n")
                digest.update(line + b"\n")
                count += 1
            manifest[table.name] = {"rows": count, "sha256": digest.hexdigest()}
        writer.write(json.dumps({"manifest": manifest}).encode() + b"\n")
        writer.close()
    return manifest


# -- restore ----------------------------------------------------------------------------------------


def _refuse_unless_empty(connection: BaseDatabaseWrapper, tables: Iterable[Table]) -> None:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in tables:
            if table.name in FILLED_BY_MIGRATE:
                continue
            made_by_migrate = MADE_BY_MIGRATE.get(table.name)
            where = f" WHERE NOT ({made_by_migrate})" if made_by_migrate else ""
            cursor.execute(f"SELECT 1 FROM {quote(table.name)}{where} LIMIT 1")  # noqa: S608 - names from the schema
            if cursor.fetchone():
                raise BackupError(
                    f"The database is not empty (table {table.name} has rows): a backup is restored only into an "
                    "empty, migrated database, never over live records"
                )


def restore(source: BinaryIO, *, keys: list[bytes], connection: BaseDatabaseWrapper) -> Manifest:
    """Restore a backup into this empty, migrated database and verify it; returns the manifest.

    Everything happens in one transaction: a wrong key, a damaged file or any table whose count or
    SHA-256 differs after the restore raises ``BackupError`` and leaves the database as it was."""
    lines = json_lines(opened(source, keys))
    head = json.loads(next(lines, b"{}"))
    tables, columns = _fitting(head, connection)
    quote = connection.ops.quote_name
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor, data_version.suspended(connection):
        # the backup's own data version is restored with the stored reports it is valid for (ADR 0042)
        _clear_what_migrate_made(connection, cursor, tables)
        read, manifest = _Loader(cursor, columns, quote).load(lines)
        if manifest is None:
            raise BackupError("The backup has no manifest: refused")
        if read != manifest:
            raise BackupError("The backup's rows do not match its own manifest: refused")
        _reset_sequences(connection)
        _verify(connection, tables, manifest)
    return manifest


def _clear_what_migrate_made(connection: BaseDatabaseWrapper, cursor: Any, tables: list[Table]) -> None:
    """Delete what ``migrate`` made (whole tables, and the system account's rows) so the backup's own
    copies take their place; children first. The audit event of the system account's making is the
    one audit row a restore removes, in a database that was empty seconds before, and the backup's
    copy of it is restored in the same transaction (the triggers are back before it commits)."""
    quote = connection.ops.quote_name
    with audit_triggers.suspended(connection):
        for table in reversed(tables):
            if table.name in FILLED_BY_MIGRATE:
                cursor.execute(f"DELETE FROM {quote(table.name)}")  # noqa: S608 - names from the schema
            elif table.name in MADE_BY_MIGRATE:
                cursor.execute(f"DELETE FROM {quote(table.name)} WHERE {MADE_BY_MIGRATE[table.name]}")  # noqa: S608


def _fitting(head: dict[str, Any], connection: BaseDatabaseWrapper) -> tuple[list[Table], dict[str, list[str]]]:
    """The backup's tables and their columns, refused unless this empty database, at the same
    migrations, has every one of them with the same columns."""
    if head.get("iomhub_backup") != FORMAT_VERSION:
        raise BackupError("The backup's contents are not a version 1 IOM Hub backup: refused")
    if head["vendor"] != connection.vendor:
        raise BackupError(f"This is a backup of a {head['vendor']} database; restore it into {head['vendor']}, not {connection.vendor}")
    here = applied_migrations(connection)
    if here != head["migrations"]:
        theirs, ours = {tuple(m) for m in head["migrations"]}, {tuple(m) for m in here}
        raise BackupError(
            "The backup was made at other migrations than this database has "
            f"(only in the backup: {sorted(theirs - ours)[:5]}; only here: {sorted(ours - theirs)[:5]}): "
            "install the release it was made with and migrate an empty database to it first"
        )
    tables = [Table(t["name"], t["key"]) for t in head["tables"]]
    columns = {t["name"]: t["columns"] for t in head["tables"]}
    existing = set(connection.introspection.table_names())
    missing = [t.name for t in tables if t.name not in existing]
    if missing:
        raise BackupError(f"This database has no table {', '.join(missing)}: migrate it first")
    for table in tables:
        if columns_of(connection, table.name) != columns[table.name]:
            raise BackupError(f"Table {table.name} has other columns here than in the backup: refused")
    _refuse_unless_empty(connection, tables)
    return tables, columns


class _Loader:
    """Inserts the backup's rows table by table, in batches, counting and hashing them as it goes."""

    def __init__(self, cursor: Any, columns: dict[str, list[str]], quote: Any) -> None:
        self.cursor, self.columns, self.quote = cursor, columns, quote
        self.batch: list[list[Any]] = []
        self.insert = ""

    def flush(self) -> None:
        if self.batch:
            self.cursor.executemany(self.insert, self.batch)
            self.batch.clear()

    def load(self, lines: Iterator[bytes]) -> tuple[Manifest, Manifest | None]:
        """(what was read, table by table; the manifest the backup carries, if it has one)."""
        read: Manifest = {}
        manifest: Manifest | None = None
        current: str | None = None
        digest = hashlib.sha256()
        count = 0
        for line in lines:
            if line.startswith(b"["):
                if current is None:
                    raise BackupError("The backup's contents are damaged (a row before any table): refused")
                self.batch.append([decode(v) for v in json.loads(line)])
                digest.update(line + b"\n")
                count += 1
                if len(self.batch) >= BATCH_ROWS:
                    self.flush()
                continue
            marker = json.loads(line)
            self.flush()
            if current is not None:
                read[current] = {"rows": count, "sha256": digest.hexdigest()}
            if "table" in marker:
                current = self._start(marker["table"])
                digest, count = hashlib.sha256(), 0
            elif "manifest" in marker:
                manifest = marker["manifest"]
                current = None
            else:
                raise BackupError("The backup's contents are damaged (an unknown line): refused")
        return read, manifest

    def _start(self, table: str) -> str:
        if table not in self.columns:
            raise BackupError(f"The backup's contents are damaged (table {table} is not in its list): refused")
        quote, names = self.quote, self.columns[table]
        self.insert = (
            f"INSERT INTO {quote(table)} ({', '.join(quote(c) for c in names)}) "  # noqa: S608 - names from the schema
            f"VALUES ({', '.join(['%s'] * len(names))})"
        )
        return table


def _verify(connection: BaseDatabaseWrapper, tables: list[Table], manifest: Manifest) -> None:
    """Every table re-read: its count and SHA-256 as the manifest says, or the restore is refused."""
    found = measure(connection, tables)
    wrong = [name for name in manifest if found.get(name) != manifest[name]]
    if wrong:
        details = "; ".join(
            f"{name}: {manifest[name]['rows']} rows expected, {found.get(name, {}).get('rows')} found"
            + ("" if found.get(name, {}).get("rows") != manifest[name]["rows"] else ", contents differ")
            for name in wrong
        )
        raise BackupError(f"The restored database does not match the backup ({details}): rolled back, nothing restored")


def _reset_sequences(connection: BaseDatabaseWrapper) -> None:
    """After rows arrive with their own ids, PostgreSQL's sequences must move past them (SQLite's
    AUTOINCREMENT counters follow the largest id inserted by themselves)."""
    models = [model for model in apps.get_models(include_auto_created=True) if model._meta.managed and not model._meta.proxy]
    statements = connection.ops.sequence_reset_sql(no_style(), models)
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


__all__ = [
    "FILLED_BY_MIGRATE",
    "PART_BYTES",
    "BackupError",
    "ReadSnapshot",
    "backup",
    "key_id",
    "keys_from_environment",
    "new_key",
    "restore",
]
