"""The outbox (ADR 0020): one row per message, to a user (e-mail) or, for an appointment reminder,
to a person who agreed to texts (SMS). The body names no person: it says what is ready and where,
and the attachment is a *reference* to a page the recipient opens signed in (a meeting pack is
rendered for its reader through the projection when opened), so nothing about a person leaves IOM
Hub in a message or sits in the queue. A reminder to a person says only the day (``rules.messages``)."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from iomhub.access.models import Section

MAX_ATTEMPTS = 3  # a failed send is tried again (``tasks.retry_failed``) until this many attempts


class NotificationStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class Channel(models.TextChoices):
    EMAIL = "email", "E-mail"
    SMS = "sms", "Text message (SMS)"


class Notification(models.Model):
    # A message to a person is an appointment reminder (a timeline fact) sent to their number
    # (contact); no page shows a message through a person's record, and the outbox shows none of
    # what a message says (notifications.selectors).
    SECTIONS: ClassVar[dict[str, str]] = {"*": Section.TIMELINE, "to_number": Section.CONTACT}

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="notifications")
    # A text to a person (an appointment reminder): the person, and the number they agreed to.
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    to_number = models.CharField(max_length=20, blank=True)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.EMAIL)
    kind = models.CharField(max_length=40, blank=True)  # "appointment-reminder", "action-due", "red-alert" …
    # One message per thing told (an appointment, an action's due date): the daily run may run twice.
    dedupe_key = models.CharField(max_length=100, null=True, blank=True, unique=True)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    attachment = models.CharField("Attachment reference (a path in IOM Hub)", max_length=300, blank=True)
    status = models.CharField(max_length=10, choices=NotificationStatus.choices, default=NotificationStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    not_before = models.DateTimeField(null=True, blank=True)  # quiet hours: not sent before this
    provider_reference = models.CharField(max_length=100, blank=True)
    error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.subject} ({self.status})"

    @property
    def masked_number(self) -> str:
        return f"…{self.to_number[-3:]}" if self.to_number else ""

    @property
    def shown_to(self) -> str:
        """Who the message was for, as the outbox shows it (page and API): a user by name; a person
        never by name, their number by its last three digits (``notifications.selectors``)."""
        if self.channel == Channel.SMS:
            return f"Text to a person ({self.masked_number})"
        if self.recipient is None:
            return "Nobody (no recipient)"
        return self.recipient.get_full_name() or self.recipient.get_username()


class TextConsent(models.Model):
    """A person's agreement to appointment reminders by text (issue 11 §6): the number, who recorded
    it and when; withdrawn (STOP, or asked) it stays, with the date, and no text is sent."""

    SECTIONS: ClassVar[dict[str, str]] = {"*": Section.CONTACT}

    person = models.OneToOneField("people.Person", on_delete=models.CASCADE, related_name="text_consent")
    number = models.CharField(max_length=20)
    agreed_on = models.DateField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    withdrawn_on = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Text reminders for person {self.person_id}"
