"""Managing a case (issue 6): the agencies involved and their named contacts, the lead worker and
coordinator, safeguarding and parental status, pathway needs assessments, the risk management plan
and the timeline of contacts and events.

The access policy reads ``AgencyInvolvement``: a partner worker sees a person only while their
organisation is involved (002 §3: every involved agency is recorded).
"""

from __future__ import annotations

import re
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from iomhub.access.models import Section
from iomhub.crypto.fields import EncryptedCharField, EncryptedTextField

# Organisations whose involvement in a case itself says something about the person's health or
# substance misuse (a drug treatment service, a mental health trust): their involvement, contacts and
# role belong to the health section, not the plan (issue 9 finding 9).
HEALTH_AGENCY_KINDS = frozenset({"health", "mental-health", "treatment"})


def agency_section(kind: str) -> str:
    """The section an agency's part in a case belongs to, by the agency's kind: its involvement, and
    every action given to it (ADR 0010 §3, 0029): health for a health, mental-health or treatment
    agency, else the plan. ``health_agency`` is the same rule as a database filter."""
    return Section.HEALTH if kind in HEALTH_AGENCY_KINDS else Section.PLAN


def health_agency(prefix: str = "") -> models.Q:
    """``agency_section(kind) == health`` as a filter on the organisation at ``prefix`` (e.g.
    ``"agency__"`` for a plan action's)."""
    return models.Q(**{f"{prefix}kind__in": sorted(HEALTH_AGENCY_KINDS)})


class AgencyInvolvement(models.Model):
    # The section of the record each field belongs to (issue 9; access.projection, ADR 0010).
    AUDIT_TYPE = "agency-involvement"  # the object_type of its audit events
    SECTIONS: ClassVar[dict[str, str]] = {"*": Section.PLAN}
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="involvements")
    organisation = models.ForeignKey("access.Organisation", on_delete=models.PROTECT, related_name="involvements")
    started_on = models.DateField(default=timezone.localdate)
    ended_on = models.DateField(null=True, blank=True)
    # Why the agency's involvement ended (ended by hand, deregistration, transfer out); its partner
    # workers lose the person the moment it ends (issue 9 §3).
    end_reason = models.CharField(max_length=500, blank=True)
    role_in_case = models.CharField(max_length=100, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "organisation"], condition=models.Q(ended_on__isnull=True), name="one_open_involvement_per_agency"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} in case of person {self.person_id}"

    @property
    def section(self) -> str:
        """The section this involvement (with its contacts and role) belongs to."""
        return agency_section(self.organisation.kind)


class AgencyContact(models.Model):
    """A named contact at an involved agency (issue 6 §1)."""

    # The section of the record each field belongs to (issue 9; access.projection, ADR 0010).
    AUDIT_TYPE = "agency-contact"  # the object_type of its audit events
    SECTIONS: ClassVar[dict[str, str]] = {"*": Section.PLAN}

    involvement = models.ForeignKey(AgencyInvolvement, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=200)
    job_title = models.CharField(max_length=200, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class ParentalStatus(models.TextChoices):
    """The NDTMS parental status categories (000 §7.2.1 names NDTMS)."""

    ALL_CHILDREN_LIVE_WITH = "all-live-with", "Parent: all the children live with them"
    SOME_CHILDREN_LIVE_WITH = "some-live-with", "Parent: some of the children live with them"
    NO_CHILDREN_LIVE_WITH = "none-live-with", "Parent: none of the children live with them"
    NOT_A_PARENT = "not-a-parent", "Not a parent"
    DECLINED = "declined", "Declined to answer"


class LivesWithChildren(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    DECLINED = "declined", "Declined to answer"


class Safeguarding(models.TextChoices):
    NONE_KNOWN = "none-known", "No safeguarding concerns known"
    CONCERN = "concern", "Concern raised, being assessed"
    EARLY_HELP = "early-help", "Early help or CAF in place"
    CHILD_IN_NEED = "child-in-need", "Child in need plan"
    CHILD_PROTECTION = "child-protection", "Child protection plan"
    LOOKED_AFTER = "looked-after", "Child looked after by the local authority"


class CaseRecord(models.Model):
    """One per person: who is on the case and the mandatory safeguarding fields (000 §7.2)."""

    # The section of the record each field belongs to (issue 9; access.projection, ADR 0010).
    AUDIT_TYPE = "case"  # the object_type of its audit events
    SECTIONS: ClassVar[dict[str, str]] = {
        "*": Section.PLAN,
        "parental_status": Section.SAFEGUARDING,
        "lives_with_children": Section.SAFEGUARDING,
        "safeguarding": Section.SAFEGUARDING,
        "safeguarding_notes": Section.SAFEGUARDING,
    }

    person = models.OneToOneField("people.Person", on_delete=models.CASCADE, related_name="case_record")
    lead_worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="cases_led")
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="cases_coordinated"
    )
    parental_status = models.CharField(max_length=20, choices=ParentalStatus.choices, blank=True)
    lives_with_children = models.CharField(
        "Lives in a household with children", max_length=10, choices=LivesWithChildren.choices, blank=True
    )
    safeguarding = models.CharField(max_length=20, choices=Safeguarding.choices, blank=True)
    safeguarding_notes = EncryptedTextField(blank=True)  # ADR 0039
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(default=timezone.now)

    SAFEGUARDING_FIELDS = ("parental_status", "lives_with_children", "safeguarding")

    def __str__(self) -> str:
        return f"Case of person {self.person_id}"

    @property
    def safeguarding_complete(self) -> bool:
        return all(getattr(self, name) for name in self.SAFEGUARDING_FIELDS)


_USERNAME = re.compile(r" \([^()]*\)$")


class CaseChange(models.Model):
    """History of who is on the case and of the safeguarding fields: who, when, why."""

    # The section of the record each field belongs to (issue 9; access.projection, ADR 0010).
    SECTIONS: ClassVar[dict[str, str]] = {"*": Section.PLAN}

    case = models.ForeignKey(CaseRecord, on_delete=models.CASCADE, related_name="changes")
    field = models.CharField(max_length=40)
    old_value = EncryptedCharField(max_length=200, blank=True)  # safeguarding notes among them (ADR 0039)
    new_value = EncryptedCharField(max_length=200, blank=True)
    reason = models.TextField(blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.field}: {self.old_value} -> {self.new_value}"

    @property
    def description(self) -> str:
        """The change in words (issue 18 §6: "leadworker (none) → …" reached users): "Lead worker
        changed from Sam Taylor to Alex Jones", "Case coordinator allocated: Alex Jones",
        "Safeguarding notes updated"."""
        label, choices = CASE_CHANGE_FIELDS.get(self.field, (self.field.replace("_", " ").capitalize(), None))
        if self.field == "safeguarding_notes":
            return f"{label} {'updated' if self.new_value else 'removed'}"

        def shown(value: str) -> str:
            if choices is not None:
                return str(dict(choices.choices).get(value, value))
            return _USERNAME.sub("", value)  # "Sam Taylor (sam.taylor)": the name people know

        if not self.old_value:
            return f"{label} {'allocated' if choices is None else 'recorded'}: {shown(self.new_value)}"
        if not self.new_value:
            return f"{label} removed (was {shown(self.old_value)})"
        return f"{label} changed from {shown(self.old_value)} to {shown(self.new_value)}"


# What each field of the case's history is called, and its choices where it has them.
CASE_CHANGE_FIELDS: dict[str, tuple[str, type[models.TextChoices] | None]] = {
    "lead_worker": ("Lead worker", None),
    "coordinator": ("Case coordinator", None),
    "parental_status": ("Parental status", ParentalStatus),
    "lives_with_children": ("Lives in a household with children", LivesWithChildren),
    "safeguarding": ("Safeguarding", Safeguarding),
    "safeguarding_notes": ("Safeguarding notes", None),
}


class PathwayRag(models.TextChoices):
    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"


RAG_SCORE = {PathwayRag.RED: 3, PathwayRag.AMBER: 2, PathwayRag.GREEN: 1}


class PathwayAssessment(models.Model):
    """A needs assessment across the nine pathways of the referral form; repeated over time."""

    # The section of the record each field belongs to (issue 9; access.projection, ADR 0010).
    AUDIT_TYPE = "pathway-assessment"  # the object_type of its audit events
    SECTIONS: ClassVar[dict[str, str]] = {"*": Section.ASSESSMENTS}

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="pathway_assessments")
    assessed_on = models.DateField()
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assessed_by_name = models.CharField(max_length=200)
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-assessed_on", "-pk"]

    def __str__(self) -> str:
        return f"Pathway assessment of {self.assessed_on}"


class PathwayNeed(models.Model):
    # The section of the record each field belongs to (issue 9; access.projection, ADR 0010).
    SECTIONS: ClassVar[dict[str, str]] = {"*": Section.ASSESSMENTS}
    assessment = models.ForeignKey(PathwayAssessment, on_delete=models.CASCADE, related_name="needs")
    pathway = models.CharField(max_length=20)  # iomhub.referrals.models.Pathway
    rag = models.CharField("RAG rating", max_length=10, choices=PathwayRag.choices)
    needs = models.TextField(blank=True)
    actions = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["assessment", "pathway"], name="one_rating_per_pathway")]

    def __str__(self) -> str:
        return f"{self.pathway}: {self.rag}"


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    CARRIED_OVER = "carried-over", "Carried over"
    CANCELLED = "cancelled", "Cancelled"


OPEN_STATUSES = (ActionStatus.OPEN, ActionStatus.CARRIED_OVER)


class PlanAction(models.Model):
    """An action of the risk management plan (002 §2, 000 §5.6)."""

    # The section of the record each field belongs to (issue 9; access.projection, ADR 0010); an
    # action given to a health agency is health as well, row by row (``sections``).
    AUDIT_TYPE = "plan-action"  # the object_type of its audit events
    SECTIONS: ClassVar[dict[str, str]] = {"*": Section.PLAN}

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="plan_actions")
    description = models.TextField()
    pathway = models.CharField(max_length=20, blank=True)
    need = models.ForeignKey(PathwayNeed, on_delete=models.SET_NULL, null=True, blank=True, related_name="plan_actions")
    sentence_plan = models.BooleanField("Part of the sentence plan", default=False)
    agency = models.ForeignKey("access.Organisation", on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="plan_actions")
    owner_name = models.CharField("Person responsible", max_length=200)
    due_on = models.DateField()
    status = models.CharField(max_length=20, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.description[:60]

    @property
    def sections(self) -> frozenset[str]:
        """The sections a reader needs to see this action: the plan, and for an action given to a
        health, mental-health or treatment agency the health section too, as that agency's
        involvement is (``agency_section``; an action names its agency). Its owner sees it whatever
        these are (``casework.selectors.plan_action_shown``)."""
        return frozenset({Section.PLAN, agency_section(self.agency.kind)})


class PlanActionChange(models.Model):
    # The section of the record each field belongs to (issue 9; access.projection, ADR 0010).
    SECTIONS: ClassVar[dict[str, str]] = {"*": Section.PLAN}
    action = models.ForeignKey(PlanAction, on_delete=models.CASCADE, related_name="history")
    status = models.CharField(max_length=20, choices=ActionStatus.choices)
    due_on = models.DateField()
    note = models.TextField(blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.status} on {self.changed_at:%Y-%m-%d}"


class EntryKind(models.TextChoices):
    HOME_VISIT = "home-visit", "Home visit"
    OFFICE = "office-appointment", "Office appointment"
    PHONE = "phone", "Phone call"
    TEXT = "text", "Text message"
    LETTER = "letter", "Letter"
    PRISON_VISIT = "prison-visit", "Prison visit"
    JOINT_VISIT = "joint-visit", "Joint visit"
    INTELLIGENCE = "intelligence", "Intelligence note"
    DRUG_TEST = "drug-test", "Drug test"
    ASSESSMENT = "assessment", "Assessment"
    INTERVENTION = "intervention", "Intervention"
    REFERRAL = "referral", "Referral to another service"
    OUTREACH = "outreach", "Outreach attempt"


class EntryOutcome(models.TextChoices):
    BOOKED = "booked", "Booked"
    ATTENDED = "attended", "Attended"
    NO_REPLY = "no-reply", "No reply"
    REFUSED = "refused", "Refused"
    FAILED = "failed-to-attend", "Failed to attend"
    REARRANGED = "rearranged", "Rearranged"
    DONE = "done", "Done"


# Which outcomes each kind may have (issue 6 §5); kinds not named take "done" (or "booked" ahead).
KIND_OUTCOMES: dict[str, tuple[str, ...]] = {
    EntryKind.HOME_VISIT: (EntryOutcome.BOOKED, EntryOutcome.ATTENDED, EntryOutcome.NO_REPLY, EntryOutcome.REFUSED),
    EntryKind.OFFICE: (EntryOutcome.BOOKED, EntryOutcome.ATTENDED, EntryOutcome.FAILED, EntryOutcome.REARRANGED),
    EntryKind.PRISON_VISIT: (EntryOutcome.BOOKED, EntryOutcome.ATTENDED, EntryOutcome.REFUSED),
    EntryKind.JOINT_VISIT: (EntryOutcome.BOOKED, EntryOutcome.ATTENDED, EntryOutcome.NO_REPLY, EntryOutcome.REFUSED),
    EntryKind.OUTREACH: (EntryOutcome.ATTENDED, EntryOutcome.NO_REPLY, EntryOutcome.REFUSED),
}
APPOINTMENT_KINDS = (EntryKind.HOME_VISIT, EntryKind.OFFICE, EntryKind.PRISON_VISIT, EntryKind.JOINT_VISIT)


class DrugResult(models.TextChoices):
    NEGATIVE = "negative", "Negative"
    POSITIVE = "positive", "Positive"
    REFUSED = "refused", "Refused the test"


class Substance(models.TextChoices):
    OPIATES = "opiates", "Opiates"
    COCAINE = "cocaine", "Cocaine (including crack)"
    AMPHETAMINES = "amphetamines", "Amphetamines"
    BENZODIAZEPINES = "benzodiazepines", "Benzodiazepines"
    CANNABIS = "cannabis", "Cannabis"
    METHADONE = "methadone", "Methadone"
    BUPRENORPHINE = "buprenorphine", "Buprenorphine"
    SPICE = "spice", "Synthetic cannabinoids (spice)"
    ALCOHOL = "alcohol", "Alcohol"


class TimelineEntry(models.Model):
    """A contact or event on the case, or an appointment booked ahead (issue 6 §5, 000 §6.5)."""

    # The section of the record each field belongs to (issue 9; access.projection, ADR 0010).
    AUDIT_TYPE = "timeline-entry"  # the object_type of its audit events
    SECTIONS: ClassVar[dict[str, str]] = {
        "*": Section.TIMELINE,
        "substances_tested": Section.HEALTH,
        "drug_result": Section.HEALTH,
        "positive_for": Section.HEALTH,
    }

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="timeline_entries")
    kind = models.CharField(max_length=30, choices=EntryKind.choices)
    outcome = models.CharField(max_length=20, choices=EntryOutcome.choices, default=EntryOutcome.DONE)
    occurred_on = models.DateField("Date")
    summary = models.TextField(blank=True)
    organisation = models.ForeignKey("access.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    substances_tested = models.JSONField(default=list, blank=True)
    drug_result = models.CharField(max_length=10, choices=DrugResult.choices, blank=True)
    positive_for = models.JSONField(default=list, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_by_name = models.CharField(max_length=200)
    # 002 appendix 2's contact log: "Date | Force Number | Contact Log | Outcome" (issue 18 §6).
    force_number = models.CharField("Officer's force number", max_length=20, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-occurred_on", "-pk"]
        indexes = [models.Index(fields=["person", "kind", "occurred_on"])]
        verbose_name_plural = "timeline entries"  # Django's default adds an s: "timeline entrys"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.occurred_on}"
