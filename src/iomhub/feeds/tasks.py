"""Importing an uploaded feed file in the background (issue 11 §1 and §7; ADRs 0019 and 0041).

``import_upload`` is given the run's id only (nothing about a person is in the queue). It takes the
queued upload's bytes, imports them into the run as the person who uploaded it (so the policy and
the audit apply as for the command line) and deletes the bytes once the run is over:

- a run already over, or whose upload is gone, is left alone, so a task run twice imports once;
- a task run again after its worker died part-way imports the file again into the same run: rows
  already recorded are unchanged (the natural keys, ADR 0014), the rest are recorded, so the run
  completes with no duplicates and no gaps; the rejections of the lost attempt are replaced;
- the person no longer allowed to import: the run is refused, nothing imported;
- any other fault: the run is stopped with a message saying so (rows of committed batches kept),
  the bytes deleted, and the fault raised again for the queue to record.

Neither queue runs a task again by itself when its worker is killed (OOM, a deploy, kill -9), so the
task keeps the run's ``heartbeat_at`` (set when a worker takes it and after every committed batch).
A run begun whose heartbeat is older than ``FEED_IMPORT_STALLED_AFTER`` has stalled, and ``resume``
queues it again: from the scheduler's ``resume_stalled`` (every few minutes: ``python -m iomhub
resume_imports``, or ``config.cron`` on Redis), or when its uploader uploads the same file again
(``feeds.uploads``). Resuming is a compare-and-set on the run as read under its row lock, so two
resumers queue it once; a worker whose attempt was given up for dead finds, at its next batch, that
the run is no longer its own and stops. After ``FEED_IMPORT_ATTEMPTS`` workers have taken a run and
each stopped part-way, it is stopped with a message asking the coordinator to check the file and
upload it again, and its bytes are deleted. Each resume and that stop is an audit event on the run.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Q
from django.utils import dateformat, timezone
from django_tasks import task

from iomhub import clock
from iomhub.access import audit
from iomhub.access.models import AuditAction
from iomhub.feeds.models import ImportRun, ImportUpload, Rejection, stalled_cutoff
from iomhub.feeds.services import FAULT, feed_import
from iomhub.feeds.tally import Progress

if TYPE_CHECKING:
    from iomhub.access.models import User

log = logging.getLogger(__name__)

SCHEDULED = "the scheduled check for stalled imports found it"


class Superseded(Exception):
    """This worker's attempt was given up for dead and the run queued again: it stops, leaving the run alone."""


def attempts_fault(attempts: int) -> str:
    return (
        f"The import stopped part-way {attempts} times without finishing, so it was not tried again. Rows counted above "
        "were recorded. Check the file (for example that it is the usual size and layout), then upload it again: rows "
        "already recorded are not recorded twice."
    )


def _claim(run_id: int) -> tuple[ImportRun, bytes] | None:
    """The run and its file, marked begun (a heartbeat and one more attempt); None if there is nothing to import."""
    with transaction.atomic():
        run = ImportRun.objects.select_for_update().select_related("started_by").filter(pk=run_id).first()
        if run is None or run.finished_at is not None:
            return None
        upload = ImportUpload.objects.filter(run=run).first()
        if upload is None:
            return None
        if run.attempts or run.began_at is not None:  # an attempt that died part-way: its rejections are found again
            Rejection.objects.filter(run=run).delete()
        run.began_at = run.heartbeat_at = clock.now()
        run.attempts += 1
        run.save(update_fields=["began_at", "heartbeat_at", "attempts"])
        return run, bytes(upload.data)


def _heartbeat(run_id: int, attempt: int) -> Callable[[int], None]:
    """Told after each committed batch: the run made progress. Raises Superseded if the run is no
    longer this attempt's (given up for dead and queued again, or taken by another worker)."""

    def beat(rows: int) -> None:
        mine = ImportRun.objects.filter(pk=run_id, attempts=attempt, began_at__isnull=False, finished_at__isnull=True)
        if not mine.update(heartbeat_at=clock.now()):
            raise Superseded(f"import run {run_id}: attempt {attempt} was superseded after {rows} rows")

    return beat


def _total_recorder(run_id: int) -> Progress:
    """A progress callback that records the rows in the file once it has been read."""
    recorded = False

    def progress(rows: int, total: int) -> None:
        nonlocal recorded
        if not recorded:
            recorded = True
            ImportRun.objects.filter(pk=run_id).update(total=total)

    return progress


def _end(run: ImportRun, **fields: str) -> None:
    ImportRun.objects.filter(pk=run.pk).update(finished_at=timezone.now(), **fields)


@task(queue_name="feeds")
def import_upload(run_id: int) -> str:
    """Import a queued upload's file into its run; returns the run's status."""
    claimed = _claim(run_id)
    if claimed is None:
        found = ImportRun.objects.filter(pk=run_id).first()
        return found.status if found is not None else "gone"
    run, data = claimed
    try:
        feed_import(
            feed=run.feed,
            acting_user=run.started_by,
            data=data,
            file_name=run.file_name,
            via=run.via or "browser",
            run=run,
            progress=_total_recorder(run.pk),
            committed=_heartbeat(run.pk, run.attempts),
        )
    except Superseded:
        log.warning(
            "feed import run %s: attempt %s was given up for dead and the run queued again; this worker stops", run.pk, run.attempts
        )
        return "superseded"
    except PermissionDenied:
        _end(run, refused="You may no longer import feeds, so the file was not imported. Nothing was recorded.")
    except Exception:
        log.exception("feed import run %s stopped by a fault", run.pk)
        _end(run, fault=FAULT)
        ImportUpload.objects.filter(run=run).delete()
        raise
    ImportUpload.objects.filter(run=run).delete()
    ImportRun.objects.filter(pk=run.pk).update(total=F("rows"))  # a CSV's total was an upper bound: now exact
    run.refresh_from_db()
    return run.status


def resume(run_id: int, *, why: str, actor: User | None = None) -> ImportRun | None:
    """Queue a stalled run again (``why``: who or what found it stalled, for the audit event), or
    stop it if ``FEED_IMPORT_ATTEMPTS`` workers have taken it already. Returns the run, or None if
    it is not stalled (moving, waiting, over) or another resumer took it first."""
    with transaction.atomic():
        run = ImportRun.objects.select_for_update().filter(pk=run_id).first()
        since = run.stalled_since if run is not None else None
        if run is None or since is None:
            return None
        # Compare-and-set on what was read: a second resumer (or a database without row locks)
        # finds the run changed and does nothing.
        as_read = ImportRun.objects.filter(
            pk=run.pk, finished_at__isnull=True, began_at=run.began_at, heartbeat_at=run.heartbeat_at, attempts=run.attempts
        )
        now = clock.now()
        last = dateformat.format(timezone.localtime(since), "j M Y, H:i")
        if run.attempts >= settings.FEED_IMPORT_ATTEMPTS:
            if not as_read.update(finished_at=now, fault=attempts_fault(run.attempts)):
                return None
            ImportUpload.objects.filter(run=run).delete()
            changes = {"status": "stopped", "attempts": run.attempts, "last_progress": since}
            reason = f"Import stopped: no progress since {last} after {run.attempts} attempts ({why}); not tried again"
        else:
            if not as_read.update(began_at=None, resumed_at=now):  # queued again: "Waiting to start" until a worker takes it
                return None
            changes = {"status": "queued", "attempts": run.attempts, "last_progress": since}
            reason = f"Import resumed: no progress since {last}, its worker stopped part-way ({why}); queued again"
            queued = run.pk
            transaction.on_commit(lambda: import_upload.enqueue(queued))
        audit.record(
            actor=actor,
            username="system",
            action=AuditAction.CHANGE,
            object_type="import-run",
            object_id=run.pk,
            changes=changes,
            reason=reason,
        )
    run.refresh_from_db()
    return run


def stalled_runs() -> list[int]:
    """The ids of the uploads whose import began and has made no progress for too long."""
    cutoff = stalled_cutoff()
    begun = ImportRun.objects.filter(queued_at__isnull=False, began_at__isnull=False, finished_at__isnull=True, fault="", refused="")
    return list(begun.filter(Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, began_at__lt=cutoff)).values_list("pk", flat=True))


def resume_stalled() -> list[int]:
    """The scheduler's job (every few minutes): resume every stalled upload; returns the ids of
    the runs queued again or stopped."""
    return [pk for pk in stalled_runs() if resume(pk, why=SCHEDULED) is not None]
