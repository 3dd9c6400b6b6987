"""What the outbox page reads (issue 11 §6).

The outbox is for the administrator who keeps delivery working, and a message exists only because
something happened to a person (an arrest, a wanted marker, an appointment, an action falling due).
So the page lists the messages that need the administrator: the failed ones, with who they were
for, the channel, the attempts and the provider's reason, but never their subject or kind, which
would tell a reader with no access to any person's record that, say, someone is wanted (ADR 0003:
a derived fact is as protected as its section; the sharing crawl checks it)."""

from __future__ import annotations

from django.db.models import QuerySet

from iomhub.notifications.models import Notification, NotificationStatus

PAGE = 100


def failed_messages() -> QuerySet[Notification]:
    """The failed messages, newest first (the page shows them ``PAGE`` at a time; the API by limit and offset)."""
    return Notification.objects.filter(status=NotificationStatus.FAILED).select_related("recipient").order_by("-created_at", "-id")


def failed_message(notification_id: int) -> Notification | None:
    return Notification.objects.filter(pk=notification_id, status=NotificationStatus.FAILED).first()
