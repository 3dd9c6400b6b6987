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
import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from iomhub import clock
from iomhub.access import audit
from iomhub.access.errors import deny
from iomhub.access.models import AuditAction
from iomhub.access.policy import Action, decide, people_filter
from iomhub.access.projection import lens_for, section_of
from iomhub.people.validators import name_errors
from iomhub.referrals.models import SCREENING_QUESTIONS, Decision, Pathway, PriorityGroup, Referral, RiskLevel
from iomhub.rules import identifiers

if TYPE_CHECKING:
    from iomhub.access.models import Organisation, User
    from iomhub.people.models import Person

TEXT_LIMITS: dict[str, int] = {
    "first_name": 100,
    "last_name": 100,
    "urn": 30,
    "address": 300,
    "contact_numbers": 300,
    "contact": 300,
    "warnings": 5000,
    "justification": 10000,
    "index_offences": 5000,
    "offending_history": 10000,
    "threat_harm_risk": 10000,
}
DATE_FIELDS = ("date_of_birth", "referral_date", "licence_expiry", "sentence_expiry")
IDENTIFIER_FIELDS = {
    "pnc_id": identifiers.normalise_pnc_id,
    "ni_number": identifiers.normalise_ni_number,
    "postcode": identifiers.normalise_postcode,
}
ANSWER_FIELDS = (
    *TEXT_LIMITS,
    *DATE_FIELDS,
    *IDENTIFIER_FIELDS,
    "email",
    "sex",
    "proposed_rag",
    "ogrs_score",
    "agencies",
    "pathways",
    "priority_groups",
    "screening",
)
SCREENING_KEYS = tuple(key for key, _ in SCREENING_QUESTIONS)
MAX_AGENCIES = 20

# What submission requires, with the GOV.UK message naming each missing answer (002 appendix 2).
REQUIRED: dict[str, str] = {
    "first_name": "Enter the person's first name",
    "last_name": "Enter the person's last name",
    "date_of_birth": "Enter the person's date of birth",
    "sex": "Select the person's sex, or not known",
    "contact": "Enter your name and contact details",
    "referral_date": "Enter the date of referral",
    "justification": "Enter the evidence of a high risk of re-offending",
    "index_offences": "Enter the index offences",
    "threat_harm_risk": "Enter the threat, harm and risk assessment",
    "proposed_rag": "Select the proposed initial RAG classification",
}


def _snapshot(referral: Referral) -> dict[str, Any]:
    return {name: getattr(referral, name) for name in (*ANSWER_FIELDS, "status", "person_id")}


def clean_answers(data: dict[str, Any]) -> dict[str, Any]:
    """Check the format of the answers given (any subset). Returns them normalised; raises a
    ValidationError naming every wrong field. Nothing here requires an answer."""
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    unknown = sorted(set(data) - set(ANSWER_FIELDS))
    for name in unknown:
        errors[name] = ["Unknown field"]
    for name, limit in TEXT_LIMITS.items():
        if name in data:
            value = data[name]
            if value is None:
                value = ""
            if not isinstance(value, str):
                errors[name] = ["Enter text"]
            elif "\x00" in value:
                errors[name] = ["Null characters are not allowed"]
            elif len(value) > limit:
                errors[name] = [f"Must be {limit} characters or fewer"]
            else:
                cleaned[name] = value.strip()
    for name, messages in name_errors(cleaned).items():  # the person's names, as people services refuse them
        errors.setdefault(name, []).extend(messages)
    for name, normalise in IDENTIFIER_FIELDS.items():
        if name in data:
            value = data[name] or ""
            if not isinstance(value, str):
                errors[name] = ["Enter text"]
                continue
            try:
                cleaned[name] = normalise(value) if value.strip() else ""
            except ValueError as exc:
                errors[name] = [str(exc)]
    if cleaned.get("urn"):
        try:
            cleaned["urn"] = identifiers.normalise_urn(cleaned["urn"])
        except ValueError as exc:
            errors["urn"] = [str(exc)]
    if "email" in data:
        value = data["email"] or ""
        try:
            if value:
                validate_email(value)
            cleaned["email"] = value
        except (ValidationError, TypeError):
            errors["email"] = ["Enter an email address in the correct format, like name@example.com"]
    today = clock.today()
    for name in DATE_FIELDS:
        if name in data:
            value = data[name]
            if value in (None, ""):
                cleaned[name] = None
            elif not isinstance(value, datetime.date):
                errors[name] = ["Enter a real date"]
            elif value.year < 1900:
                errors[name] = ["Must be after 1900"]
            elif name == "date_of_birth" and value >= today:
                errors[name] = ["Date of birth must be in the past"]
            elif name == "referral_date" and value > today:
                errors[name] = ["Date of referral must be today or in the past"]
            else:
                cleaned[name] = value
    if "ogrs_score" in data:
        value = data["ogrs_score"]
        if value in (None, ""):
            cleaned["ogrs_score"] = None
        elif isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
            errors["ogrs_score"] = ["OGRS score must be a whole number from 0 to 100"]
        else:
            cleaned["ogrs_score"] = value
    for name, choices, message in (
        ("sex", _sex_values(), "Select male, female or not known"),
        ("proposed_rag", _rag_values(), "Select a RAG classification: red alert, red, amber, green or prison"),
    ):
        if name in data:
            value = data[name] or ""
            if value not in ("", *choices):
                errors[name] = [message]
            else:
                cleaned[name] = value
    if cleaned.get("contact_numbers"):
        try:
            parse_contact_numbers(cleaned["contact_numbers"])
        except ValueError as exc:
            errors["contact_numbers"] = [str(exc)]
    if "agencies" in data:
        _clean_agencies(data["agencies"], cleaned, errors)
    if "pathways" in data:
        _clean_pathways(data["pathways"], cleaned, errors)
    if "priority_groups" in data:
        value = data["priority_groups"] or {}
        if not isinstance(value, dict) or set(value) - set(PriorityGroup.values) or any(not isinstance(v, bool) for v in value.values()):
            errors["priority_groups"] = [f"Answer each priority group true or false: {', '.join(PriorityGroup.values)}"]
        else:
            cleaned["priority_groups"] = {g: bool(value.get(g, False)) for g in PriorityGroup.values}
    if "screening" in data:
        value = data["screening"] or {}
        if not isinstance(value, dict) or set(value) - set(SCREENING_KEYS):
            errors["screening"] = [f"Screening answers are keyed {', '.join(SCREENING_KEYS)}"]
        else:
            answers: dict[str, str] = {}
            for key in SCREENING_KEYS:
                answer = value.get(key) or ""
                if not isinstance(answer, str) or len(answer) > 5000 or "\x00" in answer:
                    errors[f"screening.{key}"] = ["Enter an answer of 5000 characters or fewer"]
                elif answer.strip():
                    answers[key] = answer.strip()
            cleaned["screening"] = answers
    if errors:
        raise ValidationError(errors)
    return cleaned


def _clean_agencies(value: Any, cleaned: dict[str, Any], errors: dict[str, list[str]]) -> None:
    if value in (None, ""):
        cleaned["agencies"] = []
        return
    if not isinstance(value, list) or len(value) > MAX_AGENCIES:
        errors["agencies"] = [f"List up to {MAX_AGENCIES} agencies, each with agency, person and contact"]
        return
    rows = []
    for i, row in enumerate(value):
        if not isinstance(row, dict) or set(row) - {"agency", "person", "contact"}:
            errors[f"agencies[{i}]"] = ["Give agency, person and contact"]
            continue
        texts = {k: row.get(k) or "" for k in ("agency", "person", "contact")}
        if any(not isinstance(v, str) or len(v) > 200 or "\x00" in v for v in texts.values()):
            errors[f"agencies[{i}]"] = ["Agency, person and contact must each be text of 200 characters or fewer"]
            continue
        texts = {k: v.strip() for k, v in texts.items()}
        if not any(texts.values()):
            continue
        if not texts["agency"]:
            errors[f"agencies[{i}].agency"] = ["Enter the agency"]
            continue
        rows.append(texts)
    cleaned["agencies"] = rows


def _clean_pathways(value: Any, cleaned: dict[str, Any], errors: dict[str, list[str]]) -> None:
    value = value or {}
    if not isinstance(value, dict) or set(value) - set(Pathway.values):
        errors["pathways"] = [f"Pathways are keyed {', '.join(Pathway.values)}"]
        return
    result: dict[str, dict[str, str]] = {}
    for pathway in Pathway.values:
        entry = value.get(pathway) or {}
        if not isinstance(entry, dict) or set(entry) - {"risk", "needs", "actions"}:
            errors[f"pathways.{pathway}"] = ["Give risk, needs and actions"]
            continue
        risk = entry.get("risk") or ""
        if risk not in ("", *RiskLevel.values):
            errors[f"pathways.{pathway}.risk"] = ["Risk level must be red, amber or green"]
            continue
        texts = {k: entry.get(k) or "" for k in ("needs", "actions")}
        if any(not isinstance(v, str) or len(v) > 5000 or "\x00" in v for v in texts.values()):
            errors[f"pathways.{pathway}.needs"] = ["Needs and actions must be text of 5000 characters or fewer"]
            continue
        if risk or any(v.strip() for v in texts.values()):
            result[pathway] = {"risk": risk, "needs": texts["needs"].strip(), "actions": texts["actions"].strip()}
    cleaned["pathways"] = result


def _sex_values() -> list[str]:
    from iomhub.people.models import Sex

    return list(Sex.values)


def _rag_values() -> list[str]:
    from iomhub.cohort.models import RagLevel

    return list(RagLevel.values)


_KINDS = {"m": "M", "mobile": "M", "h": "H", "home": "H", "w": "W", "work": "W", "o": "O", "other": "O"}
_KIND_SUFFIX = re.compile(r"\(\s*(mobile|home|work|other|m|h|w|o)\s*\)\s*$", re.I)
_KIND_PREFIX = re.compile(r"^(mobile|home|work|other|m|h|w|o)\s*[:\-]\s*", re.I)
_NUMBER = re.compile(r"\+?[0-9 ()-]{6,20}")
CONTACT_NUMBERS_FORMAT = "Enter each number followed by (M), (H), (W) or (O), separated by commas, like 07700 900123 (M)"


def parse_contact_numbers(text: str) -> list[tuple[str, str]]:
    """The referral's contact numbers (002 appendix 2: "Specify Mobile (M), Home (H), Work (W) or
    Other") as (kind, number) pairs, the kinds of ``people.ContactNumber``: "07700 900123 (M),
    H: 0121 496 0000". A number without a kind is Other. Raises ValueError naming the format if a
    part is not a phone number, so what the referrer typed is never lost at adoption."""
    found: list[tuple[str, str]] = []
    for part in re.split(r"[,;\n]", text or ""):
        part = " ".join(part.split())
        if not part:
            continue
        kind = "O"
        if match := _KIND_SUFFIX.search(part):
            kind, part = _KINDS[match.group(1).lower()], part[: match.start()].strip()
        elif match := _KIND_PREFIX.match(part):
            kind, part = _KINDS[match.group(1).lower()], part[match.end() :].strip()
        if not _NUMBER.fullmatch(part):
            raise ValueError(CONTACT_NUMBERS_FORMAT)
        found.append((kind, part))
    return found


def missing_answers(referral: Referral) -> dict[str, list[str]]:
    """Everything a submitted referral must have that this one lacks, named field by field."""
    errors: dict[str, list[str]] = {}
    for name, message in REQUIRED.items():
        if getattr(referral, name) in (None, ""):
            errors[name] = [message]
    for pathway in Pathway:
        entry = (referral.pathways or {}).get(pathway.value, {})
        if not entry.get("risk"):
            errors[f"pathways.{pathway.value}.risk"] = [f"Select a risk level for {pathway.label.lower()}"]
        elif entry["risk"] in (RiskLevel.RED, RiskLevel.AMBER) and not entry.get("needs"):
            # The same rule as every needs assessment, since adoption makes these ratings the first one.
            errors[f"pathways.{pathway.value}.needs"] = [f"Describe the needs for {pathway.label.lower()} (rated {entry['risk']})"]
    for key, question in SCREENING_QUESTIONS:
        if not (referral.screening or {}).get(key):
            errors[f"screening.{key}"] = [f"Answer the screening question: {question}"]
    if referral.licence_expiry and referral.sentence_expiry and referral.licence_expiry > referral.sentence_expiry:
        errors["licence_expiry"] = ["Licence expiry date must be the same as or before the sentence expiry date"]
    return errors


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


@dataclass(frozen=True)
class Adoption:
    """What the chair sets when adopting: the initial RAG classification and the cohort flags."""

    rag: str
    neighbourhood_crime: bool = False
    domestic_abuse: bool = False
    ppo: bool = False
    strand: str = ""
    person_id: int | None = None  # an existing record the chair chose (after the duplicate check)
    confirm_new_person: bool = False  # or: add the person from the referral's details


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
        from iomhub.cohort.models import RagLevel

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
            chair_name=decider.get_full_name() or decider.get_username(),
        )
        current.status = {
            Decision.Outcome.ADOPT: Referral.Status.ADOPTED,
            Decision.Outcome.REJECT: Referral.Status.REJECTED,
            Decision.Outcome.DEFER: Referral.Status.DEFERRED,
        }[Decision.Outcome(outcome)]
        on_record = False
        if outcome == Decision.Outcome.ADOPT:
            assert adoption is not None
            current.person, created = _person_for_adoption(acting_user, current, adoption)
            on_record = not created
        current.save()
        audit.record(
            actor=acting_user,
            action=AuditAction.CREATE,
            object_type="referral-decision",
            object_id=decision.pk,
            person_id=current.person_id,
            changes={
                **audit.diff({}, {"referral": current.pk, "outcome": outcome, "reasons": reasons, "meeting_date": meeting_date}),
                **audit.diff(before, _snapshot(current)),
                **({"chair": decider.pk} if chair is not None else {}),
            },
        )
        if outcome == Decision.Outcome.ADOPT:
            from iomhub.cohort.services import registration_open

            assert adoption is not None and current.person is not None
            registration_open(
                acting_user=acting_user,
                person=current.person,
                referral=current,
                started_on=meeting_date,
                rag=adoption.rag,
                neighbourhood_crime=adoption.neighbourhood_crime,
                domestic_abuse=adoption.domestic_abuse,
                ppo=adoption.ppo,
                strand=adoption.strand,
                reason=f"Initial classification on adoption: {reasons}",
                chair=chair,
            )
            decision.not_involved = _carry_referral(  # type: ignore[attr-defined]
                acting_user, current, current.person, on_record=on_record, decided_on=meeting_date
            )
    return decision


def _person_for_adoption(acting_user: User, referral: Referral, adoption: Adoption) -> tuple[Person, bool]:
    """The person being adopted: the linked record, the one the chair chose, or a new record
    (only when the chair has seen the possible duplicates and confirmed, ADR 0004). A new record
    takes everything the referral says of the person at once (issue 18 §2), through
    ``people.services.person_create`` so its validation and duplicate check hold."""
    from iomhub.people import selectors, services

    if referral.person is not None:
        return referral.person, False
    if adoption.person_id is not None:
        return selectors.person_get_for(user=acting_user, person_id=adoption.person_id), False
    fields = {
        k: getattr(referral, k)
        for k in ("first_name", "last_name", "date_of_birth", "sex", "pnc_id", "ni_number", "urn", "email")
        if getattr(referral, k) not in (None, "")
    }
    try:
        created = services.person_create(
            acting_user=acting_user,
            new=services.NewPerson(
                fields=fields,
                addresses=[_address_of(referral)] if referral.address or referral.postcode else [],
                contact_numbers=[{"kind": k, "number": n} for k, n in parse_contact_numbers(referral.contact_numbers)],
                markers=[{"kind": "other", "note": note} for note in _warning_notes(referral)],
            ),
            confirmed_new=adoption.confirm_new_person,
            purpose=f"adopt referral {referral.pk}",
        )
    except services.PossibleDuplicates as exc:
        raise ValidationError(
            {"person": ["This person may already be on IOM Hub: choose their record, or confirm that they are new"]}
        ) from exc
    except (ValidationError, ValueError) as exc:
        detail = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        raise ValidationError({"person": [f"The referral's identity cannot be recorded: {detail}"]}) from exc
    return created, True


def _address_of(referral: Referral) -> dict[str, Any]:
    """The referral's one-line address as ``people.Address`` lines: the first part the first line,
    the last the town, the rest the second line (002 appendix 2 asks for "Address" and "Postcode")."""
    parts = [p.strip() for p in referral.address.split(",") if p.strip()]
    line_1 = parts[0] if parts else "Address not given (postcode only)"
    town = parts[-1] if len(parts) > 1 else ""
    line_2 = ", ".join(parts[1:-1])
    return {"line_1": line_1[:200], "line_2": line_2[:200], "town": town[:100], "postcode": referral.postcode}


def _warning_notes(referral: Referral) -> list[str]:
    """The referral's PNC/Niche warnings as marker notes, one a line (a marker's note holds 500)."""
    notes: list[str] = []
    for line in referral.warnings.splitlines():
        line = " ".join(line.split())
        while line:
            notes.append(line[:500])
            line = line[500:]
    return notes


def _carry_referral(acting_user: User, referral: Referral, person: Person, *, on_record: bool, decided_on: datetime.date) -> list[str]:
    """What the referral said, carried into the adopted person's record and case (issue 18 §2), each
    through its own service (authorised, validated, audited): for a person already on record, the
    sex if theirs was not known, the e-mail if none, the address if it is not their current one, the
    numbers and warnings they do not have; for everyone, the referring agency and the named agencies
    as involvements with their contacts, and the pathway ratings as the first needs assessment.
    Returns the agencies named that could not be involved (no active organisation of that name with a
    sharing agreement in force, ADR 0013), for the chair to see."""
    from iomhub.casework import services as casework
    from iomhub.casework.models import AgencyInvolvement

    if on_record:
        _merge_into_existing(acting_user, referral, person)
    # The referring agency is involved in the case (002 §3: every involved agency is recorded).
    involved = set(AgencyInvolvement.objects.filter(person=person, ended_on__isnull=True).values_list("organisation_id", flat=True))
    if referral.referring_organisation_id not in involved:
        casework.agency_involve(
            acting_user=acting_user, person=person, organisation=referral.referring_organisation, role_in_case="Referring agency"
        )
    not_involved: list[str] = []
    for row in referral.agencies or []:
        organisation = _sharing_organisation(row["agency"])
        if organisation is None:
            not_involved.append(row["agency"])
            continue
        involvement = AgencyInvolvement.objects.filter(person=person, organisation=organisation, ended_on__isnull=True).first()
        if involvement is None:
            involvement = casework.agency_involve(
                acting_user=acting_user, person=person, organisation=organisation, role_in_case="Named on the referral"
            )
        name, phone, email = _contact_of(row)
        if name and (phone or email) and not involvement.contacts.filter(name__iexact=name).exists():
            casework.agency_contact_add(acting_user=acting_user, involvement=involvement, name=name, phone=phone, email=email)
    ratings = {
        p: {
            "rag": e.get("risk", ""),
            # A referral submitted before needs were required for Red and Amber says so, not nothing.
            "needs": e.get("needs", "") or (f"Not described on referral {referral.pk}" if e.get("risk") in ("red", "amber") else ""),
            "actions": e.get("actions", ""),
        }
        for p, e in (referral.pathways or {}).items()
    }
    if set(ratings) == set(Pathway.values) and all(e["rag"] for e in ratings.values()):
        casework.pathway_assessment_record(
            acting_user=acting_user, person=person, assessed_on=referral.referral_date or decided_on, ratings=ratings
        )
    return not_involved


def _merge_into_existing(acting_user: User, referral: Referral, person: Person) -> None:
    """A person already on record keeps their own details; the referral adds what they lack."""
    from iomhub.people import services as people

    changes: dict[str, Any] = {}
    if referral.sex and referral.sex != "not-known" and person.sex == "not-known":
        changes["sex"] = referral.sex
    if referral.email and not person.email:
        changes["email"] = referral.email
    if changes:
        people.person_update(acting_user=acting_user, person=person, changes=changes)
    if referral.address or referral.postcode:
        lines = _address_of(referral)
        current = person.addresses.filter(to_date__isnull=True).first()
        same = current is not None and (
            current.line_1.lower() == lines["line_1"].lower() or (lines["postcode"] and current.postcode == lines["postcode"])
        )
        if not same:
            people.address_add(acting_user=acting_user, person=person, from_date=referral.referral_date, **lines)
    known = {"".join(c for c in n.number if c.isdigit()) for n in person.contact_numbers.all()}
    for kind, number in parse_contact_numbers(referral.contact_numbers):
        if "".join(c for c in number if c.isdigit()) not in known:
            people.contact_number_add(acting_user=acting_user, person=person, kind=kind, number=number)
    notes = set(person.markers.values_list("note", flat=True))
    for note in _warning_notes(referral):
        if note not in notes:
            people.marker_add(acting_user=acting_user, person=person, kind="other", note=note)


def _sharing_organisation(name: str) -> Organisation | None:
    """The active organisation of that name (case and spacing aside) whose partner workers may be
    involved: one with a sharing agreement in force, or the police and probation, who are the core
    team and need none (ADR 0013)."""
    from iomhub.access.models import Organisation, OrganisationKind, SharingAgreement
    from iomhub.access.policy import agreement_in_force

    wanted = " ".join(name.split())
    organisation = Organisation.objects.filter(name__iexact=wanted, active=True).first()
    if organisation is None:
        return None
    if organisation.kind in (OrganisationKind.POLICE, OrganisationKind.PROBATION):
        return organisation
    agreement = SharingAgreement.objects.filter(organisation=organisation).first()
    return organisation if agreement_in_force(agreement, clock.today()) else None


_EMAIL = re.compile(r"[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+")
_PHONE = re.compile(r"\+?[0-9][0-9 ()-]{5,18}[0-9]")


def _contact_of(row: dict[str, str]) -> tuple[str, str, str]:
    """The named person at an agency and their phone and e-mail, from the referral's free text."""
    details = row.get("contact", "")
    email = m.group(0) if (m := _EMAIL.search(details)) else ""
    phone = m.group(0).strip() if (m := _PHONE.search(details.replace(email, ""))) else ""
    return row.get("person", "").strip(), phone, email


def identity_of_referral(referral: Referral) -> Any:
    from iomhub.people import matching

    return matching.identity_from(
        first_name=referral.first_name,
        last_name=referral.last_name,
        date_of_birth=referral.date_of_birth,
        identifiers={"pnc_id": referral.pnc_id, "ni_number": referral.ni_number, "urn": referral.urn},
    )
