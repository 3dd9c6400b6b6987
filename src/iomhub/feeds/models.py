"""Bulk feeds from other systems (issue 11): each import run, the natural key that makes a re-run
change nothing, the link from a feed row to a person with the fields that agreed, and the queue of
rows whose person is uncertain. ADR 0014.

The arrests themselves live in ``iomhub.justice`` and the people in ``iomhub.people``; both are
written only through their services. What is here is the feed's own bookkeeping.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import Any, ClassVar

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from iomhub import clock
from iomhub.access.models import Section


def stalled_cutoff() -> datetime.datetime:
    """A begun import whose last progress is before this has stalled (its worker died)."""
    return clock.now() - datetime.timedelta(seconds=settings.FEED_IMPORT_STALLED_AFTER)


class Feed(models.TextChoices):
    ARRESTS = "arrests", "Custody arrests"
    RELEASES = "releases", "Prison releases"
    COURTS = "court-outcomes", "Court outcomes"
    HISTORY = "offending-history", "Offending history"


class LinkMethod(models.TextChoices):
    """How a feed row was linked to its person (``feeds.linkage``)."""

    PRISON_NUMBER = "prison-no", "Prison number"
    PNC = "pnc", "PNC ID"
    NAME_DOB = "name-dob", "Exact name and date of birth"
    PROBABLE = "probable", "Probable match (names and date of birth)"
    CREATED = "created", "New person created"
    REVIEWED = "reviewed", "Decided on review"


class RunStatus(models.TextChoices):
    """Where an import run is (``ImportRun.status``): an upload waits in the queue, is imported
    batch by batch, and ends finished, refused whole (nothing read) or stopped by a fault."""

    QUEUED = "queued", "Waiting to start"
    IMPORTING = "importing", "Importing"
    FINISHED = "finished", "Finished"
    REFUSED = "refused", "Not imported"
    STOPPED = "stopped", "Stopped by a fault"
    STALLED = "stalled", "Stopped part-way"


class ImportRun(models.Model):
    """One import of one file: who ran it, what it was (name and SHA-256), and what became of each row.

    A file uploaded in the browser or through the API is queued (``queued_at``, its bytes in
    ``ImportUpload`` until imported) and imported by the ``feeds`` task (``feeds.tasks``), which
    sets ``began_at`` and, once the file is read, ``total``; the counts grow after each batch.

    ``heartbeat_at`` is when the import last made progress (a worker took it, a batch committed).
    A run begun whose heartbeat is older than ``FEED_IMPORT_STALLED_AFTER`` seconds is "stalled":
    its worker died part-way (OOM, a deploy, kill -9), and ``feeds.tasks.resume_stalled`` queues
    it again (``attempts``: the workers that have taken it; ``resumed_at``: when it was last
    queued again)."""

    feed = models.CharField(max_length=20, choices=Feed.choices)
    file_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(default=timezone.now, editable=False)
    finished_at = models.DateTimeField(null=True, blank=True)
    refused = models.TextField(blank=True, help_text="Why the whole file was refused, if it was")
    rows = models.PositiveIntegerField(default=0)
    imported = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    review = models.PositiveIntegerField(default=0)
    via = models.CharField(max_length=10, blank=True, help_text="browser, api or command (blank: before uploads were queued)")
    queued_at = models.DateTimeField(null=True, blank=True, help_text="When the upload was queued (browser and API uploads)")
    began_at = models.DateTimeField(null=True, blank=True, help_text="When a worker began importing the queued upload")
    total = models.PositiveIntegerField(null=True, blank=True, help_text="Rows in the file, once read (for CSV, at most this many)")
    fault = models.TextField(blank=True, help_text="Why the import stopped part-way, if a fault stopped it")
    heartbeat_at = models.DateTimeField(
        null=True, blank=True, help_text="When the import last made progress: a worker took it, or a batch of rows was committed"
    )
    attempts = models.PositiveSmallIntegerField(default=0, help_text="How many times a worker has taken the queued upload")
    resumed_at = models.DateTimeField(
        null=True, blank=True, help_text="When the run was last queued again after its worker stopped part-way"
    )

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            # A double submit of the same file by the same person queues it once (ADR 0041).
            models.UniqueConstraint(
                fields=["started_by", "feed", "sha256"],
                condition=models.Q(queued_at__isnull=False, finished_at__isnull=True),
                name="one_pending_upload_per_person_feed_file",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_feed_display()} import {self.pk} of {self.file_name}"

    @property
    def status(self) -> RunStatus:
        if self.refused:
            return RunStatus.REFUSED
        if self.fault:
            return RunStatus.STOPPED
        if self.finished_at is not None:
            return RunStatus.FINISHED
        if self.queued_at is not None and self.began_at is None:
            return RunStatus.QUEUED
        if self.stalled_since is not None:
            return RunStatus.STALLED
        return RunStatus.IMPORTING

    @property
    def stalled_since(self) -> datetime.datetime | None:
        """When a queued upload's import last made progress, if that is longer ago than
        ``FEED_IMPORT_STALLED_AFTER`` (its worker died part-way); None for a run that is moving,
        waiting, over, or imported from the command line (no worker to resume it)."""
        if self.queued_at is None or self.began_at is None or self.finished_at is not None or self.fault or self.refused:
            return None
        last = self.heartbeat_at or self.began_at
        return last if last < stalled_cutoff() else None

    @property
    def over(self) -> bool:
        """Finished, refused or stopped: nothing more will be imported into the run."""
        return self.status in (RunStatus.FINISHED, RunStatus.REFUSED, RunStatus.STOPPED)

    @property
    def status_label(self) -> str:
        return str(self.status.label)

    @property
    def percent(self) -> int:
        """Rows done as a share of the rows in the file (a CSV's total is an upper bound)."""
        if self.status not in (RunStatus.IMPORTING, RunStatus.STALLED):
            return 100 if self.finished_at is not None else 0
        return min(99, self.rows * 100 // self.total) if self.total else 0

    def counts(self) -> dict[str, int]:
        return {
            "rows": self.rows,
            "imported": self.imported,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "review": self.review,
        }


class ImportUpload(models.Model):
    """The bytes of a queued upload, kept only until its run is imported (then deleted), so the
    worker can read the file and nothing else holds it: the task is given the run's id only."""

    run = models.OneToOneField(ImportRun, on_delete=models.CASCADE, primary_key=True, related_name="upload")
    data = models.BinaryField()

    def __str__(self) -> str:
        return f"Upload for import {self.run_id}"


class Rejection(models.Model):
    """A row refused: its line in the file, the column at fault and why, and the row as it came
    (so the error report can be sent back to whoever keeps the source system)."""

    SECTIONS: ClassVar[dict[str, str]] = {"*": Section.JUSTICE}
    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="rejections")
    line = models.PositiveIntegerField()
    column = models.CharField(max_length=64, blank=True)
    reason = models.TextField()
    values = models.JSONField(default=dict)

    class Meta:
        ordering = ["line", "id"]

    def __str__(self) -> str:
        return f"Line {self.line}: {self.reason}"


class ArrestLink(models.Model):
    """The arrest a feed row became, under the feed's natural key: the same person arrested at the
    same moment in the same custody suite is one arrest, however often the row arrives (the
    database refuses a second). ``agreed`` names the fields the person was linked on."""

    SECTIONS: ClassVar[dict[str, str]] = {"*": Section.JUSTICE}

    Method = LinkMethod

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+", db_index=False)
    arrested_at = models.DateTimeField()
    suite_key = models.CharField(max_length=200, help_text="The custody suite, case and spacing folded")
    arrest = models.OneToOneField("justice.Arrest", on_delete=models.PROTECT, related_name="feed_link")
    outcome = models.CharField(max_length=10)
    offence_code = models.CharField(max_length=10)
    method = models.CharField(max_length=10, choices=LinkMethod.choices)
    agreed = models.JSONField(default=list)
    run = models.ForeignKey(ImportRun, on_delete=models.PROTECT, related_name="links")
    line = models.PositiveIntegerField()
    row_key = models.CharField(max_length=64, blank=True, help_text="The row's identity and key (FeedRow.row_key)")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "arrested_at", "suite_key"], name="one_feed_arrest_per_person_time_suite"),
        ]
        # The person's look-ups use the constraint's index (person first); row_key, a SHA-256 only
        # ever compared whole, has a plain index and no LIKE 'prefix%' one. Each index costs every row.
        indexes = [models.Index(fields=["row_key"], name="arrestlink_row_key_idx")]

    def __str__(self) -> str:
        return f"Arrest {self.arrest_id} from import {self.run_id} line {self.line}"


class FeedRecord(models.Model):
    """What a row of the other feeds (releases, court outcomes, offending history) became, under
    the feed's natural key: with the feed and the person, ``key`` (a hash of the row's key columns,
    ``feeds.rows.FeedRow.record_key``) is one record, however often the row arrives (the database
    refuses a second). ``fingerprint`` holds the values a re-import is compared with."""

    SECTIONS: ClassVar[dict[str, str]] = {"*": Section.JUSTICE}

    feed = models.CharField(max_length=20, choices=Feed.choices)
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    key = models.CharField(max_length=64)
    object_type = models.CharField(max_length=40, help_text="What was written: court-outcome, offence, sentence-override")
    object_id = models.PositiveBigIntegerField()
    fingerprint = models.JSONField(default=list)
    method = models.CharField(max_length=10, choices=LinkMethod.choices)
    agreed = models.JSONField(default=list)
    run = models.ForeignKey(ImportRun, on_delete=models.PROTECT, related_name="records")
    line = models.PositiveIntegerField()
    row_key = models.CharField(max_length=64, blank=True, help_text="The row's identity and key (FeedRow.row_key)")
    written_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="A sentence override's overridden_at as the feed set it: the override in force is this row's while the sentence still holds it",
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["feed", "person", "key"], name="one_feed_record_per_person_key")]
        indexes = [models.Index(fields=["row_key"], name="feedrecord_row_key_idx")]  # compared whole: no LIKE index

    def __str__(self) -> str:
        return f"{self.get_feed_display()} {self.object_type} {self.object_id} from import {self.run_id} line {self.line}"


class LinkReviewQuerySet(models.QuerySet["LinkReview"]):
    """Rows of the review queue, whose candidates are written again as ``LinkReviewCandidate`` rows
    whenever they are written: by ``bulk_create`` (the imports' batches: two statements a batch,
    whatever its size), ``create``/``save`` and ``update``."""

    def bulk_create(self, objs: Iterable[LinkReview], *args: Any, **kwargs: Any) -> list[LinkReview]:
        objs = list(objs)
        with transaction.atomic(using=self.db):
            made = super().bulk_create(objs, *args, **kwargs)
            # ``ignore_conflicts`` sets no ids, and a key another import queued first was not
            # inserted: the candidates are read back by key (those already there are kept as they are)
            keys = [o.row_key for o in objs]
            for start in range(0, len(keys), 500):
                offer(self.filter(row_key__in=keys[start : start + 500]).values_list("pk", "candidates"), using=self.db)
        return made

    def update(self, **kwargs: Any) -> int:
        if "candidates" not in kwargs:
            return super().update(**kwargs)
        with transaction.atomic(using=self.db):
            pks = list(self.values_list("pk", flat=True))
            changed = super().update(**kwargs)
            LinkReviewCandidate.objects.using(self.db).filter(review_id__in=pks).delete()
            offer(LinkReview.objects.using(self.db).filter(pk__in=pks).values_list("pk", "candidates"), using=self.db)
        return changed


class LinkReview(models.Model):
    """A row whose person could not be decided with certainty (a possible duplicate): kept whole,
    with the people it may be, for a coordinator to link or create. Never guessed.

    ``candidates`` is what the page and the API show; each person in it is a ``LinkReviewCandidate``
    row too, written with it (``LinkReviewQuerySet``, ``save``), so the queue can leave out in SQL
    the rows offered against someone a reader may not see (``feeds.selectors.reviews_for``)."""

    SECTIONS: ClassVar[dict[str, str]] = {"*": Section.JUSTICE}

    class Status(models.TextChoices):
        OPEN = "open", "Waiting for a decision"
        DECIDED = "decided", "Decided"

    row_key = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the row's identity and natural key")
    run = models.ForeignKey(ImportRun, on_delete=models.PROTECT, related_name="reviews")
    line = models.PositiveIntegerField()
    values = models.JSONField(default=dict)
    candidates = models.JSONField(default=list, help_text="[{person_id, reasons}] the importer could see")
    why = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+", help_text="The person decided on"
    )
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = LinkReviewQuerySet.as_manager()

    class Meta:
        ordering = ["run_id", "line"]

    def __str__(self) -> str:
        return f"Review of import {self.run_id} line {self.line}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "candidates" not in update_fields:
            super().save(*args, **kwargs)
            return
        using = kwargs.get("using") or self._state.db or "default"
        with transaction.atomic(using=using):
            super().save(*args, **kwargs)
            LinkReviewCandidate.objects.using(using).filter(review_id=self.pk).delete()
            offer([(self.pk, self.candidates)], using=using)


class LinkReviewCandidate(models.Model):
    """One person a row of the review queue was offered against: ``LinkReview.candidates`` as rows,
    so the rows offered against someone hidden from a reader are left out by an indexed look-up
    rather than by reading every row's candidates. ``person_id`` is the id as ``candidates`` holds
    it, not a foreign key: a merge or an erasure changes neither (as before), and the record graph
    (subject access, retention) reaches these rows only through their review."""

    SECTIONS: ClassVar[dict[str, str]] = {"*": Section.JUSTICE}
    review = models.ForeignKey(LinkReview, on_delete=models.CASCADE, related_name="offered", db_index=False)
    person_id = models.BigIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["review", "person_id"], name="one_review_candidate_per_person")]
        indexes = [models.Index(fields=["person_id"], name="reviewcandidate_person_idx")]

    def __str__(self) -> str:
        return f"Person {self.person_id} offered on review {self.review_id}"


def candidate_rows(reviews: Iterable[tuple[int, Sequence[dict[str, Any]]]]) -> list[tuple[int, int]]:
    """(review id, person id) for every person in each review's ``candidates``, once each."""
    return sorted({(pk, int(c["person_id"])) for pk, candidates in reviews for c in candidates or [] if c.get("person_id") is not None})


def offer(reviews: Iterable[tuple[int, Sequence[dict[str, Any]]]], *, using: str = "default") -> None:
    """The ``LinkReviewCandidate`` rows of ``reviews`` ((id, candidates)), in one insert; those
    already there are left as they are."""
    rows = [LinkReviewCandidate(review_id=pk, person_id=person) for pk, person in candidate_rows(reviews)]
    LinkReviewCandidate.objects.using(using).bulk_create(rows, batch_size=2000, ignore_conflicts=True)
