"""Records the service keeps about its own keeping of records (issue 13 §3, §4): the retention rules
the information governance lead sets, the stubs a retention run leaves for what it removed, and
subject access requests with their deadline and the reviewer's decisions."""

from __future__ import annotations

import datetime
from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from iomhub.access.models import Section
from iomhub.rules import subject_access
from iomhub.rules.retention import MAX_MONTHS


class RecordType(models.TextChoices):
    """The kinds of record a retention rule can cover: each is a query in ``operations.retention``."""

    CANDIDATE = "candidate", "People never registered on IOM"
    CLOSED_CASE = "closed-case", "People whose IOM case has closed"
    INTELLIGENCE = "intelligence", "Police intelligence notes"
    AUDIT = "audit", "Audit log entries"


class RetentionRule(models.Model):
    """How long one kind of record is kept (ADR 0021). Data the IG lead changes, audited."""

    record_type = models.CharField(max_length=20, choices=RecordType.choices, unique=True)
    period_months = models.PositiveIntegerField("Keep for (months)", validators=[MinValueValidator(1), MaxValueValidator(MAX_MONTHS)])
    enabled = models.BooleanField("Apply this rule", default=True)
    starts = models.CharField("The period starts at", max_length=300)
    basis = models.TextField("Why this period")
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["record_type"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_months__gte=1, period_months__lte=MAX_MONTHS), name="retention_period_in_range"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_record_type_display()}: {self.period_months} months"


class RetentionStub(models.Model):
    """What a retention run removed: which kind, which record (model and id), under which rule and
    period, when, and how many rows went with it. No personal data (ADR 0021)."""

    record_type = models.CharField(max_length=20, choices=RecordType.choices)
    model = models.CharField(max_length=100, help_text="app_label.model of the record removed")
    object_id = models.CharField(max_length=64)
    rule = models.ForeignKey(RetentionRule, on_delete=models.PROTECT, related_name="stubs")
    period_months = models.PositiveIntegerField()
    removed_at = models.DateTimeField()
    run = models.CharField(max_length=36, help_text="The run that removed it (one id per run)")
    rows_removed = models.JSONField(default=dict, blank=True, help_text="Rows removed with it, by model")

    class Meta:
        ordering = ["-removed_at", "-id"]
        indexes = [models.Index(fields=["model", "object_id"])]

    def __str__(self) -> str:
        return f"{self.model} {self.object_id} removed {self.removed_at:%Y-%m-%d}"


class SarStatus(models.TextChoices):
    RECEIVED = "received", "Received"
    IN_REVIEW = "in-review", "Being reviewed"
    SENT = "sent", "Response sent"
    WITHDRAWN = "withdrawn", "Withdrawn"


class SubjectAccessRequest(models.Model):
    """A person's request for their records (UK GDPR Art. 15), its one-month deadline and the
    reviewer's decision, item by item, to release or withhold (issue 13 §4; ADR 0022)."""

    SECTIONS: ClassVar[dict[str, str]] = {"*": Section.IDENTITY}
    AUDIT_TYPE = "subject-access-request"

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="subject_access_requests")
    received_on = models.DateField("Date received")
    requester = models.CharField("Who asked", max_length=200, help_text="The person, or who acts for them")
    extended_by_months = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(subject_access.MAX_EXTENSION_MONTHS)])
    status = models.CharField(max_length=12, choices=SarStatus.choices, default=SarStatus.RECEIVED)
    # {"app_label.model:pk": {"decision": "release"|"withhold", "reason": str, "by": username, "at": iso time}}
    decisions = models.JSONField(default=dict, blank=True)
    responded_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-received_on", "-id"]

    def __str__(self) -> str:
        return f"Subject access request {self.pk} received {self.received_on}"

    @property
    def due_on(self) -> datetime.date:
        return subject_access.due_date(self.received_on, self.extended_by_months)

    @property
    def is_open(self) -> bool:
        return self.status in (SarStatus.RECEIVED, SarStatus.IN_REVIEW)
