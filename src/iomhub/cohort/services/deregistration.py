"""Ending a registration: the deregistration decided at the meeting (its reasons, exit plan and the
rules that require or suggest it, 002 §2) and the removal checklist."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction

from iomhub import clock
from iomhub.access import audit
from iomhub.access.models import AuditAction
from iomhub.access.policy import Action
from iomhub.access.projection import lens_for
from iomhub.cohort import agencies
from iomhub.cohort.models import (
    Deregistration,
    Registration,
    RemovalEntry,
    RemovalItem,
)
from iomhub.cohort.services._common import SHORT_LIMIT, TEXT_LIMIT, authorise, deciding_user, locked_open, past_date, tick
from iomhub.validation import clean_text

if TYPE_CHECKING:
    from collections.abc import Sequence

    from iomhub.access.models import User


def deregister(
    *,
    acting_user: User,
    registration: Registration,
    approved_on: datetime.date | None,
    reasons: str,
    exit_plan: str,
    supported_by: str,
    meeting: str = "",
    exceptional: bool = False,
    continuing: Sequence[int] = (),
    chair: User | None = None,
) -> Deregistration:
    """The chair approves removal from IOM (002 §2, appendix 2): reasons, an exit plan and who keeps
    supporting the person. Before six months on the scheme (000 §5.7) only when a rule requires it
    or, exceptionally, for another reason given. The registration ends; it is never deleted. The
    removal checklist starts, every item outstanding. Every agency still involved stops seeing the
    person that day, except the organisations in ``continuing`` that the exit plan names to keep
    supporting them (issue 9 §3; ADR 0013). ``chair``: the chair who decided, when the coordinator
    records it on the meeting's record sheet (ADR 0020)."""
    from iomhub.cohort import advice as advice_module

    decider = deciding_user(
        acting_user, chair, Action.COHORT_DECIDE, registration.person, object_type="registration", object_id=registration.pk
    )
    errors: dict[str, list[str]] = {}
    reasons, exit_plan, supported_by, meeting = _checked(errors, registration, approved_on, reasons, exit_plan, supported_by, meeting)
    with transaction.atomic():
        current = locked_open(registration)
        as_of = approved_on if approved_on and not errors.get("approved_on") else clock.today()
        # The rules as the chair sees them: what they decide on is what is recorded (issue 9 finding 1).
        found = advice_module.advise(current, as_of, lens=lens_for(decider, current.person))
        if approved_on and "approved_on" not in errors and approved_on < found.earliest and not found.required and not exceptional:
            errors["approved_on"] = [
                f"Nobody leaves before six months on the scheme ({found.earliest.day} {found.earliest:%B %Y}) unless deregistration is required "
                "(000 §5.7): tick the exceptional box and give the reason"
            ]
        if errors:
            raise ValidationError(errors)
        assert approved_on is not None
        record = Deregistration.objects.create(
            registration=current,
            approved_on=approved_on,
            meeting=meeting,
            reasons=reasons,
            exit_plan=exit_plan,
            supported_by=supported_by,
            required_by=found.required,
            suggested_by=found.suggested,
            exceptional=exceptional and not found.required and approved_on < found.earliest,
            approved_by=decider,
            approved_by_name=decider.display_name,
        )
        RemovalEntry.objects.bulk_create([RemovalEntry(deregistration=record, item=item) for item in RemovalItem.values])
        _end(acting_user, current, record, found, continuing=continuing)
    registration.ended_on = approved_on
    return record


def _checked(
    errors: dict[str, list[str]],
    registration: Registration,
    approved_on: datetime.date | None,
    reasons: str,
    exit_plan: str,
    supported_by: str,
    meeting: str,
) -> tuple[str, str, str, str]:
    """The deregistration's words, cleaned (reasons, exit plan, supported by, meeting), and its date checked."""
    reasons = clean_text(errors, "reasons", reasons, "the reasons for removal", required=True, limit=TEXT_LIMIT)
    exit_plan = clean_text(errors, "exit_plan", exit_plan, "the exit plan", required=True, limit=TEXT_LIMIT)
    supported_by = clean_text(errors, "supported_by", supported_by, "who keeps supporting the person", required=True, limit=SHORT_LIMIT)
    meeting = clean_text(errors, "meeting", meeting, "the meeting", required=False, limit=SHORT_LIMIT)
    past_date(
        errors,
        "approved_on",
        approved_on,
        "the date removal was approved",
        not_before=registration.started_on,
        before_text=f"the registration date ({registration.started_on.day} {registration.started_on:%B %Y})",
    )
    return reasons, exit_plan, supported_by, meeting


def _end(acting_user: User, current: Registration, record: Deregistration, found: Any, *, continuing: Sequence[int]) -> None:
    """End the registration on the approval date, end the involvement of every agency not continuing, audit."""
    approved_on, reasons, supported_by = record.approved_on, record.reasons, record.supported_by
    before = {"ended_on": None, "end_reason": current.end_reason}
    current.ended_on = approved_on
    current.end_reason = f"Deregistered: {reasons}"
    current.save(update_fields=["ended_on", "end_reason"])
    ended = agencies.end_on_exit(
        acting_user=acting_user,
        person=current.person,
        ended_on=approved_on,
        reason=f"Deregistered from IOM on {approved_on.day} {approved_on:%B %Y}; not named in the exit plan",
        continuing=continuing,
    )
    audit.record(
        actor=acting_user,
        action=AuditAction.CHANGE,
        object_type="registration",
        object_id=current.pk,
        person_id=current.person_id,
        changes={
            **audit.diff(before, {"ended_on": approved_on, "end_reason": current.end_reason}),
            "agencies_ended": sorted(ended),
            "deregistration": record.pk,
            "required_by": found.required,
            "suggested_by": found.suggested,
            "supported_by": supported_by,
        },
        reason=reasons,
    )


def removal_record(
    *,
    acting_user: User,
    registration: Registration,
    item: str,
    done_on: datetime.date | None,
    done_by: str,
    not_applicable: bool = False,
) -> RemovalEntry:
    """Record one action of the removal checklist (002 appendix 2): date and by whom."""
    authorise(acting_user, Action.COHORT_MANAGE, registration.person, object_type="removal-checklist", object_id=registration.pk)
    record = Deregistration.objects.filter(registration=registration).first()
    errors: dict[str, list[str]] = {}
    if record is None:
        raise ValidationError({"registration": ["This registration has not been deregistered"]})
    if item not in RemovalItem.values:
        errors["item"] = ["Select a removal action"]
    done_by = clean_text(errors, "done_by", done_by, "who did it", required=not not_applicable, limit=SHORT_LIMIT)
    if not not_applicable:
        past_date(
            errors, "done_on", done_on, "the date it was done", not_before=record.approved_on, before_text="the date removal was approved"
        )
    elif item != RemovalItem.SOCIAL_SERVICES:
        errors["not_applicable"] = ["Only notifying social services may be marked as not applicable"]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        entry = RemovalEntry.objects.select_for_update().get(deregistration=record, item=item)
        return tick(
            entry,
            acting_user=acting_user,
            done_on=done_on,
            done_by=done_by,
            not_applicable=not_applicable,
            object_type="removal-checklist",
            person_id=registration.person_id,
        )


# ---- transfers (002 §4) -------------------------------------------------------------------------
