"""Every change to an IOM registration goes through here: authorise, validate, write, audit.

Adoption opens a registration with its initial RAG classification (002 §2, appendix 1), the cohort
flags (neighbourhood crime, 003; domestic abuse; PPO, 000 §5.7) and the administration checklist of
002 appendix 2, every item outstanding until someone records the date and by whom.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from iomhub import clock
from iomhub.access import audit
from iomhub.access.errors import deny
from iomhub.access.models import AuditAction, Team
from iomhub.access.policy import Action, decide
from iomhub.access.projection import lens_for
from iomhub.cohort.models import (
    OPEN_TRANSFER,
    ChecklistEntry,
    ChecklistItem,
    ChecklistTick,
    Deregistration,
    RagChange,
    RagLevel,
    Registration,
    RemovalEntry,
    RemovalItem,
    Review,
    Transfer,
    TransferKind,
    TransferStatus,
)
from iomhub.validation import clean_text

if TYPE_CHECKING:
    from collections.abc import Sequence

    from iomhub.access.models import User
    from iomhub.people.models import Person
    from iomhub.referrals.models import Referral

_Tick = TypeVar("_Tick", bound=ChecklistTick)


def _snapshot(registration: Registration) -> dict[str, Any]:
    names = ("person_id", "referral_id", "started_on", "ended_on", "rag", "neighbourhood_crime", "domestic_abuse", "ppo", "strand")
    return {name: getattr(registration, name) for name in names}


def registration_open(
    *,
    acting_user: User,
    person: Person,
    referral: Referral | None,
    started_on: datetime.date,
    rag: str,
    neighbourhood_crime: bool = False,
    domestic_abuse: bool = False,
    ppo: bool = False,
    strand: str = "",
    reason: str = "",
    chair: User | None = None,
) -> Registration:
    """Put ``person`` on the scheme from ``started_on``: the chair decides (002 §2). ``chair``: the
    chair who decided, when the coordinator records it at the meeting (ADR 0020)."""
    decider = _decider(acting_user, chair, Action.REFERRAL_DECIDE, person, object_type="registration")
    if rag not in RagLevel.values:
        raise ValidationError({"rag": ["Select the initial RAG classification"]})
    with transaction.atomic():
        if Registration.objects.select_for_update().filter(person=person, ended_on__isnull=True).exists():
            raise ValidationError({"person": ["This person is already registered on IOM"]})
        registration = Registration.objects.create(
            person=person,
            referral=referral,
            started_on=started_on,
            rag=rag,
            neighbourhood_crime=neighbourhood_crime,
            domestic_abuse=domestic_abuse,
            ppo=ppo,
            strand=strand,
        )
        RagChange.objects.create(
            registration=registration,
            level=rag,
            changed_on=started_on,
            reason=reason,
            decided_by=decider,
            decided_by_name=decider.get_full_name() or decider.get_username(),
        )
        ChecklistEntry.objects.bulk_create([ChecklistEntry(registration=registration, item=item) for item in ChecklistItem.values])
        audit.record(
            actor=acting_user,
            action=AuditAction.CREATE,
            object_type="registration",
            object_id=registration.pk,
            person_id=person.pk,
            changes=audit.diff({}, _snapshot(registration)),
        )
    return registration


def checklist_record(
    *,
    acting_user: User,
    registration: Registration,
    item: str,
    done_on: datetime.date | None,
    done_by: str,
    not_applicable: bool = False,
) -> ChecklistEntry:
    """Record that one administration item was done (date and by whom) or does not apply. The
    person must be one the user may change, like its twin ``removal_record``."""
    _authorise(acting_user, Action.COHORT_MANAGE, registration.person, object_type="registration-checklist", object_id=registration.pk)
    errors: dict[str, list[str]] = {}
    if item not in ChecklistItem.values:
        errors["item"] = ["Select an administration item"]
    done_by = (done_by or "").strip()
    if not not_applicable:
        if done_on is None:
            errors["done_on"] = ["Enter the date it was done"]
        elif done_on > clock.today():
            errors["done_on"] = ["The date it was done must be today or in the past"]
        elif done_on < registration.started_on - datetime.timedelta(days=60):
            errors["done_on"] = ["The date it was done must be near or after the adoption date"]
        if not done_by:
            errors["done_by"] = ["Enter who did it"]
    if len(done_by) > 200 or "\x00" in done_by:
        errors["done_by"] = ["Who did it must be 200 characters or fewer"]
    if not_applicable and item != ChecklistItem.SOCIAL_SERVICES:
        errors["not_applicable"] = ["Only notifying social services may be marked as not applicable"]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        entry = ChecklistEntry.objects.select_for_update().get(registration=registration, item=item)
        return _tick(
            entry,
            acting_user=acting_user,
            done_on=done_on,
            done_by=done_by,
            not_applicable=not_applicable,
            object_type="registration-checklist",
            person_id=registration.person_id,
        )


def _tick(
    entry: _Tick, *, acting_user: User, done_on: datetime.date | None, done_by: str, not_applicable: bool, object_type: str, person_id: int
) -> _Tick:
    """Record one checklist item (adoption or removal) as done or not applicable, audited with its
    before and after. The caller has validated the input and locked the row."""
    before = entry.state()
    entry.done_on = None if not_applicable else done_on
    entry.done_by = done_by
    entry.not_applicable = not_applicable
    entry.recorded_by = acting_user
    entry.recorded_at = timezone.now()
    entry.save()
    audit.record(
        actor=acting_user,
        action=AuditAction.CHANGE,
        object_type=object_type,
        object_id=entry.pk,
        person_id=person_id,
        changes=audit.diff(before, entry.state()),
    )
    return entry


# ---- the registration's lifecycle (issue 6 §2, §7, §8, §9) --------------------------------------

TEXT_LIMIT = 5000
SHORT_LIMIT = 200


def _name(user: User) -> str:
    return user.get_full_name() or user.get_username()


def _authorise(user: User, action: Action, person: Person, *, object_type: str, object_id: int | None = None) -> None:
    """``action`` on a person whose plan section the user may change: refused and audited otherwise
    (404 when the person is not visible at all). A change, not a view: a chair who sees the person
    only by breaking glass reads and never writes (ADR 0003, 0013), so ``PERSON_CHANGE`` decides."""
    from iomhub.access.models import Section

    decision = decide(user, action)
    changeable = decide(user, Action.PERSON_CHANGE, person, section=Section.PLAN)
    if not (decision and changeable):
        visible = decide(user, Action.PERSON_VIEW, person, section=Section.PLAN)
        deny(
            user=user,
            action=action,
            reason=decision.reason if not decision else changeable.reason,
            object_type=object_type,
            object_id=object_id,
            person_id=person.pk,
            not_found=not visible,
        )


def _decider(
    acting_user: User, chair: User | None, action: Action, person: Person, *, object_type: str, object_id: int | None = None
) -> User:
    """Who decides: the acting user, or the ``chair`` whose decision the coordinator records on the
    meeting's record sheet (002 §2; ADR 0020): the chair must hold ``action`` and the recorder may
    manage the cohort for the person."""
    if chair is None:
        _authorise(acting_user, action, person, object_type=object_type, object_id=object_id)
        return acting_user
    _authorise(chair, action, person, object_type=object_type, object_id=object_id)
    _authorise(acting_user, Action.COHORT_MANAGE, person, object_type=object_type, object_id=object_id)
    return chair


def _date(
    errors: dict[str, list[str]], name: str, value: datetime.date | None, label: str, *, not_before: datetime.date, before_text: str
) -> None:
    if value is None:
        errors.setdefault(name, []).append(f"Enter {label}")
    elif value > clock.today():
        errors.setdefault(name, []).append(f"{label[0].upper()}{label[1:]} must be today or in the past")
    elif value < not_before:
        errors.setdefault(name, []).append(f"{label[0].upper()}{label[1:]} must be on or after {before_text}")


def _current(registration: Registration) -> Registration:
    """The registration re-read under a lock; refused when it has ended."""
    locked = Registration.objects.select_for_update().get(pk=registration.pk)
    if locked.ended_on is not None:
        raise ValidationError({"registration": ["This registration has ended"]})
    return locked


def rag_change(
    *,
    acting_user: User,
    registration: Registration,
    level: str,
    changed_on: datetime.date | None,
    reason: str,
    meeting: str = "",
    expected_level: str | None = None,
) -> RagChange:
    """Change the RAG level (002 appendix 1): who, when, why, at which meeting. ``expected_level`` is
    the level the user saw; if someone changed it meanwhile the change is refused, not overwritten.
    A transfer-in stays Red (or Red Alert / Prison) for its first 8 weeks (002 §4)."""
    from iomhub.rules import regime

    _authorise(acting_user, Action.COHORT_RAG, registration.person, object_type="registration", object_id=registration.pk)
    errors: dict[str, list[str]] = {}
    if level not in RagLevel.values:
        errors["level"] = ["Select the RAG level"]
    reason = clean_text(errors, "reason", reason, "why the level changed", required=True, limit=TEXT_LIMIT)
    meeting = clean_text(errors, "meeting", meeting, "the meeting", required=False, limit=SHORT_LIMIT)
    with transaction.atomic():
        current = _current(registration)
        history = list(current.rag_history.all())
        last = history[-1].changed_on if history else current.started_on
        _date(
            errors,
            "changed_on",
            changed_on,
            "the date of the change",
            not_before=last,
            before_text=f"the last change ({last.day} {last:%B %Y})",
        )
        if expected_level is not None and expected_level != current.rag:
            errors["level"] = [
                f"Someone changed the RAG level to {current.get_rag_display()} while you were editing: nothing was saved, check and try again"
            ]
        elif level == current.rag:
            errors.setdefault("level", []).append(f"The RAG level is already {current.get_rag_display()}")
        if current.transferred_in_on and changed_on and level in (RagLevel.AMBER, RagLevel.GREEN):
            red_until = regime.transfer_in_red_until(transferred_in_on=current.transferred_in_on)
            if changed_on <= red_until:
                errors.setdefault("level", []).append(
                    f"A transfer in is managed as Red for its first 8 weeks, until {red_until.day} {red_until:%B %Y} (002 §4)"
                )
        if errors:
            raise ValidationError(errors)
        assert changed_on is not None
        before = current.rag
        current.rag = level
        current.save(update_fields=["rag"])
        change = RagChange.objects.create(
            registration=current,
            level=level,
            changed_on=changed_on,
            reason=reason,
            meeting=meeting,
            decided_by=acting_user,
            decided_by_name=_name(acting_user),
        )
        audit.record(
            actor=acting_user,
            action=AuditAction.CHANGE,
            object_type="registration",
            object_id=current.pk,
            person_id=current.person_id,
            changes={
                **audit.diff({"rag": before}, {"rag": level}),
                "changed_on": changed_on,
                "meeting": meeting,
                "wanted_alert_published": level == RagLevel.RED_ALERT,
            },
            reason=reason,
        )
    registration.rag = level
    return change


def registration_circumstances(*, acting_user: User, registration: Registration, other_forum: str) -> Registration:
    """Record any other forum managing the risk (002 §2 deregistration facts). The MAPPA level is the
    person's, on the justice record (``justice.services.mappa_record``, ADR 0008), not here."""
    _authorise(acting_user, Action.COHORT_MANAGE, registration.person, object_type="registration", object_id=registration.pk)
    errors: dict[str, list[str]] = {}
    other_forum = clean_text(errors, "other_forum", other_forum, "the other forum", required=False, limit=SHORT_LIMIT)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = _current(registration)
        before = {"other_forum": current.other_forum}
        current.other_forum = other_forum
        current.save(update_fields=["other_forum"])
        audit.record(
            actor=acting_user,
            action=AuditAction.CHANGE,
            object_type="registration",
            object_id=current.pk,
            person_id=current.person_id,
            changes=audit.diff(before, {"other_forum": other_forum}),
        )
    return current


def team_postcodes_set(*, acting_user: User, team: Team, postcodes: str) -> Team:
    """The postcode areas and districts a local team covers (the partnership's area is all of them:
    residence for eligibility, 000 §5.7). The coordinator's or chair's; audited with before/after."""
    from iomhub.rules.area import parse_coverage

    decision = decide(acting_user, Action.COHORT_MANAGE)
    if not decision:
        deny(user=acting_user, action=Action.COHORT_MANAGE, reason=decision.reason, object_type="team", object_id=team.pk)
    errors: dict[str, list[str]] = {}
    text = clean_text(errors, "postcodes", postcodes, "the postcode areas and districts", required=False, limit=1000)
    try:
        normalised = ", ".join(parse_coverage(text))
    except ValueError as exc:
        errors.setdefault("postcodes", []).append(f"{exc}")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = Team.objects.select_for_update().get(pk=team.pk)
        before = {"postcodes": current.postcodes}
        current.postcodes = normalised
        current.save(update_fields=["postcodes"])
        audit.record(
            actor=acting_user,
            action=AuditAction.CHANGE,
            object_type="team",
            object_id=current.pk,
            changes=audit.diff(before, {"postcodes": normalised}),
        )
    return current


def review_record(
    *,
    acting_user: User,
    registration: Registration,
    reviewed_on: datetime.date | None,
    outcome: str,
    notes: str,
    meeting: str = "",
) -> Review:
    """Record a review (000 §5.7, §6.4; 002 §2): retain or drop, with the justification."""
    _authorise(acting_user, Action.COHORT_MANAGE, registration.person, object_type="registration-review", object_id=registration.pk)
    errors: dict[str, list[str]] = {}
    if outcome not in Review.Outcome.values:
        errors["outcome"] = ["Select retain or drop"]
    notes = clean_text(errors, "notes", notes, "the justification", required=True, limit=TEXT_LIMIT)
    meeting = clean_text(errors, "meeting", meeting, "the meeting", required=False, limit=SHORT_LIMIT)
    _date(
        errors,
        "reviewed_on",
        reviewed_on,
        "the date of the review",
        not_before=registration.started_on,
        before_text=f"the registration date ({registration.started_on.day} {registration.started_on:%B %Y})",
    )
    with transaction.atomic():
        current = _current(registration)
        if reviewed_on and current.reviews.filter(reviewed_on=reviewed_on).exists():
            errors.setdefault("reviewed_on", []).append("A review is already recorded on this date")
        if outcome == Review.Outcome.RETAIN and reviewed_on and "reviewed_on" not in errors:
            from iomhub.cohort.advice import LABELS, advise

            # Coordinators and chairs see the whole record, so the rule may use the justice record.
            required = advise(current, reviewed_on).required
            if required:
                errors.setdefault("outcome", []).append(
                    f"Deregistration is required ({'; '.join(LABELS[c] for c in required)}, 002 §2): "
                    "record 'drop' and bring the case to the chair for removal"
                )
        if errors:
            raise ValidationError(errors)
        assert reviewed_on is not None
        review = Review.objects.create(
            registration=current,
            reviewed_on=reviewed_on,
            meeting=meeting,
            outcome=outcome,
            notes=notes,
            reviewed_by=acting_user,
            reviewed_by_name=_name(acting_user),
        )
        audit.record(
            actor=acting_user,
            action=AuditAction.CREATE,
            object_type="registration-review",
            object_id=review.pk,
            person_id=current.person_id,
            changes=audit.diff({}, {"reviewed_on": reviewed_on, "outcome": outcome, "meeting": meeting}),
        )
    return review


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

    decider = _decider(acting_user, chair, Action.COHORT_DECIDE, registration.person, object_type="registration", object_id=registration.pk)
    errors: dict[str, list[str]] = {}
    reasons = clean_text(errors, "reasons", reasons, "the reasons for removal", required=True, limit=TEXT_LIMIT)
    exit_plan = clean_text(errors, "exit_plan", exit_plan, "the exit plan", required=True, limit=TEXT_LIMIT)
    supported_by = clean_text(errors, "supported_by", supported_by, "who keeps supporting the person", required=True, limit=SHORT_LIMIT)
    meeting = clean_text(errors, "meeting", meeting, "the meeting", required=False, limit=SHORT_LIMIT)
    _date(
        errors,
        "approved_on",
        approved_on,
        "the date removal was approved",
        not_before=registration.started_on,
        before_text=f"the registration date ({registration.started_on.day} {registration.started_on:%B %Y})",
    )
    with transaction.atomic():
        current = _current(registration)
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
            approved_by_name=_name(decider),
        )
        RemovalEntry.objects.bulk_create([RemovalEntry(deregistration=record, item=item) for item in RemovalItem.values])
        before = {"ended_on": None, "end_reason": current.end_reason}
        current.ended_on = approved_on
        current.end_reason = f"Deregistered: {reasons}"
        current.save(update_fields=["ended_on", "end_reason"])
        from iomhub.casework.services import involvements_end_on_exit

        ended = involvements_end_on_exit(
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
                "agencies_ended": sorted(i.organisation.name for i in ended),
                "deregistration": record.pk,
                "required_by": found.required,
                "suggested_by": found.suggested,
                "supported_by": supported_by,
            },
            reason=reasons,
        )
    registration.ended_on = approved_on
    return record


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
    _authorise(acting_user, Action.COHORT_MANAGE, registration.person, object_type="removal-checklist", object_id=registration.pk)
    record = Deregistration.objects.filter(registration=registration).first()
    errors: dict[str, list[str]] = {}
    if record is None:
        raise ValidationError({"registration": ["This registration has not been deregistered"]})
    if item not in RemovalItem.values:
        errors["item"] = ["Select a removal action"]
    done_by = clean_text(errors, "done_by", done_by, "who did it", required=not not_applicable, limit=SHORT_LIMIT)
    if not not_applicable:
        _date(
            errors, "done_on", done_on, "the date it was done", not_before=record.approved_on, before_text="the date removal was approved"
        )
    elif item != RemovalItem.SOCIAL_SERVICES:
        errors["not_applicable"] = ["Only notifying social services may be marked as not applicable"]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        entry = RemovalEntry.objects.select_for_update().get(deregistration=record, item=item)
        return _tick(
            entry,
            acting_user=acting_user,
            done_on=done_on,
            done_by=done_by,
            not_applicable=not_applicable,
            object_type="removal-checklist",
            person_id=registration.person_id,
        )


# ---- transfers (002 §4) -------------------------------------------------------------------------

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
    _authorise(acting_user, Action.COHORT_MANAGE, person, object_type="transfer")
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
    decider = _decider(
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
    _date(errors, "visited_on", data.get("visited_on"), "the date of the home visit", not_before=t.proposed_on, before_text="the proposal")
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
    _date(errors, "decided_on", data.get("decided_on"), "the date of the decision", not_before=t.proposed_on, before_text="the proposal")
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
    t.decided_by_name = _name(user)
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
    _date(errors, "deselected_on", deselected_on, "the date of deselection", not_before=t.decided_on, before_text="the acceptance")
    if errors:
        raise ValidationError(errors)
    assert deselected_on is not None
    t.deselected_on = deselected_on
    t.deselected_by_name = _name(user)
    t.status = TransferStatus.COMPLETED
    if t.kind == TransferKind.INTERNAL:
        from iomhub.people import services as people_services

        assert t.registration_id is not None
        registration = Registration.objects.select_for_update().get(pk=t.registration_id)
        person = registration.person
        if registration.ended_on is not None:
            raise ValidationError({"step": ["The registration has ended: the case is no longer here to transfer"]})
        if person.managing_team_id != t.from_team_id:
            raise ValidationError({"step": ["The person's managing team has changed since the transfer was proposed"]})
        people_services.person_update(acting_user=user, person=person, changes={"managing_team": t.to_team})
    elif t.kind == TransferKind.EXTERNAL_OUT:
        assert t.registration_id is not None
        registration = Registration.objects.select_for_update().get(pk=t.registration_id)
        if registration.ended_on is not None:
            raise ValidationError({"step": ["The registration has already ended"]})
        registration.ended_on = deselected_on
        registration.end_reason = f"Transferred out to {t.other_area}"
        registration.save(update_fields=["ended_on", "end_reason"])
        from iomhub.casework.services import involvements_end_on_exit

        # The case has left the area: no agency here keeps it (002 §4; issue 9 §3).
        involvements_end_on_exit(
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
    else:
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
            decided_by_name=_name(user),
        )
        ChecklistEntry.objects.bulk_create([ChecklistEntry(registration=registration, item=item) for item in ChecklistItem.values])
        t.registration = registration
        audit.record(
            actor=user,
            action=AuditAction.CREATE,
            object_type="registration",
            object_id=registration.pk,
            person_id=registration.person_id,
            changes=audit.diff({}, _snapshot(registration)),
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
