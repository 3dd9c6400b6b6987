"""A feed upload whose worker died part-way is resumed, not left "Importing" for ever (issue 11 §2
and §7, ADR 0041 addendum).

The worker is killed here as the operating system would: an exception no ``except Exception``
catches, raised after the task's first committed batch, so the run is left begun, with its
heartbeat, its kept bytes and no end. The clock is then moved past ``FEED_IMPORT_STALLED_AFTER``
(no sleeping). The resumed run must end with the same arrests, links and rejections as a clean
import of the same file (the oracle: that import, made first and rolled back)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.conf import settings
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from iomhub import clock
from iomhub.access.models import AuditEvent
from iomhub.access.services import api_token_issue
from iomhub.feeds import tasks
from iomhub.feeds.models import ArrestLink, ImportRun, ImportUpload, Rejection, RunStatus
from iomhub.feeds.tasks import Superseded, import_upload, resume, resume_stalled
from iomhub.feeds.uploads import upload_enqueue
from iomhub.justice.models import Arrest
from tests.feeds.conftest import NOW, csv_file, many_rows, row

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "feeds", "reports", "notifications"]}}
ROWS = [row(offence_code="99Z", arrested_at="2026-08-29T10:00"), *many_rows(9), row(outcome="Shot at dawn")]
FILE = csv_file(*ROWS)  # 11 rows: two refused (lines 2 and 12), nine arrests of three new people
BATCH = 4


class WorkerKilled(BaseException):
    """What SIGKILL or the OOM killer does to the worker: nothing in the task sees it coming."""


def _later(seconds: int) -> datetime.datetime:
    return NOW + datetime.timedelta(seconds=seconds)


STALLED = _later(settings.FEED_IMPORT_STALLED_AFTER + 60)


@pytest.fixture
def kill(monkeypatch):
    """Make the task's import use batches of four and kill the worker after its first committed
    batch, ``times`` attempts running (the task's own heartbeat runs first, as it would)."""
    real = tasks.feed_import
    left = {"kills": 0}

    def patched(**kwargs: Any) -> Any:
        beat = kwargs["committed"]

        def committed(rows: int) -> None:
            beat(rows)
            if left["kills"] > 0:
                left["kills"] -= 1
                raise WorkerKilled

        return real(**{**kwargs, "batch_size": BATCH, "committed": committed})

    monkeypatch.setattr(tasks, "feed_import", patched)

    def arm(times: int = 1) -> None:
        left["kills"] = times

    return arm


def _state() -> dict[str, list[tuple[object, ...]]]:
    """What the import left, without database ids (the clean run and the resumed one differ in ids)."""
    arrests = sorted(
        (a.person.last_name, a.person.first_name, a.arrested_on, a.custody_suite, a.outcome, o.code.code)
        for a in Arrest.objects.select_related("person")
        for o in a.offences.select_related("code")
    )
    links = sorted(
        (link.person.last_name, link.arrested_at, link.suite_key, link.outcome, link.offence_code, link.method, link.line, link.row_key)
        for link in ArrestLink.objects.select_related("person")
    )
    rejections = sorted((r.line, r.column, r.reason, tuple(sorted(r.values.items()))) for r in Rejection.objects.all())
    return {"arrests": arrests, "links": links, "rejections": rejections}


def _clean_import(coordinator) -> tuple[dict[str, list[tuple[object, ...]]], dict[str, int]]:
    """The oracle: the same file imported once by a worker that is not killed, then rolled back."""

    class Undo(Exception):
        pass

    found: dict[str, Any] = {}
    with pytest.raises(Undo), transaction.atomic():
        run = upload_enqueue(acting_user=coordinator, feed="arrests", data=FILE, file_name="clean.csv")
        assert import_upload.call(run.pk) == RunStatus.FINISHED
        run.refresh_from_db()
        found["state"], found["counts"] = _state(), {"rows": run.rows, "rejected": run.rejected, "review": run.review}
        raise Undo
    assert not Arrest.objects.exists() and not ImportRun.objects.exists()
    return found["state"], found["counts"]


def _killed_run(coordinator, kill, times: int = 1) -> ImportRun:
    """An upload whose worker was killed after its first batch: begun, heartbeat at NOW, not over."""
    run = upload_enqueue(acting_user=coordinator, feed="arrests", data=FILE, file_name="overnight.csv")
    kill(times)
    with pytest.raises(WorkerKilled):
        import_upload.call(run.pk)
    run.refresh_from_db()
    assert (run.began_at, run.heartbeat_at, run.finished_at, run.attempts) == (NOW, NOW, None, 1)
    assert run.rows == BATCH and ImportUpload.objects.filter(run=run).exists()
    return run


def _events(run: ImportRun) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(object_type="import-run", object_id=str(run.pk), action="change").order_by("id"))


@pytest.mark.django_db
def test_a_run_whose_worker_died_is_resumed_by_the_scheduled_job_and_ends_as_a_clean_run(
    client, coordinator, kill, django_capture_on_commit_callbacks
):
    clean, counts = _clean_import(coordinator)
    assert len(clean["arrests"]) == 9 and len(clean["rejections"]) == 2  # the oracle is not empty

    run = _killed_run(coordinator, kill)
    assert run.status == RunStatus.IMPORTING  # just killed: nobody can tell yet
    with clock.frozen(STALLED):
        assert ImportRun.objects.get(pk=run.pk).status == RunStatus.STALLED
        client.force_login(coordinator)
        page = client.get(f"/feeds/imports/{run.pk}/").content.decode()
        assert 'data-run-status="stalled"' in page and "Stopped part-way" in page and "resumed automatically" in page
        assert "1 Sep 2026, 13:00" in page  # the last progress, in the service's time zone (BST)

        with django_capture_on_commit_callbacks(execute=True):  # the immediate backend: the task runs at commit
            assert resume_stalled() == [run.pk]

    run.refresh_from_db()
    assert (run.status, run.attempts, run.resumed_at) == (RunStatus.FINISHED, 2, STALLED)
    assert {"rows": run.rows, "rejected": run.rejected, "review": run.review} == counts
    assert run.imported + run.unchanged + run.rejected == len(ROWS) and run.unchanged == 3  # the first batch's arrests, kept
    assert _state() == clean  # no duplicates, no gaps
    assert not ImportUpload.objects.exists()
    [event] = _events(run)
    assert event.actor is None and event.actor_username == "system"
    assert event.reason.startswith("Import resumed: no progress since 1 Sep 2026, 13:00")
    assert "scheduled check" in event.reason and event.changes["status"] == "queued"


@pytest.mark.django_db
def test_a_run_still_making_progress_is_not_resumed(client, coordinator, kill, django_capture_on_commit_callbacks):
    run = _killed_run(coordinator, kill)
    with clock.frozen(_later(settings.FEED_IMPORT_STALLED_AFTER - 1)), django_capture_on_commit_callbacks() as queued:
        assert resume_stalled() == []
        assert resume(run.pk, why="test") is None
        # The same file again from the same person is still that run (a double submit), not resumed.
        assert upload_enqueue(acting_user=coordinator, feed="arrests", data=FILE, file_name="overnight.csv").pk == run.pk
        client.force_login(coordinator)
        assert 'data-run-status="importing"' in client.get(f"/feeds/imports/{run.pk}/").content.decode()
    assert queued == []
    run.refresh_from_db()
    assert (run.status, run.began_at, run.attempts, run.resumed_at) == (RunStatus.IMPORTING, NOW, 1, None)
    assert _events(run) == [] and ImportRun.objects.count() == 1


@pytest.mark.django_db
def test_uploading_the_same_file_again_resumes_the_stalled_run(client, coordinator, kill, django_capture_on_commit_callbacks):
    run = _killed_run(coordinator, kill)
    with clock.frozen(STALLED), override_settings(TASKS=DB_TASKS), django_capture_on_commit_callbacks(execute=True):
        again = upload_enqueue(acting_user=coordinator, feed="arrests", data=FILE, file_name="overnight.csv")
    from django_tasks_db.models import DBTaskResult

    assert again.pk == run.pk and ImportRun.objects.count() == 1
    task = DBTaskResult.objects.get()  # queued once, for the worker
    assert (task.task_path, task.args_kwargs["args"]) == ("iomhub.feeds.tasks.import_upload", [run.pk])
    assert (again.status, again.resumed_at, again.attempts) == (RunStatus.QUEUED, STALLED, 1)
    with clock.frozen(STALLED):
        client.force_login(coordinator)
        page = client.get(f"/feeds/imports/{run.pk}/").content.decode()
        assert 'data-run-status="queued"' in page and "Resumed at 1 Sep 2026, 13:06" in page
    [event] = _events(run)
    assert event.actor == coordinator and "uploaded the same file again" in event.reason

    with clock.frozen(STALLED):
        assert import_upload.call(run.pk) == RunStatus.FINISHED  # the worker takes it
    assert len(_state()["arrests"]) == 9 and Rejection.objects.filter(run=run).count() == 2


@pytest.mark.django_db
def test_resuming_twice_queues_once_and_the_worker_given_up_for_dead_stops(coordinator, kill, django_capture_on_commit_callbacks):
    run = _killed_run(coordinator, kill)
    old_worker = tasks._heartbeat(run.pk, 1)
    with clock.frozen(STALLED), django_capture_on_commit_callbacks() as queued:
        assert resume(run.pk, why="first") is not None
        assert resume(run.pk, why="second") is None
        assert resume_stalled() == []
    assert len(queued) == 1 and len(_events(run)) == 1
    with pytest.raises(Superseded):  # the "dead" worker was only slow: its next batch finds the run not its own
        old_worker(8)


@pytest.mark.django_db
def test_a_run_that_keeps_dying_is_stopped_after_the_attempts_and_says_what_to_do(
    client, coordinator, kill, django_capture_on_commit_callbacks
):
    limit = settings.FEED_IMPORT_ATTEMPTS
    run = _killed_run(coordinator, kill, times=limit)
    at = NOW
    for attempt in range(2, limit + 1):  # each resume runs the task at once (immediate backend); it dies again
        at += datetime.timedelta(seconds=settings.FEED_IMPORT_STALLED_AFTER + 60)
        with clock.frozen(at), django_capture_on_commit_callbacks(execute=True):
            assert resume_stalled() == [run.pk]
        assert ImportRun.objects.get(pk=run.pk).attempts == attempt
    at += datetime.timedelta(seconds=settings.FEED_IMPORT_STALLED_AFTER + 60)
    with clock.frozen(at), django_capture_on_commit_callbacks() as queued:
        assert resume_stalled() == [run.pk]
    assert queued == []  # not queued again
    run.refresh_from_db()
    assert run.status == RunStatus.STOPPED and run.finished_at is not None
    assert run.fault.startswith(f"The import stopped part-way {limit} times") and "upload it again" in run.fault
    assert not ImportUpload.objects.exists()  # the bytes are not kept
    events = _events(run)
    assert [e.changes["status"] for e in events] == ["queued"] * (limit - 1) + ["stopped"]
    assert events[-1].reason.startswith("Import stopped:") and f"after {limit} attempts" in events[-1].reason
    client.force_login(coordinator)
    page = client.get(f"/feeds/imports/{run.pk}/").content.decode()
    assert 'data-run-status="stopped"' in page and "Check the file" in page

    # Uploading it again, as the message says, is a new run.
    with django_capture_on_commit_callbacks(execute=True):
        again = upload_enqueue(acting_user=coordinator, feed="arrests", data=FILE, file_name="overnight.csv")
    again.refresh_from_db()  # imported when the upload committed
    assert again.pk != run.pk and again.status == RunStatus.FINISHED and again.attempts == 1


@pytest.mark.django_db
def test_the_same_file_again_after_the_last_attempt_stops_the_run_and_starts_afresh(coordinator, kill, django_capture_on_commit_callbacks):
    run = _killed_run(coordinator, kill)
    ImportRun.objects.filter(pk=run.pk).update(attempts=settings.FEED_IMPORT_ATTEMPTS)  # its last attempt died
    with clock.frozen(STALLED), django_capture_on_commit_callbacks(execute=True):
        again = upload_enqueue(acting_user=coordinator, feed="arrests", data=FILE, file_name="overnight.csv")
    run.refresh_from_db()
    again.refresh_from_db()
    assert run.status == RunStatus.STOPPED and again.pk != run.pk and again.status == RunStatus.FINISHED
    assert Arrest.objects.count() == 9


@pytest.mark.django_db
def test_the_api_shows_a_stalled_run_and_when_it_was_resumed(client, coordinator, kill, django_capture_on_commit_callbacks):
    run = _killed_run(coordinator, kill)
    _, secret = api_token_issue(acting_user=coordinator, name="tests", scope="read-write", second_factor_at=timezone.now())
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    with clock.frozen(STALLED):
        body = client.get(f"/api/v1/imports/{run.pk}", **auth).json()
        assert (body["status"], body["attempts"], body["resumed_at"], body["rejections"]) == ("stalled", 1, None, [])
        assert body["heartbeat_at"].startswith("2026-09-01T12:00")
        with override_settings(TASKS=DB_TASKS), django_capture_on_commit_callbacks(execute=True):
            resume_stalled()
        body = client.get(f"/api/v1/imports/{run.pk}", **auth).json()
    assert body["status"] == "queued" and body["resumed_at"].startswith("2026-09-01T12:06")


@pytest.mark.django_db
def test_a_command_line_run_is_never_stalled(coordinator):
    """The command line's own runs have no worker and no kept file: nothing to resume."""
    from iomhub.feeds.services import feed_import

    run = feed_import(feed="arrests", acting_user=coordinator, data=FILE, file_name="x.csv", via="command")
    ImportRun.objects.filter(pk=run.pk).update(finished_at=None, began_at=NOW)
    with clock.frozen(STALLED):
        assert ImportRun.objects.get(pk=run.pk).status == RunStatus.IMPORTING and resume_stalled() == []


@pytest.mark.django_db(transaction=True)
def test_two_schedulers_at_once_resume_the_run_once(coordinator):
    """Two resumers racing (two scheduler processes, or the scheduler and a re-upload): each in its
    own connection, released together; the run is queued once and audited once."""
    import threading

    from django.db import connection, connections
    from django_tasks_db.models import DBTaskResult

    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers: the race needs PostgreSQL's row locks (the PostgreSQL run has it)")
    with override_settings(TASKS=DB_TASKS):
        run = upload_enqueue(acting_user=coordinator, feed="arrests", data=FILE, file_name="overnight.csv")
        DBTaskResult.objects.all().delete()  # the upload's own task: a worker took it, and died
        ImportRun.objects.filter(pk=run.pk).update(began_at=NOW, heartbeat_at=NOW, attempts=1)
        start = threading.Barrier(2)
        found: list[list[int]] = []

        def scheduler() -> None:
            try:
                start.wait()
                found.append(resume_stalled())
            finally:
                connections.close_all()

        with clock.frozen(STALLED):
            threads = [threading.Thread(target=scheduler) for _ in range(2)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
        assert sorted(found) == [[], [run.pk]]
        assert DBTaskResult.objects.count() == 1 and len(_events(run)) == 1


@pytest.mark.django_db
def test_the_scheduled_command_resumes_stalled_imports(coordinator, kill, django_capture_on_commit_callbacks):
    from io import StringIO

    from django.core.management import call_command

    run = _killed_run(coordinator, kill)
    out = StringIO()
    with clock.frozen(STALLED), django_capture_on_commit_callbacks(execute=True):
        call_command("resume_imports", stdout=out)
    assert out.getvalue().strip() == f"Resumed 1 stalled imports: runs {run.pk}"
    assert ImportRun.objects.get(pk=run.pk).status == RunStatus.FINISHED
