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

``insert_values`` writes new rows given as values, without a model instance each (an audit event
per imported row, its offences: ADR 0037 addendum "a batch's rows as values"): each row is what
``insert_many`` would write for ``model(**dict(zip(columns, row)))`` (every other field its default,
as ``Model.__init__`` gives it; ``auto_now``/``auto_now_add`` as ``pre_save`` sets them), prepared by
the same path as ``insert_many``'s objects (:class:`_Plan`), so there is one preparation, not two.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Iterator, Sequence
from operator import itemgetter
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

__all__ = ["insert_many", "insert_values", "prepared_rows"]

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


def _prepared(plans: Sequence[_Plan], rows: Iterable[Sequence[Any]], conn: Any) -> Iterator[list[Any]]:
    """The one preparation of ``insert_many`` and ``insert_values``: each row's values (one per plan,
    already read or given) as ``get_db_prep_save`` gives them (the plain ones unchanged)."""
    for values in rows:
        row = []
        for plan, value in zip(plans, values, strict=True):
            kind = type(value)
            if kind in plan.plain or (plan.aware and kind is datetime.datetime and value.utcoffset() is not None):
                row.append(value)
            else:
                row.append(plan.field.get_db_prep_save(value, conn))
        yield row


def prepared_rows(objects: Sequence[Model], fields: Sequence[Field[Any, Any]], alias: str = DEFAULT_DB_ALIAS) -> Iterator[list[Any]]:
    """Each object's values for ``fields``, as ``[f.get_db_prep_save(f.pre_save(obj, True), connection)
    for f in fields]`` would give them (the plain ones unchanged, see the module's docstring)."""
    conn = connections[alias]  # the connection itself, not the proxy: it is read once per value prepared
    plans = [_Plan(f, conn.vendor) for f in fields]
    read = [(plan.field.pre_save if plan.pre_save else None, plan.attname) for plan in plans]
    values = ([pre_save(obj, True) if pre_save is not None else getattr(obj, attname) for pre_save, attname in read] for obj in objects)
    return _prepared(plans, values, conn)


class _Holder:
    """What a date field's ``pre_save`` sets its value on, for a row that has no model instance."""


def _values_reader(field: Field[Any, Any], column: int | None) -> Any:
    """How ``insert_values`` finds ``field``'s value in a row (a tuple: the primary key, then the
    columns given): the given value, or the field's default, then its ``pre_save`` where a date
    field has one (``auto_now``/``auto_now_add``: the time of the write, as for an instance)."""
    pre_save = type(field).pre_save
    if pre_save is not Field.pre_save and not any(
        isinstance(field, base) and pre_save is base.pre_save for base in (DateTimeField, DateField)
    ):
        raise TypeError(f"insert_values cannot write {field!r}: its pre_save needs a model instance")
    dated = pre_save is not Field.pre_save and (getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False))
    attname = field.attname
    given: Callable[[tuple[Any, ...]], Any]
    if column is None:
        get_default = field.get_default
        given = lambda row: get_default()  # noqa: E731 - per row, as Model.__init__ (a callable default is called each time)
    else:
        given = itemgetter(column)
    if not dated:
        return given

    def with_pre_save(row: tuple[Any, ...]) -> Any:
        holder = _Holder()
        setattr(holder, attname, given(row))
        return field.pre_save(holder, True)  # type: ignore[arg-type]

    return with_pre_save


def insert_values(model: type[Model], columns: Sequence[str], rows: Sequence[Sequence[Any]], *, batch_size: int = 1000) -> list[Any]:
    """Insert new rows of ``model`` given as values (``columns``: attribute names, ``person_id`` for a
    foreign key; each row a value for each) and return their primary keys in order. What is written is
    what ``insert_many`` writes for ``model(**dict(zip(columns, row)))``, without the instances:
    on SQLite those instances are made and ``bulk_create``d."""
    if not rows:
        return []
    conn = connections[DEFAULT_DB_ALIAS]
    if conn.vendor != "postgresql":
        made = [model(**dict(zip(columns, row, strict=True))) for row in rows]
        return [obj.pk for obj in model._default_manager.bulk_create(made, batch_size=batch_size)]
    meta = model._meta
    pk = meta.pk
    if not isinstance(pk, AutoField | BigAutoField | SmallAutoField) or pk.attname in columns:
        raise TypeError("insert_values writes models with an automatic primary key, drawn from its sequence")
    fields = list(meta.concrete_fields)
    position = {name: i + 1 for i, name in enumerate(columns)}  # a row is read as (pk, *values)
    unknown = set(position) - {f.attname for f in fields}
    if unknown:
        raise TypeError(f"{model.__name__} has no column {', '.join(sorted(unknown))}")
    readers = [_values_reader(f, 0 if f is pk else position.get(f.attname)) for f in fields]
    plans = [_Plan(f, conn.vendor) for f in fields]
    quote = conn.ops.quote_name
    with conn.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [meta.db_table, pk.column, len(rows)])
        pks = [value for (value,) in cursor.fetchall()]
        values = ([read(full) for read in readers] for full in ((key, *row) for key, row in zip(pks, rows, strict=True)))
        columns_sql = ", ".join(quote(f.column) for f in fields)
        with conn.wrap_database_errors, cursor.cursor.copy(f"COPY {quote(meta.db_table)} ({columns_sql}) FROM STDIN") as copy:
            for row in _prepared(plans, values, conn):
                copy.write_row(row)
    return pks


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
