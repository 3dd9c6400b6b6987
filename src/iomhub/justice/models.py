"""The justice record (issue 4): the offence catalogue, arrests, offences, court outcomes, warrants,
custody episodes, sentences with their computed dates, recalls and breaches of post-sentence
supervision.

IOM follows a person "irrespective of their position within the criminal justice system"
(seed 000 §2.3.5); the dates here decide the work (seed 002 §3-5). Every write goes through
``justice.services``; every read through ``justice.selectors``.
"""

from __future__ import annotations

import datetime
from typing import Any, ClassVar

from django.conf import settings
from django.db import models

from iomhub.access.models import Section
from iomhub.people.models import Person


class NeighbourhoodCrime(models.TextChoices):
    """The neighbourhood-crime categories of the IOM refresh (seed 003; instruments.md §5.2)."""

    BURGLARY = "burglary", "Burglary (domestic)"
    ROBBERY = "robbery", "Robbery (personal)"
    VEHICLE = "vehicle", "Vehicle crime"
    THEFT_FROM_PERSON = "theft-from-person", "Theft from the person"


class OffenceCode(models.Model):
    """One Home Office offence classification code with the categories the rules use.

    Loaded from ``offence_codes.csv`` (one source per row) by migration 0002 and the
    ``justice_load_offences`` command; never edited through the service.
    """

    code = models.CharField(max_length=10, unique=True)
    description = models.CharField(max_length=200)
    neighbourhood_crime = models.CharField(max_length=20, choices=NeighbourhoodCrime.choices, blank=True)
    ogrs3_group = models.CharField(max_length=40, blank=True, help_text="Blank where the source cannot decide the group")
    cost_category = models.CharField(max_length=40, blank=True)
    source = models.TextField()
    catalogue_version = models.CharField(max_length=20)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.description}"


class ArrestOutcome(models.TextChoices):
    NFA = "nfa", "No further action"
    RUI = "rui", "Released under investigation"
    BAIL = "bail", "Bail"
    CHARGE = "charge", "Charged"
    CAUTION = "caution", "Caution"


class Arrest(models.Model):
    # The section of the record each field belongs to (issue 9; access.projection, ADR 0010).
    SECTIONS: ClassVar[dict[str, str]] = {"*": Section.JUSTICE}
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="arrests")
    arrested_on = models.DateField()
    custody_suite = models.CharField(max_length=200)
    outcome = models.CharField(max_length=10, choices=ArrestOutcome.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-arrested_on", "-id"]
        indexes = [models.Index(fields=["person", "arrested_on"])]

    def __str__(self) -> str:
        return f"Arrest {self.arrested_on}"


class Offence(models.Model):
    """One offence, with its Home Office code; linked to the arrest it came from, if any."""

    # The section of the record each field belongs to (issue 9; access.projection, ADR 0010).
    SECTIONS: ClassVar[dict[str, str]] = {"*": Section.JUSTICE}

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="offences")
    code = models.ForeignKey(OffenceCode, on_delete=models.PROTECT, related_name="+")
    committed_on = models.DateField()
    arrest = models.ForeignKey(Arrest, on_delete=models.PROTECT, null=True, blank=True, related_name="offences")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-committed_on", "-id"]
        indexes = [models.Index(fields=["person", "committed_on"])]

    def __str__(self) -> str:
        return f"{self.code.code} on {self.committed_on}"


class Disposal(models.TextChoices):
    CUSTODY = "custody", "Immediate custody"
    SUSPENDED = "suspended", "Suspended sentence order"
    COMMUNITY = "community-order", "Community order"
    FINE = "fine", "Fine"
    CONDITIONAL_DISCHARGE = "conditional-discharge", "Conditional discharge"
    ABSOLUTE_DISCHARGE = "absolute-discharge", "Absolute discharge"
    CAUTION = "caution", "Caution"
    CONDITIONAL_CAUTION = "conditional-caution", "Conditional caution"


class Requirement(models.TextChoices):
    """Community and suspended sentence order requirements recorded by IOM (000 §6, 002 §5)."""

    DRR = "drr", "Drug rehabilitation requirement (DRR)"
    ATR = "atr", "Alcohol treatment requirement (ATR)"
    RAR = "rar", "Rehabilitation activity requirement (RAR)"
    UNPAID_WORK = "unpaid-work", "Unpaid work"
    CURFEW = "curfew", "Curfew (electronically monitored)"
    MENTAL_HEALTH = "mental-health", "Mental health treatment requirement"
    PROGRAMME = "programme", "Accredited programme"


class CourtOutcome(models.Model):
    # The section of the record each field belongs to (issue 9; access.projection, ADR 0010).
    SECTIONS: ClassVar[dict[str, str]] = {"*": Section.JUSTICE}
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="court_outcomes")
    decided_on = models.DateField(help_text="Date of conviction, or of the caution")
    court = models.CharField(max_length=200, blank=True)
    disposal = models.CharField(max_length=30, choices=Disposal.choices)
    requirements = models.JSONField(default=list, blank=True)
    fine_pounds = models.PositiveIntegerField(null=True, blank=True)
    offences = models.ManyToManyField(Offence, related_name="outcomes", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_disposal_display()} on {self.decided_on}"

    def requirement_labels(self) -> list[str]:
        return [Requirement(r).label for r in self.requirements if r in Requirement.values]


class Warrant(models.Model):
    # The section of the record each field belongs to (issue 9; access.projection, ADR 0010).
    SECTIONS: ClassVar[dict[str, str]] = {"*": Section.JUSTICE}

    class Kind(models.TextChoices):
        ARREST = "arrest", "Warrant for arrest"
        FAIL_TO_APPEAR = "fail-to-appear", "Failed to appear (bail warrant)"
        BREACH = "breach", "Breach of an order"
        RECALL = "recall", "Recall to custody (unlawfully at large)"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="warrants")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    issued_on = models.DateField()
    issued_by = models.CharField(max_length=200, blank=True)
    executed_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-issued_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} issued {self.issued_on}"


class CustodyEpisode(models.Model):
    # The section of the record each field belongs to (issue 9; access.projection, ADR 0010).
    SECTIONS: ClassVar[dict[str, str]] = {"*": Section.JUSTICE}

    class Kind(models.TextChoices):
        REMAND = "remand", "Remand"
        SENTENCED = "sentenced", "Sentenced"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="custody_episodes")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    prison = models.CharField(max_length=200)
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-started_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.prison} from {self.started_on}"


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
        except SupervisionConditions.DoesNotExist:
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


class LicenceCondition(models.TextChoices):
    """Standard licence conditions, given to everyone released on licence (002 §5: "standard licence
    conditions given to all offenders"), in the wording of the Licence Conditions Order."""

    GOOD_BEHAVIOUR = "good-behaviour", "Be of good behaviour and not behave in a way which undermines the purpose of the licence"
    NO_OFFENCE = "no-offence", "Not commit any offence"
    KEEP_IN_TOUCH = "keep-in-touch", "Keep in touch with the supervising officer as instructed"
    RECEIVE_VISITS = "receive-visits", "Receive visits from the supervising officer as instructed"
    RESIDE = "reside", "Reside permanently at an approved address and get prior permission for one or more nights away"
    WORK = "work", "Only undertake approved work and notify the supervising officer of changes"
    TRAVEL = "travel", "Not travel outside the United Kingdom, the Channel Islands or the Isle of Man without prior permission"


class AdditionalCondition(models.TextChoices):
    """Additional (discretionary) licence conditions "given to some" (002 §5), by the kinds of
    condition the Licence Conditions Order allows, and the drug-testing and drug-appointment
    conditions the Offender Rehabilitation Act 2014 added (002 §5)."""

    RESIDENCE = "residence", "Residence at a specified place"
    RESIDENCY_RESTRICTION = "residency-restriction", "Restriction of residency"
    CONTACT = "contact", "Making or maintaining contact with a person, or not contacting them"
    PROGRAMME = "programme", "Participation in, or co-operation with, a programme or set of activities"
    ITEMS = "items", "Possession, ownership, control or inspection of specified items or documents"
    DISCLOSURE = "disclosure", "Disclosure of information"
    CURFEW = "curfew", "Curfew arrangement"
    EXCLUSION = "exclusion", "Freedom of movement (exclusion zone)"
    SUPERVISION = "supervision", "Supervision in the community by another officer or organisation"
    CONDUCT = "conduct", "Restriction of specified conduct or acts"
    ELECTRONIC_MONITORING = "electronic-monitoring", "Electronic monitoring"
    DRUG_TESTING = "drug-testing", "Undertake drug testing (Class A or B drugs)"
    DRUG_APPOINTMENTS = "drug-appointments", "Attend, and stay for, drug appointments as directed"


class PssRequirement(models.TextChoices):
    """The requirements of post-sentence supervision, set by the governor of the releasing prison
    (002 §5, items 1-10). Additional licence conditions are not available for supervision."""

    GOOD_BEHAVIOUR = "good-behaviour", "Good behaviour"
    NO_OFFENCE = "no-offence", "Not commit any offence"
    KEEP_IN_TOUCH = "keep-in-touch", "Keep in touch"
    RECEIVE_VISITS = "receive-visits", "Receive visits"
    RESIDE = "reside", "Reside at approved address and get prior permission for one or more nights away"
    WORK = "work", "Only undertake approved work and notify of changes"
    TRAVEL = "travel", "Not to travel outside British Isles"
    ACTIVITIES = "activities", "Participate in activities as directed by a supervisor"
    DRUG_TESTING = "drug-testing", "Undertake drug testing"
    DRUG_APPOINTMENTS = "drug-appointments", "Attend drug appointments"


DRUG_TESTING = "drug-testing"
DRUG_CONDITIONS = frozenset({"drug-testing", "drug-appointments"})


class SupervisionConditions(models.Model):
    """The licence conditions and post-sentence supervision requirements of one sentence, as the
    governor of the releasing prison set them (002 §5). Changed only through
    ``services.conditions_set`` (optimistic locking on ``version``; every change audited)."""

    # The section of the record each field belongs to (issue 9; access.projection, ADR 0010).
    SECTIONS: ClassVar[dict[str, str]] = {"*": Section.JUSTICE}

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="supervision_conditions")
    sentence = models.OneToOneField(Sentence, on_delete=models.PROTECT, related_name="conditions")
    set_on = models.DateField(help_text="The date the governor set (or last varied) the conditions")
    licence_standard = models.JSONField(default=list, blank=True)
    licence_additional = models.JSONField(default=list, blank=True)
    additional_wording = models.TextField(blank=True, help_text="The wording of the additional licence conditions")
    pss_requirements = models.JSONField(default=list, blank=True)
    drug_test_criteria_met = models.BooleanField(
        default=False, help_text="Propensity to misuse Class A or B drugs that caused or contributed to offending (002 §5)"
    )
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "supervision conditions"

    def __str__(self) -> str:
        return f"Conditions of sentence {self.sentence_id}"

    def licence_standard_labels(self) -> list[str]:
        return [LicenceCondition(c).label for c in self.licence_standard if c in LicenceCondition.values]

    def licence_additional_labels(self) -> list[str]:
        return [AdditionalCondition(c).label for c in self.licence_additional if c in AdditionalCondition.values]

    def pss_labels(self) -> list[str]:
        return [PssRequirement(c).label for c in self.pss_requirements if c in PssRequirement.values]

    @property
    def all_standard(self) -> bool:
        return set(self.licence_standard) == set(LicenceCondition.values)


# Importable names for the API schema's ENUM_NAME_OVERRIDES (nested classes cannot be imported by path).
RecallKind = Recall.Kind
RecallType = Recall.Type
BreachOutcome = PssBreach.Outcome


class MappaCategory(models.TextChoices):
    """The MAPPA categories (000 §6.6.1: "violent offenders and registered sex offenders")."""

    SEXUAL = "1", "Category 1: registered sexual offender"
    VIOLENT = "2", "Category 2: violent offender"
    OTHER_DANGEROUS = "3", "Category 3: other dangerous offender"


MAPPA_LEVELS = [(1, "Level 1"), (2, "Level 2"), (3, "Level 3")]


class MappaManagement(models.Model):
    """A person's MAPPA management level from a date: the one record of it (ADR 0008). Seed 002 §4
    "MAPPA Cases": level 1 may be managed by IOM, level 2 may be dually managed (MAPPA holds the
    overarching responsibility), and 002 §2 requires deregistration at level 3 (not IOM-managed).

    The level on a day is the latest record from on or before that day; a record with no level says
    MAPPA management ended then. Rows are never edited: a change is a new row. Read by eligibility
    screening (``justice.selectors.screening_facts``) and the deregistration rules (``cohort.advice``).
    """

    # The section of the record each field belongs to (issue 9; access.projection, ADR 0010).
    AUDIT_TYPE = "mappa-level"  # the object_type of its audit events
    SECTIONS: ClassVar[dict[str, str]] = {"*": Section.JUSTICE}

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="mappa_records")
    level = models.PositiveSmallIntegerField("MAPPA level", null=True, blank=True, choices=MAPPA_LEVELS)
    category = models.CharField("MAPPA category", max_length=1, choices=MappaCategory.choices, blank=True)
    from_date = models.DateField("From")
    source = models.CharField("Decided at", max_length=200, blank=True, help_text="For example, the MAPPA meeting")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    recorded_by_name = models.CharField(max_length=200)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["from_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level__isnull=True) | models.Q(level__in=[1, 2, 3]), name="mappa_level_1_to_3_or_ended"
            ),
        ]

    def __str__(self) -> str:
        return f"MAPPA level {self.level} from {self.from_date}" if self.level else f"MAPPA management ended {self.from_date}"


# The screening table (ADR 0036) lives in its own module; imported here so Django registers it.
from iomhub.justice.screening_models import ScreeningPeriod, ScreeningRebuild  # noqa: E402, F401
