"""The downloads and the command line hold the same numbers as the page; text cells that a
spreadsheet would run as a formula are written as text."""

from __future__ import annotations

import csv
import io
import json
import re

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from iomhub.access.models import Role
from iomhub.reporting.downloads import report_csv, report_xlsx, safe_text
from iomhub.reporting.selectors import Figure, Report, Table
from tests.reporting.dataset import EXPECTED_TEAM_A, QUARTER, build

CELL = re.compile(r'<td class="govuk-table__cell govuk-table__cell--numeric" data-figure="([^"]+)">(?:<a [^>]*>)?([0-9.]+)')


@pytest.fixture
def data(partnership):
    return build(partnership)


def page_figures(client, team_id: int) -> dict[str, str]:
    response = client.get("/reports/quarterly/", {"quarter": QUARTER, "team": team_id})
    assert response.status_code == 200
    return dict(CELL.findall(response.content.decode()))


def as_number(text: str) -> float:
    return float(text)


def test_the_xlsx_opens_with_openpyxl_and_holds_the_numbers_of_the_page(client, partnership, data):
    client.force_login(partnership.users[Role.PERFORMANCE_LEAD])
    on_page = page_figures(client, data.team_a.pk)
    assert {k: as_number(v) for k, v in on_page.items() if k in EXPECTED_TEAM_A} == {k: float(v) for k, v in EXPECTED_TEAM_A.items()}
    response = client.get("/reports/quarterly.xlsx", {"quarter": QUARTER, "team": data.team_a.pk})
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    rows = list(book["Report"].iter_rows(min_row=4, values_only=True))
    in_book = [value for _, _, value in rows]
    assert len(in_book) == len(on_page)
    assert [float(v) for v in in_book] == [as_number(v) for v in on_page.values()]
    labels = [measure for _, measure, _ in rows]
    assert "Recalls: fixed-term" in labels and "Average caseload (people per day)" in labels


def test_the_csv_holds_the_numbers_of_the_page(client, partnership, data):
    client.force_login(partnership.users[Role.EVALUATOR])
    on_page = page_figures(client, data.team_a.pk)
    response = client.get("/reports/quarterly.csv", {"quarter": QUARTER, "team": data.team_a.pk})
    assert response["Content-Disposition"] == f'attachment; filename="iom-quarterly-{QUARTER}-team-{data.team_a.pk}.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[2] == ["Table", "Measure", "Value"]
    assert [float(r[2]) for r in rows[3:]] == [as_number(v) for v in on_page.values()]


def test_a_download_is_audited_as_an_export(client, partnership, data, audit_events):
    user = partnership.users[Role.PERFORMANCE_LEAD]
    client.force_login(user)
    client.get("/reports/quarterly.xlsx", {"quarter": QUARTER})
    event = audit_events(actor=user, object_type="report")[0]
    assert (event.action, event.object_id) == ("export", f"quarterly {QUARTER}")


@pytest.mark.parametrize("text", ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1"])
def test_formula_like_text_is_written_as_text(text):
    report = Report(title=text, period="2026Q3", team=text, tables=(Table("t", text, (Figure("f", text, 1),)),))
    assert safe_text(text).startswith("'")
    rows = list(csv.reader(io.StringIO(report_csv(report))))
    assert all(not cell.startswith(("=", "+", "-", "@", "\t")) for row in rows for cell in row)
    book = openpyxl.load_workbook(io.BytesIO(report_xlsx(report)))
    sheet = book["Report"]
    cells = [c for row in sheet.iter_rows() for c in row if c.value is not None]
    assert all(c.data_type != "f" for c in cells)
    assert sheet.cell(row=1, column=1).value == text  # kept as typed, but as text


def test_a_bad_quarter_is_refused_naming_it(client, partnership, data):
    client.force_login(partnership.users[Role.PERFORMANCE_LEAD])
    for url in ("/reports/quarterly/", "/reports/quarterly.csv", "/reports/quarterly.xlsx"):
        response = client.get(url, {"quarter": "2026Q9"})
        assert response.status_code == 400
        assert "quarter must be written like 2026Q3" in response.content.decode()
    response = client.get("/api/v1/reports/quarterly", {"quarter": "next"})
    assert response.status_code == 400 and "quarter" in response.json()["detail"]
    response = client.get("/reports/quarterly/", {"quarter": QUARTER, "team": "99999"})
    assert response.status_code == 400 and "no local team has id 99999" in response.content.decode()


def test_the_api_holds_the_same_numbers(client, partnership, data):
    client.force_login(partnership.users[Role.EVALUATOR])
    body = client.get("/api/v1/reports/quarterly", {"quarter": QUARTER, "team": data.team_a.pk}).json()
    found = {row["key"]: row["value"] for table in body["tables"] for row in table["rows"]}
    assert {k: found[k] for k in EXPECTED_TEAM_A} == EXPECTED_TEAM_A
    assert body["not_yet_supported"]


def test_the_command_writes_json_csv_and_xlsx(partnership, data, tmp_path, capsys):
    chair = partnership.users[Role.CHAIR].username
    call_command("report", "quarterly", "--quarter", QUARTER, "--team", str(data.team_a.pk), "--format", "json", "--as", chair)
    body = json.loads(capsys.readouterr().out)
    found = {row["key"]: row["value"] for table in body["tables"] for row in table["rows"]}
    assert {k: found[k] for k in EXPECTED_TEAM_A} == EXPECTED_TEAM_A
    out = tmp_path / "q.xlsx"
    call_command(
        "report", "quarterly", "--quarter", QUARTER, "--team", str(data.team_a.pk), "--format", "xlsx", "--output", str(out), "--as", chair
    )
    values = [row[2] for row in openpyxl.load_workbook(out)["Report"].iter_rows(min_row=4, values_only=True)]
    assert values == [found[k] for table in body["tables"] for k in [r["key"] for r in table["rows"]]]
    out_csv = tmp_path / "q.csv"
    call_command("report", "quarterly", "--quarter", QUARTER, "--format", "csv", "--output", str(out_csv), "--as", chair)
    assert out_csv.read_text().splitlines()[2] == "Table,Measure,Value"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--quarter", "2026Q5", "--as", "chair"], "quarter must be written like"),
        (["--quarter", QUARTER, "--as", "nobody-here"], "--as: no active user"),
        (["--quarter", QUARTER, "--as", "police-iom-officer"], "may not read reports"),
        (["--quarter", QUARTER, "--team", "x1", "--as", "chair"], "team must be"),
        (["--quarter", QUARTER, "--format", "xlsx", "--as", "chair"], "--output"),
    ],
)
def test_the_command_refuses_bad_arguments_by_name(partnership, args, message):
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("report", "quarterly", *args)


@pytest.mark.parametrize(
    ("url", "query", "named"),
    [
        ("/api/v1/reports/reoffending", {"from": "2026-13-01"}, "from must be a date"),
        ("/api/v1/reports/reoffending", {"from": "2026-06-01", "to": "2026-01-01"}, "cohort end"),
        ("/api/v1/reports/overview", {"team": "1;DROP TABLE"}, "team must be"),
        ("/api/v1/reports/quarterly", {"quarter": "<script>"}, "quarter must be"),
    ],
)
def test_the_api_refuses_bad_parameters_by_name(client, partnership, url, query, named):
    client.force_login(partnership.users[Role.PERFORMANCE_LEAD])
    response = client.get(url, query)
    assert response.status_code == 400
    assert named in response.json()["detail"]


def test_hostile_text_in_a_parameter_is_shown_escaped(client, partnership):
    client.force_login(partnership.users[Role.PERFORMANCE_LEAD])
    page = client.get("/reports/quarterly/", {"quarter": "<script>alert(1)</script>"}).content.decode()
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page


def test_the_same_figures_make_the_same_workbook():
    report = Report(title="T", period="2026Q3", team="All", tables=(Table("t", "Caption", (Figure("f", "Measure", 3),)),))
    first = report_xlsx(report)
    assert first == report_xlsx(report)
    book = openpyxl.load_workbook(io.BytesIO(first))
    assert book["Report"].cell(row=4, column=3).value == 3
    assert book.properties.modified.year == 2000


def _pdf_lines(data: bytes) -> list[str]:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(data)
    lines = []
    for page in document:
        image = page.render(scale=1).to_pil()  # the page lays out and rasterises, not only its text
        assert image.size[0] > 500 and image.getextrema() != ((255, 255), (255, 255), (255, 255))
        lines += page.get_textpage().get_text_range().splitlines()
    return [line.strip() for line in lines]


def test_the_pdf_renders_and_reads_back_with_the_numbers_of_the_page(client, partnership, data):
    client.force_login(partnership.users[Role.PERFORMANCE_LEAD])
    response = client.get("/reports/quarterly/", {"quarter": QUARTER, "team": data.team_a.pk})
    page = response.content.decode()
    labelled = re.findall(
        r'<th scope="row" class="govuk-table__header">([^<]+)</th>\s*<td class="govuk-table__cell govuk-table__cell--numeric" data-figure="([^"]+)">(?:<a [^>]*>)?([0-9.]+)',
        page,
    )
    assert len(labelled) == len(page_figures(client, data.team_a.pk))
    pdf = client.get("/reports/quarterly.pdf", {"quarter": QUARTER, "team": data.team_a.pk})
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == f'attachment; filename="iom-quarterly-{QUARTER}-team-{data.team_a.pk}.pdf"'
    lines = _pdf_lines(pdf.content)
    assert "Quarterly report, July to September 2026" in lines
    for label, key, value in labelled:
        assert f"{label.strip()} {value}" in lines, (key, label, value)
    assert not [s for s in data.identities() if any(s in line for line in lines)]


def test_the_command_writes_a_pdf(partnership, data, tmp_path):
    out = tmp_path / "q.pdf"
    chair = partnership.users[Role.CHAIR].username
    call_command("report", "quarterly", "--quarter", QUARTER, "--format", "pdf", "--output", str(out), "--as", chair)
    lines = _pdf_lines(out.read_bytes())
    assert "Quarterly report, July to September 2026" in lines
    assert any(line.startswith("Recalls: fixed-term ") for line in lines)
