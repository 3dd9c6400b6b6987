"""A coordinator uploads an arrests file in the browser (issue 11 §1, §7; ADR 0041): with the
import in-process the upload lands on the result; on the database queue it lands on a "waiting to
start" page that works without JavaScript (a link to check again), and after the worker has run the
same link shows the result. Every page is axe-clean; the error report downloads."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import override_settings

from iomhub.access.models import Role
from iomhub.feeds.models import ImportRun, RunStatus
from tests.factories import PASSWORD
from tests.feeds.conftest import csv_file, row

pytestmark = pytest.mark.django_db(transaction=True)

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "feeds", "reports", "notifications"]}}
FILE = csv_file(
    row(),
    row(arrested_at="2026-08-29T10:00", offence_code="99Z"),
    row(family_name="Ashdown", given_name="Robin", date_of_birth="1988-11-02", arrested_at="2026-08-28T09:00"),
)


def _upload(session, tmp_path) -> None:
    path = tmp_path / "overnight-arrests.csv"
    path.write_bytes(FILE)
    session.sign_in(Role.COORDINATOR.value, PASSWORD)
    session.go("/feeds/arrests/")
    assert session.page.locator("h1").inner_text() == "Import custody arrests"
    session.assert_accessible("upload page")
    session.page.set_input_files("#id_file", str(path))
    session.follow("button:has-text('Import')")


def _assert_result(session) -> None:
    page = session.page
    main = page.locator("main").inner_text()
    assert page.locator("[data-run-status]").get_attribute("data-run-status") == "finished"
    assert "Check the progress again" not in main
    assert page.locator(".govuk-summary-list__row:has-text('Arrests recorded') dd").inner_text() == "2"
    assert page.locator(".govuk-summary-list__row:has-text('Rejected') dd").inner_text() == "1"
    assert "Unknown Home Office offence code 99Z" in page.locator("table").inner_text()
    session.assert_accessible("import result")
    with page.expect_download() as download:
        page.click("a:has-text('Download the error report')")
    assert download.value.suggested_filename.endswith("-errors.csv")
    assert "99Z" in download.value.path().read_text()


def test_in_process_the_upload_lands_on_the_result(session, partnership, tmp_path):
    _upload(session, tmp_path)
    run = ImportRun.objects.get()
    assert session.page.url.endswith(f"/feeds/imports/{run.pk}/")
    _assert_result(session)
    session.follow("a.govuk-back-link:has-text('Import another file')")
    assert session.page.locator("table[data-table='recent-imports'] td").first.inner_text().startswith("overnight-arrests.csv")
    session.assert_accessible("upload page with the latest imports")


def test_on_the_database_queue_the_page_waits_then_shows_the_result(session, partnership, tmp_path):
    page = session.page
    with override_settings(TASKS=DB_TASKS):
        _upload(session, tmp_path)
        run = ImportRun.objects.get()
        assert run.status == RunStatus.QUEUED
        assert page.locator("[data-run-status]").get_attribute("data-run-status") == "queued"
        assert "Waiting to start" in page.locator("main").inner_text()
        session.assert_accessible("queued import")

        call_command("db_worker", "--queue-name", "feeds", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
        session.follow("a:has-text('Check the progress again')")
    assert page.url.endswith(f"/feeds/imports/{run.pk}/")
    _assert_result(session)


def test_a_run_whose_worker_died_says_so_then_says_it_was_resumed(session, partnership, tmp_path):
    """Its worker killed part-way (began, its heartbeat aged past FEED_IMPORT_STALLED_AFTER by
    writing it, no sleeping): "Stopped part-way", to be resumed automatically; after the scheduled
    job, "Resumed at …"; after the worker, the result. Each page axe-clean."""
    import datetime

    from django.conf import settings
    from django.utils import timezone

    from iomhub.feeds.tasks import resume_stalled

    page = session.page
    with override_settings(TASKS=DB_TASKS):
        _upload(session, tmp_path)
        run = ImportRun.objects.get()
        aged = timezone.now() - datetime.timedelta(seconds=settings.FEED_IMPORT_STALLED_AFTER + 60)
        ImportRun.objects.filter(pk=run.pk).update(began_at=aged, heartbeat_at=aged, attempts=1)
        session.follow("a:has-text('Check the progress again')")
        assert page.locator("[data-run-status]").get_attribute("data-run-status") == "stalled"
        assert page.locator("[data-run-status] .govuk-tag").inner_text() == "Stopped part-way"
        assert "It will be resumed automatically" in page.locator("[data-run-resume]").inner_text()
        session.assert_accessible("stalled import")

        assert resume_stalled() == [run.pk]
        session.follow("a:has-text('Check the progress again')")
        assert page.locator("[data-run-status]").get_attribute("data-run-status") == "queued"
        assert "Resumed at" in page.locator("[data-run-resume]").inner_text()
        session.assert_accessible("resumed import")

        call_command("db_worker", "--queue-name", "feeds", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
        session.follow("a:has-text('Check the progress again')")
    _assert_result(session)
