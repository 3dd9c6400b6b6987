"""The custody arrests feed (issue 11 §1; ``docs/feeds/arrests.md``): reading a CSV or XLSX file
into rows, and checking each row on its own.

A file is refused whole only when it cannot be read as a table of this feed (not a CSV or XLSX, no
header, a column missing); every other fault refuses the one row, naming its line, the column and
why. Nothing here writes: ``feeds.services`` imports the rows that pass.

IOM police officers "conduct daily intelligence and information checks on cohort members … to be
kept up to date with … overnight arrests" (002 §3); the custody suite's record is the source.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from iomhub import clock
from iomhub.justice.catalogue import CATALOGUE_VERSION, normalise_code
from iomhub.justice.models import ArrestOutcome
from iomhub.people.matching import normalise_name
from iomhub.people.validators import IDENTIFIER_NORMALISERS, hidden_character

COLUMNS = ("pnc_id", "family_name", "given_name", "date_of_birth", "arrested_at", "custody_suite", "offence_code", "outcome")
# Identity columns other than names and date of birth may be blank (issue 11 §1).
MAY_BE_BLANK = frozenset({"pnc_id"})
# The longest value each column may hold: the width of the field it is stored in.
MAX_LENGTH = {
    "pnc_id": 13,
    "family_name": 100,
    "given_name": 100,
    "date_of_birth": 10,
    "arrested_at": 40,
    "custody_suite": 200,
    "offence_code": 10,
    "outcome": 40,
}
# Outcomes as custody records word them, to the justice record's arrest outcomes.
OUTCOMES = {
    "charged": ArrestOutcome.CHARGE,
    "charge": ArrestOutcome.CHARGE,
    "no further action": ArrestOutcome.NFA,
    "nfa": ArrestOutcome.NFA,
    "caution": ArrestOutcome.CAUTION,
    "cautioned": ArrestOutcome.CAUTION,
    "released under investigation": ArrestOutcome.RUI,
    "rui": ArrestOutcome.RUI,
    "bailed": ArrestOutcome.BAIL,
    "bail": ArrestOutcome.BAIL,
}
OUTCOME_WORDING = "Charged, No further action, Caution, Released under investigation or Bailed"
MAX_FILE_BYTES = 200 * 1024 * 1024
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_MIDNIGHT = re.compile(r"(?<=^\d{4}-\d{2}-\d{2})[T ]00:00(:00)?$")
_BOM = b"\xef\xbb\xbf"


class FileRefused(ValueError):
    """The file cannot be read as this feed at all; the message says why and what to do."""


@dataclass(frozen=True)
class RawRow:
    line: int
    values: dict[str, str]
    problem: str = ""  # a fault of the row's shape (too many cells), reported against no column


@dataclass
class Table:
    header: list[str]
    rows: Iterator[RawRow]
    total: int  # rows expected (for the progress bar); exact for XLSX, an upper bound for CSV


@dataclass(frozen=True)
class ArrestRow:
    """One row that passed every check, in the form the import needs."""

    line: int
    values: dict[str, str]
    pnc_id: str
    family_name: str
    given_name: str
    date_of_birth: datetime.date
    arrested_at: datetime.datetime
    custody_suite: str
    offence_code: str
    outcome: str

    @property
    def suite_key(self) -> str:
        return suite_key(self.custody_suite)

    @property
    def row_key(self) -> str:
        """The row's identity and natural key, as one hash: two rows with the same key are one arrest."""
        parts = (
            self.pnc_id,
            normalise_name(self.family_name),
            normalise_name(self.given_name),
            self.date_of_birth.isoformat(),
            self.arrested_at.astimezone(datetime.UTC).isoformat(),
            self.suite_key,
        )
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


@dataclass
class RowFaults:
    line: int
    values: dict[str, str]
    faults: list[tuple[str, str]] = field(default_factory=list)  # (column, reason)


def suite_key(suite: str) -> str:
    return " ".join(suite.split()).casefold()


def _check_header(header: list[str]) -> list[str]:
    names = [h.strip().lower() for h in header]
    missing = [c for c in COLUMNS if c not in names]
    if missing:
        raise FileRefused(
            f"The file has no {', '.join(missing)} column{'s' if len(missing) > 1 else ''}: "
            f"the first row must name the columns {', '.join(COLUMNS)} (docs/feeds/arrests.md). Nothing was imported."
        )
    repeated = sorted({n for n in names if n and names.count(n) > 1})
    if repeated:
        raise FileRefused(f"The column {', '.join(repeated)} appears more than once in the first row. Nothing was imported.")
    return names


def read_table(data: bytes, file_name: str) -> Table:
    """The file as a header and its rows; CSV must be UTF-8 (a byte-order mark is allowed)."""
    if len(data) > MAX_FILE_BYTES:
        raise FileRefused(f"The file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB: split it into smaller files.")
    if not data.strip():
        raise FileRefused("The file is empty.")
    if data[:4] == b"PK\x03\x04" or file_name.lower().endswith(".xlsx"):
        return _read_xlsx(data)
    return _read_csv(data)


def _read_csv(data: bytes) -> Table:
    if data.startswith(_BOM):
        data = data[len(_BOM) :]
    # Undecodable bytes are kept as surrogates, so the one row holding them is refused and the
    # rest are read; the header must decode.
    text = data.decode("utf-8", errors="surrogateescape")
    reader = csv.reader(io.StringIO(text, newline=""), strict=False)
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as exc:
        raise FileRefused(f"The file could not be read as CSV: {exc}") from exc
    if any(_undecodable(h) for h in header):
        raise FileRefused("The first row is not UTF-8 text: save the file as CSV UTF-8 and import it again.")
    names = _check_header(header)

    def rows() -> Iterator[RawRow]:
        line = reader.line_num
        while True:
            start = line + 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                line = reader.line_num
                yield RawRow(start, {}, f"The row could not be read as CSV: {exc}")
                continue
            line = reader.line_num
            if not any(c.strip() for c in cells):
                continue
            values = {names[i]: cells[i] if i < len(cells) else "" for i in range(len(names)) if names[i]}
            problem = ""
            if len(cells) > len(names):
                problem = f"The row has {len(cells)} cells but the first row names {len(names)} columns"
            yield RawRow(start, values, problem)

    return Table(names, rows(), max(text.count("\n"), 1))


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_xlsx(data: bytes) -> Table:
    from openpyxl import load_workbook

    try:
        # Formulas are read as the text they are (``data_only=False``): a formula in a cell is
        # stored as that text and never evaluated.
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise FileRefused(f"The file could not be read as an XLSX workbook ({exc}): save it as .xlsx or CSV UTF-8.") from exc
    sheet = book.worksheets[0]
    iterator = sheet.iter_rows(values_only=True)
    try:
        header = [_cell_text(v) for v in next(iterator)]
    except StopIteration as exc:
        raise FileRefused("The workbook's first sheet is empty.") from exc
    names = _check_header(header)

    def rows() -> Iterator[RawRow]:
        for number, cells in enumerate(iterator, start=2):
            texts = [_cell_text(c) for c in cells]
            if not any(t.strip() for t in texts):
                continue
            values = {names[i]: texts[i] if i < len(texts) else "" for i in range(len(names)) if names[i]}
            yield RawRow(number, values)
        book.close()

    return Table(names, rows(), max((sheet.max_row or 1) - 1, 1))


def _undecodable(value: str) -> bool:
    return any("\udc80" <= ch <= "\udcff" for ch in value)


def _parse_date(text: str) -> tuple[datetime.date | None, str]:
    if not _ISO_DATE.fullmatch(text):
        return None, f"{text!r} is not a date in the form YYYY-MM-DD"
    try:
        return datetime.date.fromisoformat(text), ""
    except ValueError:
        return None, f"{text} is not a real date"


def _parse_datetime(text: str) -> tuple[datetime.datetime | None, str]:
    if not _ISO_DATE.match(text) or len(text) < 16:
        return None, f"{text!r} is not a date and time in the form YYYY-MM-DDTHH:MM"
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        return None, f"{text} is not a real date and time"
    if timezone.is_naive(moment):
        # Custody records are kept in local time: a time without an offset is the time in England.
        moment = timezone.make_aware(moment, timezone.get_default_timezone())
    return moment, ""


def check_row(raw: RawRow, catalogue: frozenset[str]) -> ArrestRow | RowFaults:
    """The row checked column by column: an :class:`ArrestRow`, or every fault found in it."""
    found = RowFaults(raw.line, raw.values)
    if raw.problem:
        found.faults.append(("", raw.problem))
        return found
    values = {c: raw.values.get(c, "") for c in COLUMNS}
    clean: dict[str, str] = {}
    for column in COLUMNS:
        value = values[column]
        if _undecodable(value):
            found.faults.append((column, "Not UTF-8 text: save the file as CSV UTF-8 and import it again"))
            continue
        value = value.strip()
        if column == "date_of_birth":
            value = _MIDNIGHT.sub("", value)  # a spreadsheet's date cell reads as midnight on that day
        if not value and column not in MAY_BE_BLANK:
            found.faults.append((column, f"Enter the {column.replace('_', ' ')}"))
            continue
        if len(value) > MAX_LENGTH[column]:
            found.faults.append((column, f"{len(value)} characters: the {column.replace('_', ' ')} must be {MAX_LENGTH[column]} or fewer"))
            continue
        hidden = hidden_character(value)
        if hidden:
            found.faults.append((column, f"Contains a control or invisible character ({hidden})"))
            continue
        clean[column] = value
    if found.faults:
        return found

    pnc = ""
    if clean["pnc_id"]:
        try:
            pnc = IDENTIFIER_NORMALISERS["pnc_id"](clean["pnc_id"])
        except ValueError as exc:
            found.faults.append(("pnc_id", str(exc)))
    dob, why = _parse_date(clean["date_of_birth"])
    if dob is None:
        found.faults.append(("date_of_birth", why))
    elif dob > clock.today() or dob.year < 1900:
        found.faults.append(("date_of_birth", f"{dob.isoformat()} cannot be a date of birth"))
        dob = None
    arrested_at, why = _parse_datetime(clean["arrested_at"])
    if arrested_at is None:
        found.faults.append(("arrested_at", why))
    elif arrested_at > clock.now():
        found.faults.append(("arrested_at", f"{clean['arrested_at']} is in the future"))
    elif dob is not None and timezone.localdate(arrested_at) < dob:
        found.faults.append(("arrested_at", f"{clean['arrested_at']} is before the date of birth"))
    code = normalise_code(clean["offence_code"])
    if code not in catalogue:
        found.faults.append(
            ("offence_code", f"Unknown Home Office offence code {code}: not in the offence catalogue (version {CATALOGUE_VERSION})")
        )
    outcome = OUTCOMES.get(" ".join(clean["outcome"].split()).lower())
    if outcome is None:
        found.faults.append(("outcome", f"{clean['outcome']!r} is not an outcome: use {OUTCOME_WORDING}"))
    if found.faults:
        return found
    assert dob is not None and arrested_at is not None and outcome is not None
    return ArrestRow(
        line=raw.line,
        values=raw.values,
        pnc_id=pnc,
        family_name=" ".join(clean["family_name"].split()),
        given_name=" ".join(clean["given_name"].split()),
        date_of_birth=dob,
        arrested_at=arrested_at,
        custody_suite=" ".join(clean["custody_suite"].split()),
        offence_code=code,
        outcome=str(outcome),
    )
