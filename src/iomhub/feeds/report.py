"""The error report: every rejected row with its line, column and reason, and the row as it came,
as CSV for whoever keeps the source system to correct and send again.

A cell beginning ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return) is written with a leading
apostrophe, so a spreadsheet shows it as text and never runs it as a formula (OWASP CSV injection).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Protocol

from iomhub.feeds.registry import spec_for

if TYPE_CHECKING:
    from iomhub.feeds.models import ImportRun


class _Writable(Protocol):
    def write(self, text: str, /) -> Any: ...


def csv_safe(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def report_rows(run: ImportRun) -> Iterable[list[str]]:
    columns = spec_for(run.feed).columns
    yield ["line", "column", "reason", *columns]
    for rejection in run.rejections.order_by("line", "id").iterator():
        values = rejection.values or {}
        yield [csv_safe(v) for v in (rejection.line, rejection.column, rejection.reason, *(values.get(c, "") for c in columns))]


def write_report(run: ImportRun, out: _Writable) -> int:
    """Write the report to ``out``; returns the number of rejections written."""
    writer = csv.writer(out)
    count = -1
    for row in report_rows(run):
        writer.writerow(row)
        count += 1
    return count
