"""The performance lead reads the reports in the browser (issue 16): from the home page to the
overview, the quarterly report for a quarter and team chosen on the page, and proven reoffending.
Every page is axe-clean, the figures are the dataset's hand-worked answers, and nobody is named."""

from __future__ import annotations

import io

import openpyxl
import pytest

from iomhub.access.models import Role
from tests.factories import PASSWORD
from tests.reporting.dataset import EXPECTED_TEAM_A, QUARTER, build

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_performance_lead_reads_the_overview_and_the_quarterly_report(session, partnership):
    data = build(partnership)
    page = session.page
    session.sign_in(Role.PERFORMANCE_LEAD.value, PASSWORD)
    assert "will appear here" not in page.locator("main").inner_text()
    session.follow("main h2 a:has-text('Reports')")
    assert page.url.endswith("/reports/")
    assert page.locator("table[data-table='rag'] caption").inner_text() == "People managed by RAG level"
    session.assert_accessible("overview")

    session.follow("nav[aria-label='Reports'] a:has-text('Quarterly report')")
    page.fill("#quarter", QUARTER)
    page.select_option("#team", str(data.team_a.pk))
    session.follow("button:has-text('Show')")
    assert f"quarter={QUARTER}" in page.url
    for key in ("caseload-start", "exits-unplanned", "recalls-fixed-term", "safeguarding-percent", "average-caseload"):
        assert float(page.locator(f"[data-figure='{key}']").inner_text()) == EXPECTED_TEAM_A[key], key
    assert page.locator("[data-figure] a").count() == 0  # no drill-down links for the performance lead
    assert "DRR commencements" in page.locator("main").inner_text()
    text = page.locator("main").inner_text()
    assert not [s for s in data.identities() if s in text]
    session.assert_accessible("quarterly report")

    session.follow("nav[aria-label='Reports'] a:has-text('Proven reoffending')")
    assert "20% reduction target" in page.locator("main").inner_text()
    session.assert_accessible("proven reoffending")


def test_the_chair_follows_a_figure_to_the_people_behind_it(session, partnership):
    data = build(partnership)
    page = session.page
    session.sign_in(Role.CHAIR.value, PASSWORD)
    session.go(f"/reports/quarterly/?quarter={QUARTER}&team={data.team_a.pk}")
    session.follow("[data-figure='exits-unplanned'] a")
    names = page.locator("main ul").inner_text()
    assert "Esterhazy" in names and "Hollingsworth" in names and "Carrow" not in names
    session.assert_accessible("drill-down")


def test_the_evaluator_reaches_the_reports_from_the_service_navigation(session, partnership):
    build(partnership)
    page = session.page
    session.sign_in(Role.EVALUATOR.value, PASSWORD)
    assert "Reports show figures only" in page.locator("main").inner_text()
    session.follow("a.govuk-service-navigation__link:has-text('Reports')")
    assert page.url.endswith("/reports/")
    session.follow("nav[aria-label='Reports'] a:has-text('Quarterly report')")
    session.assert_accessible("quarterly report, evaluator")
    # A download is an aborted navigation to the browser, so it comes after the page's checks.
    with page.expect_download() as download:
        page.click("a:has-text('Spreadsheet (XLSX)')")
    assert download.value.suggested_filename.startswith("iom-quarterly-")
    book = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes()))
    assert book["Report"].cell(row=3, column=3).value == "Value"


def test_the_evaluator_reads_the_matched_comparison_and_makes_a_report_in_the_background(session, partnership):
    data = build(partnership)
    page = session.page
    session.sign_in(Role.EVALUATOR.value, PASSWORD)
    session.go("/reports/")
    session.follow("nav[aria-label='Reports'] a:has-text('Matched comparison')")
    assert page.locator("table[data-table='groups'] caption").inner_text() == "The groups"
    assert page.locator("[data-headline]").inner_text()
    text = page.locator("main").inner_text()
    assert not [s for s in data.identities() if s in text]
    session.assert_accessible("matched comparison")

    session.go(f"/reports/quarterly/?quarter={QUARTER}&team={data.team_a.pk}")
    session.follow("button:has-text('Make the PDF in the background')")
    assert "/reports/runs/" in page.url
    assert page.locator("[data-status]").get_attribute("data-status") == "done"
    assert page.locator("[data-progress]").inner_text() == "100%"
    session.assert_accessible("report made in the background")
    with page.expect_download() as download:
        page.click("a:has-text('Download iom-quarterly-')")
    assert download.value.path().read_bytes().startswith(b"%PDF-")


def test_the_performance_lead_reads_a_budget_return(session, partnership, tmp_path):
    from tests.reporting.test_budget import _filled

    page = session.page
    session.sign_in(Role.PERFORMANCE_LEAD.value, PASSWORD)
    session.go("/reports/")
    session.follow("nav[aria-label='Reports'] a:has-text('Budget return')")
    session.assert_accessible("budget return")
    filled = tmp_path / "budget.xlsx"
    filled.write_bytes(_filled({"hcc-a": (None, None, 60000), "own-funds": (None, None, "lots")}))
    page.set_input_files("#budget", str(filled))
    session.follow("button:has-text('Read the return')")
    assert page.locator("[data-total='income']").inner_text() == "60000.00"
    assert "Amount (£): must be an amount in pounds" in page.locator("[data-problems]").inner_text()
    session.assert_accessible("budget return read")
    session.follow("nav[aria-label='Reports'] a:has-text('Reports made in the background')")
    session.assert_accessible("reports made in the background")
