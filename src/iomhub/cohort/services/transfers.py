"""Transfers of a registration between local teams and to or from another area (002 §3): proposed
with the transfer pack, then the home visit, the SPOC, the decision, deselection or withdrawal."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction

from iomhub import clock
from iomhub.access import audit
from iomhub.access.models import AuditAction, Team
from iomhub.access.policy import Action
from iomhub.cohort import agencies
from iomhub.cohort.models import (
    OPEN_TRANSFER,
    ChecklistEntry,
    ChecklistItem,
    RagChange,
    Registration,
    Transfer,
    TransferKind,
    TransferStatus,
)
from iomhub.cohort.services._common import SHORT_LIMIT, TEXT_LIMIT, authorise, deciding_user, past_date, snapshot
from iomhub.referrals.models import RagLevel
from iomhub.validation import clean_text

if TYPE_CHECKING:
    from iomhub.access.models import User
    from iomhub.people.models import Person


PACK_FIELDS = {
    "proposed_address": "the proposed address",
    "index_offence": "the index offence",
    "offending_history": "the offending history",
    "risk_factors": "the current risk factors",
    "safeguarding": "the safeguarding concerns (or 'None known')",
}
TRANSFER_STEPS = ("home-visit", "spoc", "decision", "deselect", "withdraw")


def _transfer_snapshot(t: Transfer) -> dict[str, Any]:
    names = (
        "kind",
        "status",
        "registration_id",
        "from_team_id",
        "to_team_id",
        "other_area",
        "home_visit_on",
        "address_suitable",
        "spoc_name",
        "decided_on",
        "decision_meeting",
        "deselected_on",
    )
    return {name: getattr(t, name) for name in names}


def transfer_propose(
    *,
    acting_user: User,
    person: Person,
    kind: str,
    to_team: Team | None = None,
    other_area: str = "",
    pack: dict[str, str],
) -> Transfer:
    """Start a transfer with its information pack (002 §4): the address, index offence and history,
    the current risk factors and safeguarding concerns. Internal: to another local team; out: to
    another area (the person is on IOM here); in: from another area (the person is not)."""
    authorise(acting_user, Action.COHORT_MANAGE, person, object_type="transfer")
    errors: dict[str, list[str]] = {}
    if kind not in TransferKind.values:
        raise ValidationError({"kind": ["Select the kind of transfer"]})
    unknown = sorted(set(pack) - set(PACK_FIELDS))
    if unknown:
        raise ValidationError({name: ["Unknown field"] for name in unknown})
    cleaned = {
        name: clean_text(errors, name, pack.get(name), label, required=True, limit=TEXT_LIMIT) for name, label in PACK_FIELDS.items()
    }
    other_area = clean_text(errors, "other_area", other_area, "the other area", required=kind != TransferKind.INTERNAL, limit=SHORT_LIMIT)
    with transaction.atomic():
        from iomhub.people.models import Person as PersonModel

        PersonModel.objects.select_for_update().filter(pk=person.pk).first()
        registration = Registration.objects.filter(person=person, ended_on__isnull=True).first()
        from_team, to_team, other_area = _teams(errors, person, kind, registration, to_team, other_area)
        if Transfer.objects.filter(person=person, status__in=OPEN_TRANSFER).exists():
            errors.setdefault("kind", []).append("A transfer of this person is already under way")
        if errors:
            raise ValidationError(errors)
        transfer = Transfer.objects.create(
            person=person,
            kind=kind,
            registration=registration if kind != TransferKind.EXTERNAL_IN else None,
            from_team=from_team,
            to_team=to_team,
            other_area=other_area,
            proposed_on=clock.today(),
            created_by=acting_user,
            **cleaned,
        )
        audit.record(
            actor=acting_user,
            action=AuditAction.CREATE,
            object_type="transfer",
            object_id=transfer.pk,
            person_id=person.pk,
            changes=audit.diff({}, _transfer_snapshot(transfer)),
        )
    return transfer


def _teams(
    errors: dict[str, list[str]], person: Person, kind: str, registration: Registration | None, to_team: Team | None, other_area: str
) -> tuple[Team | None, Team | None, str]:
    """(from team, to team, other area) for the kind of transfer, with what is wrong in ``errors``."""
    from_team = None
    if kind == TransferKind.EXTERNAL_IN:
        if registration is not None:
            errors.setdefault("kind", []).append("This person is already on IOM here: a transfer in is for someone from another area")
    elif registration is None:
        errors.setdefault("kind", []).append("This person is not on IOM here, so there is nothing to transfer")
    if kind == TransferKind.INTERNAL:
        other_area = ""
        from_team = person.managing_team
        if from_team is None:
            errors.setdefault("to_team", []).append("Set the person's managing team first: an internal transfer moves between teams")
        elif to_team is None:
            errors.setdefault("to_team", []).append("Select the receiving team")
        elif to_team.pk == from_team.pk:
            errors.setdefault("to_team", []).append("The receiving team must be another team")
    elif kind == TransferKind.EXTERNAL_OUT:
        to_team = None
        from_team = person.managing_team
    return from_team, to_team, other_area


def transfer_step(*, acting_user: User, transfer: Transfer, step: str, data: dict[str, Any], chair: User | None = None) -> Transfer:
    """One step of a transfer (002 §4), in order:

    - ``home-visit``: the joint police and probation visit to assess the address (visited_on,
      police_officer, probation_officer, address_suitable, notes);
    - ``spoc``: the receiving scheme's named SPOC (spoc_name, spoc_contact);
    - ``decision``: the receiving meeting accepts or not (accepted, decided_on, meeting, notes):
      the chair for a case coming here (internal, in), the coordinator recording the other area's
      decision for a case going out;
    - ``deselect``: deselection at the sending end, the day the case moves (deselected_on): the
      case is then at the receiving end only;
    - ``withdraw``: the transfer does not go ahead (reason).

    ``chair``: the chair who decided, when the coordinator records the decision at the meeting (ADR 0020).
    """
    if step not in TRANSFER_STEPS:
        raise ValidationError({"step": [f"Step must be one of {', '.join(TRANSFER_STEPS)}"]})
    decides = step == "decision" and transfer.kind != TransferKind.EXTERNAL_OUT
    decider = deciding_user(
        acting_user,
        chair if decides else None,
        Action.COHORT_DECIDE if decides else Action.COHORT_MANAGE,
        transfer.person,
        object_type="transfer",
        object_id=transfer.pk,
    )
    with transaction.atomic():
        current = Transfer.objects.select_for_update().get(pk=transfer.pk)
        before = _transfer_snapshot(current)
        if not current.is_open:
            raise ValidationError({"step": [f"This transfer is {current.get_status_display().lower()}: no further steps"]})
        handler = {
            "home-visit": _home_visit,
            "spoc": _spoc,
            "decision": _decision,
            "deselect": _deselect,
            "withdraw": _withdraw,
        }[step]
        handler(decider, current, dict(data))
        current.save()
        audit.record(
            actor=acting_user,
            action=AuditAction.CHANGE,
            object_type="transfer",
            object_id=current.pk,
            person_id=current.person_id,
            changes={**audit.diff(before, _transfer_snapshot(current)), "step": step},
        )
    return current


def _unknown(data: dict[str, Any], allowed: set[str]) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ValidationError({name: ["Unknown field"] for name in unknown})


def _home_visit(user: User, t: Transfer, data: dict[str, Any]) -> None:
    _unknown(data, {"visited_on", "police_officer", "probation_officer", "address_suitable", "notes"})
    errors: dict[str, list[str]] = {}
    if t.status != TransferStatus.PROPOSED:
        errors["step"] = ["The address is assessed before the receiving meeting decides"]
    past_date(
        errors, "visited_on", data.get("visited_on"), "the date of the home visit", not_before=t.proposed_on, before_text="the proposal"
    )
    police = clean_text(
        errors, "police_officer", data.get("police_officer"), "the police officer on the visit", required=True, limit=SHORT_LIMIT
    )
    probation = clean_text(
        errors, "probation_officer", data.get("probation_officer"), "the probation officer on the visit", required=True, limit=SHORT_LIMIT
    )
    notes = clean_text(errors, "notes", data.get("notes"), "notes", required=False, limit=TEXT_LIMIT)
    suitable = data.get("address_suitable")
    if not isinstance(suitable, bool):
        errors["address_suitable"] = ["Say whether the address is suitable"]
    if errors:
        raise ValidationError(errors)
    t.home_visit_on = data["visited_on"]
    t.home_visit_police, t.home_visit_probation, t.home_visit_notes = police, probation, notes
    t.address_suitable = suitable


def _spoc(user: User, t: Transfer, data: dict[str, Any]) -> None:
    _unknown(data, {"spoc_name", "spoc_contact"})
    errors: dict[str, list[str]] = {}
    t.spoc_name = clean_text(errors, "spoc_name", data.get("spoc_name"), "the SPOC's name", required=True, limit=SHORT_LIMIT)
    t.spoc_contact = clean_text(
        errors, "spoc_contact", data.get("spoc_contact"), "the SPOC's contact details", required=True, limit=SHORT_LIMIT
    )
    if errors:
        raise ValidationError(errors)


def _decision(user: User, t: Transfer, data: dict[str, Any]) -> None:
    _unknown(data, {"accepted", "decided_on", "meeting", "notes"})
    errors: dict[str, list[str]] = {}
    accepted = data.get("accepted")
    if not isinstance(accepted, bool):
        errors["accepted"] = ["Say whether the receiving meeting accepted the case"]
    if t.status != TransferStatus.PROPOSED:
        errors["step"] = ["The receiving meeting has already decided"]
    past_date(
        errors, "decided_on", data.get("decided_on"), "the date of the decision", not_before=t.proposed_on, before_text="the proposal"
    )
    meeting = clean_text(errors, "meeting", data.get("meeting"), "the receiving meeting", required=True, limit=SHORT_LIMIT)
    notes = clean_text(errors, "notes", data.get("notes"), "notes", required=accepted is False, limit=TEXT_LIMIT)
    if accepted is True:
        if t.home_visit_on is None:
            errors.setdefault("accepted", []).append("Record the joint home visit to assess the address first (002 §4)")
        elif t.address_suitable is not True:
            errors.setdefault("accepted", []).append("The address was assessed as not suitable: the transfer cannot be accepted")
        elif data.get("decided_on") and data["decided_on"] < t.home_visit_on:
            errors.setdefault("decided_on", []).append("The decision must be on or after the home visit")
        if not t.spoc_name:
            errors.setdefault("accepted", []).append("Name the receiving scheme's SPOC first (002 §4)")
    if errors:
        raise ValidationError(errors)
    t.decided_on, t.decision_meeting, t.decision_notes = data["decided_on"], meeting, notes
    t.decided_by_name = user.display_name
    t.status = TransferStatus.ACCEPTED if accepted else TransferStatus.REJECTED
    if not accepted:
        t.closed_reason = notes


def _deselect(user: User, t: Transfer, data: dict[str, Any]) -> None:
    """The case moves, in one transaction: it is never in two places or none."""
    _unknown(data, {"deselected_on"})
    errors: dict[str, list[str]] = {}
    if t.status != TransferStatus.ACCEPTED:
        raise ValidationError({"step": ["The receiving meeting must accept the transfer before the sending end deselects"]})
    assert t.decided_on is not None
    deselected_on = data.get("deselected_on")
    past_date(errors, "deselected_on", deselected_on, "the date of deselection", not_before=t.decided_on, before_text="the acceptance")
    if errors:
        raise ValidationError(errors)
    assert deselected_on is not None
    t.deselected_on = deselected_on
    t.deselected_by_name = user.display_name
    t.status = TransferStatus.COMPLETED
    if t.kind == TransferKind.INTERNAL:
        _move_between_teams(user, t)
    elif t.kind == TransferKind.EXTERNAL_OUT:
        _leave_the_area(user, t, deselected_on)
    else:
        _arrive_from_another_area(user, t, deselected_on)


def _move_between_teams(user: User, t: Transfer) -> None:
    """Internal: the person's managing team becomes the receiving team."""
    from iomhub.people import services as people_services

    assert t.registration_id is not None
    registration = Registration.objects.select_for_update().get(pk=t.registration_id)
    person = registration.person
    if registration.ended_on is not None:
        raise ValidationError({"step": ["The registration has ended: the case is no longer here to transfer"]})
    if person.managing_team_id != t.from_team_id:
        raise ValidationError({"step": ["The person's managing team has changed since the transfer was proposed"]})
    people_services.person_update(acting_user=user, person=person, changes={"managing_team": t.to_team})


def _leave_the_area(user: User, t: Transfer, deselected_on: datetime.date) -> None:
    """Out: the registration ends and no agency here keeps the case."""
    assert t.registration_id is not None
    registration = Registration.objects.select_for_update().get(pk=t.registration_id)
    if registration.ended_on is not None:
        raise ValidationError({"step": ["The registration has already ended"]})
    registration.ended_on = deselected_on
    registration.end_reason = f"Transferred out to {t.other_area}"
    registration.save(update_fields=["ended_on", "end_reason"])
    # The case has left the area: no agency here keeps it (002 §4; issue 9 §3).
    agencies.end_on_exit(
        acting_user=user,
        person=registration.person,
        ended_on=deselected_on,
        reason=f"Transferred out to {t.other_area} on {deselected_on.day} {deselected_on:%B %Y}",
    )
    audit.record(
        actor=user,
        action=AuditAction.CHANGE,
        object_type="registration",
        object_id=registration.pk,
        person_id=registration.person_id,
        changes=audit.diff({"ended_on": None}, {"ended_on": deselected_on, "end_reason": registration.end_reason}),
    )


def _arrive_from_another_area(user: User, t: Transfer, deselected_on: datetime.date) -> None:
    """In: a registration opens, Red for its first 8 weeks, with its checklist."""
    if Registration.objects.select_for_update().filter(person_id=t.person_id, ended_on__isnull=True).exists():
        raise ValidationError({"step": ["This person is already on IOM here: the case cannot be in two places"]})
    registration = Registration.objects.create(
        person_id=t.person_id, started_on=deselected_on, rag=RagLevel.RED, transferred_in_on=deselected_on
    )
    RagChange.objects.create(
        registration=registration,
        level=RagLevel.RED,
        changed_on=deselected_on,
        reason=f"Transfer in from {t.other_area}: managed as Red for the first 8 weeks (002 §4)",
        meeting=t.decision_meeting,
        decided_by=user,
        decided_by_name=user.display_name,
    )
    ChecklistEntry.objects.bulk_create([ChecklistEntry(registration=registration, item=item) for item in ChecklistItem.values])
    t.registration = registration
    audit.record(
        actor=user,
        action=AuditAction.CREATE,
        object_type="registration",
        object_id=registration.pk,
        person_id=registration.person_id,
        changes=audit.diff({}, snapshot(registration)),
    )
    if t.to_team_id is not None and registration.person.managing_team_id != t.to_team_id:
        from iomhub.people import services as people_services

        people_services.person_update(acting_user=user, person=registration.person, changes={"managing_team": t.to_team})


def _withdraw(user: User, t: Transfer, data: dict[str, Any]) -> None:
    _unknown(data, {"reason"})
    errors: dict[str, list[str]] = {}
    reason = clean_text(errors, "reason", data.get("reason"), "why the transfer is withdrawn", required=True, limit=TEXT_LIMIT)
    if errors:
        raise ValidationError(errors)
    t.status = TransferStatus.WITHDRAWN
    t.closed_reason = reason
