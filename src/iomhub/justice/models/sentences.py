"""Sentences with their computed dates (``iomhub.rules.sentence``), recalls to custody and breaches
of post-sentence supervision (002 §5)."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import F
from django.db.models.lookups import GreaterThanOrEqual

from iomhub.access.models import Section
from iomhub.justice.models.events import CourtOutcome, Offence

if TYPE_CHECKING:
    from iomhub.justice.models.conditions import SupervisionConditions
from iomhub.people.models import Person

# The computed dates a sentence carries, and the override field that takes their place.
DATE_FIELDS: tuple[tuple[str, str], ...] = (
    ("release_date", "override_release_date"),
    ("expiry_date", "override_expiry_date"),
    ("tused", "override_tused"),
    ("hdced", "override_hdced"),
)


class SentenceType(models.TextChoices):
    """The determinate sentences ``iomhub.rules.sentence`` calculates (its ``SENTENCE_TYPES``)."""

    SDS = "SDS", "Standard determinate sentence (SDS)"
    SDS_PLUS = "SDS+", "SDS+ (serious offence, CJA 2003 s.244ZA)"
    S250 = "S250", "Detention under section 250 or 91 (under 18)"
    S250_PLUS = "S250+", "Detention under section 250 or 91, within s.244ZA"


class ProgressionModelExclusion(models.TextChoices):
    """Exclusions from the Sentencing Act 2026 progression model (``iomhub.rules.sentence.PM_EXCLUSIONS``)."""

    NONE = "", "None"
    SA2026_SCHEDULE = "sa2026-schedule", "Offence on the Sentencing Act 2026 excluded-offences schedule (enter the prison's dates)"
    SCHEDULE_13_PART_3 = "schedule-13-part-3", "Schedule 13 Part 3 offence (sentences before 1 October 2026)"
    WOULD_BE_SDS_PLUS = "would-be-sds-plus", "Would be SDS+ if sentenced today (sentences before 1 October 2026)"


# The largest number each part of a sentence's length and credit may hold: generous bounds, not a
# court's limits; years, months and weeks are small integers in the database (32,767 at most).
COUNT_LIMITS = {
    "years": 100,
    "months": 1200,
    "weeks": 5200,
    "days": 36500,
    "remand_days": 36500,
    "tagged_bail_days": 36500,
    "unlawfully_at_large_days": 36500,
}


class Sentence(models.Model):
    """A determinate custodial sentence; dates from ``iomhub.rules.sentence`` unless the prison's
    own calculation has been entered as an override (the prison's calculation wins)."""

    # The section of the record each field belongs to (issue 9; access.projection, ADR 0010).
    AUDIT_ALIASES = ("sentence-override", "release-date")  # other object_types of its audit events
    SECTIONS: ClassVar[dict[str, str]] = {"*": Section.JUSTICE}

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="sentences")
    court_outcome = models.ForeignKey(CourtOutcome, on_delete=models.PROTECT, null=True, blank=True, related_name="sentences")
    offence = models.ForeignKey(Offence, on_delete=models.PROTECT, null=True, blank=True, related_name="sentences")
    prison = models.CharField(max_length=200, blank=True)
    sentenced_on = models.DateField()
    offence_committed_on = models.DateField()
    years = models.PositiveSmallIntegerField(default=0)
    months = models.PositiveSmallIntegerField(default=0)
    weeks = models.PositiveSmallIntegerField(default=0)
    days = models.PositiveIntegerField(default=0)
    remand_days = models.PositiveIntegerField(default=0)
    tagged_bail_days = models.PositiveIntegerField(default=0)
    unlawfully_at_large_days = models.PositiveIntegerField(default=0)
    sentence_type = models.CharField(max_length=5, choices=SentenceType.choices, default=SentenceType.SDS)
    sds40_excluded = models.BooleanField(default=False)
    hdc_excluded = models.BooleanField(default=False)
    progression_model_exclusion = models.CharField(max_length=20, choices=ProgressionModelExclusion.choices, blank=True, default="")
    # Computed by iomhub.rules.sentence when the sentence is recorded (blank when not supported).
    length_days = models.PositiveIntegerField(null=True, blank=True)
    release_type = models.CharField(max_length=4, blank=True)
    release_date = models.DateField(null=True, blank=True)
    expiry_type = models.CharField(max_length=4, blank=True)
    expiry_date = models.DateField(null=True, blank=True)
    tused = models.DateField(null=True, blank=True)
    hdced = models.DateField(null=True, blank=True)
    breakdown = models.JSONField(default=list, blank=True)
    calculation_note = models.TextField(blank=True, help_text="Why the dates could not be calculated")
    # The prison's own calculation (override), with who entered it and why.
    override_release_date = models.DateField(null=True, blank=True)
    override_expiry_date = models.DateField(null=True, blank=True)
    override_tused = models.DateField(null=True, blank=True)
    override_hdced = models.DateField(null=True, blank=True)
    override_reason = models.TextField(blank=True)
    overridden_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    overridden_at = models.DateTimeField(null=True, blank=True)
    # The effective release date (override or computed), kept for the caseload prompts' queries.
    effective_release_date = models.DateField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sentenced_on", "-id"]

    def __str__(self) -> str:
        return f"Sentence of {self.length_text} on {self.sentenced_on}"

    @property
    def length_text(self) -> str:
        parts = [(self.years, "year"), (self.months, "month"), (self.weeks, "week"), (self.days, "day")]
        return ", ".join(f"{n} {unit}{'s' if n != 1 else ''}" for n, unit in parts if n) or "no length"

    @property
    def overridden(self) -> bool:
        return bool(self.override_reason)

    def effective(self, name: str) -> datetime.date | None:
        """The date in force: the prison's (override) if entered, else the computed one."""
        override = dict(DATE_FIELDS)[name]
        value: datetime.date | None = getattr(self, override) or getattr(self, name)
        return value

    @property
    def effective_dates(self) -> dict[str, Any]:
        return {name: self.effective(name) for name, _ in DATE_FIELDS}

    @property
    def recorded_conditions(self) -> SupervisionConditions | None:
        """The licence conditions and supervision requirements recorded for this sentence, if any."""
        try:
            return self.conditions
        except ObjectDoesNotExist:  # no SupervisionConditions for it
            return None

    @property
    def under_12_months(self) -> bool:
        """Sentence under 12 months (fixed-term recall of 14 days, 002 §5)."""
        from iomhub.rules.sentence import sentence_end

        end = sentence_end(sentence_date=self.sentenced_on, years=self.years, months=self.months, weeks=self.weeks, days=self.days)
        return end < sentence_end(sentence_date=self.sentenced_on, months=12)

    @property
    def five_years_or_more(self) -> bool:
        """A custodial sentence of 5 years or more requires deregistration (002 §2)."""
        from iomhub.rules.sentence import sentence_end

        end = sentence_end(sentence_date=self.sentenced_on, years=self.years, months=self.months, weeks=self.weeks, days=self.days)
        return end >= sentence_end(sentence_date=self.sentenced_on, years=5)


def may_be_five_years_or_more() -> GreaterThanOrEqual[int]:
    """A filter the database can run that keeps every sentence ``Sentence.five_years_or_more``
    holds of, however the term was entered (5 years, 3 years 30 months, 261 weeks, 1,830 days), and
    a few more: a term of 5 years is at least 1,826 days, and a year is never more than 366 days
    nor a month more than 31, so a term whose bound below is under 1,800 days is never long. The
    exact rule decides what this keeps."""
    return GreaterThanOrEqual(F("years") * 366 + F("months") * 31 + F("weeks") * 7 + F("days"), 1800)


class Recall(models.Model):
    # The section of the record each field belongs to (issue 9; access.projection, ADR 0010).
    SECTIONS: ClassVar[dict[str, str]] = {"*": Section.JUSTICE}

    class Kind(models.TextChoices):
        FIXED_TERM = "fixed-term", "Fixed-term recall"
        STANDARD = "standard", "Standard recall"

    class Type(models.TextChoices):
        """The recall type, as the prison records it (the reference §2.2: an input, never guessed)."""

        FTR56 = "FTR56", "56-day fixed-term recall (FTR56): adults"
        FTR14 = "FTR14", "14-day fixed-term recall (FTR14): young offender, sentence under 12 months"
        FTR28 = "FTR28", "28-day fixed-term recall (FTR28): young offender, sentence of 12 months or more"
        STANDARD = "standard", "Standard recall"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="recalls")
    sentence = models.ForeignKey(Sentence, on_delete=models.PROTECT, related_name="recalls")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    recall_type = models.CharField(max_length=8, choices=Type.choices, blank=True, help_text="Blank on recalls recorded before issue 10")
    recalled_at = models.DateTimeField(help_text="When the recall was decided: the recall report is due 24 hours later")
    report_due_at = models.DateTimeField()
    returned_to_custody_on = models.DateField(null=True, blank=True)
    recall_days = models.PositiveSmallIntegerField(null=True, blank=True)
    release_date = models.DateField(null=True, blank=True)
    breakdown = models.JSONField(default=list, blank=True)
    reason = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-recalled_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.recalled_at:%Y-%m-%d}"


class PssBreach(models.Model):
    """A breach of post-sentence supervision dealt with by the magistrates' court (002 §5)."""

    # The section of the record each field belongs to (issue 9; access.projection, ADR 0010).
    SECTIONS: ClassVar[dict[str, str]] = {"*": Section.JUSTICE}

    class Outcome(models.TextChoices):
        NOT_PROVED = "not-proved", "Breach not proved"
        NO_ACTION = "no-action", "No action"
        FINE = "fine", "Fine"
        COMMITTAL = "committal", "Committal to custody"
        SDO_UNPAID_WORK = "sdo-unpaid-work", "Supervision default order: unpaid work"
        SDO_CURFEW = "sdo-curfew", "Supervision default order: curfew"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="pss_breaches")
    sentence = models.ForeignKey(Sentence, on_delete=models.PROTECT, related_name="pss_breaches")
    heard_on = models.DateField()
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    fine_pounds = models.PositiveIntegerField(null=True, blank=True)
    committal_days = models.PositiveSmallIntegerField(null=True, blank=True)
    unpaid_work_hours = models.PositiveSmallIntegerField(null=True, blank=True)
    curfew_days = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-heard_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} on {self.heard_on}"


# Importable names for the API schema's ENUM_NAME_OVERRIDES (nested classes cannot be imported by path).
RecallKind = Recall.Kind
RecallType = Recall.Type
BreachOutcome = PssBreach.Outcome
