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

import base64
import binascii
import datetime
import decimal
import hashlib
import json
import os
import struct
import uuid
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.apps import apps
from django.core.management.color import no_style
from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper

MAGIC = b"IOMHUB-BACKUP\n"
FORMAT_VERSION = 1
PART_BYTES = 1 << 20
BATCH_ROWS = 2000
KEY_ENV = "IOMHUB_BACKUP_KEY"
PREVIOUS_KEYS_ENV = "IOMHUB_BACKUP_PREVIOUS_KEYS"
MIGRATIONS_TABLE = "django_migrations"
# Tables that ``migrate`` fills by itself (content types, permissions, and the offence catalogue's
# post-migrate sync). A freshly migrated database has rows in these and nowhere else; a restore
# replaces their rows with the backup's, so the ids other rows point at are the backup's.
# tests/operations proves the list is complete for a freshly emptied database.
FILLED_BY_MIGRATE = ("django_content_type", "auth_permission", "justice_offencecode", "operations_retentionrule")


class BackupError(Exception):
    """A backup or restore refused, with a message for the operator."""


Manifest = dict[str, dict[str, Any]]


@dataclass(frozen=True)
class Table:
    name: str
    key: list[str]  # the primary-key columns that order its rows (every column when it has none)


# -- keys ------------------------------------------------------------------------------------------


def new_key() -> str:
    """A fresh 256-bit key in the form ``IOMHUB_BACKUP_KEY`` takes (URL-safe base64)."""
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def parse_key(text: str, *, name: str = KEY_ENV) -> bytes:
    try:
        key = base64.urlsafe_b64decode(text.strip().encode())
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != 32:
        raise BackupError(f"{name} must be 32 random bytes in URL-safe base64 ('python -m iomhub backup --new-key' prints one)")
    return key


def key_id(key: bytes) -> str:
    """Names a key in a backup's header without revealing it (a hash, not the key)."""
    return hashlib.sha256(b"iomhub-backup-key-id:" + key).hexdigest()[:16]


def keys_from_environment(environ: dict[str, str] | os._Environ[str] = os.environ) -> list[bytes]:
    """The current key, then earlier ones a restore may still need (comma-separated)."""
    current = environ.get(KEY_ENV, "")
    if not current:
        raise BackupError(f"{KEY_ENV} is not set: backups are always encrypted (docs/operations.md, 'Backup keys')")
    keys = [parse_key(current)]
    for text in environ.get(PREVIOUS_KEYS_ENV, "").split(","):
        if text.strip():
            keys.append(parse_key(text, name=PREVIOUS_KEYS_ENV))
    return keys


# -- the sealed stream ------------------------------------------------------------------------------


def _nonce(prefix: bytes, part: int) -> bytes:
    if part >= 2**32:
        raise BackupError("backup too large for one file")
    return prefix + part.to_bytes(4, "big")


class _SealedWriter:
    def __init__(self, out: BinaryIO, key: bytes, created_at: str) -> None:
        self._out = out
        self._aead = AESGCM(key)
        self._prefix = os.urandom(8)
        self._header = json.dumps(
            {"format": FORMAT_VERSION, "key_id": key_id(key), "nonce_prefix": self._prefix.hex(), "created_at": created_at},
            sort_keys=True,
        ).encode()
        out.write(MAGIC + struct.pack(">I", len(self._header)) + self._header)
        self._part = 0
        self._pending = bytearray()
        self._zip = zlib.compressobj(6)

    def write(self, data: bytes) -> None:
        self._pending += self._zip.compress(data)
        # Keep at least one byte back: the last part is sealed as last, even if empty.
        while len(self._pending) > PART_BYTES:
            self._seal(bytes(self._pending[:PART_BYTES]), last=False)
            del self._pending[:PART_BYTES]

    def close(self) -> None:
        self._pending += self._zip.flush()
        while len(self._pending) > PART_BYTES:
            self._seal(bytes(self._pending[:PART_BYTES]), last=False)
            del self._pending[:PART_BYTES]
        self._seal(bytes(self._pending), last=True)

    def _seal(self, plain: bytes, *, last: bool) -> None:
        sealed = self._aead.encrypt(_nonce(self._prefix, self._part), plain, self._header + (b"\x01" if last else b"\x00"))
        self._out.write(struct.pack(">I", len(sealed)) + sealed)
        self._part += 1


def _exactly(source: BinaryIO, size: int, what: str) -> bytes:
    data = source.read(size)
    if len(data) != size:
        raise BackupError(f"The backup is truncated ({what} is incomplete): refused")
    return data


def read_header(source: BinaryIO) -> tuple[bytes, dict[str, Any]]:
    if source.read(len(MAGIC)) != MAGIC:
        raise BackupError("This is not an IOM Hub backup file: refused")
    (size,) = struct.unpack(">I", _exactly(source, 4, "the header"))
    if size > 64 * 1024:
        raise BackupError("The backup's header is damaged: refused")
    raw = _exactly(source, size, "the header")
    try:
        header = json.loads(raw)
    except ValueError:
        raise BackupError("The backup's header is damaged: refused") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT_VERSION:
        raise BackupError(f"This backup's format is not version {FORMAT_VERSION}, which this release reads: refused")
    return raw, header


def _opened(source: BinaryIO, keys: list[bytes]) -> Iterator[bytes]:
    """The backup's plaintext, part by part, each authenticated before it is given out."""
    raw_header, header = read_header(source)
    by_id = {key_id(key): key for key in keys}
    key = by_id.get(str(header.get("key_id")))
    if key is None:
        raise BackupError(
            f"This backup was encrypted with the key whose id is {header.get('key_id')}, and {KEY_ENV} "
            f"(with {PREVIOUS_KEYS_ENV}) holds only {', '.join(sorted(by_id))}: wrong key, refused"
        )
    try:
        prefix = bytes.fromhex(str(header["nonce_prefix"]))
    except (KeyError, ValueError):
        raise BackupError("The backup's header is damaged: refused") from None
    aead = AESGCM(key)
    unzip = zlib.decompressobj()
    part = 0
    while True:
        size_bytes = source.read(4)
        if len(size_bytes) < 4:
            raise BackupError("The backup is truncated (it ends before its last part): refused")
        (size,) = struct.unpack(">I", size_bytes)
        if size > PART_BYTES + 1024:
            raise BackupError(f"The backup has been altered or damaged (part {part} has an impossible length): refused")
        sealed = _exactly(source, size, f"part {part}")
        nonce = _nonce(prefix, part)
        last = False
        try:
            plain = aead.decrypt(nonce, sealed, raw_header + b"\x00")
        except InvalidTag:
            try:
                plain = aead.decrypt(nonce, sealed, raw_header + b"\x01")
                last = True
            except InvalidTag:
                raise BackupError(f"The backup has been altered or damaged (part {part} fails authentication): refused") from None
        try:
            yield unzip.decompress(plain)
            if last:
                yield unzip.flush()
        except zlib.error:
            raise BackupError("The backup's contents are damaged: refused") from None
        if last:
            if source.read(1):
                raise BackupError("The backup has data after its last part: refused")
            return
        part += 1


def _lines(parts: Iterable[bytes]) -> Iterator[bytes]:
    pending = b""
    for part in parts:
        pending += part
        *complete, pending = pending.split(b"\n")
        yield from complete
    if pending:
        yield pending


# -- values and rows --------------------------------------------------------------------------------


def _encode(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime.datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"$d": value.isoformat()}
    if isinstance(value, datetime.time):
        return {"$t": value.isoformat()}
    if isinstance(value, decimal.Decimal):
        return {"$dec": str(value)}
    if isinstance(value, bytes | memoryview | bytearray):
        return {"$b": base64.b64encode(bytes(value)).decode()}
    if isinstance(value, uuid.UUID):
        return {"$uuid": str(value)}
    if isinstance(value, datetime.timedelta):
        return {"$td": [value.days, value.seconds, value.microseconds]}
    if isinstance(value, dict | list):
        return {"$json": value}
    raise BackupError(f"A value of type {type(value).__name__} cannot be backed up")


def _decode(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    ((tag, inner),) = value.items()
    if tag == "$dt":
        return datetime.datetime.fromisoformat(inner)
    if tag == "$d":
        return datetime.date.fromisoformat(inner)
    if tag == "$t":
        return datetime.time.fromisoformat(inner)
    if tag == "$dec":
        return decimal.Decimal(inner)
    if tag == "$b":
        return base64.b64decode(inner)
    if tag == "$uuid":
        return uuid.UUID(inner)
    if tag == "$td":
        return datetime.timedelta(days=inner[0], seconds=inner[1], microseconds=inner[2])
    if tag == "$json":
        return json.dumps(inner)
    raise BackupError(f"The backup holds a value tagged {tag!r}, which this release does not read: refused")


def _line(row: Iterable[Any]) -> bytes:
    return json.dumps([_encode(v) for v in row], ensure_ascii=False, separators=(",", ":")).encode()


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


def _rows(connection: BaseDatabaseWrapper, table: Table) -> Iterator[bytes]:
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
                    yield _line(row)
                if len(page) < BATCH_ROWS:
                    return
                last = page[-1][position]
        cursor.execute(f"SELECT * FROM {quote(table.name)}")  # noqa: S608 - names from the schema
        rows = cursor.fetchall()
        ordering = sorted(range(len(rows)), key=lambda i: _line(rows[i]))
        for i in ordering:
            yield _line(rows[i])


def _columns(connection: BaseDatabaseWrapper, table: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)} WHERE 1 = 0")  # noqa: S608 - names from the schema
        return [c[0] for c in cursor.description]


def measure(connection: BaseDatabaseWrapper, tables: Iterable[Table]) -> Manifest:
    """Each table's row count and SHA-256 as the database holds it now."""
    manifest: Manifest = {}
    for table in tables:
        digest, count = hashlib.sha256(), 0
        for line in _rows(connection, table):
            digest.update(line + b"\n")
            count += 1
        manifest[table.name] = {"rows": count, "sha256": digest.hexdigest()}
    return manifest


def _applied_migrations(connection: BaseDatabaseWrapper) -> list[list[str]]:
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


def backup(out: BinaryIO, *, key: bytes, connection: BaseDatabaseWrapper, created_at: datetime.datetime) -> Manifest:
    """Write an encrypted backup of the whole database to ``out``; returns its manifest."""
    with ReadSnapshot(connection):
        tables = tables_in_order(connection)
        writer = _SealedWriter(out, key, created_at.isoformat())
        head = {
            "iomhub_backup": FORMAT_VERSION,
            "vendor": connection.vendor,
            "created_at": created_at.isoformat(),
            "migrations": _applied_migrations(connection),
            "tables": [{"name": t.name, "key": t.key, "columns": _columns(connection, t.name)} for t in tables],
        }
        writer.write(json.dumps(head).encode() + b"\n")
        manifest: Manifest = {}
        for table in tables:
            writer.write(json.dumps({"table": table.name}).encode() + b"\n")
            digest, count = hashlib.sha256(), 0
            for line in _rows(connection, table):
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
            cursor.execute(f"SELECT 1 FROM {quote(table.name)} LIMIT 1")  # noqa: S608 - names from the schema
            if cursor.fetchone():
                raise BackupError(
                    f"The database is not empty (table {table.name} has rows): a backup is restored only into an "
                    "empty, migrated database, never over live records"
                )


def restore(source: BinaryIO, *, keys: list[bytes], connection: BaseDatabaseWrapper) -> Manifest:
    """Restore a backup into this empty, migrated database and verify it; returns the manifest.

    Everything happens in one transaction: a wrong key, a damaged file or any table whose count or
    SHA-256 differs after the restore raises ``BackupError`` and leaves the database as it was."""
    lines = _lines(_opened(source, keys))
    head = json.loads(next(lines, b"{}"))
    if head.get("iomhub_backup") != FORMAT_VERSION:
        raise BackupError("The backup's contents are not a version 1 IOM Hub backup: refused")
    if head["vendor"] != connection.vendor:
        raise BackupError(f"This is a backup of a {head['vendor']} database; restore it into {head['vendor']}, not {connection.vendor}")
    here = _applied_migrations(connection)
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
        if _columns(connection, table.name) != columns[table.name]:
            raise BackupError(f"Table {table.name} has other columns here than in the backup: refused")
    _refuse_unless_empty(connection, tables)

    quote = connection.ops.quote_name
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        for table in reversed(tables):
            if table.name in FILLED_BY_MIGRATE:
                cursor.execute(f"DELETE FROM {quote(table.name)}")  # noqa: S608 - names from the schema
        read: Manifest = {}
        manifest: Manifest | None = None
        current: str | None = None
        batch: list[list[Any]] = []
        digest = hashlib.sha256()
        count = 0
        insert = ""

        def flush() -> None:
            if batch:
                cursor.executemany(insert, batch)
                batch.clear()

        for line in lines:
            if line.startswith(b"["):
                if current is None:
                    raise BackupError("The backup's contents are damaged (a row before any table): refused")
                batch.append([_decode(v) for v in json.loads(line)])
                digest.update(line + b"\n")
                count += 1
                if len(batch) >= BATCH_ROWS:
                    flush()
                continue
            marker = json.loads(line)
            flush()
            if current is not None:
                read[current] = {"rows": count, "sha256": digest.hexdigest()}
            if "table" in marker:
                current = marker["table"]
                if current not in columns:
                    raise BackupError(f"The backup's contents are damaged (table {current} is not in its list): refused")
                names = columns[current]
                insert = (
                    f"INSERT INTO {quote(current)} ({', '.join(quote(c) for c in names)}) "  # noqa: S608 - names from the schema
                    f"VALUES ({', '.join(['%s'] * len(names))})"
                )
                digest, count = hashlib.sha256(), 0
            elif "manifest" in marker:
                manifest = marker["manifest"]
                current = None
            else:
                raise BackupError("The backup's contents are damaged (an unknown line): refused")
        if manifest is None:
            raise BackupError("The backup has no manifest: refused")
        if read != manifest:
            raise BackupError("The backup's rows do not match its own manifest: refused")
        _reset_sequences(connection)
        found = measure(connection, tables)
        wrong = [name for name in manifest if found.get(name) != manifest[name]]
        if wrong:
            details = "; ".join(
                f"{name}: {manifest[name]['rows']} rows expected, {found.get(name, {}).get('rows')} found"
                + ("" if found.get(name, {}).get("rows") != manifest[name]["rows"] else ", contents differ")
                for name in wrong
            )
            raise BackupError(f"The restored database does not match the backup ({details}): rolled back, nothing restored")
    return manifest


def _reset_sequences(connection: BaseDatabaseWrapper) -> None:
    """After rows arrive with their own ids, PostgreSQL's sequences must move past them (SQLite's
    AUTOINCREMENT counters follow the largest id inserted by themselves)."""
    models = list(apps.get_models(include_auto_created=True))
    statements = connection.ops.sequence_reset_sql(no_style(), models)
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
