"""The IOM referral and operational meeting (seed 002 §2): monthly, chaired by a Detective
Inspector or Senior Probation Officer, every attendee signing the confidentiality statement, plans
circulated within 2 working days (``iomhub.rules.meetings``). The agenda is not stored: it is
worked out from the cohort, referrals and justice record on the meeting's date (``meetings.agenda``).

The meeting's own record (ADR 0020): a record sheet per case discussed (:class:`CaseSheet`), each
decision linked to the record it made (:class:`MeetingDecision`), the actions allocated or reviewed
(:class:`MeetingAction`) and the absent officers' written updates (:class:`WrittenUpdate`). Each of
these is part of the person's record and declares its sections (ADR 0010): a reader who may not see
a section does not learn it from the minutes either."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from iomhub.access.models import Section


class MeetingKind(models.TextChoices):
    REFERRAL_OPERATIONAL = "referral-operational", "Referral and operational meeting"
    PRACTITIONERS = "practitioners", "Weekly practitioners meeting"


class Meeting(models.Model):
    team = models.ForeignKey("access.Team", on_delete=models.PROTECT, related_name="meetings")
    kind = models.CharField(max_length=24, choices=MeetingKind.choices, default=MeetingKind.REFERRAL_OPERATIONAL)
    held_on = models.DateField("Date of the meeting")
    location = models.CharField(max_length=200)
    chair = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    minutes_circulated_on = models.DateField("Plans and actions circulated on", null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-held_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["team", "kind", "held_on"], name="one_meeting_of_a_kind_per_team_per_day")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}, {self.team}, {self.held_on:%-d %B %Y}"


class Attendee(models.Model):
    """Someone at the meeting, who signed the confidentiality statement (002 §2, §"Confidentiality")."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendees")
    name = models.CharField(max_length=200)
    organisation = models.CharField(max_length=200)
    confidentiality_signed = models.BooleanField(default=False)
    # The attendee's IOM Hub account, when they have one: their pack is sent to it (ADR 0020).
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["organisation", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "name", "organisation"], name="attendee_once_per_meeting"),
            models.CheckConstraint(condition=models.Q(confidentiality_signed=True), name="attendee_signed_confidentiality"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})"


class CaseSheet(models.Model):
    """The record sheet of one case at one meeting (002 §2: "the current situation, risk factors and
    interventions are included ... and updated each month"), kept by the coordinator."""

    AUDIT_TYPE = "meeting-record-sheet"
    SECTIONS: ClassVar[dict[str, str]] = {"*": Section.PLAN, "risk_factors": Section.ASSESSMENTS}

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="sheets")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="meeting_sheets")
    current_situation = models.TextField(blank=True)
    risk_factors = models.TextField(blank=True)
    interventions = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["meeting", "person__last_name", "pk"]
        constraints = [models.UniqueConstraint(fields=["meeting", "person"], name="one_record_sheet_per_case_per_meeting")]

    def __str__(self) -> str:
        return f"Record sheet of person {self.person_id} at meeting {self.meeting_id}"


class DecisionKind(models.TextChoices):
    ADOPT = "adopt", "Adopted onto IOM"
    REJECT = "reject", "Referral rejected"
    DEFER = "defer", "Referral deferred"
    RAG = "rag", "RAG level changed"
    REVIEW = "review", "Reviewed"
    DEREGISTER = "deregister", "Deregistered"
    TRANSFER = "transfer", "Transfer in decided"


class MeetingDecision(models.Model):
    """One decision the meeting took, linked to the record it made where that record lives (ADR 0009:
    the referral decision, the RAG change, the review, the deregistration, the transfer decided) and
    to the chair."""

    AUDIT_TYPE = "meeting-decision"
    SECTIONS: ClassVar[dict[str, str]] = {"*": Section.PLAN}

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="decisions")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="meeting_decisions", null=True, blank=True)
    kind = models.CharField(max_length=12, choices=DecisionKind.choices)
    summary = models.TextField()
    referral_decision = models.OneToOneField("referrals.Decision", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    rag_change = models.OneToOneField("cohort.RagChange", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    review = models.OneToOneField("cohort.Review", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    deregistration = models.OneToOneField("cohort.Deregistration", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    transfer = models.OneToOneField("cohort.Transfer", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    chair = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["recorded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at meeting {self.meeting_id}"


class ActionOutcome(models.TextChoices):
    ALLOCATED = "allocated", "Allocated at this meeting"
    UPDATED = "updated", "Updated, still open"
    DONE = "done", "Discharged (done)"
    CARRIED_OVER = "carried-over", "Carried over"
    CANCELLED = "cancelled", "Cancelled"


class MeetingAction(models.Model):
    """A plan action allocated at the meeting, or an open one reviewed there (002 §2: "all actions to
    be updated with progress and discharged or carried over as appropriate")."""

    AUDIT_TYPE = "meeting-action"
    SECTIONS: ClassVar[dict[str, str]] = {"*": Section.PLAN}

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="actions")
    action = models.ForeignKey("casework.PlanAction", on_delete=models.CASCADE, related_name="meeting_records")
    outcome = models.CharField(max_length=14, choices=ActionOutcome.choices)
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["recorded_at", "pk"]

    def __str__(self) -> str:
        return f"Action {self.action_id}: {self.outcome} at meeting {self.meeting_id}"


class WrittenUpdate(models.Model):
    """An allocated officer's written update for a meeting they cannot attend (002 §2: to the chair
    "the day prior to the meeting or at the closest working day"). A late one is kept and marked."""

    AUDIT_TYPE = "meeting-written-update"
    # What an officer reports of the case between meetings is the case's running record.
    SECTIONS: ClassVar[dict[str, str]] = {"*": Section.TIMELINE}

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="written_updates")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="meeting_updates")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    author_name = models.CharField(max_length=200)
    text = models.TextField()
    late = models.BooleanField(default=False)
    submitted_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["submitted_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["meeting", "person", "author"], name="one_written_update_per_officer_per_case")]

    def __str__(self) -> str:
        return f"Written update on person {self.person_id} for meeting {self.meeting_id}"
