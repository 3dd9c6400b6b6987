"""The IOM budget template (000 appendix 7) as a spreadsheet a provider fills in, and IOM Hub reading
it back (issue 16 §5; ADR 0028). The lines and checks are ``iomhub.rules.budget``; here, the
workbook. Each line's row carries its key in column A so a re-ordered or re-typed label is still
read; a row whose key is unknown is named, and every good row is kept whatever is wrong elsewhere."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.styles import Font
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation

from iomhub.reporting.downloads import _fixed_in_time, safe_text
from iomhub.rules import budget

SHEET = "Budget"
HEADER_ROW = 6
COLUMNS = ("Key", "Section", "Item", "Number of staff", "Specify", "Amount (£)")
MAX_BYTES = 2_000_000
MAX_ROWS = 200


def template_xlsx() -> bytes:
    """The empty template: organisation, period and dates to fill in, then one row per line."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = SHEET

    def text(row: int, column: int, value: str, bold: bool = False) -> None:
        cell = sheet.cell(row=row, column=column)
        cell.value, cell.data_type = safe_text(value), TYPE_STRING
        if bold:
            cell.font = Font(bold=True)

    text(1, 1, "IOM budget template (000 appendix 7)", bold=True)
    for row, label in ((2, "Service provider organisation"), (3, "Period"), (4, "Dates (from and to)")):
        text(row, 2, label, bold=True)
    text(3, 4, "Monthly, Quarterly, Biannual or Annual")
    periods = DataValidation(type="list", formula1='"' + ",".join(budget.PERIODS) + '"', allow_blank=True)
    sheet.add_data_validation(periods)
    periods.add("C3")
    for column, name in enumerate(COLUMNS, start=1):
        text(HEADER_ROW, column, name, bold=True)
    row = HEADER_ROW + 1
    for line in budget.LINES:
        text(row, 1, line.key)
        text(row, 2, "Income: contract value" if line.section == "income" else "Expenditure: actual costs")
        group = f"{budget.GROUPS[line.group]}: " if line.group else ""
        text(row, 3, group + line.label + (" (specify number of staff)" if line.staff else "") + (" (specify)" if line.specify else ""))
        row += 1
    row += 1
    text(row, 3, "Notes for completion of funding and expenditure figures", bold=True)
    for number, heading, words in budget.NOTES:
        row += 1
        text(row, 2, number)
        text(row, 3, f"{heading}: {words}")
    row += 2
    text(
        row,
        3,
        "Additional comments or observations: please add further information covering variations, exceptional costs or under-spends.",
    )
    for letter, width in zip("ABCDEF", (22, 26, 80, 16, 40, 14), strict=True):
        sheet.column_dimensions[letter].width = width
    return _fixed_in_time(book)


@dataclass
class BudgetReturn:
    organisation: str = ""
    period: str = ""
    dates: str = ""
    lines: dict[str, budget.FilledLine] = field(default_factory=dict)
    problems: list[budget.Problem] = field(default_factory=list)

    @property
    def totals(self) -> dict[str, Decimal]:
        return budget.totals(self.lines)

    def rows(self) -> list[tuple[str, str, budget.FilledLine]]:
        """(section, item, line) of the lines read, in the template's order."""
        return [
            (line.section, (f"{budget.GROUPS[line.group]}: " if line.group else "") + line.label, self.lines[line.key])
            for line in budget.LINES
            if line.key in self.lines
        ]


def read_return(data: bytes) -> BudgetReturn:
    """A filled template read back: every good row kept, every problem naming its row and column."""
    found = BudgetReturn()
    if len(data) > MAX_BYTES:
        found.problems.append(budget.Problem(0, "File", f"is larger than {MAX_BYTES // 1_000_000} MB"))
        return found
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        found.problems.append(budget.Problem(0, "File", "is not an XLSX spreadsheet: download the template and fill it in"))
        return found
    if SHEET not in book.sheetnames:
        found.problems.append(budget.Problem(0, "File", f"has no sheet named {SHEET!r}: use the template"))
        return found
    rows = list(book[SHEET].iter_rows(min_row=1, max_row=MAX_ROWS, max_col=len(COLUMNS), values_only=True))

    def cell(r: int, c: int) -> object:
        return rows[r - 1][c - 1] if r <= len(rows) and c <= len(rows[r - 1]) else None

    found.organisation = str(cell(2, 3) or "").strip()[:200]
    found.period = str(cell(3, 3) or "").strip()
    found.dates = str(cell(4, 3) or "").strip()[:100]
    if found.period and found.period not in budget.PERIODS:
        found.problems.append(budget.Problem(3, "Period", f"must be one of {', '.join(budget.PERIODS)}, not {found.period[:40]!r}"))
    for number in range(HEADER_ROW + 1, len(rows) + 1):
        key = str(cell(number, 1) or "").strip()
        if not key:
            continue
        line = budget.BY_KEY.get(key)
        if line is None:
            if any(cell(number, c) not in (None, "") for c in (4, 5, 6)):
                found.problems.append(budget.Problem(number, "Key", f"{key[:40]!r} is not a line of the template"))
            continue
        if line.key in found.lines:
            found.problems.append(budget.Problem(number, "Key", f"{key} appears twice; only its first row is read"))
            continue
        filled, problems = budget.check_line(line, number, cell(number, 6), cell(number, 4), cell(number, 5))
        found.problems += problems
        if filled is not None:
            found.lines[line.key] = filled
    return found
