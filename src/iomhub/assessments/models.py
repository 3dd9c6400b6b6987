"""The health and substance-misuse instruments of a person's case (issue 12 part 1, ADR 0027).

Every field of every model here belongs to the health section (health and substance misuse, special
category data): ``SECTIONS = {"*": Section.HEALTH}``, so a reader without it sees none of it, nor
anything derived from it (a score, a zone, "MARAC referral made"). The results are worked out by the
pure rules (``iomhub.rules.alcohol``, ``iomhub.rules.dash``, ``iomhub.rules.top``) when the record
is saved and stored beside the answers they came from.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from iomhub.access.models import Section
from iomhub.crypto.fields import EncryptedCharField, EncryptedTextField


class Recorded(models.Model):
    """Who recorded it and when (kept by name too, as the other apps do)."""

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_by_name = models.CharField(max_length=200)
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        abstract = True


class Instrument(models.TextChoices):
    AUDIT_C = "audit-c", "AUDIT-C"
    AUDIT = "audit", "AUDIT"


class Session(models.TextChoices):
    FIRST = "first", "First session"
    REVIEW = "review", "Another session"
    FINAL = "final", "Final session"


class Zone(models.TextChoices):
    LOWER = "lower-risk", "Lower risk"
    INCREASING_OR_HIGHER = "increasing-or-higher-risk", "Increasing or higher risk"
    INCREASING = "increasing-risk", "Increasing risk (hazardous)"
    HIGHER = "higher-risk", "Higher risk (harmful)"
    DEPENDENCE = "possible-dependence", "Possible dependence"


class AlcoholScreening(Recorded):
    """An AUDIT-C or full AUDIT (000 §6.3.2, appendices 2-3), with the units drunk in the last week
    (asked at the first and final sessions so the change can be measured)."""

    AUDIT_TYPE = "alcohol-screening"
    SECTIONS: ClassVar[dict[str, str]] = {"*": Section.HEALTH}

    instrument = models.CharField(max_length=10, choices=Instrument.choices)
    screened_on = models.DateField()
    session = models.CharField(max_length=10, choices=Session.choices)
    answers = models.JSONField()  # the scores of the questions asked, in order (3 or 10)
    units_last_week = models.PositiveIntegerField(null=True, blank=True)
    score = models.PositiveSmallIntegerField()
    zone = models.CharField(max_length=30, choices=Zone.choices)
    brief_advice = models.BooleanField()
    refer_specialist = models.BooleanField()
    full_audit_advised = models.BooleanField()
    follows = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="followed_by")
    notes = EncryptedTextField(blank=True)  # ADR 0039

    class Meta:
        ordering = ["-screened_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_instrument_display()} of {self.screened_on}"


class Referral(models.TextChoices):
    NONE = "none", "No referral"
    TREATMENT = "treatment", "Specialist alcohol treatment"
    GP = "gp", "GP"
    BOTH = "both", "Specialist alcohol treatment and GP"


FRAMES = (
    ("feedback", "Feedback on their risk"),
    ("responsibility", "Responsibility for change is theirs"),
    ("advice", "Advice to cut down"),
    ("menu", "Menu of options"),
    ("empathy", "Empathy"),
    ("self_efficacy", "Self-efficacy: optimism about change"),
)


class BriefAdvice(Recorded):
    """Brief advice based on FRAMES (000 §6.3.1): what was covered, goals, leaflet, referral."""

    AUDIT_TYPE = "brief-advice"
    SECTIONS: ClassVar[dict[str, str]] = {"*": Section.HEALTH}

    given_on = models.DateField()
    screening = models.ForeignKey(AlcoholScreening, null=True, blank=True, on_delete=models.SET_NULL, related_name="advice")
    frames = models.JSONField()  # the FRAMES elements covered, by key
    goals = EncryptedTextField(blank=True)
    leaflet_given = models.BooleanField()
    referral = models.CharField(max_length=10, choices=Referral.choices)
    duration_minutes = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["-given_on", "-pk"]

    def __str__(self) -> str:
        return f"Brief advice of {self.given_on}"


class DashChecklist(Recorded):
    """The SafeLives DASH risk identification checklist, 24 questions (000 §6.6.2-6.7), and whether
    the MARAC referral criteria are met (``iomhub.rules.dash``)."""

    AUDIT_TYPE = "dash-checklist"
    SECTIONS: ClassVar[dict[str, str]] = {"*": Section.HEALTH}

    completed_on = models.DateField()
    answers = models.JSONField()  # 24 of "yes", "no", "not-known"
    professional_judgement = models.BooleanField()
    judgement_reasons = EncryptedTextField(blank=True)
    incidents_last_12_months = models.PositiveSmallIntegerField()
    escalation_threshold = models.PositiveSmallIntegerField()
    repeat = models.BooleanField()  # a MARAC referral in the 12 months before (worked out, not asked)
    yes_count = models.PositiveSmallIntegerField()
    high_risk = models.BooleanField()
    refer_to_marac = models.BooleanField()
    reasons = models.JSONField()  # iomhub.rules.dash reasons

    class Meta:
        ordering = ["-completed_on", "-pk"]

    def __str__(self) -> str:
        return f"DASH of {self.completed_on}"


class MaracReferral(Recorded):
    """The referral to MARAC made after a DASH: it flags the case for the MARAC link (000 §6.6.2)."""

    AUDIT_TYPE = "marac-referral"
    SECTIONS: ClassVar[dict[str, str]] = {"*": Section.HEALTH}

    checklist = models.OneToOneField(DashChecklist, on_delete=models.CASCADE, related_name="marac_referral")
    referred_on = models.DateField()
    marac = models.CharField(max_length=200)  # which MARAC (area)
    notes = EncryptedTextField(blank=True)

    class Meta:
        ordering = ["-referred_on", "-pk"]

    def __str__(self) -> str:
        return f"MARAC referral of {self.referred_on}"


class Stage(models.TextChoices):
    START = "start", "Start of treatment"
    REVIEW = "review", "Review"
    EXIT = "exit", "Exit"


class TreatmentOutcomesProfile(Recorded):
    """A Treatment Outcomes Profile (000 §4.9.3, §9.2): the last 28 days, at start, reviews, exit.
    The measures are ``iomhub.rules.top.MEASURES`` (a test checks the columns match)."""

    AUDIT_TYPE = "treatment-outcomes-profile"
    SECTIONS: ClassVar[dict[str, str]] = {"*": Section.HEALTH}

    completed_on = models.DateField()
    stage = models.CharField(max_length=10, choices=Stage.choices)
    alcohol_days = models.PositiveSmallIntegerField()
    alcohol_units = models.PositiveSmallIntegerField(null=True, blank=True)
    opiates_days = models.PositiveSmallIntegerField()
    crack_days = models.PositiveSmallIntegerField()
    cocaine_days = models.PositiveSmallIntegerField()
    amphetamines_days = models.PositiveSmallIntegerField()
    cannabis_days = models.PositiveSmallIntegerField()
    other_drug_days = models.PositiveSmallIntegerField()
    other_drug = EncryptedCharField(max_length=200, blank=True)
    injecting_days = models.PositiveSmallIntegerField()
    shared_needles = models.BooleanField()
    shared_paraphernalia = models.BooleanField()
    shoplifting_days = models.PositiveSmallIntegerField()
    selling_drugs_days = models.PositiveSmallIntegerField()
    theft_days = models.PositiveSmallIntegerField()
    assault = models.BooleanField()
    psychological_health = models.PositiveSmallIntegerField()
    physical_health = models.PositiveSmallIntegerField()
    quality_of_life = models.PositiveSmallIntegerField()
    paid_work_days = models.PositiveSmallIntegerField()
    education_days = models.PositiveSmallIntegerField()
    acute_housing_problem = models.BooleanField()
    eviction_risk = models.BooleanField()
    notes = EncryptedTextField(blank=True)

    class Meta:
        ordering = ["-completed_on", "-pk"]

    def __str__(self) -> str:
        return f"Treatment Outcomes Profile of {self.completed_on}"
