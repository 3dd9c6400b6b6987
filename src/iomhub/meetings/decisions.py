"""The decisions a meeting takes, recorded on the record sheet by the coordinator with the chair
(002 §2; ADR 0020). Each goes through the service that owns the record it makes (the referral
decision, the RAG change, the review, the deregistration), on the meeting's own date, and is linked
to the meeting by a :class:`MeetingDecision`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction

from iomhub.access import audit
from iomhub.access.models import AuditAction
from iomhub.cohort import services as cohort
from iomhub.meetings.guards import chair_present, may_manage, may_record_on, of_meeting, require_in_session
from iomhub.meetings.models import DecisionKind, Meeting, MeetingDecision
from iomhub.referrals import services as referrals

if TYPE_CHECKING:
    from iomhub.access.models import User
    from iomhub.cohort.models import Registration, Transfer
    from iomhub.people.models import Person
    from iomhub.referrals.models import Referral


def _link(acting_user: User, meeting: Meeting, person: Person | None, kind: str, summary: str, chair: User, **made: Any) -> MeetingDecision:
    decision = MeetingDecision.objects.create(
        meeting=meeting, person=person, kind=kind, summary=summary, chair=chair, recorded_by=acting_user, **made
    )
    audit.record(
        actor=acting_user,
        action=AuditAction.CREATE,
        object_type=MeetingDecision.AUDIT_TYPE,
        object_id=decision.pk,
        person_id=person.pk if person else None,
        changes={"meeting": meeting.pk, "kind": kind, "chair": chair.pk, **{k: v.pk for k, v in made.items()}},
    )
    return decision


def _label(meeting: Meeting) -> str:
    return str(meeting)[:200]


def referral_decide(
    *,
    acting_user: User,
    meeting: Meeting,
    referral: Referral,
    outcome: str,
    reasons: str,
    adoption: referrals.Adoption | None = None,
) -> MeetingDecision:
    """Adopt, reject or defer a referral at the meeting: the chair's decision (ADR 0017 carries the
    referral into the person and case), dated the meeting's day; the date is never asked again."""
    may_manage(acting_user, meeting)
    if referral.person is not None and not of_meeting(meeting, referral.person):
        raise ValidationError({"referral": ["This referral is for someone another local team manages"]})
    require_in_session(meeting, "outcome")
    chair = chair_present(meeting, "outcome")
    with transaction.atomic():
        made = referrals.referral_decide(
            acting_user=acting_user,
            referral=referral,
            outcome=outcome,
            reasons=reasons,
            meeting_date=meeting.held_on,
            adoption=adoption,
            chair=chair,
        )
        made.referral.refresh_from_db()
        kind = {"adopt": DecisionKind.ADOPT, "reject": DecisionKind.REJECT, "defer": DecisionKind.DEFER}[outcome]
        summary = made.reasons
        if outcome == "adopt" and made.referral.person is not None:
            registration = made.referral.person.registrations.get(ended_on__isnull=True)
            summary = f"Adopted with the initial RAG {registration.get_rag_display()}. {made.reasons}"
        linked = _link(acting_user, meeting, made.referral.person, kind, summary, chair, referral_decision=made)
    linked.not_involved = getattr(made, "not_involved", [])  # type: ignore[attr-defined]
    return linked


def rag_change(*, acting_user: User, meeting: Meeting, registration: Registration, level: str, reason: str) -> MeetingDecision:
    """The RAG level reviewed at the meeting (002 §2: red cases at every meeting, amber at least
    three-monthly), changed on the meeting's date and naming the meeting."""
    may_record_on(acting_user, meeting, registration.person)
    require_in_session(meeting, "level")
    chair = chair_present(meeting, "level")
    with transaction.atomic():
        change = cohort.rag_change(
            acting_user=acting_user,
            registration=registration,
            level=level,
            changed_on=meeting.held_on,
            reason=reason,
            meeting=_label(meeting),
        )
        summary = f"RAG level changed to {change.get_level_display()}: {change.reason}"
        return _link(acting_user, meeting, registration.person, DecisionKind.RAG, summary, chair, rag_change=change)


def review(*, acting_user: User, meeting: Meeting, registration: Registration, outcome: str, notes: str) -> MeetingDecision:
    """The case reviewed at the meeting: retained or dropped (000 §5.7; 002 §2)."""
    may_record_on(acting_user, meeting, registration.person)
    require_in_session(meeting, "outcome")
    chair = chair_present(meeting, "outcome")
    with transaction.atomic():
        made = cohort.review_record(
            acting_user=acting_user,
            registration=registration,
            reviewed_on=meeting.held_on,
            outcome=outcome,
            notes=notes,
            meeting=_label(meeting),
        )
        summary = f"Reviewed: {made.get_outcome_display()}. {made.notes}"
        return _link(acting_user, meeting, registration.person, DecisionKind.REVIEW, summary, chair, review=made)


def deregister(
    *,
    acting_user: User,
    meeting: Meeting,
    registration: Registration,
    reasons: str,
    exit_plan: str,
    supported_by: str,
    exceptional: bool = False,
    continuing: Sequence[int] = (),
) -> MeetingDecision:
    """The chair approves removal at the meeting (002 §2), on the meeting's date."""
    may_record_on(acting_user, meeting, registration.person)
    require_in_session(meeting, "reasons")
    chair = chair_present(meeting, "reasons")
    with transaction.atomic():
        made = cohort.deregister(
            acting_user=acting_user,
            registration=registration,
            approved_on=meeting.held_on,
            reasons=reasons,
            exit_plan=exit_plan,
            supported_by=supported_by,
            meeting=_label(meeting),
            exceptional=exceptional,
            continuing=continuing,
            chair=chair,
        )
        summary = f"Deregistered: {made.reasons} Exit plan: {made.exit_plan} Supported by {made.supported_by}."
        return _link(acting_user, meeting, registration.person, DecisionKind.DEREGISTER, summary, chair, deregistration=made)


def transfer_decide(*, acting_user: User, meeting: Meeting, transfer: Transfer, accepted: bool | None, notes: str) -> MeetingDecision:
    """A transfer in heard at the receiving team's meeting (002 §4: "the case must be heard at the next
    IOM operational meeting and adoption agreed or rejected"), decided by the chair on its date."""
    may_manage(acting_user, meeting)
    if transfer.to_team_id != meeting.team_id:
        raise ValidationError({"transfer": ["This transfer is not coming to this meeting's team"]})
    require_in_session(meeting, "accepted")
    chair = chair_present(meeting, "accepted")
    with transaction.atomic():
        made = cohort.transfer_step(
            acting_user=acting_user,
            transfer=transfer,
            step="decision",
            data={"accepted": accepted, "decided_on": meeting.held_on, "meeting": _label(meeting), "notes": notes},
            chair=chair,
        )
        summary = f"Transfer in {'accepted' if made.status == 'accepted' else 'not accepted'}" + (
            f": {made.decision_notes}" if made.decision_notes else ""
        )
        return _link(acting_user, meeting, made.person, DecisionKind.TRANSFER, summary, chair, transfer=made)
