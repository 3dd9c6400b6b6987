"""A report made in the background (issue 16 §6, ADR 0019): who asked, for what, how far it has got
and, when done, the file. Figures only (no person's data), so no sections: a run is shown only to
the user who asked for it."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ReportRun(models.Model):
    class Kind(models.TextChoices):
        QUARTERLY_PDF = "quarterly-pdf", "Quarterly report (PDF)"
        QUARTERLY_XLSX = "quarterly-xlsx", "Quarterly report (XLSX)"
        COMPARISON = "comparison-json", "Matched comparison (JSON)"

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Being made"
        DONE = "done", "Ready"
        FAILED = "failed", "Could not be made"

    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    params = models.JSONField(default=dict, help_text="The report's parameters: quarter, team, from, to")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Per cent done")
    stage = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    result = models.BinaryField(null=True, blank=True, editable=False)
    filename = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.params}"


class StoredBudgetReturn(models.Model):
    """A provider's budget return (000 appendix 7, ADR 0028), read back and kept (ADR 0031): only a
    return read without a problem is stored, once (the file's SHA-256 is unique). Money only, no
    person's data, so no sections: the report roles see every return."""

    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    filename = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64, unique=True, help_text="Of the file as uploaded: the same file is not stored twice")
    organisation = models.CharField(max_length=200, blank=True)
    period = models.CharField(max_length=20, blank=True)
    dates = models.CharField(max_length=100, blank=True)
    # {key: {"amount": "1234.50" | None, "staff": int | None, "specify": str}} in the template's order
    lines = models.JSONField(default=dict)
    income_total = models.DecimalField(max_digits=14, decimal_places=2)
    expenditure_total = models.DecimalField(max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return f"Budget return {self.organisation} {self.period} {self.dates}"


class DataChange(models.Model):
    """One writing statement to a table the quarterly report counts, on PostgreSQL: inserted by a
    database trigger, folded into ``DataChangeTotal`` now and then (``reporting.data_version``)."""

    id = models.BigAutoField(primary_key=True)

    def __str__(self) -> str:
        return f"Data change {self.pk}"


class DataChangeTotal(models.Model):
    """The writes counted so far (one row, id 1): on SQLite bumped by the triggers themselves, on
    PostgreSQL by folding in ``DataChange`` rows. The data version is this plus those rows."""

    id = models.PositiveSmallIntegerField(primary_key=True)
    changes = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.changes} data changes"


class StoredReport(models.Model):
    """A report's figures as counted at one data version (ADR 0042): figures only, no person's ids
    (the drill-down counts afresh), and the same for every reader allowed the report (ADR 0015), so
    keyed by the report's parameters alone. Used only while the data version and the code's
    ``FIGURES_VERSION`` are unchanged."""

    kind = models.CharField(max_length=20)
    params = models.CharField(max_length=100, help_text="The report's parameters, e.g. 2026Q3 team=all")
    data_version = models.BigIntegerField()
    figures_version = models.PositiveSmallIntegerField()
    figures = models.JSONField()
    counted_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "params"], name="reporting_storedreport_one_per_params")]

    def __str__(self) -> str:
        return f"{self.kind} {self.params} at {self.data_version}"
