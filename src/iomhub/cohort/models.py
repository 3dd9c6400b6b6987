"""IOM registrations: who is on the scheme, from when, at what RAG level, with which flags, and the
administration checklist of adoption (002 appendix 2 "Administration"). Registrations are never
edited away: re-registration after deregistration is a new row (issue 5 §6, history)."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from iomhub.access.models import Section
from iomhub.referrals.models import RagLevel


class ChecklistItem(models.TextChoices):
    """002 appendix 2, Administration: the actions that follow adoption, each with date and by whom."""

    NOMINATED = "nominated", "Nominated to IOM conference"
    OFFENDER_NOTIFIED = "offender-notified", "Offender notified"
    POLICE_MARKERS = "police-markers", "Police system (Niche) updated with IOM and interested-party markers"
    PNC_MARKER = "pnc-marker", "PNC updated with marker"
    SOCIAL_SERVICES = "social-services", "Social services notified (if applicable)"


class Registration(models.Model):
    # The section of the record each field belongs to (issue 9; access.projection, ADR 0010).
    SECTIONS: ClassVar[dict[str, str]] = {"*": Section.PLAN}
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="registrations")
    referral = models.OneToOneField("referrals.Referral", on_delete=models.PROTECT, null=True, blank=True, related_name="registration")
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.TextField(blank=True)
    rag = models.CharField("RAG level", max_length=10, choices=RagLevel.choices)
    neighbourhood_crime = models.BooleanField("Neighbourhood crime cohort", default=False)
    domestic_abuse = models.BooleanField("Domestic abuse", default=False)
    ppo = models.BooleanField("Prolific and priority offender (PPO)", default=False)
    strand = models.CharField(max_length=100, blank=True, help_text="Local strand, e.g. fixed, flex or free")
    # Set when the case came in from another area: Red for its first 8 weeks, then reviewed (002 §4).
    transferred_in_on = models.DateField(null=True, blank=True)
    # A fact the deregistration rules need that no other record holds (002 §2). The MAPPA level is
    # the person's, on the justice record (``justice.MappaManagement``, ADR 0008).
    other_forum = models.CharField(
        "Risk managed in another forum", max_length=200, blank=True, help_text="For example, MAPPA level 2 panel or MARAC"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-started_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["person"], condition=models.Q(ended_on__isnull=True), name="one_open_registration_per_person"),
        ]

    def __str__(self) -> str:
        return f"IOM registration of person {self.person_id} from {self.started_on}"

    @property
    def is_current(self) -> bool:
        return self.ended_on is None

    @property
    def latest_change(self) -> RagChange | None:
        """The last step of the RAG history (uses the prefetched history when there is one)."""
        history = list(self.rag_history.all())
        return history[-1] if history else None


class RagChange(models.Model):
    """One step in a registration's RAG history (the initial classification is the first)."""

    # The section of the record each field belongs to (issue 9; access.projection, ADR 0010).
    SECTIONS: ClassVar[dict[str, str]] = {"*": Section.PLAN}

    registration = models.ForeignKey(Registration, on_delete=models.PROTECT, related_name="rag_history")
    level = models.CharField(max_length=10, choices=RagLevel.choices)
    changed_on = models.DateField()
    reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_by_name = models.CharField(max_length=200)
    meeting = models.CharField("At which meeting", max_length=200, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["changed_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_level_display()} from {self.changed_on}"


class ChecklistTick(models.Model):
    """One item of a checklist (adoption's administration, or removal): done on a date by someone,
    or marked not applicable. Shared by the adoption and removal checklists."""

    done_on = models.DateField(null=True, blank=True)
    done_by = models.CharField("By whom", max_length=200, blank=True)
    not_applicable = models.BooleanField(default=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["id"]

    def __str__(self) -> str:
        return self.get_item_display()  # type: ignore[attr-defined, no-any-return]

    @property
    def outstanding(self) -> bool:
        return self.done_on is None and not self.not_applicable

    def state(self) -> dict[str, object]:
        return {"done_on": self.done_on, "done_by": self.done_by, "not_applicable": self.not_applicable}


class ChecklistEntry(ChecklistTick):
    # The section of the record each field belongs to (issue 9; access.projection, ADR 0010).
    AUDIT_TYPE = "registration-checklist"  # the object_type of its audit events
    SECTIONS: ClassVar[dict[str, str]] = {"*": Section.PLAN}
    registration = models.ForeignKey(Registration, on_delete=models.PROTECT, related_name="checklist")
    item = models.CharField(max_length=20, choices=ChecklistItem.choices)

    class Meta(ChecklistTick.Meta):
        constraints = [models.UniqueConstraint(fields=["registration", "item"], name="one_checklist_entry_per_item")]


class Review(models.Model):
    """A review of a registration at a meeting: retain or drop, with the justification (002 appendix
    2, "Review: Date, Retain/Drop, Justification"; 000 §5.7, §6.4; 002 §2)."""

    # The section of the record each field belongs to (issue 9; access.projection, ADR 0010).
    AUDIT_TYPE = "registration-review"  # the object_type of its audit events
    SECTIONS: ClassVar[dict[str, str]] = {"*": Section.PLAN}

    class Outcome(models.TextChoices):
        RETAIN = "retain", "Retain on IOM"
        DROP = "drop", "Drop: consider deregistration"

    registration = models.ForeignKey(Registration, on_delete=models.PROTECT, related_name="reviews")
    reviewed_on = models.DateField()
    meeting = models.CharField("At which meeting", max_length=200, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    notes = models.TextField("Justification")
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reviewed_by_name = models.CharField(max_length=200)
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-reviewed_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["registration", "reviewed_on"], name="one_review_per_registration_per_day")]

    def __str__(self) -> str:
        return f"Review on {self.reviewed_on}: {self.get_outcome_display()}"


class RemovalItem(models.TextChoices):
    """002 appendix 2, "Removal from IOM": the actions after the conference approves removal."""

    OFFENDER_NOTIFIED = "offender-notified", "Offender notified"
    POLICE_MARKERS = "police-markers", "Police system (Niche) updated removing IOM and interested-party markers"
    PNC_MARKER = "pnc-marker", "PNC updated with removal of marker"
    SOCIAL_SERVICES = "social-services", "Social services notified (if applicable)"


class Deregistration(models.Model):
    """The chair's approval of removal from IOM (002 §2, appendix 2): reasons, the exit plan and who
    keeps supporting the person. It ends the registration, which is never deleted."""

    # The section of the record each field belongs to (issue 9; access.projection, ADR 0010).
    SECTIONS: ClassVar[dict[str, str]] = {"*": Section.PLAN}

    registration = models.OneToOneField(Registration, on_delete=models.PROTECT, related_name="deregistration")
    approved_on = models.DateField()
    meeting = models.CharField("At which meeting", max_length=200, blank=True)
    reasons = models.TextField()
    exit_plan = models.TextField()
    supported_by = models.CharField("Who keeps supporting the person", max_length=200)
    required_by = models.JSONField(default=list, blank=True, help_text="The rules that required deregistration when approved")
    suggested_by = models.JSONField(default=list, blank=True, help_text="The rules that suggested it when approved")
    exceptional = models.BooleanField(default=False, help_text="Before six months on the scheme for another reason")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approved_by_name = models.CharField(max_length=200)
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    def __str__(self) -> str:
        return f"Deregistration approved {self.approved_on}"


class RemovalEntry(ChecklistTick):
    # The section of the record each field belongs to (issue 9; access.projection, ADR 0010).
    AUDIT_TYPE = "removal-checklist"  # the object_type of its audit events
    SECTIONS: ClassVar[dict[str, str]] = {"*": Section.PLAN}
    deregistration = models.ForeignKey(Deregistration, on_delete=models.PROTECT, related_name="checklist")
    item = models.CharField(max_length=20, choices=RemovalItem.choices)

    class Meta(ChecklistTick.Meta):
        constraints = [models.UniqueConstraint(fields=["deregistration", "item"], name="one_removal_entry_per_item")]


class TransferKind(models.TextChoices):
    INTERNAL = "internal", "Internal: to another local team in the partnership"
    EXTERNAL_IN = "external-in", "External transfer in: from another area"
    EXTERNAL_OUT = "external-out", "External transfer out: to another area"


class TransferStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    ACCEPTED = "accepted", "Accepted by the receiving meeting"
    COMPLETED = "completed", "Completed: deselected at the sending end"
    REJECTED = "rejected", "Not accepted"
    WITHDRAWN = "withdrawn", "Withdrawn"


OPEN_TRANSFER = [TransferStatus.PROPOSED, TransferStatus.ACCEPTED]
_accepted = models.Q(status__in=[TransferStatus.ACCEPTED, TransferStatus.COMPLETED])


class Transfer(models.Model):
    """A case moving between local teams or areas, step by step as 002 §4 sets out.

    Where the case is: before completion, at the sending end (the registration's team, or the other
    area for a transfer in); on completion, in one step, at the receiving end (internal: the
    person's managing team changes; out: the registration ends; in: a registration starts on the
    day the sending area deselected). So it is never in two places or none.
    """

    # The section of the record each field belongs to (issue 9; access.projection, ADR 0010).
    SECTIONS: ClassVar[dict[str, str]] = {
        "*": Section.PLAN,
        "proposed_address": Section.CONTACT,
        "index_offence": Section.JUSTICE,
        "offending_history": Section.JUSTICE,
        "safeguarding": Section.SAFEGUARDING,
        "risk_factors": Section.SAFEGUARDING,
    }

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="transfers")
    kind = models.CharField(max_length=12, choices=TransferKind.choices)
    status = models.CharField(max_length=10, choices=TransferStatus.choices, default=TransferStatus.PROPOSED)
    # The sending registration (internal, out) or, on completion, the new one (in).
    registration = models.ForeignKey(Registration, on_delete=models.PROTECT, null=True, blank=True, related_name="transfers")
    from_team = models.ForeignKey("access.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    to_team = models.ForeignKey("access.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    other_area = models.CharField("Other area", max_length=200, blank=True)
    proposed_on = models.DateField()
    # The information pack (002 §4).
    proposed_address = models.TextField()
    index_offence = models.TextField()
    offending_history = models.TextField()
    risk_factors = models.TextField()
    safeguarding = models.TextField("Safeguarding concerns")
    # The joint police and probation home visit to assess the address.
    home_visit_on = models.DateField(null=True, blank=True)
    home_visit_police = models.CharField("Police officer on the visit", max_length=200, blank=True)
    home_visit_probation = models.CharField("Probation officer on the visit", max_length=200, blank=True)
    address_suitable = models.BooleanField(null=True, blank=True)
    home_visit_notes = models.TextField(blank=True)
    # The receiving scheme's named single point of contact.
    spoc_name = models.CharField("Named SPOC", max_length=200, blank=True)
    spoc_contact = models.CharField("SPOC contact details", max_length=200, blank=True)
    # The receiving meeting's decision.
    decided_on = models.DateField(null=True, blank=True)
    decision_meeting = models.CharField("At which meeting", max_length=200, blank=True)
    decision_notes = models.TextField(blank=True)
    decided_by_name = models.CharField(max_length=200, blank=True)
    # Deselection at the sending end: the day the case moves.
    deselected_on = models.DateField(null=True, blank=True)
    deselected_by_name = models.CharField(max_length=200, blank=True)
    closed_reason = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-proposed_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["person"], condition=models.Q(status__in=OPEN_TRANSFER), name="one_open_transfer_per_person"),
            models.CheckConstraint(
                condition=~models.Q(kind=TransferKind.INTERNAL)
                | (
                    models.Q(from_team__isnull=False, to_team__isnull=False, registration__isnull=False, other_area="")
                    & ~models.Q(from_team=models.F("to_team"))
                ),
                name="internal_transfer_between_two_teams",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind=TransferKind.EXTERNAL_OUT) | (models.Q(registration__isnull=False) & ~models.Q(other_area="")),
                name="transfer_out_names_registration_and_area",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind=TransferKind.EXTERNAL_IN) | ~models.Q(other_area=""),
                name="transfer_in_names_area",
            ),
            models.CheckConstraint(
                condition=~_accepted | (models.Q(decided_on__isnull=False, address_suitable=True) & ~models.Q(spoc_name="")),
                name="accepted_transfer_has_visit_spoc_and_decision",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=TransferStatus.COMPLETED)
                | models.Q(deselected_on__isnull=False, registration__isnull=False, deselected_on__gte=models.F("decided_on")),
                name="completed_transfer_deselected_after_acceptance",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_TRANSFER

    @property
    def sending_end(self) -> str:
        if self.kind == TransferKind.EXTERNAL_IN:
            return self.other_area
        return str(self.from_team) if self.from_team_id else "this partnership"

    @property
    def receiving_end(self) -> str:
        if self.kind == TransferKind.EXTERNAL_OUT:
            return self.other_area
        return str(self.to_team) if self.to_team_id else "this partnership"


# Importable names for the API schema's ENUM_NAME_OVERRIDES (nested classes cannot be imported by path).
ReviewOutcome = Review.Outcome
