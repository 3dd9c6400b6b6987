"""Sending the outbox (ADR 0019: a task takes ids and re-reads what it needs)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from iomhub.notifications.models import Notification, NotificationStatus
from iomhub.notifications.providers import DeliveryFailed, provider


@task(queue_name="notifications")
def send_notification(notification_id: int) -> str:
    """Send one queued notification once: a sent one is never sent again."""
    with transaction.atomic():
        note = Notification.objects.select_for_update().select_related("recipient").get(pk=notification_id)
        if note.status == NotificationStatus.SENT:
            return note.status
        note.attempts += 1
        try:
            note.provider_reference = provider().send(to=note.recipient.email, subject=note.subject, body=note.body)
        except DeliveryFailed as exc:
            note.status, note.error = NotificationStatus.FAILED, str(exc)[:500]
        else:
            note.status, note.error, note.sent_at = NotificationStatus.SENT, "", timezone.now()
        note.save(update_fields=["attempts", "provider_reference", "status", "error", "sent_at"])
        return note.status
