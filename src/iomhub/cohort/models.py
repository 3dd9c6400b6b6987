"""IOM registrations: who is on the scheme, from when, at what RAG level, with which flags, and the
administration checklist of adoption (002 appendix 2 "Administration"). Registrations are never
edited away: re-registration after deregistration is a new row (issue 5 §6, history)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class RagLevel(models.TextChoices):
    """002 appendix 1: Classification or RAG rating."""

    RED_ALERT = "red-alert", "Red Alert (wanted for arrest)"
    RED = "red", "Red (catch and control)"
    AMBER = "amber", "Amber (reduce re-offending and rehabilitate)"
    GREEN = "green", "Green (monitor, maintain and rehabilitate)"
    PRISON = "prison", "Prison (in custody)"


class ChecklistItem(models.TextChoices):
    """002 appendix 2, Administration: the actions that follow adoption, each with date and by whom."""

    NOMINATED = "nominated", "Nominated to IOM conference"
    OFFENDER_NOTIFIED = "offender-notified", "Offender notified"
    POLICE_MARKERS = "police-markers", "Police system (Niche) updated with IOM and interested-party markers"
    PNC_MARKER = "pnc-marker", "PNC updated with marker"
    SOCIAL_SERVICES = "social-services", "Social services notified (if applicable)"


class Registration(models.Model):
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


class RagChange(models.Model):
    """One step in a registration's RAG history (the initial classification is the first)."""

    registration = models.ForeignKey(Registration, on_delete=models.PROTECT, related_name="rag_history")
    level = models.CharField(max_length=10, choices=RagLevel.choices)
    changed_on = models.DateField()
    reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_by_name = models.CharField(max_length=200)
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["changed_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_level_display()} from {self.changed_on}"


class ChecklistEntry(models.Model):
    registration = models.ForeignKey(Registration, on_delete=models.PROTECT, related_name="checklist")
    item = models.CharField(max_length=20, choices=ChecklistItem.choices)
    done_on = models.DateField(null=True, blank=True)
    done_by = models.CharField("By whom", max_length=200, blank=True)
    not_applicable = models.BooleanField(default=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["registration", "item"], name="one_checklist_entry_per_item")]

    def __str__(self) -> str:
        return self.get_item_display()

    @property
    def outstanding(self) -> bool:
        return self.done_on is None and not self.not_applicable
