"""The risk management plan's actions (issue 6 §4; 002 §2): added with the agency and the person
responsible, moved on (done, carried over to a new date, cancelled), every change kept as history.
Anyone who may change the ``plan`` section; a change based on an older ``version`` is refused
(``StaleEdit``) and nothing is overwritten."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, QuerySet

from iomhub import clock
from iomhub.access import audit
from iomhub.access.models import AuditAction, Organisation, OrganisationKind, Role, Section, SharingAgreement, User
from iomhub.access.policy import CORE_ROLES, Action, agreement_in_force, decide, sections_for
from iomhub.access.projection import lens_for
from iomhub.casework.checks import MAX_NOTE, authorise
from iomhub.casework.checks import audit_write as _audit
from iomhub.casework.checks import choice as _choice
from iomhub.casework.checks import date as _date
from iomhub.casework.checks import text as _text
from iomhub.casework.models import (
    OPEN_STATUSES,
    ActionStatus,
    AgencyInvolvement,
    PathwayNeed,
    PlanAction,
    PlanActionChange,
    agency_section,
)
from iomhub.people.services import StaleEdit
from iomhub.referrals.models import Pathway
from iomhub.rules.date_windows import BOOKING_YEARS

if TYPE_CHECKING:
    from iomhub.people.models import Person


ACTION_HOLDERS = frozenset({*CORE_ROLES, Role.PARTNER_WORKER})


def owners_for(agency: Organisation) -> QuerySet[User]:
    """The workers an action given to ``agency`` may be allocated to: its active users who work on
    cases (the core IOM team's roles or a partner worker), by name."""
    return (
        User.objects.filter(organisation=agency, is_active=True, role_assignments__role__in=ACTION_HOLDERS)
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def involvable(agency: Organisation) -> bool:
    """Whether ``agency`` may be involved in a case: the police and probation (the core team) always,
    any other organisation only under a sharing agreement in force (ADR 0013)."""
    if not agency.active:
        return False
    if agency.kind in (OrganisationKind.POLICE, OrganisationKind.PROBATION):
        return True
    return agreement_in_force(SharingAgreement.objects.filter(organisation=agency).first())


def agency_involved(person: Person, agency: Organisation) -> bool:
    return AgencyInvolvement.objects.filter(person=person, organisation=agency, ended_on__isnull=True).exists()


def _check_owner(
    errors: dict[str, list[str]], owner: User | None, owner_name: str, agency: Organisation, person: Person, *, involving: bool
) -> None:
    """Someone is responsible (002 §2: actions allocated to a named person and agency): a worker of
    ``agency`` who can open the case, or a name typed for someone without an account."""
    if owner is None:
        if not owner_name and "owner_name" not in errors:
            errors.setdefault("owner", []).append(
                f"Choose the worker at {agency.name} responsible, or type the name of someone without an account"
            )
        return
    if owner.organisation_id != agency.pk:
        errors.setdefault("owner", []).append(f"The person responsible must work for {agency.name}")
    elif not owner.is_active or not owner.role_codes & ACTION_HOLDERS:
        errors.setdefault("owner", []).append(f"{owner.display_name} does not work on IOM cases: choose another worker")
    elif not involving and not decide(owner, Action.PERSON_VIEW, person):
        errors.setdefault("owner", []).append(
            f"{owner.display_name} cannot open this person's record: {agency.name} must be involved in the case first"
        )
    elif Section.PLAN not in sections_for(owner):
        errors.setdefault("owner", []).append(
            f"{agency.name}'s sharing agreement does not give {owner.display_name} the plan: type the name of the person responsible instead"
        )


@dataclass(frozen=True)
class _Checked:
    description: str
    owner_name: str
    due: datetime.date
    pathway: str
    involving: bool


def _check(
    acting_user: User,
    person: Person,
    description: str,
    agency: Organisation,
    owner_name: str,
    due_on: datetime.date,
    owner: User | None,
    pathway: str,
    need: PathwayNeed | None,
    involve_agency: bool,
) -> _Checked:
    errors: dict[str, list[str]] = {}
    description = _text(errors, "description", description, "action", limit=MAX_NOTE)
    owner_name = _text(errors, "owner_name", owner.display_name if owner else owner_name, "person responsible", required=False)
    due = _date(errors, "due_on", due_on, "due date", person, future=True, within_years=BOOKING_YEARS)
    if due != datetime.date.min and due < clock.today():
        errors.setdefault("due_on", []).append("The due date must be today or in the future")
    pathway = _choice(errors, "pathway", pathway, Pathway, "pathway", required=False)
    lens = lens_for(acting_user, person)
    if need is not None:
        if not lens.sees(Section.ASSESSMENTS):
            errors.setdefault("need", []).append("The assessments are not shared with you: leave the need out")
        elif need.assessment.person_id != person.pk:
            errors.setdefault("need", []).append("That need belongs to another person's assessment")
        elif pathway and pathway != need.pathway:
            errors.setdefault("pathway", []).append("The pathway must be the pathway of the linked need")
        pathway = pathway or need.pathway
    involving = involve_agency and not agency_involved(person, agency)
    # An action given to a health agency is health (``PlanAction.sections``): without health it is
    # refused alike whether or not that agency is involved, before anything that would say which
    # (the owner's "must be involved in the case first"), ADR 0010 §3.
    health_withheld = not lens.sees(agency_section(agency.kind))
    if not agency.active:
        errors.setdefault("agency", []).append("That organisation is no longer active")
    elif health_withheld:
        errors.setdefault("agency", []).append(
            f"{agency.name} is a health or treatment agency, and the health section is not shared with you: "
            "ask the coordinator to agree an action with it"
        )
    elif involving and not involvable(agency):
        errors.setdefault("agency", []).append(f"{agency.name} has no sharing agreement in force, so it cannot be involved in a case")
    elif involving and not decide(acting_user, Action.COHORT_MANAGE):
        errors.setdefault("agency", []).append(f"Only the coordinator or chair can involve {agency.name} in the case: ask them first")
    if not health_withheld:
        _check_owner(errors, owner, owner_name, agency, person, involving=involving)
    if errors:
        raise ValidationError(errors)
    return _Checked(description, owner_name, due, pathway, involving)


def plan_action_problems(
    *,
    acting_user: User,
    person: Person,
    description: str,
    agency: Organisation,
    owner_name: str = "",
    due_on: datetime.date,
    owner: User | None = None,
    pathway: str = "",
    need: PathwayNeed | None = None,
    sentence_plan: bool = False,
    involve_agency: bool = False,
) -> dict[str, list[str]]:
    """What ``plan_action_add`` would refuse, by field, writing nothing: the page asks whether to
    involve an agency only once the rest of the action is right."""
    try:
        _check(acting_user, person, description, agency, owner_name, due_on, owner, pathway, need, involve_agency)
    except ValidationError as exc:
        return exc.message_dict
    return {}


def plan_action_add(
    *,
    acting_user: User,
    person: Person,
    description: str,
    agency: Organisation,
    owner_name: str = "",
    due_on: datetime.date,
    owner: User | None = None,
    pathway: str = "",
    need: PathwayNeed | None = None,
    sentence_plan: bool = False,
    involve_agency: bool = False,
) -> PlanAction:
    """Add an action for ``agency``, allocated to ``owner`` (a worker of that agency; it then shows on
    their caseload) or to ``owner_name`` (someone without an account); one of them is required.
    ``involve_agency``: the agency is not involved in the case yet and the coordinator or chair
    involves it in the same step (through ``agency_involve``, only under a sharing agreement in
    force), so its workers can open the case the action is about (issue 18 §3)."""
    from iomhub.casework.agencies import agency_involve

    authorise(acting_user, person, section=Section.PLAN)
    checked = _check(acting_user, person, description, agency, owner_name, due_on, owner, pathway, need, involve_agency)
    description, owner_name, due, pathway = checked.description, checked.owner_name, checked.due, checked.pathway
    with transaction.atomic():
        if checked.involving:
            agency_involve(acting_user=acting_user, person=person, organisation=agency, role_in_case="Responsible for a plan action")
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
            {
                "description": description,
                "agency": agency.name,
                "owner": owner.get_username() if owner else "",
                "owner_name": owner_name,
                "due_on": due,
                "pathway": pathway,
            },
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
            new_due = _date(errors, "due_on", due_on, "new due date", person, future=True, within_years=BOOKING_YEARS)
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


def plan_actions_end_on_exit(
    *, acting_user: User, person: Person, ended_on: datetime.date, reason: str, continuing: Sequence[int] = ()
) -> list[PlanAction]:
    """When a person leaves IOM, their open actions do not outlive the case on anyone's caseload
    (issue 18 §3): the actions of an agency the exit plan names to keep supporting them
    (``continuing``: organisation ids) are handed over to that agency's support, open, with a note
    in their history; every other open action is cancelled with ``reason``. Called inside the
    leaving service's transaction (``agencies.involvements_end_on_exit``); each change audited."""
    changed = []
    for action in PlanAction.objects.select_for_update().filter(person=person, status__in=OPEN_STATUSES).select_related("agency"):
        keep = action.agency_id in set(continuing)
        status = action.status if keep else ActionStatus.CANCELLED
        note = (
            f"Handed over under the exit plan on {ended_on.day} {ended_on:%B %Y}: {action.agency.name} keeps supporting the person"
            if keep
            else reason
        )
        PlanAction.objects.filter(pk=action.pk).update(status=status, version=F("version") + 1)
        PlanActionChange.objects.create(action=action, status=status, due_on=action.due_on, note=note, changed_by=acting_user)
        audit.record(
            actor=acting_user,
            action=AuditAction.CHANGE,
            object_type="plan-action",
            object_id=action.pk,
            person_id=person.pk,
            changes={"section": Section.PLAN, "note": note, **audit.diff({"status": action.status}, {"status": status})},
        )
        action.status = status
        changed.append(action)
    return changed
