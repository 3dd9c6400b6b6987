"""The IOM referral and operational meeting (seed 002 §2): monthly, chaired by a Detective
Inspector or Senior Probation Officer, every attendee signing the confidentiality statement, plans
circulated within 2 working days (``iomhub.rules.meetings``). The agenda is not stored: it is
worked out from the cohort, referrals and justice record on the meeting's date (``meetings.agenda``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


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
