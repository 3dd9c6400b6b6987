"""Writing many new rows of one model at once (a feed import's batch, issue 11; ADR 0037).

``insert_many`` is ``QuerySet.bulk_create`` with the same result (every object saved, its primary
key set, no ``save()`` and no signals, as ``bulk_create``), written on PostgreSQL by ``COPY``: the
primary keys are drawn from the table's own sequence first, then the rows are streamed. An
``INSERT`` of thousands of rows through psycopg's client-side binding spends most of its time
rendering and parsing the statement; ``COPY`` sends the values as they are. Every value goes
through its field's ``get_db_prep_save``, as ``bulk_create`` does (encrypted fields are sealed,
JSON is JSON), and the database checks every constraint as for any insert; an error is Django's
(``IntegrityError``), as from ``bulk_create``. Elsewhere (SQLite) it is ``bulk_create``.
"""

from __future__ import annotations

from typing import TypeVar

from django.db import connection
from django.db.models import AutoField, BigAutoField, Model, SmallAutoField

M = TypeVar("M", bound=Model)

__all__ = ["insert_many"]


def insert_many(objects: list[M], *, batch_size: int = 1000) -> list[M]:
    """Insert ``objects`` (new instances of one model); returns them with their primary keys."""
    if not objects:
        return objects
    model = type(objects[0])
    if connection.vendor != "postgresql":
        return model._default_manager.bulk_create(objects, batch_size=batch_size)
    meta = model._meta
    fields = list(meta.concrete_fields)
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if isinstance(meta.pk, AutoField | BigAutoField | SmallAutoField):
            missing = [obj for obj in objects if obj.pk is None]
            if missing:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                    [meta.db_table, meta.pk.column, len(missing)],
                )
                for obj, (pk,) in zip(missing, cursor.fetchall(), strict=True):
                    obj.pk = pk
        columns = ", ".join(quote(f.column) for f in fields)
        with connection.wrap_database_errors, cursor.cursor.copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy:
            for obj in objects:
                copy.write_row([f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields])
    for obj in objects:
        obj._state.adding = False
        obj._state.db = connection.alias
    return objects
