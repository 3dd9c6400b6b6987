"""The risk management plan's actions (issue 6 §4; 002 §2): added with the agency and the person
responsible, moved on (done, carried over to a new date, cancelled), every change kept as history.
Anyone who may change the ``plan`` section; a change based on an older ``version`` is refused
(``StaleEdit``) and nothing is overwritten."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F

from iomhub import clock
from iomhub.access import audit
from iomhub.access.models import AuditAction, Organisation, Section, User
from iomhub.access.projection import lens_for
from iomhub.casework.checks import MAX_NOTE, authorise, name_of
from iomhub.casework.checks import audit_write as _audit
from iomhub.casework.checks import choice as _choice
from iomhub.casework.checks import date as _date
from iomhub.casework.checks import text as _text
from iomhub.casework.models import ActionStatus, PathwayNeed, PlanAction, PlanActionChange
from iomhub.people.services import StaleEdit
from iomhub.referrals.models import Pathway

if TYPE_CHECKING:
    from iomhub.people.models import Person


def plan_action_add(
    *,
    acting_user: User,
    person: Person,
    description: str,
    agency: Organisation,
    owner_name: str,
    due_on: datetime.date,
    owner: User | None = None,
    pathway: str = "",
    need: PathwayNeed | None = None,
    sentence_plan: bool = False,
) -> PlanAction:
    authorise(acting_user, person, section=Section.PLAN)
    errors: dict[str, list[str]] = {}
    description = _text(errors, "description", description, "action", limit=MAX_NOTE)
    owner_name = _text(errors, "owner_name", owner_name or (name_of(owner) if owner else ""), "person responsible")
    due = _date(errors, "due_on", due_on, "due date", person, future=True)
    if due != datetime.date.min and due < clock.today():
        errors.setdefault("due_on", []).append("The due date must be today or in the future")
    pathway = _choice(errors, "pathway", pathway, Pathway, "pathway", required=False)
    if need is not None:
        if not lens_for(acting_user, person).sees(Section.ASSESSMENTS):
            errors.setdefault("need", []).append("The assessments are not shared with you: leave the need out")
        elif need.assessment.person_id != person.pk:
            errors.setdefault("need", []).append("That need belongs to another person's assessment")
        elif pathway and pathway != need.pathway:
            errors.setdefault("pathway", []).append("The pathway must be the pathway of the linked need")
        pathway = pathway or need.pathway
    if owner is not None and owner.organisation_id != agency.pk:
        errors.setdefault("owner", []).append(f"The person responsible must work for {agency.name}")
    if not agency.active:
        errors.setdefault("agency", []).append("That organisation is no longer active")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        action = PlanAction.objects.create(
            person=person,
            description=description,
            pathway=pathway,
            need=need,
            sentence_plan=sentence_plan,
            agency=agency,
            owner=owner,
            owner_name=owner_name,
            due_on=due,
            created_by=acting_user,
        )
        PlanActionChange.objects.create(action=action, status=action.status, due_on=due, note="Added to the plan", changed_by=acting_user)
        _audit(
            acting_user,
            "plan-action",
            action,
            person,
            Section.PLAN,
            {},
            {"description": description, "agency": agency.name, "owner_name": owner_name, "due_on": due, "pathway": pathway},
        )
    return action


def plan_action_update(
    *,
    acting_user: User,
    action: PlanAction,
    status: str,
    version: int,
    note: str = "",
    due_on: datetime.date | None = None,
) -> PlanAction:
    """Move an action on: done, carried over (to a new due date), cancelled, or open again.

    ``version`` is the version the user saw; a stale one is refused and nothing is changed."""
    person = action.person
    authorise(acting_user, person, section=Section.PLAN)
    errors: dict[str, list[str]] = {}
    status = _choice(errors, "status", status, ActionStatus, "status")
    note = _text(errors, "note", note, "note", required=status in (ActionStatus.CANCELLED, ActionStatus.CARRIED_OVER), limit=MAX_NOTE)
    new_due = action.due_on
    if status == ActionStatus.CARRIED_OVER:
        if due_on is None:
            errors.setdefault("due_on", []).append("Enter the new due date for the carried-over action")
        else:
            new_due = _date(errors, "due_on", due_on, "new due date", person, future=True)
            if "due_on" not in errors and new_due <= clock.today():
                errors.setdefault("due_on", []).append("The new due date must be in the future")
    elif due_on is not None and due_on != action.due_on:
        errors.setdefault("due_on", []).append("The due date changes only when the action is carried over")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = PlanAction.objects.select_for_update().get(pk=action.pk)
        if current.version != version:
            raise StaleEdit(
                {
                    "version": [
                        "Someone else changed this action while you were editing it. Your change has not been saved: "
                        "reload the page to see their change, then make yours again."
                    ]
                }
            )
        before = {"status": current.status, "due_on": current.due_on}
        PlanAction.objects.filter(pk=current.pk).update(status=status, due_on=new_due, version=F("version") + 1)
        PlanActionChange.objects.create(action=current, status=status, due_on=new_due, note=note, changed_by=acting_user)
        current.refresh_from_db()
        audit.record(
            actor=acting_user,
            action=AuditAction.CHANGE,
            object_type="plan-action",
            object_id=current.pk,
            person_id=person.pk,
            changes={"section": Section.PLAN, "note": note, **audit.diff(before, {"status": status, "due_on": new_due})},
        )
    return current
