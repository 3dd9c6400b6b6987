"""The IOM budget template (000 appendix 7): downloaded, filled in as a provider would, and read
back with each problem named by row and column and every good row kept."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from iomhub.access.models import Role
from iomhub.reporting.budget import HEADER_ROW, read_return, template_xlsx
from iomhub.rules import budget


def _filled(values: dict[str, tuple[object, object, object]], *, period: object = "Quarterly", extra: list[tuple] = ()) -> bytes:
    """The template with (staff, specify, amount) written on the rows of ``values``' keys."""
    book = openpyxl.load_workbook(io.BytesIO(template_xlsx()))
    sheet = book["Budget"]
    sheet["C2"], sheet["C3"], sheet["C4"] = "Hampshire IOM Service", period, "1 July to 30 September 2026"
    rows = {sheet.cell(row=r, column=1).value: r for r in range(HEADER_ROW + 1, sheet.max_row + 1)}
    for key, (staff, specify, amount) in values.items():
        sheet.cell(row=rows[key], column=4, value=staff)
        sheet.cell(row=rows[key], column=5, value=specify)
        sheet.cell(row=rows[key], column=6, value=amount)
    for row in extra:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_template_holds_every_line_of_the_appendix_in_order():
    sheet = openpyxl.load_workbook(io.BytesIO(template_xlsx()))["Budget"]
    keys = [sheet.cell(row=r, column=1).value for r in range(HEADER_ROW + 1, HEADER_ROW + 1 + len(budget.LINES))]
    assert keys == [line.key for line in budget.LINES]
    items = [sheet.cell(row=r, column=3).value for r in range(HEADER_ROW + 1, HEADER_ROW + 1 + len(budget.LINES))]
    assert "Total staff costs incl. salary, NI, pension and other direct costs: Operational staff (specify number of staff)" in items
    assert "Direct service provision costs: Drug Testing" in items
    assert template_xlsx() == template_xlsx()  # the same bytes every time


def test_a_good_return_is_read_with_its_totals():
    # income 60000 + 5000 = 65000.00; expenditure 40000 + 12000 + 850.50 + 1200 = 54050.50
    found = read_return(
        _filled(
            {
                "hcc-a": (None, None, 60000),
                "partner-contributions": (None, None, "£5,000.00"),
                "operational-staff": (2, None, 40000),
                "management-staff": (1, None, 12000),
                "drug-testing": (None, None, 850.5),
                "interventions": (None, "Acupuncture sessions", 1200),
            }
        )
    )
    assert found.problems == []
    assert (found.organisation, found.period) == ("Hampshire IOM Service", "Quarterly")
    assert found.totals["income"] == Decimal("65000.00")
    assert found.totals["expenditure"] == Decimal("54050.50")
    assert found.totals["staff"] == Decimal("52000.00")
    assert found.lines["operational-staff"].staff == 2


def test_bad_rows_are_named_by_row_and_column_and_good_rows_are_kept():
    data = _filled(
        {
            "hcc-a": (None, None, 60000),
            "own-funds": (None, None, "lots"),
            "operational-staff": ("two", None, 40000),
            "training": (None, None, -5),
            "interventions": (None, None, 300),
            "drug-testing": (None, None, 10.005),
            "insurances": (3, None, 100),
        },
        period="Fortnightly",
        extra=[("made-up-line", None, None, None, None, 5)],
    )
    found = read_return(data)
    first = HEADER_ROW + 1
    row = {line.key: first + i for i, line in enumerate(budget.LINES)}
    messages = [str(p) for p in found.problems]
    assert messages == [
        "Row 3, Period: must be one of Monthly, Quarterly, Biannual, Annual, not 'Fortnightly'",
        f"Row {row['own-funds']}, Amount (£): must be an amount in pounds, like 1250.00, not 'lots'",
        f"Row {row['operational-staff']}, Number of staff: must be a whole number of staff, not 'two'",
        f"Row {row['training']}, Amount (£): must be 0 or more, not '-5'",
        f"Row {row['interventions']}, Specify: say what the amount is for",
        f"Row {row['drug-testing']}, Amount (£): must be in pounds and pence (two decimal places at most), not '10.005'",
        f"Row {row['insurances']}, Number of staff: is not asked for on this line; leave it blank",
        f"Row {found_row(data, 'made-up-line')}, Key: 'made-up-line' is not a line of the template",
    ]
    assert set(found.lines) == {"hcc-a"} | {
        line.key
        for line in budget.LINES
        if line.key not in {"own-funds", "operational-staff", "training", "interventions", "drug-testing", "insurances"}
    }
    assert found.totals["income"] == Decimal("60000.00")


def found_row(data: bytes, key: str) -> int:
    sheet = openpyxl.load_workbook(io.BytesIO(data))["Budget"]
    return next(r for r in range(1, sheet.max_row + 1) if sheet.cell(row=r, column=1).value == key)


@pytest.mark.parametrize("data", [b"not a spreadsheet", b"PK\x03\x04broken"])
def test_a_file_that_is_not_the_template_is_refused_by_name(data):
    assert [str(p) for p in read_return(data).problems] == ["Row 0, File: is not an XLSX spreadsheet: download the template and fill it in"]


def test_the_page_downloads_the_template_and_reads_a_return(client, partnership):
    client.force_login(partnership.users[Role.PERFORMANCE_LEAD])
    download = client.get("/reports/budget-template.xlsx")
    assert download.status_code == 200 and download.content == template_xlsx()
    upload = SimpleUploadedFile("budget.xlsx", _filled({"hcc-a": (None, None, 60000), "own-funds": (None, None, "lots")}))
    page = client.post("/reports/budget/", {"budget": upload}).content.decode()
    assert 'data-total="income">60000.00<' in page
    assert f"Row {HEADER_ROW + 3}, Amount (£): must be an amount in pounds" in page
    assert client.post("/reports/budget/", {}).status_code == 400


def test_roles_that_do_not_read_reports_are_refused(client, partnership):
    client.force_login(partnership.users[Role.PROBATION_OFFICER])
    assert client.get("/reports/budget/").status_code == 403
    assert client.get("/reports/budget-template.xlsx").status_code == 403
