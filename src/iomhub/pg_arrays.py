"""Many values as one PostgreSQL array parameter (issues 11 and 15; ADR 0037 and ADR 0036 addenda).

A feed import's batch reads the people it may be about, and screening reads each table for 5,000
people at a time. Written as ``IN (%s, %s, …)`` that is thousands of placeholders per statement,
which psycopg spends longer building and PostgreSQL longer parsing than the query takes to run.
On PostgreSQL the values go instead as one array parameter (``column = ANY(%s)``), and numbers and
ISO dates as one array *literal* (``{1,2,3}``): they need no quoting, so psycopg does not adapt
them one by one. Elsewhere (SQLite) the same rows come from ``IN`` lists of 900.

One place writes array literals (:func:`literal`; :func:`text_literal` for text, every element
quoted) and one filters by them (:func:`one_of`);
:class:`Ids` is a list of ids read by many queries, its literal written once.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from typing import Any

from django.db import connection
from django.db.models import QuerySet

__all__ = ["Ids", "literal", "one_of", "text_literal"]


def _plain(value: object) -> bool:
    """A value whose text is the same inside an array literal: an integer or a date (not a
    boolean, whose text is ``True``, nor a date-time, whose text has a space and a zone)."""
    return isinstance(value, int | datetime.date) and not isinstance(value, bool | datetime.datetime)


# Values of exactly these types are plain (``_plain``): a batch's ids and dates are checked a type
# at a time rather than a value at a time (issue 11: some 40,000 dates a batch).
_EXACTLY_PLAIN = frozenset({int, datetime.date})
_EXACTLY_DATE = frozenset({datetime.date})
_iso: Any = datetime.date.isoformat


def _all_plain(values: list[Any]) -> bool:
    return set(map(type, values)) <= _EXACTLY_PLAIN or all(_plain(v) for v in values)


def literal(values: Iterable[object]) -> str:
    """The PostgreSQL array literal of ``values`` (integers, dates, ``None`` as ``NULL``), e.g.
    ``{1,NULL,3}``. Anything else is refused: its text could need quoting."""
    values = list(values)
    types = set(map(type, values))
    if types <= _EXACTLY_DATE:  # ``date.isoformat`` is ``str`` of a date, without the call through ``__str__``
        return "{" + ",".join(map(_iso, values)) + "}"
    if types <= _EXACTLY_PLAIN:
        return "{" + ",".join(map(str, values)) + "}"
    parts = []
    for value in values:
        if value is None:
            parts.append("NULL")
        elif _plain(value):
            parts.append(str(value))
        else:
            raise TypeError(f"{type(value).__name__} has no unquoted array literal")
    return "{" + ",".join(parts) + "}"


def text_literal(values: Iterable[str]) -> str:
    """The PostgreSQL array literal of the texts ``values``, each element double-quoted with its
    backslashes and double quotes escaped, e.g. ``{"o'neil","a\\"b"}``: one parameter for thousands
    of texts (the batch duplicate check's surname keys), where a list is adapted text by text."""
    values = list(values)
    if not values:
        return "{}"
    if not any('"' in v or "\\" in v for v in set(values)):  # nothing to escape: each text as it is (issue 11)
        return '{"' + '","'.join(values) + '"}'
    return "{" + ",".join('"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"' for v in values) + "}"


class Ids(list[int]):
    """Ids, sorted and distinct, with their array literal written once: a screening batch is
    filtered by a dozen queries with the same ids."""

    def __init__(self, ids: Iterable[int]) -> None:
        super().__init__(sorted(set(ids)))
        self.literal = literal(self)


def _chunks(items: list[Any], size: int = 900) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def one_of(queryset: QuerySet[Any], field: str, values: Iterable[Any]) -> Iterator[Any]:
    """The rows of ``queryset`` whose ``field`` (a column of its own model, or ``"pk"``) is one of
    ``values``: on PostgreSQL one array parameter (a literal when every value is an integer or a
    date, else a list psycopg adapts), elsewhere ``IN`` lists of 900. ``values`` may be
    :class:`Ids` (its literal is reused)."""
    wanted: list[Any] = values if isinstance(values, Ids) else sorted(set(values))
    if not wanted:
        return
    if connection.vendor != "postgresql":
        for chunk in _chunks(wanted):
            yield from queryset.filter(**{f"{field}__in": chunk})
        return
    meta = queryset.model._meta
    target = meta.pk if field == "pk" else meta.get_field(field)
    column = f"{connection.ops.quote_name(meta.db_table)}.{connection.ops.quote_name(target.column)}"
    param: str | list[Any]
    if isinstance(values, Ids):
        param, cast = values.literal, f"::{target.db_type(connection)}[]"
    elif _all_plain(wanted):
        param, cast = literal(wanted), f"::{target.db_type(connection)}[]"
    else:
        param, cast = wanted, ""
    # Only the model's own table, column and type names are interpolated; the values are one parameter.
    yield from queryset.extra(where=[f"{column} = ANY(%s{cast})"], params=[param])  # noqa: S610
