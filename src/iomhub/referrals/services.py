"""Every change to a referral goes through here: authorise, validate, write in a transaction, audit.

- ``referral_start`` / ``referral_update``: a draft, saved page by page (only format is checked:
  a draft may be incomplete, but never wrong).
- ``referral_submit``: the whole referral checked as 002 appendix 2 asks (every missing answer named).
- ``referral_create``: the API's one-shot referral (submitted, or a draft if asked).
- ``referral_decide``: the chair records adopt / reject / defer with reasons (002 §2: "Group to agree
  nominations of new referrals and the initial RAG rating; accountability for decision will remain
  with the Chair"). Adoption links or creates the person (after duplicate detection) and opens
  their IOM registration (``cohort.services.registration_open``).
"""

from __future__ import annotations

import datetime
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from iomhub import clock
from iomhub.access import audit
from iomhub.access.errors import deny
from iomhub.access.models import AuditAction
from iomhub.access.policy import Action, decide, people_filter
from iomhub.access.projection import lens_for, section_of
from iomhub.referrals.models import Decision, RagLevel, Referral

if TYPE_CHECKING:
    from iomhub.access.models import User
    from iomhub.people.models import Person

from iomhub.referrals.adoption import Adoption, adopted, identity_of_referral, person_for_adoption
from iomhub.referrals.answers import ANSWER_FIELDS, TEXT_LIMITS, clean_answers, missing_answers


def _snapshot(referral: Referral) -> dict[str, Any]:
    return {name: getattr(referral, name) for name in (*ANSWER_FIELDS, "status", "person_id")}


def _authorise(acting_user: User, action: Action, referral: Referral | None) -> None:
    decision = decide(acting_user, action, referral)
    if not decision:
        deny(
            user=acting_user,
            action=action,
            reason=decision.reason,
            object_type="referral",
            object_id=referral.pk if referral else "",
            person_id=referral.person_id if referral else None,
            not_found=referral is not None and not decide(acting_user, Action.REFERRAL_VIEW, referral),
        )


class AlreadyReferred(ValidationError):
    """A second referral for someone with an open referral or a current registration (issue 18 §4).
    ``referral_id`` is the open referral when the referrer may see it (else None: another agency's
    draft is theirs alone); ``registration_id`` the current registration."""

    def __init__(self, message: str, *, person_id: int | None, referral_id: int | None, registration_id: int | None) -> None:
        super().__init__({"person": [message]}, code="already-referred")
        self.person_id, self.referral_id, self.registration_id = person_id, referral_id, registration_id


def _refuse_second_referral(acting_user: User, *, referral: Referral | None, person: Person | None, identifiers: dict[str, str]) -> None:
    """One referral per person at a time: refuse a referral of someone already referred (a draft,
    submitted or deferred referral not yet decided) or on IOM now. For a person on record the check
    is by the record; for an identity only typed, by PNC ID or NI number among the referrals and
    people the referrer may see, so the refusal never reveals a record they may not (ADR 0010).
    The refusal is audited as a read of the person's standing."""
    from iomhub.people.models import Person as PersonModel
    from iomhub.referrals.selectors import OPEN_STATUSES, referrals_visible_to, standing_of

    person_ids: list[int] = []
    if person is not None:
        person_ids = [person.pk]
    else:
        wanted = {k: v for k, v in identifiers.items() if v}
        if not wanted:
            return
        match = Q()
        for name, value in wanted.items():
            match |= Q(**{name: value})
        others = referrals_visible_to(acting_user).filter(match, status__in=OPEN_STATUSES)
        if referral is not None:
            others = others.exclude(pk=referral.pk)
        if (other := others.order_by("created_at", "pk").first()) is not None:
            _refused(acting_user, other.person_id, other.pk, None)
        person_ids = list(
            PersonModel.objects.filter(people_filter(acting_user), match, merged_into__isnull=True).values_list("pk", flat=True)[:5]
        )
    standing = standing_of(user=acting_user, person_ids=person_ids)
    for person_id, found in standing.items():
        if referral is not None and found.referral_id == referral.pk and found.registration_id is None:
            # The referral being submitted is the open one: look for another.
            rest = Referral.objects.filter(person_id=person_id, status__in=OPEN_STATUSES).exclude(pk=referral.pk)
            if not rest.exists():
                continue
            visible = referrals_visible_to(acting_user).filter(pk__in=rest.values("pk")).order_by("created_at", "pk").first()
            _refused(acting_user, person_id, visible.pk if visible else None, None)
        _refused(acting_user, person_id, found.referral_id, found.registration_id)


def referral_refusal(*, acting_user: User, person: Person) -> AlreadyReferred | None:
    """Why ``person`` (read through the policy) cannot be referred now, or None: the question page
    says so before anything is typed (issue 18 §4)."""
    try:
        _refuse_second_referral(acting_user, referral=None, person=person, identifiers={})
    except AlreadyReferred as exc:
        return exc
    return None


def _refused(acting_user: User, person_id: int | None, referral_id: int | None, registration_id: int | None) -> None:
    if registration_id is not None:
        message = "This person is on IOM now: they cannot be referred again until they leave the scheme"
    elif referral_id is not None:
        message = f"This person has already been referred (referral {referral_id}): add to that referral instead of making another"
    else:
        message = "This person has already been referred to IOM by another agency: ask the IOM coordinator"
    audit.record(
        actor=acting_user,
        action=AuditAction.VIEW,
        object_type="referral" if referral_id is not None else "person",
        object_id=referral_id if referral_id is not None else (person_id or ""),
        person_id=person_id,
        changes={"purpose": "refuse a second referral", "referral": referral_id, "registration": registration_id},
    )
    raise AlreadyReferred(message, person_id=person_id, referral_id=referral_id, registration_id=registration_id)


def prefill_from_person(*, user: User, person: Person) -> dict[str, Any]:
    """The referral's identity and contact answers from a person on record, as ``user``'s view of
    them allows (issue 9 finding 2): each answer only where the section of the field it comes from
    (``Person.SECTIONS``, ``Address.SECTIONS``, ``ContactNumber.SECTIONS``) is shared with the
    referrer. Audited as a read of the person naming the answers filled in."""
    from iomhub.people.models import Address, ContactNumber

    lens = lens_for(user, person)
    found: dict[str, Any] = lens.fields(person, ("first_name", "last_name", "date_of_birth", "sex", "urn", "pnc_id", "ni_number", "email"))
    if lens.sees(section_of(Address, "line_1")):
        address = person.addresses.filter(to_date__isnull=True).first()
        found["address"] = ", ".join(p for p in (address.line_1, address.line_2, address.town) if p) if address else ""
        found["postcode"] = address.postcode if address else ""
    if lens.sees(section_of(ContactNumber, "number")):
        found["contact_numbers"] = ", ".join(f"{c.number} ({c.kind})" for c in person.contact_numbers.all())
    if found:
        audit.record(
            actor=user,
            action=AuditAction.VIEW,
            object_type="person",
            object_id=person.pk,
            person_id=person.pk,
            changes={"purpose": "prefill a referral", "fields": sorted(found)},
        )
    return found


def referral_start(*, acting_user: User, answers: dict[str, Any], person: Person | None = None) -> Referral:
    """A new draft referral by ``acting_user`` for their organisation. ``person`` (already read
    through ``person_get_for``) links an existing record and fills in the identity from it."""
    _authorise(acting_user, Action.REFERRAL_CREATE, None)
    if acting_user.organisation_id is None:
        raise ValidationError("Only a member of a partner organisation may refer")
    if person is not None:
        _refuse_second_referral(acting_user, referral=None, person=person, identifiers={})
    prefill = prefill_from_person(user=acting_user, person=person) if person is not None else {}
    cleaned = clean_answers({**prefill, **{k: v for k, v in answers.items() if v not in (None, "") or k not in prefill}})
    if cleaned.get("referral_date") is None:
        cleaned["referral_date"] = clock.today()
    with transaction.atomic():
        referral = Referral.objects.create(
            person=person, referring_organisation_id=acting_user.organisation_id, referred_by=acting_user, **cleaned
        )
        audit.record(
            actor=acting_user,
            action=AuditAction.CREATE,
            object_type="referral",
            object_id=referral.pk,
            person_id=referral.person_id,
            changes=audit.diff({}, _snapshot(referral)),
        )
    return referral


def referral_update(*, acting_user: User, referral: Referral, answers: dict[str, Any]) -> Referral:
    """Save answers to a draft (any page of the form)."""
    _authorise(acting_user, Action.REFERRAL_CREATE, referral)
    cleaned = clean_answers(answers)
    with transaction.atomic():
        current = Referral.objects.select_for_update().get(pk=referral.pk)
        if current.status != Referral.Status.DRAFT:
            raise ValidationError("This referral has been submitted and can no longer be changed")
        before = _snapshot(current)
        for name, value in cleaned.items():
            setattr(current, name, value)
        delta = audit.diff(before, _snapshot(current))
        if delta:
            current.updated_at = timezone.now()
            current.save()
            Referral.objects.filter(pk=current.pk).update(version=F("version") + 1)
            audit.record(
                actor=acting_user,
                action=AuditAction.CHANGE,
                object_type="referral",
                object_id=current.pk,
                person_id=current.person_id,
                changes=delta,
            )
    return current


def _computed_ogrs(acting_user: User, referral: Referral) -> int | None:
    """The two-year OGRS3 percentage from the referred person's justice record (``referrals.ogrs``),
    where the person is linked, the submitter may see their justice section, and the inputs are
    there; else None (the score stays as entered, or empty)."""
    from iomhub.access.models import Section
    from iomhub.referrals.ogrs import derive

    person = referral.person
    if person is None or not decide(acting_user, Action.PERSON_VIEW, person, section=Section.JUSTICE):
        return None
    derivation = derive(person, referral.referral_date or clock.today())
    return derivation.result.two_year_percent if derivation.result is not None else None


def referral_submit(*, acting_user: User, referral: Referral) -> Referral:
    """Submit a complete draft for the referral meeting; refuse (naming each answer) if incomplete."""
    _authorise(acting_user, Action.REFERRAL_CREATE, referral)
    # Checked first outside the transaction too, so that the refusal's audit event is kept.
    _refuse_second_referral(
        acting_user, referral=referral, person=referral.person, identifiers={"pnc_id": referral.pnc_id, "ni_number": referral.ni_number}
    )
    with transaction.atomic():
        current = Referral.objects.select_for_update().get(pk=referral.pk)
        if current.status != Referral.Status.DRAFT:
            raise ValidationError("This referral has already been submitted")
        missing = missing_answers(current)
        if missing:
            raise ValidationError(missing)
        _refuse_second_referral(
            acting_user, referral=current, person=current.person, identifiers={"pnc_id": current.pnc_id, "ni_number": current.ni_number}
        )
        before = {"status": current.status, "ogrs_score": current.ogrs_score, "ogrs_source": current.ogrs_source}
        current.status = Referral.Status.SUBMITTED
        current.submitted_at = timezone.now()
        if current.ogrs_score is not None and not current.ogrs_source:
            current.ogrs_source = Referral.OgrsSource.ENTERED
        elif current.ogrs_score is None:
            computed = _computed_ogrs(acting_user, current)
            if computed is not None:
                current.ogrs_score, current.ogrs_source = computed, Referral.OgrsSource.COMPUTED
        current.save()
        audit.record(
            actor=acting_user,
            action=AuditAction.CHANGE,
            object_type="referral",
            object_id=current.pk,
            person_id=current.person_id,
            changes=audit.diff(
                before,
                {"status": current.status, "ogrs_score": current.ogrs_score, "ogrs_source": current.ogrs_source},
            ),
        )
    return current


def referral_create(*, acting_user: User, answers: dict[str, Any], person: Person | None = None, draft: bool = False) -> Referral:
    """A whole referral at once (the API): submitted unless ``draft``. Nothing is stored if any
    answer is wrong, or (unless a draft) missing. A second referral is refused before anything is
    written, so that the refusal's audit event is kept."""
    identifiers: dict[str, str] = {}
    if person is None and not draft:
        try:
            identifiers = clean_answers({k: answers[k] for k in ("pnc_id", "ni_number") if k in answers})
        except ValidationError:
            identifiers = {}  # reported by name below
    if person is not None or identifiers:
        _refuse_second_referral(acting_user, referral=None, person=person, identifiers=identifiers)
    with transaction.atomic():
        referral = referral_start(acting_user=acting_user, answers=answers, person=person)
        if not draft:
            referral = referral_submit(acting_user=acting_user, referral=referral)
    return referral


def referral_decide(
    *,
    acting_user: User,
    referral: Referral,
    outcome: str,
    reasons: str,
    meeting_date: datetime.date | None = None,
    adoption: Adoption | None = None,
    chair: User | None = None,
) -> Decision:
    """The chair's decision on a submitted (or deferred) referral. ``chair``: the chair who decided,
    when the coordinator records the decision on the meeting's record sheet (002 §2: the coordinator
    updates the record sheet, accountability stays with the chair; ``meetings.decisions``, ADR 0020);
    the chair must hold the authority to decide and the recorder may see the referral."""
    decider = chair or acting_user
    _authorise(decider, Action.REFERRAL_DECIDE, referral)
    if chair is not None:
        _authorise(acting_user, Action.REFERRAL_VIEW, referral)
    reasons, meeting_date, adoption = _check_decision(referral, outcome, reasons, meeting_date, adoption)
    with transaction.atomic():
        current = Referral.objects.select_for_update().get(pk=referral.pk)
        if current.status not in (Referral.Status.SUBMITTED, Referral.Status.DEFERRED):
            raise ValidationError({"outcome": ["Only a submitted or deferred referral can be decided"]})
        before = _snapshot(current)
        decision = Decision.objects.create(
            referral=current,
            outcome=outcome,
            reasons=reasons,
            meeting_date=meeting_date,
            chair=decider,
            chair_name=decider.display_name,
        )
        current.status = _STATUS_AFTER[Decision.Outcome(outcome)]
        on_record = False
        if outcome == Decision.Outcome.ADOPT:
            assert adoption is not None
            current.person, created = person_for_adoption(acting_user, current, adoption)
            on_record = not created
        current.save()
        _audit_decision(acting_user, decision, before, current, chair=chair)
        if outcome == Decision.Outcome.ADOPT:
            assert adoption is not None
            # The registration opened and the referral carried into the case (casework's step).
            not_involved = adopted(
                acting_user, current, adoption, reasons=reasons, decided_on=meeting_date, chair=chair, on_record=on_record
            )
            decision.not_involved = not_involved  # type: ignore[attr-defined]
    return decision


_STATUS_AFTER = {
    Decision.Outcome.ADOPT: Referral.Status.ADOPTED,
    Decision.Outcome.REJECT: Referral.Status.REJECTED,
    Decision.Outcome.DEFER: Referral.Status.DEFERRED,
}


def _audit_decision(acting_user: User, decision: Decision, before: dict[str, Any], current: Referral, *, chair: User | None) -> None:
    """The decision audited against the person: what was decided, the referral's change, and the
    chair when the coordinator recorded it for them."""
    audit.record(
        actor=acting_user,
        action=AuditAction.CREATE,
        object_type="referral-decision",
        object_id=decision.pk,
        person_id=current.person_id,
        changes={
            **audit.diff(
                {},
                {"referral": current.pk, "outcome": decision.outcome, "reasons": decision.reasons, "meeting_date": decision.meeting_date},
            ),
            **audit.diff(before, _snapshot(current)),
            **({"chair": decision.chair_id} if chair is not None else {}),
        },
    )


def _check_decision(
    referral: Referral, outcome: str, reasons: str, meeting_date: datetime.date | None, adoption: Adoption | None
) -> tuple[str, datetime.date, Adoption | None]:
    """The decision's reasons, meeting date and (on adoption, with the proposed RAG by default) the
    adoption, checked: a ValidationError names every wrong field."""
    errors: dict[str, list[str]] = {}
    if outcome not in Decision.Outcome.values:
        errors["outcome"] = ["Select adopt, reject or defer"]
    reasons = (reasons or "").strip()
    if not reasons:
        errors["reasons"] = ["Enter the reasons for the decision"]
    elif len(reasons) > 5000 or "\x00" in reasons:
        errors["reasons"] = ["Reasons must be text of 5000 characters or fewer"]
    meeting_date = meeting_date or clock.today()
    if meeting_date > clock.today():
        errors["meeting_date"] = ["Meeting date must be today or in the past"]
    if outcome == Decision.Outcome.ADOPT:
        if adoption is not None and not adoption.rag and referral.proposed_rag:
            # 002 appendix 1: the referring agency identifies the initial classification; the chair
            # may set another (issue 18 §2).
            adoption = replace(adoption, rag=referral.proposed_rag)
        if adoption is None or adoption.rag not in RagLevel.values:
            errors["rag"] = ["Select the initial RAG classification"]
        if adoption is not None and len(adoption.strand) > 100:
            errors["strand"] = ["Strand must be 100 characters or fewer"]
    if errors:
        raise ValidationError(errors)
    return reasons, meeting_date, adoption


__all__ = [
    "ANSWER_FIELDS",
    "TEXT_LIMITS",
    "Adoption",
    "AlreadyReferred",
    "identity_of_referral",
    "prefill_from_person",
    "referral_create",
    "referral_decide",
    "referral_refusal",
    "referral_start",
    "referral_submit",
    "referral_update",
]
