"""Who may write to a meeting's record, and when (002 §2; ADR 0020). Shared by the record sheet,
the decisions, the actions and closing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError

from iomhub import clock
from iomhub.access.errors import deny
from iomhub.access.models import Section
from iomhub.access.policy import Action, decide, in_team_scope

if TYPE_CHECKING:
    from iomhub.access.models import User
    from iomhub.meetings.models import Meeting
    from iomhub.people.models import Person


def may_manage(user: User, meeting: Meeting) -> None:
    """The coordinator or chair of the meeting's team (another team's meeting is not found)."""
    decision = decide(user, Action.COHORT_MANAGE)
    if not decision:
        deny(user=user, action=Action.COHORT_MANAGE, reason=decision.reason, object_type="meeting", object_id=meeting.pk)
    if not in_team_scope(user, meeting.team_id):
        deny(
            user=user,
            action=Action.COHORT_MANAGE,
            reason="another local team's meeting",
            object_type="meeting",
            object_id=meeting.pk,
            not_found=True,
        )


def of_meeting(meeting: Meeting, person: Person) -> bool:
    """The meeting covers the people its team manages and people with no managing team (ADR 0009)."""
    return person.managing_team_id in (None, meeting.team_id)


def may_record_on(user: User, meeting: Meeting, person: Person) -> None:
    """The recorder manages the meeting and may change the person's plan; the person is one the
    meeting covers (404 otherwise: nothing said about whom another team manages)."""
    may_manage(user, meeting)
    visible = decide(user, Action.PERSON_VIEW, person, section=Section.IDENTITY)
    changeable = decide(user, Action.PERSON_CHANGE, person, section=Section.PLAN)
    if not (visible and changeable and of_meeting(meeting, person)):
        deny(
            user=user,
            action=Action.PERSON_CHANGE,
            reason="not a case this meeting covers" if changeable else changeable.reason,
            object_type="meeting-record-sheet",
            object_id=meeting.pk,
            person_id=person.pk,
            not_found=not (visible and of_meeting(meeting, person)),
        )


def require_in_session(meeting: Meeting, field: str = "meeting") -> None:
    """Decisions are taken at the meeting: on or after its day (the meeting's own date is the date of
    every decision), and never once it is closed."""
    if meeting.closed_at is not None:
        raise ValidationError({field: [f"The meeting was closed on {meeting.closed_at:%-d %B %Y}: its record can no longer change"]})
    if meeting.held_on > clock.today():
        raise ValidationError({field: [f"The meeting is on {meeting.held_on:%-d %B %Y}: its record is kept from that day"]})


def chair_present(meeting: Meeting, field: str = "meeting") -> User:
    """The chair's decisions are recorded only with the chair named and signed in as an attendee
    (002 §2: "accountability for decision will remain with the Chair")."""
    if meeting.chair is None:
        raise ValidationError({field: ["Name the meeting's chair before recording the chair's decisions"]})
    if not meeting.attendees.filter(user=meeting.chair).exists():
        name = meeting.chair.display_name
        raise ValidationError({field: [f"Record the chair, {name}, as an attendee (with their IOM Hub account) before their decisions"]})
    return meeting.chair
