"""Closing the meeting (002 §2): the minutes and updated plans go to the attendees, each as their own
agency may see them (``meetings.pack``), through the notification outbox; the 2-working-day
circulation is counted from the close (``rules.meetings.circulate_plans_by``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from iomhub import clock
from iomhub.access import audit
from iomhub.access.models import AuditAction
from iomhub.meetings.actions import outstanding
from iomhub.meetings.guards import may_manage, require_in_session
from iomhub.meetings.models import Meeting
from iomhub.notifications.services import notification_queue
from iomhub.rules.meetings import circulate_plans_by, circulated_late

if TYPE_CHECKING:
    from iomhub.access.models import User
    from iomhub.notifications.models import Notification


@dataclass(frozen=True)
class Closed:
    meeting: Meeting
    queued: list[Notification]
    without_account: list[str]  # attendees with no IOM Hub account: their pack is not sent


def _recipients(meeting: Meeting) -> list[User]:
    users: dict[int, User] = {a.user.pk: a.user for a in meeting.attendees.select_related("user") if a.user is not None}
    if meeting.chair is not None:
        users.setdefault(meeting.chair.pk, meeting.chair)
    return [u for u in users.values() if u.is_active]


def meeting_close(*, acting_user: User, meeting: Meeting) -> Closed:
    """Close the meeting: refused while an open action from the previous meeting is not yet dealt
    with (002 §2: "all actions to be updated ... discharged or carried over"), or without a chair.
    Each attendee with an account gets a message naming no one, pointing at their pack."""
    may_manage(acting_user, meeting)
    require_in_session(meeting)
    errors: dict[str, list[str]] = {}
    if meeting.chair is None:
        errors["meeting"] = ["Name the meeting's chair before closing it"]
    left = outstanding(user=acting_user, meeting=meeting)
    if left:
        errors["actions"] = [
            f"Update, discharge or carry over the open action from the previous meeting: {a.description[:80]} ({a.person.display_name})"
            for a in left
        ]
    if not meeting.attendees.exists():
        errors.setdefault("meeting", []).append("Record who attended before closing the meeting")
    if errors:
        raise ValidationError(errors)
    today = clock.today()
    with transaction.atomic():
        current = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if current.closed_at is not None:
            raise ValidationError({"meeting": ["The meeting is already closed"]})
        current.closed_at, current.closed_by, current.minutes_circulated_on = clock.now(), acting_user, today
        current.save(update_fields=["closed_at", "closed_by", "minutes_circulated_on"])
        pack = reverse("meetings:pack", args=[current.pk])
        due = circulate_plans_by(held_on=current.held_on).due
        queued = [
            notification_queue(
                acting_user=acting_user,
                recipient=user,
                subject=f"Minutes and updated plans: {current}"[:200],
                body=(
                    f"The minutes and updated plans of the {current} are ready. Sign in to IOM Hub to read your copy: {pack}\n"
                    "It holds what your agency may see of each case discussed."
                ),
                attachment=pack,
            )
            for user in _recipients(current)
        ]
        audit.record(
            actor=acting_user,
            action=AuditAction.CHANGE,
            object_type="meeting",
            object_id=current.pk,
            changes={
                "closed": True,
                "minutes_circulated_on": today,
                "circulate_by": due,
                "late": circulated_late(held_on=current.held_on, circulated_on=today),
                "notified": sorted(n.recipient_id for n in queued),
            },
        )
    missing = [str(a) for a in current.attendees.all() if a.user_id is None]
    return Closed(meeting=current, queued=queued, without_account=missing)
