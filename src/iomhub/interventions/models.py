"""Interventions (issue 12 part 2): drug tests as records of their own, and DRR / ATR orders with
their progress reviews (seed 000 §5.6, §6.1, appendix 4).

A drug test is the visit on the timeline (``casework.TimelineEntry`` of kind ``drug-test``: its
date and that it happened, timeline) and this record linked to it one to one (sample, substances,
the result of each, the specified class, notes: health). ADR 0024.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from iomhub.access.models import Section
from iomhub.casework.models import Substance
from iomhub.crypto.fields import EncryptedTextField
from iomhub.rules.interventions import substance_class


class SampleType(models.TextChoices):
    URINE = "urine", "Urine"
    ORAL_FLUID = "oral-fluid", "Oral fluid (saliva)"
    HAIR = "hair", "Hair"
    BREATH = "breath", "Breath (alcohol)"
    NOT_RECORDED = "not-recorded", "Not recorded"


class Specified(models.TextChoices):
    """Which drugs the requirement the test is taken under specifies (seed 002 §5; Drugs Act 2005)."""

    CLASS_A = "class-a", "Specified Class A (opiates and cocaine)"
    CLASS_A_B = "class-a-b", "Class A or B drugs"
    NONE = "none", "No class specified"


class SubstanceResult(models.TextChoices):
    NEGATIVE = "negative", "Negative"
    POSITIVE = "positive", "Positive"


class DrugTest(models.Model):
    # The section of the record each field belongs to (ADR 0010): the test's details are health;
    # its date is the timeline's (the visit), so a reader needs both to read the record.
    AUDIT_TYPE = "drug-test"
    SECTIONS: ClassVar[dict[str, str]] = {"*": Section.HEALTH, "tested_on": Section.TIMELINE}

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="drug_tests")
    entry = models.OneToOneField("casework.TimelineEntry", on_delete=models.CASCADE, related_name="drug_test")
    order = models.ForeignKey("interventions.TreatmentOrder", on_delete=models.SET_NULL, null=True, blank=True, related_name="drug_tests")
    tested_on = models.DateField("Date of the test")
    sample_type = models.CharField(max_length=20, choices=SampleType.choices)
    specified = models.CharField("Drugs specified", max_length=20, choices=Specified.choices, default=Specified.NONE)
    refused = models.BooleanField("Refused the test", default=False)
    notes = EncryptedTextField(blank=True)  # ADR 0039
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_by_name = models.CharField(max_length=200)
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-tested_on", "-pk"]

    def __str__(self) -> str:
        return f"Drug test on {self.tested_on}"


class DrugTestResult(models.Model):
    """The result for one substance tested."""

    AUDIT_TYPE = "drug-test-result"
    SECTIONS: ClassVar[dict[str, str]] = {"*": Section.HEALTH}

    test = models.ForeignKey(DrugTest, on_delete=models.CASCADE, related_name="results")
    substance = models.CharField(max_length=20, choices=Substance.choices)
    result = models.CharField(max_length=10, choices=SubstanceResult.choices)

    class Meta:
        ordering = ["substance"]
        constraints = [models.UniqueConstraint(fields=["test", "substance"], name="one_result_per_substance")]

    def __str__(self) -> str:
        return f"{self.substance}: {self.result}"

    @property
    def substance_class(self) -> str:
        """The substance's class under the Misuse of Drugs Act 1971 (``rules.interventions``)."""
        return substance_class(self.substance)


class OrderKind(models.TextChoices):
    DRR = "drr", "Drug Rehabilitation Requirement (DRR)"
    ATR = "atr", "Alcohol Treatment Requirement (ATR)"


class Intensity(models.TextChoices):
    """Seed 000 appendix 4: "Orders can be made as Low - Medium or High"."""

    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


class TreatmentOrder(models.Model):
    """A community order's DRR or ATR (seed 000 §6.1): made by a court, case managed by probation,
    care managed with the treatment provider."""

    AUDIT_TYPE = "treatment-order"
    SECTIONS: ClassVar[dict[str, str]] = {"*": Section.HEALTH}

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="treatment_orders")
    kind = models.CharField(max_length=10, choices=OrderKind.choices)
    court = models.CharField(max_length=200)
    made_on = models.DateField("Date the order was made")
    starts_on = models.DateField("Start date")
    months = models.PositiveSmallIntegerField("Length in months")
    intensity = models.CharField(max_length=10, choices=Intensity.choices)
    provider = models.CharField("Treatment provider", max_length=200)
    offender_manager = models.CharField("Offender manager", max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-starts_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} from {self.starts_on}"


class Attendance(models.TextChoices):
    GOOD = "good", "Good: attended every appointment"
    SOME_MISSED = "some-missed", "Some appointments missed"
    POOR = "poor", "Poor: most appointments missed"


class Progress(models.TextChoices):
    GOOD = "good", "Good progress"
    SOME = "some", "Some progress"
    NONE = "none", "No progress"
    DETERIORATED = "deteriorated", "Deteriorated"


class OrderReview(models.Model):
    """A progress review of an order (seed 000 appendix 4: progress reports for courts)."""

    AUDIT_TYPE = "order-review"
    SECTIONS: ClassVar[dict[str, str]] = {"*": Section.HEALTH}

    order = models.ForeignKey(TreatmentOrder, on_delete=models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField("Date of the review")
    progress = models.CharField(max_length=20, choices=Progress.choices)
    attendance = models.CharField(max_length=20, choices=Attendance.choices)
    tests_summary = EncryptedTextField("Test results since the last review", blank=True)  # ADR 0039
    notes = EncryptedTextField("Progress notes")
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reviewed_by_name = models.CharField(max_length=200)
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-reviewed_on", "-pk"]

    def __str__(self) -> str:
        return f"Review of {self.reviewed_on}"
