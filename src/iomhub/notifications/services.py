"""Queueing a notification: the row is written in the caller's transaction and the send task is
enqueued when it commits (so a rolled-back write sends nothing)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction

from iomhub.access import audit
from iomhub.access.models import AuditAction, Section
from iomhub.notifications.models import Notification

if TYPE_CHECKING:
    from iomhub.access.models import User
    from iomhub.notifications.models import TextConsent
    from iomhub.people.models import Person


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


def system_sender() -> User:
    """The account the daily jobs queue messages as (``system-feeds``, made at migrate time by the
    feeds app's migration 0004; looked up by the name access keeps, so this app does not depend on
    the feeds app above it)."""
    from iomhub.access.accounts import FEEDS_SYSTEM_USERNAME
    from iomhub.access.models import User

    return User.objects.get(username=FEEDS_SYSTEM_USERNAME)


def text_consent_record(*, acting_user: User, person: Person, number: str, agreed: bool) -> TextConsent:
    """Record that ``person`` agreed to appointment reminders by text at ``number`` (or withdrew):
    who may change the person's contact details records it, audited against the person."""
    from iomhub import clock
    from iomhub.access.refusals import require_person_change
    from iomhub.notifications.models import TextConsent
    from iomhub.rules.messages import normalise_uk_mobile

    require_person_change(acting_user, person, Section.CONTACT)
    try:
        mobile = normalise_uk_mobile(number)
    except ValueError as exc:
        raise ValidationError({"number": [str(exc)]}) from exc
    today = clock.today()
    consent, _ = TextConsent.objects.update_or_create(
        person=person,
        defaults={"number": mobile, "agreed_on": today, "recorded_by": acting_user, "withdrawn_on": None if agreed else today},
    )
    audit.record(
        actor=acting_user,
        action=AuditAction.CHANGE,
        object_type="text-consent",
        object_id=consent.pk,
        person_id=person.pk,
        changes={"section": Section.CONTACT, "agreed": agreed},
    )
    return consent


def failed_send_again(*, acting_user: User, notification_id: int) -> Notification:
    """Send a failed message again (the outbox page's and the API's "send again", issue 11 §6):
    audited, then queued for the send task. Raises Http404 for a message that is not failed (sent,
    still queued, or none such), so a retry never sends a message twice."""
    from django.http import Http404

    from iomhub.notifications.selectors import failed_message
    from iomhub.notifications.tasks import send_notification

    note = failed_message(notification_id)
    if note is None:
        raise Http404("no such failed message")
    audit.record(actor=acting_user, action=AuditAction.CHANGE, object_type="notification", object_id=note.pk, changes={"retry": True})
    send_notification.enqueue(note.pk)
    return note
