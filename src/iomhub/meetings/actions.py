"""Actions at the meeting (002 §2): "clearly allocated, achievable, time bound and linked to the
sentence plan", and every open one "updated with progress and discharged or carried over". The plan
actions themselves are casework's (``casework.services``, with the owner who finds them on their
caseload); the meeting records which it allocated and how it dealt with each open one."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction

from iomhub.access import audit
from iomhub.access.errors import deny
from iomhub.access.models import AuditAction, Section
from iomhub.access.policy import Action
from iomhub.access.projection import Lens, lens_for
from iomhub.casework import services as casework
from iomhub.casework.models import OPEN_STATUSES, ActionStatus, PlanAction
from iomhub.casework.selectors import plan_action_shown
from iomhub.meetings.guards import may_record_on, require_in_session
from iomhub.meetings.models import ActionOutcome, Meeting, MeetingAction

if TYPE_CHECKING:
    from iomhub.access.models import Organisation, User
    from iomhub.people.models import Person

STATUS_OF = {
    ActionOutcome.UPDATED: ActionStatus.OPEN,
    ActionOutcome.DONE: ActionStatus.DONE,
    ActionOutcome.CARRIED_OVER: ActionStatus.CARRIED_OVER,
    ActionOutcome.CANCELLED: ActionStatus.CANCELLED,
}


def _record(acting_user: User, meeting: Meeting, action: PlanAction, outcome: str, note: str) -> MeetingAction:
    made = MeetingAction.objects.create(meeting=meeting, action=action, outcome=outcome, note=note, recorded_by=acting_user)
    audit.record(
        actor=acting_user,
        action=AuditAction.CREATE,
        object_type=MeetingAction.AUDIT_TYPE,
        object_id=made.pk,
        person_id=action.person_id,
        changes={"meeting": meeting.pk, "plan_action": action.pk, "outcome": outcome},
    )
    return made


def action_allocate(
    *,
    acting_user: User,
    meeting: Meeting,
    person: Person,
    description: str,
    agency: Organisation | None,
    owner: User | None,
    owner_name: str,
    due_on: datetime.date | None,
    sentence_plan: bool = False,
) -> MeetingAction:
    """A new plan action allocated to a named person and agency with a due date."""
    may_record_on(acting_user, meeting, person)
    require_in_session(meeting, "description")
    if agency is None:
        raise ValidationError({"agency": ["Select the agency responsible"]})
    if due_on is None:
        raise ValidationError({"due_on": ["Enter the date the action is due"]})
    with transaction.atomic():
        action = casework.plan_action_add(
            acting_user=acting_user,
            person=person,
            description=description,
            agency=agency,
            owner=owner,
            owner_name=owner_name,
            due_on=due_on,
            sentence_plan=sentence_plan,
        )
        return _record(acting_user, meeting, action, ActionOutcome.ALLOCATED, "")


def action_review(
    *, acting_user: User, meeting: Meeting, action: PlanAction, outcome: str, note: str, version: int, due_on: datetime.date | None = None
) -> MeetingAction:
    """An open action updated (still open, with progress), discharged (done), carried over to a new
    due date, or cancelled at the meeting. An action ``acting_user`` may not see (casework's
    ``plan_action_shown``) is refused as not found, audited, whatever they ask."""
    may_record_on(acting_user, meeting, action.person)
    if not plan_action_shown(action, user=acting_user, lens=lens_for(acting_user, action.person)):
        deny(
            user=acting_user,
            action=Action.PERSON_CHANGE,
            reason="a plan action not shared with this user",
            object_type="plan-action",
            object_id=action.pk,
            person_id=action.person_id,
            not_found=True,
        )
    require_in_session(meeting, "outcome")
    if outcome not in STATUS_OF:
        raise ValidationError({"outcome": ["Select updated, done, carried over or cancelled"]})
    if action.status not in OPEN_STATUSES:
        raise ValidationError({"outcome": [f"This action is already {action.get_status_display().lower()}"]})
    if outcome == ActionOutcome.UPDATED and not (note or "").strip():
        raise ValidationError({"note": ["Enter the progress made"]})
    with transaction.atomic():
        updated = casework.plan_action_update(
            acting_user=acting_user, action=action, status=STATUS_OF[ActionOutcome(outcome)], version=version, note=note, due_on=due_on
        )
        return _record(acting_user, meeting, updated, outcome, note.strip())


def previous_meeting(meeting: Meeting) -> Meeting | None:
    return (
        Meeting.objects.filter(team_id=meeting.team_id, kind=meeting.kind, held_on__lt=meeting.held_on).order_by("-held_on", "-pk").first()
    )


def carried_from_previous(*, user: User, meeting: Meeting) -> list[tuple[PlanAction, MeetingAction | None]]:
    """The actions the previous meeting of the team allocated or left open, each with how this
    meeting dealt with it (None: not yet). Only the actions ``user`` may see: of people whose plan
    they see, and through casework's one filter (``plan_action_shown``: an action given to a health,
    mental-health or treatment agency needs the health section too, or to be their own). A hidden
    one is left out, so not counted either (ADR 0010 §3)."""
    previous = previous_meeting(meeting)
    if previous is None:
        return []
    actions = PlanAction.objects.filter(meeting_records__meeting=previous).select_related("person", "agency", "owner").distinct()
    here = {m.action_id: m for m in MeetingAction.objects.filter(meeting=meeting).order_by("recorded_at", "pk")}
    lenses: dict[int, Lens] = {}
    found = []
    for action in actions:
        lens = lenses.setdefault(action.person_id, lens_for(user, action.person))
        if not (lens.sees(Section.PLAN) and plan_action_shown(action, user=user, lens=lens)):
            continue
        if action.pk in here or action.status in OPEN_STATUSES:
            found.append((action, here.get(action.pk)))
    return found


def outstanding(*, user: User, meeting: Meeting) -> list[PlanAction]:
    """Open actions from the previous meeting not yet updated, discharged or carried over here
    (those ``user`` may see: ``carried_from_previous``)."""
    return [a for a, dealt in carried_from_previous(user=user, meeting=meeting) if dealt is None]
