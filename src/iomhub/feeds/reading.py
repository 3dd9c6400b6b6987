"""Reading a feed file (CSV or XLSX) into a header and its rows, for every feed (ADR 0014 §2).

A file is refused whole only when it cannot be read as a table of the feed (not CSV or XLSX, no
header, a column missing or named twice, a header that is not UTF-8); every other fault is the one
row's, found by ``feeds.rows``. Undecodable bytes are kept as surrogates so only their row is refused.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

MAX_FILE_BYTES = 200 * 1024 * 1024
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


def _check_header(header: list[str], columns: Sequence[str], doc: str) -> list[str]:
    names = [h.strip().lower() for h in header]
    missing = [c for c in columns if c not in names]
    if missing:
        raise FileRefused(
            f"The file has no {', '.join(missing)} column{'s' if len(missing) > 1 else ''}: "
            f"the first row must name the columns {', '.join(columns)} ({doc}). Nothing was imported."
        )
    repeated = sorted({n for n in names if n and names.count(n) > 1})
    if repeated:
        raise FileRefused(f"The column {', '.join(repeated)} appears more than once in the first row. Nothing was imported.")
    return names


def read_table(data: bytes, file_name: str, columns: Sequence[str], doc: str = "docs/feeds/") -> Table:
    """The file as a header and its rows; CSV must be UTF-8 (a byte-order mark is allowed)."""
    if len(data) > MAX_FILE_BYTES:
        raise FileRefused(f"The file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB: split it into smaller files.")
    if not data.strip():
        raise FileRefused("The file is empty.")
    if data[:4] == b"PK\x03\x04" or file_name.lower().endswith(".xlsx"):
        return _read_xlsx(data, columns, doc)
    return _read_csv(data, columns, doc)


def _read_csv(data: bytes, columns: Sequence[str], doc: str) -> Table:
    if data.startswith(_BOM):
        data = data[len(_BOM) :]
    text = data.decode("utf-8", errors="surrogateescape")
    reader = csv.reader(io.StringIO(text, newline=""), strict=False)
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as exc:
        raise FileRefused(f"The file could not be read as CSV: {exc}") from exc
    if any(undecodable(h) for h in header):
        raise FileRefused("The first row is not UTF-8 text: save the file as CSV UTF-8 and import it again.")
    names = _check_header(header, columns, doc)
    width, every_name = len(names), all(names)

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
            if not any(map(str.strip, cells)):
                continue
            if every_name and len(cells) >= width:
                values = dict(zip(names, cells, strict=False))  # the same dictionary, in the same order, as below
            else:
                values = {names[i]: cells[i] if i < len(cells) else "" for i in range(width) if names[i]}
            problem = ""
            if len(cells) > len(names):
                problem = f"The row has {len(cells)} cells but the first row names {len(names)} columns"
            yield RawRow(start, values, problem)

    lines = text.count("\n") + (0 if text.endswith("\n") else 1)
    return Table(names, rows(), max(lines - 1, 1))  # the lines after the header (a quoted cell may span two)


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_xlsx(data: bytes, columns: Sequence[str], doc: str) -> Table:
    """The first sheet, read to its end before any row is imported: a workbook damaged part-way (a
    sheet cut short, a cell no spreadsheet writes) is refused whole, saying after which row, and
    nothing is imported. Its rows before the damage are not imported either: what follows them is
    unknown, and a file half imported is the harder one to put right (which rows went in?); the
    file saved again imports whole, and a re-import records nothing twice. The sheet is read a
    second time for the rows themselves (streamed both times, so memory stays flat); counting them
    the first time makes the run's ``total`` exact."""
    header, count = _survey_xlsx(data, columns, doc)
    book, sheet = _open_xlsx(data)
    iterator = sheet.iter_rows(values_only=True)
    next(iterator)  # the header, read and checked by the survey

    def rows() -> Iterator[RawRow]:
        names = header
        for number, cells in enumerate(iterator, start=2):
            texts = [_cell_text(c) for c in cells]
            if not any(t.strip() for t in texts):
                continue
            values = {names[i]: texts[i] if i < len(texts) else "" for i in range(len(names)) if names[i]}
            yield RawRow(number, values)
        book.close()

    return Table(header, rows(), max(count, 1))


def _not_xlsx(exc: BaseException, where: str = "") -> FileRefused:
    detail = " ".join(str(exc).split())[:200] or type(exc).__name__
    return FileRefused(
        f"The file could not be read as an XLSX workbook{where} ({detail}): save it as .xlsx or CSV UTF-8. Nothing was imported."
    )


def _open_xlsx(data: bytes) -> tuple[Any, Any]:
    from openpyxl import load_workbook

    try:
        # Formulas are read as the text they are (``data_only=False``): never evaluated.
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        return book, book.worksheets[0]
    except MemoryError:
        raise
    except Exception as exc:  # a damaged workbook raises whatever its parts make the reader raise
        raise _not_xlsx(exc) from exc


def _survey_xlsx(data: bytes, columns: Sequence[str], doc: str) -> tuple[list[str], int]:
    """The first sheet's header (checked) and how many rows with a value follow it, every cell
    read once and let go; a sheet that cannot be read to its end is refused (``FileRefused``),
    naming the last row read."""
    book, sheet = _open_xlsx(data)
    iterator = sheet.iter_rows(values_only=True)
    read = 0  # rows of the sheet read whole
    try:
        try:
            header = [_cell_text(v) for v in next(iterator)]
        except StopIteration as exc:
            raise FileRefused("The workbook's first sheet is empty.") from exc
        read = 1
        names = _check_header(header, columns, doc)
        count = 0
        for cells in iterator:
            if any(_cell_text(c).strip() for c in cells):
                count += 1
            read += 1
    except (FileRefused, MemoryError):
        raise
    except Exception as exc:  # a sheet damaged part-way: an unfinished XML part, a cell no spreadsheet writes
        raise _not_xlsx(exc, f": its first sheet could not be read after row {read}" if read else "") from exc
    finally:
        book.close()
    return names, count


_UNDECODABLE = re.compile("[\udc80-\udcff]")  # the surrogates ``surrogateescape`` keeps undecodable bytes as


def undecodable(value: str) -> bool:
    """Whether ``value`` holds a byte that was not UTF-8 (kept as a surrogate U+DC80 to U+DCFF)."""
    return not value.isascii() and _UNDECODABLE.search(value) is not None
