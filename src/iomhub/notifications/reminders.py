"""What the daily jobs tell whom (issue 11 §5-6):

- an appointment reminder, by text, the day before each booked appointment with the person
  (``rules.messages.APPOINTMENT_KINDS``), to a person who agreed (``TextConsent``, not withdrawn),
  held until the quiet hours end, saying the day only (``rules.messages.appointment_reminder``);
- an action falling due (within ``ACTION_NOTICE_DAYS``), by e-mail to its owner, only when the owner
  may see the person's plan (``access.policy``); the message names neither the person nor the action:
  it says that an action of theirs falls due and where to read it, signed in.

Each message is queued once (``Notification.dedupe_key``), so a daily run run twice sends nothing twice.
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from iomhub import clock
from iomhub.access.models import AuditAction, Section
from iomhub.access.policy import Action, can
from iomhub.casework.models import ActionStatus, EntryOutcome, PlanAction, TimelineEntry
from iomhub.notifications.models import Channel, Notification, TextConsent
from iomhub.notifications.services import notification_queue, system_sender
from iomhub.rules import messages

ACTION_NOTICE_DAYS = 2


def _queue_once(**fields: object) -> Notification | None:
    try:
        with transaction.atomic():
            note = Notification.objects.create(**fields)
    except IntegrityError:  # already queued by an earlier run
        return None

    def _enqueue() -> None:
        from iomhub.notifications.tasks import send_notification

        send_notification.enqueue(note.pk)

    transaction.on_commit(_enqueue)
    return note


def remind_tomorrow(today: datetime.date | None = None) -> list[Notification]:
    """A text for each appointment booked for tomorrow with a person who agreed to reminders."""
    from iomhub.access import audit

    day = (today or clock.today()) + datetime.timedelta(days=1)
    entries = TimelineEntry.objects.filter(outcome=EntryOutcome.BOOKED, occurred_on=day, kind__in=messages.APPOINTMENT_KINDS)
    consents = {
        c.person_id: c
        for c in TextConsent.objects.filter(person_id__in=entries.values("person_id"), withdrawn_on__isnull=True).exclude(number="")
    }
    body = messages.appointment_reminder(day)
    assert messages.safe_for_a_phone(body)
    now = timezone.localtime(clock.now())
    not_before = timezone.make_aware(messages.next_allowed(now.replace(tzinfo=None)))
    queued = []
    for person_id in sorted({e.person_id for e in entries if e.person_id in consents}):
        note = _queue_once(
            person_id=person_id,
            to_number=consents[person_id].number,
            channel=Channel.SMS,
            kind="appointment-reminder",
            dedupe_key=f"appointment:{person_id}:{day.isoformat()}",
            subject="Appointment reminder",
            body=body,
            not_before=not_before if not_before > now else None,
        )
        if note is not None:
            queued.append(note)
    if queued:
        audit.record_many(
            actor=system_sender(),
            entries=[
                {
                    "action": AuditAction.CREATE,
                    "object_type": "notification",
                    "object_id": n.pk,
                    "person_id": n.person_id,
                    "changes": {"section": Section.CONTACT, "kind": n.kind},
                }
                for n in queued
            ],
        )
    return queued


def actions_falling_due(today: datetime.date | None = None) -> list[Notification]:
    """An e-mail to each owner of an open plan action due within ``ACTION_NOTICE_DAYS`` days."""
    start = today or clock.today()
    due = PlanAction.objects.filter(
        status=ActionStatus.OPEN, owner__isnull=False, due_on__gte=start, due_on__lte=start + datetime.timedelta(days=ACTION_NOTICE_DAYS)
    ).select_related("owner", "person")
    sender = system_sender()
    queued = []
    for action in due:
        owner = action.owner
        if owner is None or not owner.is_active or not can(owner, Action.PERSON_VIEW, action.person, section=Section.PLAN):
            continue
        if Notification.objects.filter(dedupe_key=f"action-due:{action.pk}:{action.due_on.isoformat()}").exists():
            continue
        note = notification_queue(
            acting_user=sender,
            recipient=owner,
            subject=f"An action of yours falls due on {action.due_on:%-d %B %Y}",
            body="An action you own on IOM Hub falls due soon. Sign in to IOM Hub to read it and record progress: "
            f"/people/{action.person_id}/plan/",
            attachment=f"/people/{action.person_id}/plan/",
        )
        Notification.objects.filter(pk=note.pk).update(kind="action-due", dedupe_key=f"action-due:{action.pk}:{action.due_on.isoformat()}")
        queued.append(note)
    return queued
