"""Long reports in the background (ADR 0019): asked for on a page, made by the task (in-process in
the tests), their progress shown, the file downloaded by the user who asked and nobody else."""

from __future__ import annotations

import re

import openpyxl
import pypdfium2 as pdfium
import pytest

from iomhub.access.models import AuditEvent, Role
from iomhub.reporting.models import ReportRun
from iomhub.reporting.runs import make_report
from tests.reporting.dataset import EXPECTED_TEAM_A, QUARTER, build


@pytest.fixture
def data(partnership):
    return build(partnership)


def test_a_quarterly_pdf_is_made_in_the_background_and_downloaded(client, partnership, data):
    lead = partnership.users[Role.PERFORMANCE_LEAD]
    client.force_login(lead)
    page = client.get("/reports/quarterly/", {"quarter": QUARTER, "team": data.team_a.pk}).content.decode()
    assert 'name="kind" value="quarterly-pdf"' in page
    response = client.post("/reports/runs/", {"kind": "quarterly-pdf", "quarter": QUARTER, "team": data.team_a.pk})
    run = ReportRun.objects.get(requested_by=lead)
    assert response.status_code == 302 and response["Location"] == f"/reports/runs/{run.pk}/"
    assert (run.status, run.progress, run.params) == ("done", 100, {"quarter": QUARTER, "team": data.team_a.pk})
    shown = client.get(f"/reports/runs/{run.pk}/").content.decode()
    assert 'data-status="done"' in shown and 'value="100"' in shown
    assert f"Download iom-quarterly-{QUARTER}-team-{data.team_a.pk}.pdf" in shown
    download = client.get(f"/reports/runs/{run.pk}/download")
    assert download["Content-Type"] == "application/pdf"
    text = " ".join(p.get_textpage().get_text_range() for p in pdfium.PdfDocument(download.content))
    assert "Recalls: fixed-term " + str(EXPECTED_TEAM_A["recalls-fixed-term"]) in text
    assert AuditEvent.objects.filter(actor=lead, object_type="report", object_id=f"quarterly {QUARTER}", action="export").exists()
    assert run.pk in [r.pk for r in ReportRun.objects.filter(requested_by=lead)]
    assert "Quarterly report (PDF)" in client.get("/reports/runs/").content.decode()


def test_an_xlsx_run_holds_the_same_numbers(client, partnership, data):
    from iomhub.reporting.runs import start_run

    run = start_run(user=partnership.users[Role.EVALUATOR], kind="quarterly-xlsx", query={"quarter": QUARTER, "team": str(data.team_a.pk)})
    import io

    book = openpyxl.load_workbook(io.BytesIO(bytes(ReportRun.objects.get(pk=run.pk).result)))
    labels = {row[1]: row[2] for row in book["Report"].iter_rows(min_row=4, values_only=True)}
    assert labels["Recalls: fixed-term"] == EXPECTED_TEAM_A["recalls-fixed-term"]


def test_progress_is_shown_while_it_is_being_made(client, partnership):
    """A run the worker has not finished: its stage and per cent are on the page, with no download."""
    lead = partnership.users[Role.PERFORMANCE_LEAD]
    run = ReportRun.objects.create(
        requested_by=lead,
        kind="quarterly-pdf",
        params={"quarter": QUARTER, "team": None},
        status="running",
        progress=60,
        stage="Writing the file",
    )
    client.force_login(lead)
    page = client.get(f"/reports/runs/{run.pk}/").content.decode()
    assert "Writing the file" in page and 'value="60"' in page and "60%" in page
    assert "/download" not in page
    assert client.get(f"/reports/runs/{run.pk}/download").status_code == 400


def test_someone_elses_run_is_not_found(client, partnership, data):
    lead = partnership.users[Role.PERFORMANCE_LEAD]
    run = ReportRun.objects.create(requested_by=lead, kind="quarterly-pdf", params={"quarter": QUARTER, "team": None})
    make_report.enqueue(run.pk)
    client.force_login(partnership.users[Role.CHAIR])
    assert client.get(f"/reports/runs/{run.pk}/").status_code == 404
    assert client.get(f"/reports/runs/{run.pk}/download").status_code == 404


@pytest.mark.parametrize(
    ("form", "named"),
    [({"kind": "quarterly-pdf", "quarter": "2026Q9"}, "quarter must be written like"), ({"kind": "everything"}, "kind must be one of")],
)
def test_bad_parameters_are_named_and_nothing_is_queued(client, partnership, form, named):
    client.force_login(partnership.users[Role.CHAIR])
    response = client.post("/reports/runs/", form)
    assert response.status_code == 400 and named in response.content.decode()
    assert not ReportRun.objects.exists()


def test_a_run_that_fails_says_why(client, partnership):
    """A team that no longer exists: the worker records the reason and the page shows it."""
    lead = partnership.users[Role.PERFORMANCE_LEAD]
    run = ReportRun.objects.create(requested_by=lead, kind="quarterly-xlsx", params={"quarter": QUARTER, "team": 987654})
    make_report.enqueue(run.pk)
    run.refresh_from_db()
    assert run.status == "failed" and "no local team has id 987654" in run.error
    client.force_login(lead)
    assert "no local team has id 987654" in client.get(f"/reports/runs/{run.pk}/").content.decode()


def test_roles_that_do_not_read_reports_cannot_ask(client, partnership):
    client.force_login(partnership.users[Role.PROBATION_OFFICER])
    assert client.post("/reports/runs/", {"kind": "quarterly-pdf", "quarter": QUARTER}).status_code == 403
    assert client.get("/reports/runs/").status_code == 403
    assert not ReportRun.objects.exists()


def test_the_comparison_runs_in_the_background(client, partnership):
    lead = partnership.users[Role.EVALUATOR]
    client.force_login(lead)
    client.post("/reports/runs/", {"kind": "comparison-json", "from": "2024-01-01", "to": "2024-06-30"})
    run = ReportRun.objects.get(requested_by=lead)
    assert run.status == "done" and run.filename == "iom-comparison-2024-01-01-2024-06-30.json"
    assert re.search(rb'"screened_not_registered": \d+', bytes(run.result))


def test_the_api_starts_a_run_and_reports_its_progress(client, partnership, data):
    lead = partnership.users[Role.PERFORMANCE_LEAD]
    client.force_login(lead)
    made = client.post(
        "/api/v1/reports/runs", {"kind": "quarterly-xlsx", "quarter": QUARTER, "team": str(data.team_a.pk)}, content_type="application/json"
    )
    assert made.status_code == 201, made.content
    body = made.json()
    assert (body["status"], body["progress"], body["params"]) == ("done", 100, {"quarter": QUARTER, "team": str(data.team_a.pk)})
    assert body["download"] == f"/reports/runs/{body['id']}/download"
    assert client.get(f"/api/v1/reports/runs/{body['id']}").json()["filename"] == f"iom-quarterly-{QUARTER}-team-{data.team_a.pk}.xlsx"
    bad = client.post("/api/v1/reports/runs", {"kind": "quarterly-xlsx", "quarter": "soon"}, content_type="application/json")
    assert bad.status_code == 400 and "quarter must be written like" in bad.content.decode()
    client.force_login(partnership.users[Role.CHAIR])
    assert client.get(f"/api/v1/reports/runs/{body['id']}").status_code == 404
