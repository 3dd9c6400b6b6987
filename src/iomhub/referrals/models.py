"""A referral into IOM, as the form in seed 002 appendix 2 asks for it, and the meeting's decision.

The referral keeps the identity as the referrer typed it (a partner may refer someone not yet on
IOM Hub); the person is linked when the referral is made from their record or when it is adopted
(after duplicate detection, ADR 0004).
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from iomhub.access.models import Section


class RagLevel(models.TextChoices):
    """002 appendix 1: Classification or RAG rating. The referring agency proposes the initial one
    and the chair sets it on adoption; the registration (``cohort``) keeps it and its changes. It
    lives here, the lowest app that names it (ADR 0032)."""

    RED_ALERT = "red-alert", "Red Alert (wanted for arrest)"
    RED = "red", "Red (catch and control)"
    AMBER = "amber", "Amber (reduce re-offending and rehabilitate)"
    GREEN = "green", "Green (monitor, maintain and rehabilitate)"
    PRISON = "prison", "Prison (in custody)"


class Pathway(models.TextChoices):
    """The pathways of 002 appendix 2 ("What are the risk factors on this individual's offending")."""

    ACCOMMODATION = "accommodation", "Accommodation"
    ETE = "ete", "Education, training and employment"
    HEALTH = "health", "Health"
    DRUGS_ALCOHOL = "drugs-alcohol", "Drugs and alcohol"
    FINANCE = "finance", "Finance, benefit and debt"
    CHILDREN_FAMILIES = "children-families", "Children and families"
    ATTITUDES = "attitudes", "Attitudes, thinking and behaviour"
    DOMESTIC_ABUSE = "domestic-abuse", "Domestic abuse"
    OTHER = "other", "Other"


class RiskLevel(models.TextChoices):
    """002 appendix 2: Red - significant, Amber - some impact, Green - little impact."""

    RED = "red", "Red (significant impact)"
    AMBER = "amber", "Amber (some impact)"
    GREEN = "green", "Green (little impact)"


class PriorityGroup(models.TextChoices):
    """The priority groups of 002 appendix 2, each answered Y/N."""

    CSE = "cse", "Child sexual exploitation"
    COUNTER_TERRORISM = "counter-terrorism", "Counter terrorism persons of interest"
    DOMESTIC_VIOLENCE = "domestic-violence", "Domestic violence perpetrators"
    GANGS = "gangs", "Gangs"
    MAPPA_1 = "mappa-1", "MAPPA 1"
    SERIOUS_ACQUISITIVE = "serious-acquisitive", "Serious and acquisitive crime"
    SERIOUS_ORGANISED = "serious-organised", "Serious and organised crime"


# 002 appendix 2, "Further considerations": the five screening questions, word for word.
SCREENING_QUESTIONS: tuple[tuple[str, str], ...] = (
    ("complex_needs", "Does the individual have multiple complex needs linked to reoffending?"),
    (
        "intelligence",
        "Will enhanced access to and monitoring of police intelligence support a reduction in reoffending "
        "(please consider the types of intelligence which would be most useful)?",
    ),
    ("multi_agency", "Multi-agency input is required to reduce reoffending and these arrangements are not in place elsewhere?"),
    ("pattern", "There is a pattern of regular reoffending, contact with the police or non-compliance?"),
    ("intensive_supervision", "How will this individual benefit from intensive supervision?"),
)


class Referral(models.Model):
    # The section of the record each field belongs to (issue 9; access.projection, ADR 0010).
    SECTIONS: ClassVar[dict[str, str]] = {
        "*": Section.PLAN,
        "first_name": Section.IDENTITY,
        "last_name": Section.IDENTITY,
        "date_of_birth": Section.IDENTITY,
        "sex": Section.IDENTITY,
        "urn": Section.IDENTITY,
        "pnc_id": Section.IDENTITY,
        "ni_number": Section.IDENTITY,
        "address": Section.CONTACT,
        "postcode": Section.CONTACT,
        "contact_numbers": Section.CONTACT,
        "email": Section.CONTACT,
        "warnings": Section.MARKERS,
        "ogrs_score": Section.JUSTICE,
        "ogrs_source": Section.JUSTICE,
        "licence_expiry": Section.JUSTICE,
        "sentence_expiry": Section.JUSTICE,
        "index_offences": Section.JUSTICE,
        "offending_history": Section.JUSTICE,
        "screening": Section.JUSTICE,
        "pathways": Section.ASSESSMENTS,
    }

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        ADOPTED = "adopted", "Adopted"
        REJECTED = "rejected", "Rejected"
        DEFERRED = "deferred", "Deferred"

    class OgrsSource(models.TextChoices):
        ENTERED = "entered", "Entered by the referrer"
        COMPUTED = "computed", "Computed by IOM Hub (OGRS3)"

    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True)
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="referrals")

    # Offender personal details
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    # Asked so that OGRS3 can be computed for the person once adopted (issue 18 §2): people.Sex.
    sex = models.CharField(max_length=10, blank=True)
    urn = models.CharField("URN", max_length=30, blank=True)
    pnc_id = models.CharField("PNC ID", max_length=13, blank=True)
    address = models.CharField(max_length=300, blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    contact_numbers = models.CharField(max_length=300, blank=True, help_text="Mobile (M), home (H), work (W) or other")
    email = models.EmailField(blank=True)
    ni_number = models.CharField("National Insurance number", max_length=9, blank=True)
    warnings = models.TextField("Warnings (PNC/Niche)", blank=True)

    # Referral details
    referring_organisation = models.ForeignKey("access.Organisation", on_delete=models.PROTECT, related_name="referrals")
    referred_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="referrals_made")
    contact = models.CharField("Referrer's contact details", max_length=300, blank=True)
    referral_date = models.DateField(null=True, blank=True)

    # Justification and reasons
    justification = models.TextField(blank=True)
    ogrs_score = models.PositiveSmallIntegerField("OGRS score", null=True, blank=True)
    ogrs_source = models.CharField(max_length=10, choices=OgrsSource.choices, blank=True)
    licence_expiry = models.DateField("Licence expiry date (LED)", null=True, blank=True)
    sentence_expiry = models.DateField("Sentence expiry date (SED)", null=True, blank=True)
    index_offences = models.TextField(blank=True)
    offending_history = models.TextField(blank=True)
    # 002 appendix 1: "The referring agency will identify the initial classification" (RagLevel);
    # the chair's adoption starts from it (issue 18 §2).
    proposed_rag = models.CharField("Proposed initial RAG classification", max_length=10, blank=True)

    # Scope for multi-agency intervention: [{"agency", "person", "contact"}]
    agencies = models.JSONField(default=list, blank=True)
    # Risk factors by pathway: {pathway: {"risk": red|amber|green, "needs": str, "actions": str}}
    pathways = models.JSONField(default=dict, blank=True)
    # Priority groups: {group: true|false}
    priority_groups = models.JSONField(default=dict, blank=True)
    threat_harm_risk = models.TextField("Threat, harm and risk assessment", blank=True)
    # The five screening questions: {key: answer}
    screening = models.JSONField(default=dict, blank=True)

    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)
    submitted_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Referral {self.pk}: {self.name}"

    @property
    def name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p) or "Name not given"


class Decision(models.Model):
    """The referral meeting's decision on one referral, recorded by its chair (002 §2)."""

    # The section of the record each field belongs to (issue 9; access.projection, ADR 0010).
    AUDIT_TYPE = "referral-decision"  # the object_type of its audit events
    SECTIONS: ClassVar[dict[str, str]] = {"*": Section.PLAN}

    class Outcome(models.TextChoices):
        ADOPT = "adopt", "Adopt onto IOM"
        REJECT = "reject", "Reject"
        DEFER = "defer", "Defer to a later meeting"

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="decisions")
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    reasons = models.TextField()
    meeting_date = models.DateField()
    chair = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="referral_decisions")
    chair_name = models.CharField(max_length=200, help_text="The chair's name as it stood when the decision was made")
    decided_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-decided_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} ({self.meeting_date})"


# Importable names for the API schema's ENUM_NAME_OVERRIDES (nested classes cannot be imported by path).
DecisionOutcome = Decision.Outcome
