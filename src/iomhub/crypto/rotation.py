"""Re-seal every stored encrypted value, in batches, resumably (ADR 0039).

Reads each table's encrypted columns raw, a batch of rows at a time in primary-key order, and
writes back only the values that need it, each with a compare-and-set on the value read (``WHERE
pk = … AND column = <what was read>``): a row changed meanwhile was sealed by the application with
the newest key already, so it is left alone, and nothing a user wrote is ever overwritten. Each batch
commits on its own, so an interrupted run loses nothing and the next run starts where the work is
left (done values are skipped at a glance by their key id). Used by ``python -m iomhub rotate_keys``
and by the migrations that encrypted the rows written before encryption (forwards: seal, backwards:
open).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from iomhub.crypto.fields import EncryptedTextField
from iomhub.crypto.keys import decrypt, encrypt, is_current, sealed_with

BATCH = 500


@dataclass
class Tally:
    """Per ``table.column``: values rewritten, and values that were already as wanted."""

    rewritten: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)

    def add(self, name: str, rewritten: int, unchanged: int) -> None:
        self.rewritten[name] = self.rewritten.get(name, 0) + rewritten
        self.unchanged[name] = self.unchanged.get(name, 0) + unchanged


def encrypted_columns(models: Iterable[Any]) -> list[tuple[str, str, list[str]]]:
    """(table, primary key column, encrypted columns) for every model with an encrypted field."""
    found = []
    for model in models:
        columns = [f.column for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if columns and not model._meta.proxy and model._meta.managed:
            found.append((model._meta.db_table, model._meta.pk.column, columns))
    return found


def reseal(stored: str) -> str | None:
    """Rotation: the value under the newest key (None when it is there already)."""
    return None if is_current(stored) else encrypt(decrypt(stored))


def seal(stored: str) -> str | None:
    """Forward migration: clear text sealed (None when sealed already)."""
    return None if stored == "" or sealed_with(stored) else encrypt(stored)


def unseal(stored: str) -> str | None:
    """Backward migration: back to clear text (None when clear already)."""
    return None if sealed_with(stored) is None else decrypt(stored)


def rewrite(
    connection: BaseDatabaseWrapper,
    table: str,
    pk: str,
    columns: list[str],
    change: Callable[[str], str | None],
    tally: Tally,
    batch: int = BATCH,
) -> None:
    q = connection.ops.quote_name
    select = f"SELECT {q(pk)}, {', '.join(q(c) for c in columns)} FROM {q(table)} WHERE {q(pk)} > %s ORDER BY {q(pk)} LIMIT %s"  # noqa: S608 - names from the models
    last: Any = None
    while True:
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            if last is None:
                cursor.execute(select.replace(f"WHERE {q(pk)} > %s ", ""), [batch])
            else:
                cursor.execute(select, [last, batch])
            rows = cursor.fetchall()
            for row in rows:
                for column, stored in zip(columns, row[1:], strict=True):
                    new = change(stored) if stored else None
                    if new is None:
                        tally.add(f"{table}.{column}", 0, 1)
                        continue
                    cursor.execute(
                        f"UPDATE {q(table)} SET {q(column)} = %s WHERE {q(pk)} = %s AND {q(column)} = %s",  # noqa: S608 - names from the models
                        [new, row[0], stored],
                    )
                    tally.add(f"{table}.{column}", cursor.rowcount, 1 - cursor.rowcount)
        if len(rows) < batch:
            return
        last = rows[-1][0]


def rewrite_all(connection: BaseDatabaseWrapper, models: Iterable[Any], change: Callable[[str], str | None], batch: int = BATCH) -> Tally:
    tally = Tally()
    for table, pk, columns in encrypted_columns(models):
        rewrite(connection, table, pk, columns, change, tally, batch)
    return tally


def migration(app_label: str, change: Callable[[str], str | None]) -> Callable[[Any, Any], None]:
    """A ``RunPython`` function rewriting the encrypted columns of one app's (historical) models."""

    def run(apps: Any, schema_editor: Any) -> None:
        rewrite_all(schema_editor.connection, apps.get_app_config(app_label).get_models(), change)

    return run


AUDIT_TABLE = "access_auditevent"


def _audit_value(mode: str, key: str, value: Any, keys: frozenset[str]) -> Any:
    """The new value of one key of an event's changes, or None when it stays as it is."""
    sealed = isinstance(value, str) and sealed_with(value) is not None
    if mode == "seal" and key in keys and not sealed and value not in (None, "", [], {}):
        return encrypt(json.dumps(value))
    if mode == "reseal" and sealed and not is_current(value):
        return reseal(value)
    if mode == "unseal" and sealed:
        return json.loads(decrypt(value))
    return None


def rewrite_audit_changes(connection: BaseDatabaseWrapper, mode: str, tally: Tally, guard: Callable[[], Any], batch: int = BATCH) -> None:
    """The sealed values inside the audit log's ``changes`` (``iomhub.crypto.changes``): ``seal`` the
    clear ones written before (migration), ``reseal`` under the newest key (rotation), ``unseal``
    (migration backwards). The audit log is append-only: ``guard()`` lifts its triggers inside each
    batch's transaction only (which only the tables' owner can do), so no other transaction ever sees
    the log unprotected."""
    from iomhub.crypto.changes import sealed_keys

    q = connection.ops.quote_name
    kinds = sealed_keys()
    names = sorted(kinds)
    marks = ", ".join(["%s"] * len(names))
    select = f"SELECT id, object_type, changes FROM {q(AUDIT_TABLE)} WHERE id > %s AND object_type IN ({marks}) ORDER BY id LIMIT %s"  # noqa: S608 - constants
    cast = "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"
    last = 0
    while True:
        with transaction.atomic(using=connection.alias), guard(), connection.cursor() as cursor:
            cursor.execute(select, [last, *names, batch])
            rows = cursor.fetchall()
            for pk, kind, stored in rows:
                values = json.loads(stored) if isinstance(stored, str) else stored
                new = {k: _audit_value(mode, k, v, kinds[kind]) for k, v in values.items()} if isinstance(values, dict) else {}
                if all(v is None for v in new.values()):
                    tally.add(f"{AUDIT_TABLE}.changes", 0, 1)
                    continue
                merged = {k: v if new[k] is None else new[k] for k, v in values.items()}
                cursor.execute(f"UPDATE {q(AUDIT_TABLE)} SET changes = {cast} WHERE id = %s", [json.dumps(merged), pk])  # noqa: S608 - constants
                tally.add(f"{AUDIT_TABLE}.changes", 1, 0)
        if len(rows) < batch:
            return
        last = rows[-1][0]
