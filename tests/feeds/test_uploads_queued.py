"""A feed file uploaded in the browser is imported in the background (issue 11 §1 and §7, ADR 0041).

With the immediate backend (development, the tests) the upload ends on a finished run. With the
database queue (django-tasks-db, the production default) the run stays queued, its page saying so,
until the worker (`db_worker`, run here in batch mode) takes the task; then it is finished with the
same counts, and the kept bytes are gone. The same on the Redis queue (an RQ worker in burst mode).
A double submit queues once; a task run twice imports once; a task run again after its worker
died part-way completes the run with no duplicates; the uploader losing the right to import before
the worker runs refuses the run."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from iomhub.access.models import AuditEvent, Role, RoleAssignment
from iomhub.feeds.models import ImportRun, ImportUpload, Rejection, RunStatus
from iomhub.feeds.services import feed_import
from iomhub.feeds.tasks import _total_recorder, import_upload
from iomhub.feeds.uploads import upload_enqueue
from iomhub.justice.models import Arrest
from tests.feeds.conftest import csv_file, many_rows, row

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "feeds", "reports", "notifications"]}}
RQ_TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default", "feeds", "reports", "notifications"]}}
GOOD_AND_BAD = csv_file(
    row(),
    row(arrested_at="2026-08-29T10:00", offence_code="99Z"),
    row(family_name="Ashdown", given_name="Robin", date_of_birth="1988-11-02", arrested_at="2026-08-28T09:00"),
)


def _post(client, data: bytes, name: str = "overnight.csv", feed: str = "arrests"):
    return client.post(f"/feeds/{feed}/", {"file": SimpleUploadedFile(name, data, content_type="text/csv")})


def _worker() -> None:
    """The database queue's worker for the feeds queue: every task waiting, then it stops."""
    call_command("db_worker", "--queue-name", "feeds", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


@pytest.mark.django_db
def test_with_the_immediate_backend_the_upload_ends_on_a_finished_run(client, coordinator, django_capture_on_commit_callbacks):
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, GOOD_AND_BAD)
    run = ImportRun.objects.get()
    assert response["Location"] == f"/feeds/imports/{run.pk}/"
    assert (run.status, run.via, run.rows, run.imported, run.rejected, run.total) == (RunStatus.FINISHED, "browser", 3, 2, 1, 3)
    assert not ImportUpload.objects.exists()  # the bytes are not kept once imported
    page = client.get(response["Location"]).content.decode()
    assert 'data-run-status="finished"' in page and "Check the progress again" not in page
    assert "Unknown Home Office offence code 99Z" in page and "Download the error report" in page
    reasons = list(AuditEvent.objects.filter(object_type="import-run", object_id=str(run.pk)).values_list("reason", flat=True))
    assert "Custody arrests file queued for import, uploaded in the browser" in reasons
    assert "Custody arrests import uploaded in the browser" in reasons


@pytest.mark.django_db(transaction=True)
def test_on_the_database_queue_the_run_waits_for_the_worker_then_finishes(client, coordinator):
    from django_tasks_db.models import DBTaskResult

    client.force_login(coordinator)
    with override_settings(TASKS=DB_TASKS):
        response = _post(client, GOOD_AND_BAD)
        run = ImportRun.objects.get()
        assert run.status == RunStatus.QUEUED and (run.rows, run.imported) == (0, 0)
        assert ImportUpload.objects.filter(run=run).exists() and Arrest.objects.count() == 0
        task = DBTaskResult.objects.get()
        assert (task.queue_name, task.task_path, task.args_kwargs["args"]) == ("feeds", "iomhub.feeds.tasks.import_upload", [run.pk])
        page = client.get(response["Location"]).content.decode()
        assert 'data-run-status="queued"' in page and "Waiting to start" in page and "waiting to be imported" in page
        assert f'href="/feeds/imports/{run.pk}/"' in page  # the refresh link: no JavaScript needed
        assert "Rows read" not in page and "Download the error report" not in page

        _worker()

    run.refresh_from_db()
    assert (run.status, run.rows, run.imported, run.unchanged, run.rejected, run.total) == (RunStatus.FINISHED, 3, 2, 0, 1, 3)
    assert Arrest.objects.count() == 2 and not ImportUpload.objects.exists()
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    page = client.get(response["Location"]).content.decode()
    assert 'data-run-status="finished"' in page and "Unknown Home Office offence code 99Z" in page


@pytest.mark.django_db
def test_while_importing_the_page_shows_the_rows_done_of_the_files_rows(client, coordinator):
    """The counts grow batch by batch: the page read after each committed batch of the task's
    import (here the same import with batches of three) shows the rows done of the file's rows."""
    data = csv_file(*many_rows(7))
    run = upload_enqueue(acting_user=coordinator, feed="arrests", data=data, file_name="big.csv")
    ImportRun.objects.filter(pk=run.pk).update(began_at=timezone.now())  # taken by a worker
    client.force_login(coordinator)
    pages: list[str] = []

    def read_page(rows: int) -> None:
        pages.append(client.get(f"/feeds/imports/{run.pk}/").content.decode())

    feed_import(
        feed="arrests",
        acting_user=coordinator,
        data=data,
        file_name="big.csv",
        run=run,
        batch_size=3,
        progress=_total_recorder(run.pk),
        committed=read_page,
    )
    assert len(pages) == 2
    assert 'data-run-status="importing"' in pages[0] and "3 of 7 rows done" in pages[0] and 'value="42"' in pages[0]
    assert "6 of 7 rows done" in pages[1] and "Check the progress again" in pages[1] and "Rows read" in pages[1]
    assert "Download the error report" not in pages[1]


@pytest.mark.django_db(transaction=True)
def test_a_double_submit_queues_the_file_once(client, coordinator):
    from django_tasks_db.models import DBTaskResult

    client.force_login(coordinator)
    with override_settings(TASKS=DB_TASKS):
        first = _post(client, GOOD_AND_BAD)
        second = _post(client, GOOD_AND_BAD)
        assert first["Location"] == second["Location"]
        assert ImportRun.objects.count() == 1 and DBTaskResult.objects.count() == 1
        _worker()
        # Once finished, the same file again is a new run (and changes nothing: ADR 0014).
        third = _post(client, GOOD_AND_BAD)
        assert third["Location"] != first["Location"]
        _worker()
    latest = ImportRun.objects.order_by("-pk").first()
    assert (latest.rows, latest.imported, latest.unchanged, latest.rejected) == (3, 0, 2, 1)
    assert Arrest.objects.count() == 2


@pytest.mark.django_db
def test_a_task_run_twice_imports_once(coordinator):
    run = upload_enqueue(acting_user=coordinator, feed="arrests", data=GOOD_AND_BAD, file_name="x.csv")  # queued: never committed
    assert run.status == RunStatus.QUEUED
    assert import_upload.call(run.pk) == RunStatus.FINISHED
    assert import_upload.call(run.pk) == RunStatus.FINISHED
    run.refresh_from_db()
    assert (run.rows, run.imported, run.rejected) == (3, 2, 1)
    assert Arrest.objects.count() == 2 and Rejection.objects.filter(run=run).count() == 1


@pytest.mark.django_db
def test_a_task_run_again_after_its_worker_died_part_way_completes_the_run(coordinator):
    rows = [row(offence_code="99Z", arrested_at="2026-08-29T10:00"), *many_rows(9)]
    data = csv_file(*rows)
    run = upload_enqueue(acting_user=coordinator, feed="arrests", data=data, file_name="overnight.csv")
    # The worker took the run and died after its first batch (the bad row and three good ones)
    # was committed: began_at set, the bytes still kept, the run not over.
    ImportRun.objects.filter(pk=run.pk).update(began_at=timezone.now())
    feed_import(feed="arrests", acting_user=coordinator, data=csv_file(*rows[:4]), file_name="overnight.csv", run=run, batch_size=4)
    ImportRun.objects.filter(pk=run.pk).update(finished_at=None)
    assert (Arrest.objects.count(), Rejection.objects.filter(run=run).count()) == (3, 1)

    assert import_upload.call(run.pk) == RunStatus.FINISHED  # the queue runs the task again
    run.refresh_from_db()
    assert (run.rows, run.imported, run.unchanged, run.rejected) == (10, 6, 3, 1)
    assert Arrest.objects.count() == 9  # every good row once: no gaps, no duplicates
    assert list(Rejection.objects.filter(run=run).values_list("line", "column")) == [(2, "offence_code")]  # not twice
    assert not ImportUpload.objects.exists()


@pytest.mark.django_db
def test_the_uploader_losing_the_right_to_import_before_the_worker_runs_refuses_the_run(coordinator):
    run = upload_enqueue(acting_user=coordinator, feed="arrests", data=GOOD_AND_BAD, file_name="x.csv")
    RoleAssignment.objects.filter(user=coordinator).delete()
    assert import_upload.call(run.pk) == RunStatus.REFUSED
    run.refresh_from_db()
    assert run.refused.startswith("You may no longer import feeds") and Arrest.objects.count() == 0
    assert not ImportUpload.objects.exists()
    assert AuditEvent.objects.filter(action="denied", actor=coordinator, object_type="import-run").exists()


@pytest.mark.django_db
def test_a_fault_stops_the_run_says_so_and_keeps_no_bytes(client, coordinator):
    run = upload_enqueue(acting_user=coordinator, feed="arrests", data=GOOD_AND_BAD, file_name="x.csv")
    ImportRun.objects.filter(pk=run.pk).update(feed="no-such-feed")  # a run the code cannot import: a fault
    with pytest.raises(KeyError):
        import_upload.call(run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.STOPPED and run.finished_at is not None and not ImportUpload.objects.exists()
    ImportRun.objects.filter(pk=run.pk).update(feed="arrests")
    client.force_login(coordinator)
    page = client.get(f"/feeds/imports/{run.pk}/").content.decode()
    assert "The import stopped before the end of the file" in page and "import the file again" in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("arrests.txt", b"pnc_id\n", "The selected file must be a CSV or XLSX"),
        ("arrests.xlsx", b"pnc_id,family_name\n", "The selected file is not an XLSX workbook"),
        ("arrests.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "The selected file must be a CSV or XLSX"),
        ("arrests.csv", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "The selected file is an old Excel (.xls) workbook"),
    ],
)
def test_a_file_of_the_wrong_type_is_refused_at_once_and_nothing_kept(client, coordinator, name, data, message):
    client.force_login(coordinator)
    response = _post(client, data, name=name)
    assert response.status_code == 200 and message in response.content.decode()
    assert "govuk-error-summary" in response.content.decode()
    assert not ImportRun.objects.exists() and not ImportUpload.objects.exists()


@pytest.mark.django_db
def test_only_those_who_may_import_may_upload_or_see_a_run(client, partnership, coordinator):
    run = upload_enqueue(acting_user=coordinator, feed="arrests", data=GOOD_AND_BAD, file_name="x.csv")
    officer = partnership.users[Role.POLICE_IOM_OFFICER]
    client.force_login(officer)
    assert _post(client, GOOD_AND_BAD).status_code == 403
    assert client.get(f"/feeds/imports/{run.pk}/").status_code in (403, 404)
    assert ImportRun.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_on_the_redis_queue_an_rq_worker_imports_it_the_same(client, coordinator):
    import django_rq
    from django_tasks_rq.backend import Job
    from redis.exceptions import ConnectionError as RedisDown
    from rq import SimpleWorker

    queue = django_rq.get_queue("feeds")
    try:
        queue.connection.ping()
    except RedisDown:
        pytest.skip("Redis is not running at REDIS_URL (it is on CI)")
    queue.empty()
    client.force_login(coordinator)
    try:
        with override_settings(TASKS=RQ_TASKS):
            _post(client, GOOD_AND_BAD)
            run = ImportRun.objects.get()
            assert run.status == RunStatus.QUEUED and queue.count == 1
            SimpleWorker([queue], connection=queue.connection, job_class=Job).work(burst=True)
    finally:
        queue.empty()
    run.refresh_from_db()
    assert (run.status, run.rows, run.imported, run.rejected) == (RunStatus.FINISHED, 3, 2, 1)
    assert not ImportUpload.objects.exists()


@pytest.mark.django_db
def test_the_upload_page_lists_the_users_own_latest_imports_to_come_back_to(client, partnership, coordinator):
    mine = upload_enqueue(acting_user=coordinator, feed="arrests", data=GOOD_AND_BAD, file_name="mine.csv")  # queued
    chair = partnership.users[Role.CHAIR]
    theirs = upload_enqueue(acting_user=chair, feed="arrests", data=GOOD_AND_BAD, file_name="theirs.csv")
    other_feed = upload_enqueue(acting_user=coordinator, feed="releases", data=GOOD_AND_BAD, file_name="releases.csv")
    client.force_login(coordinator)
    page = client.get("/feeds/arrests/").content.decode()
    assert f'href="/feeds/imports/{mine.pk}/"' in page and "Waiting to start" in page
    assert f"/feeds/imports/{theirs.pk}/" not in page and "theirs.csv" not in page
    assert f"/feeds/imports/{other_feed.pk}/" not in page
