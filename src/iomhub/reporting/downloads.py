"""A report as CSV, XLSX and PDF (issue 16 §2): the same rows as the page. A cell whose text starts
with = + - @ (or a tab or carriage return) is written as text, never as a formula (OWASP CSV
injection): in CSV with a leading apostrophe, in XLSX as a string cell."""

from __future__ import annotations

import csv
import datetime
import io
import zipfile

from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.writer.excel import ExcelWriter

from iomhub.reporting.selectors import Report

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
HEADER = ("Table", "Measure", "Value")


def safe_text(value: str) -> str:
    """A text cell that no spreadsheet will run as a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def report_csv(report: Report) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([safe_text(report.title)])
    writer.writerow([safe_text(f"Period: {report.period}"), safe_text(f"Team: {report.team}")])
    writer.writerow(HEADER)
    for table, measure, value in report.as_rows():
        writer.writerow([safe_text(table), safe_text(measure), value])
    return out.getvalue()


def report_xlsx(report: Report) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Report"

    def text(row: int, column: int, value: str) -> None:
        cell = sheet.cell(row=row, column=column)
        cell.value = value
        cell.data_type = TYPE_STRING  # never a formula, whatever it starts with

    text(1, 1, report.title)
    text(2, 1, f"Period: {report.period}")
    text(2, 2, f"Team: {report.team}")
    for column, name in enumerate(HEADER, start=1):
        text(3, column, name)
    for row, (table, measure, value) in enumerate(report.as_rows(), start=4):
        text(row, 1, table)
        text(row, 2, measure)
        sheet.cell(row=row, column=3, value=value)
    if report.not_supported:
        notes = book.create_sheet("Not yet supported")
        for row, (measure, why) in enumerate(report.not_supported, start=1):
            for column, words in enumerate((measure, why), start=1):
                cell = notes.cell(row=row, column=column)
                cell.value = words
                cell.data_type = TYPE_STRING
    return _fixed_in_time(book)


def report_pdf(report: Report) -> bytes:
    """The report as a PDF (ADR 0018): the page's tables, notes and the measures not yet
    supported, marked OFFICIAL (figures only, no one named), with no time of making on it."""
    from iomhub.web.pdf import render_pdf

    return render_pdf("reporting/pdf/report.html", {"report": report, "protective_marking": "OFFICIAL"})


FIXED_TIME = datetime.datetime(2000, 1, 1)  # noqa: DTZ001 - a constant stamp, not a moment


def _fixed_in_time(book: Workbook) -> bytes:
    """The workbook's bytes depend on its content alone: its document properties and every ZIP
    entry carry one fixed time (``save`` would stamp the moment), so the same figures make the same
    file and a download says nothing of when it was made."""
    book.properties.created = book.properties.modified = FIXED_TIME
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(book, archive).write_data()
    fixed = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as source, zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            target.writestr(
                zipfile.ZipInfo(entry.filename, date_time=(1980, 1, 1, 0, 0, 0)), source.read(entry), compress_type=zipfile.ZIP_DEFLATED
            )
    return fixed.getvalue()
