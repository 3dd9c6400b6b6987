"""``iomhub.pg_arrays``'s literals read back by PostgreSQL itself as the values written (issue 11,
ADR 0037 addendum, eighth sitting): texts with and without anything to escape (both ways a text
literal is written), dates alone, integers alone, either with ``None``, and empty arrays. The oracle
is PostgreSQL's own parsing of the literal, compared with the Python values that went in."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iomhub.pg_arrays import literal, text_literal

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="array literals are PostgreSQL's"),
]

HOSTILE = [
    "",
    " ",
    "NULL",
    "null",
    '"',
    "\\",
    '\\"',
    "a,b",
    "{",
    "}",
    "{a,b}",
    "o'neil",
    'a"b',
    "tab\there",
    "new\nline",
    "ünï",
    "Øster",
    "日本",
    "😀",
]


def _read(cast: str, value: str) -> object:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT %s::{cast}[]", [value])
        return cursor.fetchone()[0]


@pytest.mark.parametrize(
    "texts",
    [
        [],
        [""],
        ["", ""],
        ["smith", "jones", "smith"],  # nothing to escape
        ["ünï", "Øster", "日本", " spaced ", "NULL", "a,b", "{x}", "o'neil"],  # nothing to escape either
        HOSTILE,  # quotes and backslashes: escaped
        ['"'],
        ["\\"],
        ["a", '"', "b"],
    ],
)
def test_text_literal_reads_back_as_written(texts: list[str]) -> None:
    assert _read("text", text_literal(texts)) == texts


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.one_of(st.sampled_from(HOSTILE), st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"))),
        max_size=12,
    )
)
def test_any_texts_read_back_as_written(texts: list[str]) -> None:
    assert _read("text", text_literal(texts)) == texts


@pytest.mark.parametrize(
    ("cast", "values"),
    [
        ("date", []),
        ("date", [datetime.date(1, 1, 1), datetime.date(1890, 4, 7), datetime.date(2024, 2, 29), datetime.date(9999, 12, 31)]),
        ("date", [datetime.date(1985, 3, 11), None, datetime.date(1985, 3, 11)]),
        ("date", [None]),
        ("bigint", []),
        ("bigint", [0, -1, 7, 2**62, 7]),
        ("bigint", [3, None, 12]),
        ("bigint", [1, datetime.date(2000, 1, 1)][:1]),
    ],
)
def test_literal_reads_back_as_written(cast: str, values: list[object]) -> None:
    assert _read(cast, literal(values)) == values


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(st.one_of(st.none(), st.dates()), max_size=30), st.lists(st.one_of(st.none(), st.integers(-(2**63), 2**63 - 1)), max_size=30)
)
def test_any_dates_and_integers_read_back_as_written(dates: list[datetime.date | None], numbers: list[int | None]) -> None:
    assert _read("date", literal(dates)) == dates
    assert _read("bigint", literal(numbers)) == numbers
