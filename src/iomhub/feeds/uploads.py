"""A feed file uploaded in the browser or through the API (issue 11 §1 and §7; ADR 0041): checked
(size and type) at once, kept with a run made "queued", and imported by the ``feeds`` task
(``feeds.tasks.import_upload``) when the upload commits: in the same process with the immediate
backend (development, tests), by a worker with the database or Redis queue.

The same file sent again by the same person while their earlier upload of it is still queued or
importing (a double submit, a client's retry) is that earlier run, queued once: the database holds
at most one unfinished upload per person, feed and file (``one_pending_upload_per_person_feed_file``).
If that earlier run has stalled (its worker died part-way: ``feeds.tasks``), the upload resumes it;
if it had been tried too often already, it is stopped and this upload is a new run.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone

from iomhub.access import audit
from iomhub.access.models import AuditAction
from iomhub.feeds.actors import authorise
from iomhub.feeds.models import Feed, ImportRun, ImportUpload
from iomhub.feeds.reading import MAX_FILE_BYTES
from iomhub.feeds.registry import spec_for
from iomhub.feeds.tasks import import_upload, resume

if TYPE_CHECKING:
    from iomhub.access.models import User

EXTENSIONS = (".csv", ".xlsx")
_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0"  # the old Excel .xls (and other Office 97-2003 files)


def upload_problem(name: str, size: int, head: bytes) -> str | None:
    """What is wrong with an upload before anything is kept (``head``: its first bytes), or None."""
    if size > MAX_FILE_BYTES:
        return f"The selected file must be smaller than {MAX_FILE_BYTES // (1024 * 1024)} MB"
    if size == 0:
        return "The selected file is empty"
    lower = name.lower()
    if not lower.endswith(EXTENSIONS):
        return "The selected file must be a CSV or XLSX"
    if head.startswith(_OLE):
        return "The selected file is an old Excel (.xls) workbook: save it as XLSX or CSV UTF-8"
    if lower.endswith(".xlsx") and not head.startswith(_ZIP):
        return "The selected file is not an XLSX workbook: save it as XLSX or CSV UTF-8"
    return None


def _pending(user: User, feed: str, sha256: str) -> ImportRun | None:
    return ImportRun.objects.filter(started_by=user, feed=feed, sha256=sha256, queued_at__isnull=False, finished_at__isnull=True).first()


def upload_enqueue(*, acting_user: User, feed: str, data: bytes, file_name: str, via: str = "browser") -> ImportRun:
    """Keep the upload and queue its import; returns the run (re-read, so with the immediate
    backend it is already over). Raises PermissionDenied (audited) for anyone who may not import."""
    spec = spec_for(feed)
    authorise(acting_user)
    sha256 = hashlib.sha256(data).hexdigest()
    with transaction.atomic():
        run = _pending(acting_user, feed, sha256)
        if run is not None and run.stalled_since is not None:
            resumed = resume(run.pk, why="the person who uploaded it uploaded the same file again", actor=acting_user)
            if resumed is not None and resumed.over:  # stopped after its last attempt: this upload starts afresh
                run = None
        if run is None:
            try:
                with transaction.atomic():
                    run = ImportRun.objects.create(
                        feed=Feed(feed),
                        file_name=(file_name or "upload")[:255],
                        sha256=sha256,
                        started_by=acting_user,
                        via=via,
                        queued_at=timezone.now(),
                    )
                    ImportUpload.objects.create(run=run, data=data)
            except IntegrityError:  # the same upload, made at the same moment by another request
                run = _pending(acting_user, feed, sha256)
                if run is None:
                    raise
            else:
                audit.record(
                    actor=acting_user,
                    action=AuditAction.CREATE,
                    object_type="import-run",
                    object_id=run.pk,
                    changes={"feed": feed, "file_name": run.file_name, "sha256": sha256, "status": "queued"},
                    reason=f"{spec.title.capitalize()} file queued for import, uploaded {'through the API' if via == 'api' else 'in the browser'}",
                )
                queued = run.pk
                transaction.on_commit(lambda: import_upload.enqueue(queued))
    run.refresh_from_db()
    return run
