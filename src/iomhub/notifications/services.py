"""Queueing a notification: the row is written in the caller's transaction and the send task is
enqueued when it commits (so a rolled-back write sends nothing)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction

from iomhub.access import audit
from iomhub.access.models import AuditAction
from iomhub.notifications.models import Notification

if TYPE_CHECKING:
    from iomhub.access.models import User


def notification_queue(*, acting_user: User, recipient: User, subject: str, body: str, attachment: str = "") -> Notification:
    errors: dict[str, list[str]] = {}
    if not subject.strip() or len(subject) > 200:
        errors["subject"] = ["Enter a subject of 200 characters or fewer"]
    if not body.strip():
        errors["body"] = ["Enter the message"]
    if attachment and (not attachment.startswith("/") or len(attachment) > 300):
        errors["attachment"] = ["The attachment must be a path in IOM Hub"]
    if errors:
        raise ValidationError(errors)
    note = Notification.objects.create(recipient=recipient, subject=subject.strip(), body=body, attachment=attachment)
    audit.record(
        actor=acting_user,
        action=AuditAction.CREATE,
        object_type="notification",
        object_id=note.pk,
        changes={"recipient": recipient.pk, "subject": note.subject, "attachment": attachment},
    )

    def _enqueue() -> None:
        from iomhub.notifications.tasks import send_notification

        send_notification.enqueue(note.pk)

    transaction.on_commit(_enqueue)
    return note
