"""Writing many new rows of one model at once (a feed import's batch, issue 11; ADR 0037).

``insert_many`` is ``QuerySet.bulk_create`` with the same result (every object saved, its primary
key set, no ``save()`` and no signals, as ``bulk_create``), written on PostgreSQL by ``COPY``: the
primary keys are drawn from the table's own sequence first, then the rows are streamed. An
``INSERT`` of thousands of rows through psycopg's client-side binding spends most of its time
rendering and parsing the statement; ``COPY`` sends the values as they are. Every value is what
its field's ``get_db_prep_save`` makes of it, as for ``bulk_create`` (encrypted fields are sealed,
JSON is JSON), and the database checks every constraint as for any insert; an error is Django's
(``IntegrityError``), as from ``bulk_create``. Elsewhere (SQLite) it is ``bulk_create``.

The values are prepared a field at a time (:func:`prepared_rows`, ADR 0037 addendum "the batch's
writes cheaper"): a field of one of Django's own plain kinds (integers and ids, text, dates,
booleans, aware date-times) whose preparation no subclass has changed passes a value of exactly the
plain type unchanged, because ``get_db_prep_save`` on PostgreSQL would return that same value; any
other value, and every value of any other field (an encrypted field, ADR 0039; JSON; an IP
address), goes through ``get_db_prep_save`` as before.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Sequence
from typing import Any, TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import (
    AutoField,
    BigAutoField,
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    Field,
    ForeignKey,
    GenericIPAddressField,
    IntegerField,
    Model,
    SmallAutoField,
    TextField,
)

M = TypeVar("M", bound=Model)

__all__ = ["insert_many", "prepared_rows"]

_NONE = type(None)
_PREPARATION = ("get_db_prep_save", "get_db_prep_value", "get_prep_value", "to_python")

# Django's own fields whose ``get_db_prep_save`` on PostgreSQL returns a value of these exact types
# as it is (``None`` included): the chain is ``get_prep_value`` (``to_python``: ``str``, ``int``,
# ``bool`` or a ``date`` returned as given) and the backend's ``adapt_*_value`` (the value itself on
# PostgreSQL; an integer field's value wrapped in psycopg's ``Int4``/``Int8``, which ``COPY`` writes
# as the same digits). A subclass counts only if it changes none of the methods in ``_PREPARATION``.
_PLAIN: tuple[tuple[type[Field[Any, Any]], frozenset[type]], ...] = (
    (AutoField, frozenset({int, _NONE})),
    (IntegerField, frozenset({int, _NONE})),
    (BooleanField, frozenset({bool, _NONE})),
    (CharField, frozenset({str, _NONE})),
    (TextField, frozenset({str, _NONE})),
    (DateTimeField, frozenset({_NONE})),  # aware date-times too: see _Plan
    (DateField, frozenset({datetime.date, _NONE})),
    (GenericIPAddressField, frozenset({_NONE})),
)


def _same_preparation(field: Field[Any, Any], base: type[Field[Any, Any]]) -> bool:
    return isinstance(field, base) and all(getattr(type(field), name) is getattr(base, name) for name in _PREPARATION)


def _plain_types(field: Field[Any, Any]) -> frozenset[type]:
    """The types of value ``field`` would save unchanged on PostgreSQL (empty: prepare every value)."""
    if isinstance(field, ForeignKey):
        if type(field).get_db_prep_save is not ForeignKey.get_db_prep_save:
            return frozenset()
        # None is NULL; anything else is the target field's to prepare ("" is never an id's type).
        return frozenset({_NONE}) | (_plain_types(field.target_field) - {str})
    for base, types in _PLAIN:
        if _same_preparation(field, base):
            return types
    return frozenset()


class _Plan:
    """One field's column: how its value is read from an object and prepared."""

    __slots__ = ("attname", "aware", "field", "plain", "pre_save")

    def __init__(self, field: Field[Any, Any], vendor: str) -> None:
        self.field = field
        self.attname = field.attname
        # DateField/DateTimeField (auto_now) and others set the value when saved: their pre_save is kept.
        self.pre_save = type(field).pre_save is not Field.pre_save
        self.plain = _plain_types(field) if vendor == "postgresql" else frozenset()
        # An aware date-time is saved as it is (a naive one is made aware, with a warning: prepared).
        self.aware = bool(self.plain) and settings.USE_TZ and _same_preparation(field, DateTimeField)


def prepared_rows(objects: Sequence[Model], fields: Sequence[Field[Any, Any]], alias: str = DEFAULT_DB_ALIAS) -> Iterator[list[Any]]:
    """Each object's values for ``fields``, as ``[f.get_db_prep_save(f.pre_save(obj, True), connection)
    for f in fields]`` would give them (the plain ones unchanged, see the module's docstring)."""
    conn = connections[alias]  # the connection itself, not the proxy: it is read once per value prepared
    plans = [_Plan(f, conn.vendor) for f in fields]
    for obj in objects:
        row = []
        for plan in plans:
            value = plan.field.pre_save(obj, True) if plan.pre_save else getattr(obj, plan.attname)
            kind = type(value)
            if kind in plan.plain or (plan.aware and kind is datetime.datetime and value.utcoffset() is not None):
                row.append(value)
            else:
                row.append(plan.field.get_db_prep_save(value, conn))
        yield row


def insert_many(objects: list[M], *, batch_size: int = 1000) -> list[M]:
    """Insert ``objects`` (new instances of one model); returns them with their primary keys."""
    if not objects:
        return objects
    model = type(objects[0])
    conn = connections[DEFAULT_DB_ALIAS]
    if conn.vendor != "postgresql":
        return model._default_manager.bulk_create(objects, batch_size=batch_size)
    meta = model._meta
    fields = list(meta.concrete_fields)
    quote = conn.ops.quote_name
    with conn.cursor() as cursor:
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
        with conn.wrap_database_errors, cursor.cursor.copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy:
            for row in prepared_rows(objects, fields):
                copy.write_row(row)
    for obj in objects:
        obj._state.adding = False
        obj._state.db = conn.alias
    return objects
