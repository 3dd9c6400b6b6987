"""The record sheet of each case (002 §2: "displayed during the meeting and updated directly by the
divisional IOM Co-ordinator") and the absent officers' written updates."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from iomhub import clock
from iomhub.access import audit
from iomhub.access.errors import deny
from iomhub.access.models import AuditAction, Section
from iomhub.access.policy import Action, decide
from iomhub.meetings.guards import may_record_on, of_meeting, require_in_session
from iomhub.meetings.models import CaseSheet, Meeting, WrittenUpdate
from iomhub.rules.meetings import written_update_due
from iomhub.validation import clean_text

if TYPE_CHECKING:
    from iomhub.access.models import User
    from iomhub.people.models import Person

TEXT_LIMIT = 10000
SHEET_FIELDS = ("current_situation", "risk_factors", "interventions")
LABELS = {"current_situation": "the current situation", "risk_factors": "the risk factors", "interventions": "the interventions"}


class StaleSheet(ValidationError):
    """Someone else saved the sheet since it was read: nothing was saved."""


def sheet_save(*, acting_user: User, meeting: Meeting, person: Person, values: dict[str, str], version: int | None) -> CaseSheet:
    """Create or update the record sheet of ``person`` at ``meeting``. ``version`` is the one the
    coordinator saw (None for a new sheet); a stale one is refused and nothing is saved."""
    may_record_on(acting_user, meeting, person)
    require_in_session(meeting)
    errors: dict[str, list[str]] = {}
    cleaned = {f: clean_text(errors, f, values.get(f, ""), LABELS[f], required=False, limit=TEXT_LIMIT) for f in SHEET_FIELDS}
    if not any(cleaned.values()) and "current_situation" not in errors:
        errors["current_situation"] = ["Enter the current situation, the risk factors or the interventions"]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        sheet = CaseSheet.objects.select_for_update().filter(meeting=meeting, person=person).first()
        if sheet is not None and version != sheet.version:
            raise StaleSheet(
                {"version": ["Someone else saved this record sheet while you were editing it: nothing was saved, reload and try again"]}
            )
        before = {f: getattr(sheet, f) for f in SHEET_FIELDS} if sheet else {}
        if sheet is None:
            sheet = CaseSheet.objects.create(meeting=meeting, person=person, updated_by=acting_user, **cleaned)
        else:
            for f, v in cleaned.items():
                setattr(sheet, f, v)
            sheet.version += 1
            sheet.updated_by, sheet.updated_at = acting_user, clock.now()
            sheet.save()
        audit.record(
            actor=acting_user,
            action=AuditAction.CHANGE if before else AuditAction.CREATE,
            object_type=CaseSheet.AUDIT_TYPE,
            object_id=sheet.pk,
            person_id=person.pk,
            changes={"meeting": meeting.pk, **audit.diff(before, cleaned)},
        )
    return sheet


def may_write_update(user: User, meeting: Meeting, person: Person) -> None:
    """An officer on the case: someone who may add to the person's running record (the timeline)
    and whose meeting it is to report to (the person's team)."""
    visible = decide(user, Action.PERSON_VIEW, person, section=Section.IDENTITY)
    changeable = decide(user, Action.PERSON_CHANGE, person, section=Section.TIMELINE)
    if not (visible and changeable and of_meeting(meeting, person)):
        deny(
            user=user,
            action=Action.PERSON_CHANGE,
            reason=changeable.reason if visible else visible.reason,
            object_type=WrittenUpdate.AUDIT_TYPE,
            object_id=meeting.pk,
            person_id=person.pk,
            not_found=not visible,
        )


def written_update_submit(*, acting_user: User, meeting: Meeting, person: Person, text: str) -> WrittenUpdate:
    """An allocated officer who cannot attend sends the chair a written update (002 §2), due by
    ``rules.meetings.written_update_due``; one sent later is kept and marked late, never refused."""
    may_write_update(acting_user, meeting, person)
    errors: dict[str, list[str]] = {}
    text = clean_text(errors, "text", text, "the written update", required=True, limit=TEXT_LIMIT)
    if meeting.closed_at is not None:
        errors.setdefault("text", []).append("The meeting has closed: record what happened on the person's timeline instead")
    if errors:
        raise ValidationError(errors)
    late = clock.today() > written_update_due(held_on=meeting.held_on).due
    name = acting_user.display_name
    if acting_user.organisation_id:
        name = f"{name}, {acting_user.organisation}"
    try:
        with transaction.atomic():
            update = WrittenUpdate.objects.create(
                meeting=meeting, person=person, author=acting_user, author_name=name, text=text, late=late
            )
    except IntegrityError as exc:
        raise ValidationError({"text": ["You have already sent a written update on this person for this meeting"]}) from exc
    audit.record(
        actor=acting_user,
        action=AuditAction.CREATE,
        object_type=WrittenUpdate.AUDIT_TYPE,
        object_id=update.pk,
        person_id=person.pk,
        changes={"meeting": meeting.pk, "late": late, **audit.diff({}, {"text": text})},
    )
    return update
