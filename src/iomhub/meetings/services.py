"""Every write about a meeting: authorise (the coordinator or chair: 002 §2, the coordinator
"co-ordinates and facilitates the meetings" with the chair), validate with messages naming the
field, write, audit."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from iomhub import clock
from iomhub.access import audit
from iomhub.access.errors import deny
from iomhub.access.models import AuditAction, Role, Team
from iomhub.access.policy import Action, decide, in_team_scope
from iomhub.meetings.models import Attendee, Meeting, MeetingKind
from iomhub.rules.meetings import circulated_late
from iomhub.validation import clean_text

if TYPE_CHECKING:
    from iomhub.access.models import User

HORIZON_DAYS = 366  # a meeting is arranged at most a year ahead, or recorded up to a year after


def _may_manage(user: User, object_id: object = "", *, team_id: int | None = None) -> None:
    """The coordinator or chair, for a meeting of their own team (or any, partnership-wide; ADR 0013).
    Another team's meeting is refused as not found, like the selector's 404."""
    decision = decide(user, Action.COHORT_MANAGE)
    if not decision:
        deny(user=user, action=Action.COHORT_MANAGE, reason=decision.reason, object_type="meeting", object_id=object_id)
    if team_id is not None and not in_team_scope(user, team_id):
        deny(
            user=user,
            action=Action.COHORT_MANAGE,
            reason="another local team's meeting",
            object_type="meeting",
            object_id=object_id,
            not_found=True,
        )


def meeting_arrange(
    *,
    acting_user: User,
    team: Team,
    held_on: datetime.date | None,
    location: str,
    chair: User | None,
    kind: str = MeetingKind.REFERRAL_OPERATIONAL,
) -> Meeting:
    """Arrange a meeting of ``team``. The chair must hold the chair's role (002 §2: a Detective
    Inspector, Senior Probation Officer or someone of equivalent authority)."""
    _may_manage(acting_user)
    errors: dict[str, list[str]] = {}
    if not in_team_scope(acting_user, team.pk):
        errors["team"] = [f"You arrange meetings of your own local team only ({acting_user.team}), not {team}"]
    location = clean_text(errors, "location", location, "where the meeting is held", required=True, limit=200)
    if kind not in MeetingKind.values:
        errors["kind"] = ["Select the kind of meeting"]
    if held_on is None:
        errors["held_on"] = ["Enter the date of the meeting"]
    elif abs((held_on - clock.today()).days) > HORIZON_DAYS:
        errors["held_on"] = ["The date of the meeting must be within a year of today"]
    if chair is not None and not chair.has_role(Role.CHAIR):
        errors["chair"] = [f"{chair.display_name} is not a chair: select someone with the chair's role"]
    if errors or held_on is None:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            meeting = Meeting.objects.create(team=team, kind=kind, held_on=held_on, location=location, chair=chair, created_by=acting_user)
    except IntegrityError as exc:
        raise ValidationError({"held_on": [f"{team} already has a {MeetingKind(kind).label.lower()} on this date"]}) from exc
    audit.record(
        actor=acting_user,
        action=AuditAction.CREATE,
        object_type="meeting",
        object_id=meeting.pk,
        changes=audit.diff({}, {"team": team.pk, "kind": kind, "held_on": held_on, "location": location, "chair": chair and chair.pk}),
    )
    return meeting


def attendee_add(
    *, acting_user: User, meeting: Meeting, name: str, organisation: str, confidentiality_signed: bool, user: User | None = None
) -> Attendee:
    """Record someone at the meeting. Every attendee signs the confidentiality statement at every
    meeting (002 §2 and §"Confidentiality"): nobody is recorded without it. ``user``: their IOM Hub
    account, when they have one (their name and organisation are then the account's), to which
    their copy of the minutes is sent when the meeting closes (ADR 0020)."""
    _may_manage(acting_user, meeting.pk, team_id=meeting.team_id)
    errors: dict[str, list[str]] = {}
    if user is not None:
        if not user.is_active:
            errors["user"] = ["That account is not active"]
        name = user.display_name
        organisation = str(user.organisation) if user.organisation_id else organisation
        if meeting.attendees.filter(user=user).exists():
            errors["user"] = [f"{name} is already recorded at this meeting"]
    name = clean_text(errors, "name", name, "the attendee's name", required=True, limit=200)
    organisation = clean_text(errors, "organisation", organisation, "the attendee's organisation", required=True, limit=200)
    if confidentiality_signed is not True:
        errors["confidentiality_signed"] = ["Every attendee must sign the confidentiality statement before the meeting (002 §2)"]
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            attendee = Attendee.objects.create(
                meeting=meeting, name=name, organisation=organisation, confidentiality_signed=True, recorded_by=acting_user, user=user
            )
    except IntegrityError as exc:
        raise ValidationError({"name": [f"{name} of {organisation} is already recorded at this meeting"]}) from exc
    audit.record(
        actor=acting_user,
        action=AuditAction.CREATE,
        object_type="meeting-attendee",
        object_id=attendee.pk,
        changes=audit.diff(
            {},
            {"meeting": meeting.pk, "name": name, "organisation": organisation, "confidentiality_signed": True, "user": user and user.pk},
        ),
    )
    return attendee


def plans_circulated(*, acting_user: User, meeting: Meeting, circulated_on: datetime.date | None) -> Meeting:
    """Record the day the updated plans and actions went to the attendees (002 §2: within 2 working
    days). Not before the meeting, not in the future; a late circulation is kept and shown as late."""
    _may_manage(acting_user, meeting.pk, team_id=meeting.team_id)
    if circulated_on is None:
        raise ValidationError({"circulated_on": ["Enter the date the plans were circulated"]})
    if circulated_on > clock.today():
        raise ValidationError({"circulated_on": ["The date the plans were circulated must be today or in the past"]})
    try:
        late = circulated_late(held_on=meeting.held_on, circulated_on=circulated_on)
    except ValueError as exc:
        raise ValidationError(
            {"circulated_on": [f"The plans are circulated after the meeting, on or after {meeting.held_on:%-d %B %Y}"]}
        ) from exc
    with transaction.atomic():
        current = Meeting.objects.select_for_update().get(pk=meeting.pk)
        before = {"minutes_circulated_on": current.minutes_circulated_on}
        current.minutes_circulated_on = circulated_on
        current.save(update_fields=["minutes_circulated_on"])
        audit.record(
            actor=acting_user,
            action=AuditAction.CHANGE,
            object_type="meeting",
            object_id=current.pk,
            changes={**audit.diff(before, {"minutes_circulated_on": circulated_on}), "late": late},
        )
    return current
