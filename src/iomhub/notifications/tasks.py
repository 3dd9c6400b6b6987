"""Sending the outbox, and the daily jobs (ADR 0019: a task takes ids, or nothing, and re-reads what
it needs; nothing about a person is in the queue).

- ``send_notification``: one message, once; a failure is kept (status, reason, attempts) and tried
  again by ``retry_failed`` until ``MAX_ATTEMPTS``; a text in quiet hours waits (``not_before``).
- ``appointment_reminders``: tomorrow's booked appointments, a text to each person who agreed.
- ``actions_due_notify``: plan actions falling due, an e-mail to each owner who may see the plan.
- ``retry_failed``: failed sends (fewer than ``MAX_ATTEMPTS``) and texts held for quiet hours, again.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from iomhub import clock
from iomhub.notifications.models import MAX_ATTEMPTS, Channel, Notification, NotificationStatus
from iomhub.notifications.providers import DeliveryFailed, provider


def _deliver(note: Notification) -> str:
    if note.channel == Channel.SMS:
        return provider().send_sms(to=note.to_number, body=note.body)
    return provider().send(to=note.recipient.email if note.recipient else "", subject=note.subject, body=note.body)


@task(queue_name="notifications")
def send_notification(notification_id: int) -> str:
    """Send one queued notification once: a sent one is never sent again; a text is not sent before
    its ``not_before`` (quiet hours)."""
    with transaction.atomic():
        note = Notification.objects.select_for_update(of=("self",)).select_related("recipient").get(pk=notification_id)
        if note.status == NotificationStatus.SENT:
            return note.status
        if note.not_before is not None and clock.now() < note.not_before:
            return "held"
        note.attempts += 1
        try:
            note.provider_reference = _deliver(note)
        except DeliveryFailed as exc:
            # The reason is shown on the outbox page: never with a person's number in it.
            reason = str(exc).replace(note.to_number, note.masked_number) if note.to_number else str(exc)
            note.status, note.error = NotificationStatus.FAILED, reason[:500]
        else:
            note.status, note.error, note.sent_at = NotificationStatus.SENT, "", timezone.now()
        note.save(update_fields=["attempts", "provider_reference", "status", "error", "sent_at"])
        return note.status


@task(queue_name="notifications")
def retry_failed() -> int:
    """Enqueue again every failed send with attempts left, and every text held for quiet hours whose
    time has come; returns how many."""
    now = clock.now()
    failed = Notification.objects.filter(status=NotificationStatus.FAILED, attempts__lt=MAX_ATTEMPTS)
    held = Notification.objects.filter(status=NotificationStatus.QUEUED, not_before__lte=now)
    ids = sorted(set(failed.values_list("pk", flat=True)) | set(held.values_list("pk", flat=True)))
    for pk in ids:
        send_notification.enqueue(pk)
    return len(ids)


@task(queue_name="notifications")
def appointment_reminders() -> int:
    from iomhub.notifications.reminders import remind_tomorrow

    return len(remind_tomorrow())


@task(queue_name="notifications")
def actions_due_notify() -> int:
    from iomhub.notifications.reminders import actions_falling_due

    return len(actions_falling_due())
