"""The shared cell checks (``feeds.rows.clean_cells``, ``feeds.reading.undecodable``,
``people.validators.hidden_character``) and the CSV reader's rows against references written here
from their definitions, a character at a time, over generated hostile cells: control characters,
bidirectional overrides, zero-width characters, the byte-order mark, NUL, undecodable bytes (kept as
surrogates), formula prefixes, spaces of every kind, very long cells and dates read as midnight.
The fast paths (``isascii``, ``isprintable``, one regular expression) must give exactly these answers:
every fault's column and words, every clean value (issue 11)."""

from __future__ import annotations

import csv
import io
import re
import sys
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iomhub.feeds.reading import RawRow, read_table, undecodable
from iomhub.feeds.registry import FEEDS
from iomhub.feeds.rows import RowFaults, clean_cells
from iomhub.people.validators import hidden_character

PROPERTY = settings(derandomize=True, max_examples=400, deadline=None)

# The definition (validators' comment): control (Cc), format (Cf), surrogate (Cs), private-use (Co),
# unassigned (Cn), line and paragraph separators, and any space other than " ".
HIDDEN = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


def hidden_reference(value: str) -> str | None:
    for char in value:
        if unicodedata.category(char) in HIDDEN or (char.isspace() and char != " "):
            return f"U+{ord(char):04X}"
    return None


def undecodable_reference(value: str) -> bool:
    return any(0xDC80 <= ord(char) <= 0xDCFF for char in value)


def clean_reference(values: dict[str, str], spec) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """ADR 0014 §2's cell checks, in their order: not UTF-8, then (stripped, a date's midnight
    dropped) blank, too long, a hidden character."""
    clean, faults = {}, []
    for column in spec.columns:
        value = values.get(column, "")
        if undecodable_reference(value):
            faults.append((column, "Not UTF-8 text: save the file as CSV UTF-8 and import it again"))
            continue
        value = value.strip()
        if column in spec.dates:
            value = re.sub(r"^(\d{4}-\d{2}-\d{2})[T ]00:00(:00)?\n?$", r"\1", value)
        words = column.replace("_", " ")
        if value == "" and column not in spec.may_be_blank:
            faults.append((column, f"Enter the {words}"))
        elif len(value) > spec.max_length[column]:
            faults.append((column, f"{len(value)} characters: the {words} must be {spec.max_length[column]} or fewer"))
        elif hidden_reference(value):
            faults.append((column, f"Contains a control or invisible character ({hidden_reference(value)})"))
        else:
            clean[column] = value
    return clean, faults


HOSTILE = [
    "\x00",
    "\t",
    "\n",
    "\r",
    "\x0b",
    "\x0c",
    "\x1b",
    "\x1f",
    "\x7f",
    "\x85",
    "\xa0",
    "\xad",
    "\u1680",
    "\u180e",
    "\u2000",
    "\u200b",
    "\u200c",
    "\u200d",
    "\u200e",
    "\u2028",
    "\u2029",
    "\u202a",
    "\u202e",
    "\u2066",
    "\u2069",
    "\u202f",
    "\u205f",
    "\u3000",
    "\ufeff",
    "\ufffd",
    "\ue000",
    "\U000f0000",
    "\u0378",
    "\U000e0001",
    "\udc80",
    "\udcff",
    "\udc7f",
    "\udd00",
    "\ud800",
    "\udfff",
    "=",
    "+",
    "-",
    "@",
    '=HYPERLINK("x")',
    "@SUM(A1)",
    " ",
    "0",
    "9",
    "\u0663",
    "T",
    ":",
    "é",
    "ß",
    "Ω",
    "\U0001d518",
    "名",
    "ﷺ",
]
cell = st.one_of(
    st.text(),
    st.lists(st.sampled_from(HOSTILE) | st.characters(max_codepoint=0x7F), max_size=30).map("".join),
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=sys.maxunicode), min_size=1, max_size=40),
    st.builds(
        lambda d, t, s: d + t + s,
        st.sampled_from(["2024-02-29", "1990-05-17", "٢٠٢٤-٠٢-٢٩", "2024-1-01"]),
        st.sampled_from(["", "T00:00", " 00:00", "T00:00:00", " 00:00:00", "T00:00:01", "T00:01", "00:00"]),
        st.sampled_from(["", " ", "\n", "\t", "x", "\u200b", "\n\n"]),
    ),
    st.builds(lambda c, n: c * n, st.sampled_from(["a", "é", "\u200b", " ", "1"]), st.integers(0, 300)),
)


@pytest.mark.parametrize("feed", sorted(FEEDS))
@PROPERTY
@given(data=st.data())
def test_clean_cells_as_defined(feed, data):
    spec = FEEDS[feed]
    values = {column: data.draw(cell) for column in spec.columns if data.draw(st.integers(0, 9))}
    found = RowFaults(2, values)
    clean = clean_cells(RawRow(2, values), spec, found)
    assert (clean, found.faults) == clean_reference(values, spec)


@PROPERTY
@given(value=cell)
def test_undecodable_and_hidden_as_defined(value):
    assert undecodable(value) == undecodable_reference(value)
    assert hidden_character(value) == hidden_reference(value)


def test_every_code_point_alone_and_after_a_printable_one():
    for point in range(sys.maxunicode + 1):
        char = chr(point)
        want = hidden_reference(char)
        assert hidden_character(char) == want, point
        assert hidden_character("Ab" + char + "\u200b") == (want or "U+200B"), point
        assert undecodable(char) == (0xDC80 <= point <= 0xDCFF), point


def _rows_reference(text: str) -> list[tuple[int, dict[str, str], str]]:
    """The rows as read a cell at a time: each row's first line, its cells by column name (a
    missing cell blank, a nameless column left out), and a row of too many cells named so."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=False)
    names = [h.strip().lower() for h in next(reader)]
    found, line = [], reader.line_num
    for cells in reader:
        start, line = line + 1, reader.line_num
        if all(c.strip() == "" for c in cells):
            continue
        values = {}
        for i, name in enumerate(names):
            if name:
                values[name] = cells[i] if i < len(cells) else ""
        problem = f"The row has {len(cells)} cells but the first row names {len(names)} columns" if len(cells) > len(names) else ""
        found.append((start, values, problem))
    return found


@PROPERTY
@given(
    nameless=st.booleans(),
    rows=st.lists(st.lists(cell.filter(lambda c: not re.search("[\ud800-\udc7f\udd00-\udfff]", c)), max_size=6), max_size=8),
)
def test_csv_rows_as_read_cell_by_cell(nameless, rows):
    header = ["a", "b", "", "c"] if nameless else ["a", "b", "c"]
    out = io.StringIO()
    csv.writer(out).writerows([header, *rows])
    data = out.getvalue().encode("utf-8", "surrogateescape")  # undecodable bytes as well
    table = read_table(data, "f.csv", ["a", "b", "c"])
    got = [(r.line, r.values, r.problem) for r in table.rows]
    assert got == _rows_reference(data.decode("utf-8", "surrogateescape"))
    assert all(list(r[1]) == [n for n in header if n] for r in got)  # the columns in the file's order


@pytest.mark.parametrize("zone", ["Europe/London", "Pacific/Kiritimati", "Etc/GMT+12", "UTC"])
@pytest.mark.parametrize("at", ["2026-06-30T23:30:00+00:00", "2026-07-01T00:30:00+00:00", "2026-12-31T11:00:00+00:00"])
def test_a_date_of_birth_after_today_in_the_current_zone_is_refused_and_today_is_not(zone, at):
    import datetime
    import zoneinfo

    from django.utils import timezone

    from iomhub import clock
    from iomhub.feeds.rows import identity

    with clock.frozen(datetime.datetime.fromisoformat(at)), timezone.override(zoneinfo.ZoneInfo(zone)):
        today = clock.today()
        for offset, refused in ((-400, False), (-2, False), (-1, False), (0, False), (1, True), (2, True)):
            dob = (today + datetime.timedelta(days=offset)).isoformat()
            found = RowFaults(2, {})
            who = identity({"family_name": "Example", "given_name": "Jo", "date_of_birth": dob}, found)
            assert (who is None, found.faults) == (
                (True, [("date_of_birth", f"{dob} cannot be a date of birth")]) if refused else (False, [])
            ), (zone, at, offset)
