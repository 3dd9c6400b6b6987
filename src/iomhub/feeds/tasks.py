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
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django_tasks import task

from iomhub.feeds.models import ImportRun, ImportUpload, Rejection
from iomhub.feeds.services import feed_import
from iomhub.feeds.tally import Progress

log = logging.getLogger(__name__)


def _claim(run_id: int) -> tuple[ImportRun, bytes] | None:
    """The run and its file, marked begun; None if there is nothing to import."""
    with transaction.atomic():
        run = ImportRun.objects.select_for_update().select_related("started_by").filter(pk=run_id).first()
        if run is None or run.finished_at is not None:
            return None
        upload = ImportUpload.objects.filter(run=run).first()
        if upload is None:
            return None
        if run.began_at is not None:  # an attempt that died part-way: its rejections are found again
            Rejection.objects.filter(run=run).delete()
        run.began_at = timezone.now()
        run.save(update_fields=["began_at"])
        return run, bytes(upload.data)


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
        )
    except PermissionDenied:
        _end(run, refused="You may no longer import feeds, so the file was not imported. Nothing was recorded.")
    except Exception:
        log.exception("feed import run %s stopped by a fault", run.pk)
        _end(
            run,
            fault="The import stopped because of a fault. Rows counted above were recorded; import the file again "
            "to complete it (rows already recorded are not recorded twice).",
        )
        ImportUpload.objects.filter(run=run).delete()
        raise
    ImportUpload.objects.filter(run=run).delete()
    ImportRun.objects.filter(pk=run.pk).update(total=F("rows"))  # a CSV's total was an upper bound: now exact
    run.refresh_from_db()
    return run.status
