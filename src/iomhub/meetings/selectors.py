"""Reads of meetings. A meeting names staff, not the people managed, so listing meetings is not a
read of personal data; the agenda is (``meetings.agenda``). A coordinator or chair placed in a
local team sees that team's meetings only (``policy.team_scope``; ADR 0013): another team's
meeting answers 404 like a missing one."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db.models import Count, QuerySet

from iomhub.access.errors import deny
from iomhub.access.policy import Action, decide, team_scope
from iomhub.access.refusals import get_or_deny
from iomhub.casework.models import PlanAction
from iomhub.cohort.models import Registration
from iomhub.meetings.models import Meeting
from iomhub.people.models import Person

if TYPE_CHECKING:
    from collections.abc import Iterable

    from iomhub.access.models import User


def _may_see(user: User) -> None:
    decision = decide(user, Action.COHORT_MANAGE)
    if not decision:
        deny(user=user, action=Action.COHORT_MANAGE, reason=decision.reason, object_type="meeting")


def meeting_list(*, user: User) -> QuerySet[Meeting]:
    _may_see(user)
    found = Meeting.objects.select_related("team", "chair").annotate(attendee_count=Count("attendees"))
    scope = team_scope(user)
    return found if scope is None else found.filter(team_id=scope)


def meeting_get(*, user: User, meeting_id: int | str) -> Meeting:
    """One meeting; the same 404 for a missing one as for any other record."""
    _may_see(user)
    found = Meeting.objects.select_related("team", "chair")
    scope = team_scope(user)
    return get_or_deny(
        found if scope is None else found.filter(team_id=scope),
        meeting_id,
        user=user,
        action=Action.COHORT_MANAGE,
        reason="no such meeting",
        object_type="meeting",
    )


def meeting_for_update(*, user: User, meeting_id: int | str, person: Person) -> Meeting:
    """A meeting an officer on ``person``'s case sends a written update to: one that covers the person
    (their team's, or any for someone with no managing team); another answers 404."""
    try:
        meeting = Meeting.objects.select_related("team", "chair").get(pk=int(meeting_id))
    except (Meeting.DoesNotExist, ValueError, TypeError, OverflowError):
        meeting = None
    if meeting is None or person.managing_team_id not in (None, meeting.team_id):
        deny(
            user=user,
            action=Action.PERSON_CHANGE,
            reason="no such meeting for this person",
            object_type="meeting",
            object_id=meeting_id,
            person_id=person.pk,
            not_found=True,
        )
    return meeting


def upcoming_for(*, person: Person, today: datetime.date) -> list[Meeting]:
    """The open meetings ahead that cover ``person`` (to send a written update to)."""
    found = Meeting.objects.filter(closed_at__isnull=True, held_on__gte=today).select_related("team").order_by("held_on", "pk")
    if person.managing_team_id is not None:
        found = found.filter(team_id=person.managing_team_id)
    return list(found[:3])


def people_in_order(*, people_ids: Iterable[int]) -> list[Person]:
    """The people with these ids, by last name, first name and id (the agenda's record sheets). The
    caller has already decided who may be seen (``agenda_for``). Only what the agenda shows of them
    is read (the name)."""
    return list(Person.objects.filter(pk__in=people_ids).only("id", "first_name", "last_name").order_by("last_name", "first_name", "pk"))


def open_registration(*, person: Person) -> Registration | None:
    """``person``'s current IOM registration (one not ended), or None when they are not on IOM."""
    return Registration.objects.filter(person=person, ended_on__isnull=True).first()


def plan_action(*, action_id: int | str) -> PlanAction | None:
    """One plan action with its person, or None when there is no such action. The caller reads the
    person's sheet through the policy (``sheet_read``), then the action itself through casework's
    ``plan_action_for`` (404 for one hidden from the reader), before showing anything of it."""
    try:
        return PlanAction.objects.select_related("person").get(pk=int(action_id))
    except PlanAction.DoesNotExist:
        return None
