"""Every change to a case goes through here: authorise, validate, write, audit (with before/after).

Who may do what (the one policy, ``iomhub.access.policy``):
- Who is on the case (lead worker, coordinator) and which agencies are involved, with their named
  contacts: the coordinator or chair (``Action.COHORT_MANAGE``; 002 §2 the coordinator keeps the
  record), for a person they see. Involving an agency lets its partner workers see the person.
- Safeguarding and parental status, the plan: anyone who may change the ``plan`` section.
- Pathway needs assessments: the ``assessments`` section. The timeline: the ``timeline`` section;
  intelligence notes only by those who see intelligence (police by default).

Two people editing at once (issue 6 §11): the case record and each plan action carry a ``version``;
a change based on an older version is refused (``StaleEdit``) and nothing is overwritten.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from iomhub import clock
from iomhub.access import audit
from iomhub.access.errors import deny
from iomhub.access.models import AuditAction, Organisation, Role, Section, User
from iomhub.access.policy import Action, decide, sees_intelligence
from iomhub.access.projection import lens_for
from iomhub.casework.models import (
    KIND_OUTCOMES,
    OPEN_STATUSES,
    ActionStatus,
    AgencyContact,
    AgencyInvolvement,
    CaseChange,
    CaseRecord,
    DrugResult,
    EntryKind,
    EntryOutcome,
    LivesWithChildren,
    ParentalStatus,
    PathwayAssessment,
    PathwayNeed,
    PathwayRag,
    PlanAction,
    PlanActionChange,
    Safeguarding,
    Substance,
    TimelineEntry,
)
from iomhub.people.services import StaleEdit
from iomhub.referrals.models import Pathway
from iomhub.rules.casework import SentenceDates, lead_worker_problem, on_licence_or_supervision

if TYPE_CHECKING:
    from iomhub.people.models import Person

MAX_TEXT = 200
MAX_NOTE = 5000
FORCE_NUMBER = re.compile(r"[A-Z0-9][A-Z0-9 /-]{0,19}")


def _name(user: User) -> str:
    return user.get_full_name() or user.get_username()


def authorise(user: User, person: Person, *, section: str, manage: bool = False) -> None:
    """Refuse (audited) unless ``user`` may change ``section`` of ``person``'s record (and, for
    ``manage``, is the coordinator or chair)."""
    decision = decide(user, Action.PERSON_CHANGE, person, section=section)
    if decision and manage:
        decision = decide(user, Action.COHORT_MANAGE)
    if not decision:
        deny(
            user=user,
            action=Action.COHORT_MANAGE if manage and decide(user, Action.PERSON_CHANGE, person, section=section) else Action.PERSON_CHANGE,
            reason=decision.reason,
            object_type="person",
            object_id=person.pk,
            person_id=person.pk,
        )


def _audit(user: User, kind: str, obj: Any, person: Person, section: str, before: dict[str, Any], after: dict[str, Any]) -> None:
    audit.record(
        actor=user,
        action=AuditAction.CHANGE if before else AuditAction.CREATE,
        object_type=kind,
        object_id=obj.pk,
        person_id=person.pk,
        changes={"section": section, **audit.diff(before, after)},
    )


def _text(errors: dict[str, list[str]], name: str, value: Any, label: str, *, required: bool = True, limit: int = MAX_TEXT) -> str:
    text = str(value or "").strip()
    if limit == MAX_TEXT:
        text = " ".join(text.split())
    if required and not text:
        errors.setdefault(name, []).append(f"Enter the {label}")
    elif len(text) > limit:
        errors.setdefault(name, []).append(f"The {label} must be {limit} characters or fewer")
    return text


def _choice(errors: dict[str, list[str]], name: str, value: Any, choices: Any, label: str, *, required: bool = True) -> str:
    text = str(value or "")
    if not text:
        if required:
            errors.setdefault(name, []).append(f"Select the {label}")
        return ""
    if text not in choices.values:
        errors.setdefault(name, []).append(f"Select a valid {label}")
    return text


def _date(errors: dict[str, list[str]], name: str, value: Any, label: str, person: Person, *, future: bool = False) -> datetime.date:
    if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
        errors.setdefault(name, []).append(f"Enter the {label}")
        return datetime.date.min
    if not future and value > clock.today():
        errors.setdefault(name, []).append(f"The {label} must be today or in the past")
    if value < person.date_of_birth:
        errors.setdefault(name, []).append(f"The {label} must be after the person's date of birth")
    return value


def case_record_get_or_create(person: Person) -> CaseRecord:
    record, _ = CaseRecord.objects.get_or_create(person=person)
    return record


# ---------------------------------------------------------------- people on the case (issue 6 §1)


def is_supervised(person: Person, today: datetime.date | None = None) -> bool:
    """On licence or supervision now, from the justice record's sentences (002 §5)."""
    return person.pk in supervised_people([person.pk], today)


def supervised_people(person_ids: Sequence[int], today: datetime.date | None = None) -> set[int]:
    """Which of ``person_ids`` are on licence or supervision now (002 §5): every sentence of them in
    one query, the rule applied per person. The one implementation (``is_supervised`` is its
    one-person case)."""
    from iomhub.justice.models import Sentence

    dates: dict[int, list[SentenceDates]] = {}
    for s in Sentence.objects.filter(person_id__in=list(person_ids)):
        dates.setdefault(s.person_id, []).append(
            SentenceDates(release=s.effective("release_date"), expiry=s.effective("expiry_date"), supervision_end=s.effective("tused"))
        )
    day = today or clock.today()
    return {pid for pid, found in dates.items() if on_licence_or_supervision(found, day)}


def _registered(person: Person) -> bool:
    from iomhub.cohort.models import Registration

    return Registration.objects.filter(person=person, ended_on__isnull=True).exists()


def _check_worker(errors: dict[str, list[str]], name: str, user: User | None, person: Person, roles: frozenset[str], label: str) -> None:
    if user is None:
        return
    if not user.is_active or not user.role_codes & roles:
        errors.setdefault(name, []).append(f"The {label} must be an active member of the IOM team")
    elif not decide(user, Action.PERSON_VIEW, person):
        errors.setdefault(name, []).append(f"The {label} cannot see this person's record")


LEAD_ROLES = frozenset({Role.POLICE_IOM_OFFICER, Role.PROBATION_OFFICER, Role.SUBSTANCE_MISUSE})
COORDINATOR_ROLES = frozenset({Role.COORDINATOR, Role.CHAIR})


def case_people_set(
    *,
    acting_user: User,
    person: Person,
    lead_worker: User | None,
    coordinator: User | None,
    reason: str,
    version: int,
) -> CaseRecord:
    """Set the lead worker and case coordinator of a registered case, with the reason (history)."""
    authorise(acting_user, person, section=Section.PLAN, manage=True)
    errors: dict[str, list[str]] = {}
    reason = _text(errors, "reason", reason, "reason for the change")
    if lead_worker is not None and not _registered(person):
        errors.setdefault("lead_worker", []).append("A lead worker is allocated only to a person registered on the IOM scheme")
    _check_worker(errors, "lead_worker", lead_worker, person, LEAD_ROLES, "lead worker")
    _check_worker(errors, "coordinator", coordinator, person, COORDINATOR_ROLES, "case coordinator")
    if lead_worker is not None and "lead_worker" not in errors:
        problem = lead_worker_problem(
            supervised=is_supervised(person), lead_is_probation_officer=lead_worker.has_role(Role.PROBATION_OFFICER)
        )
        if problem:
            errors.setdefault("lead_worker", []).append(problem)
    if errors:
        raise ValidationError(errors)
    return _case_update(
        acting_user=acting_user,
        person=person,
        version=version,
        values={"lead_worker": lead_worker, "coordinator": coordinator},
        reason=reason,
        section=Section.PLAN,
    )


def _display(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, User):
        return f"{_name(value)} ({value.get_username()})"
    return str(value)


def _case_update(*, acting_user: User, person: Person, version: int, values: Mapping[str, Any], reason: str, section: str) -> CaseRecord:
    with transaction.atomic():
        record = case_record_get_or_create(person)
        record = CaseRecord.objects.select_for_update().get(pk=record.pk)
        if record.version != version:
            raise StaleEdit(
                {
                    "version": [
                        "Someone else changed this case while you were editing it. Your changes have not been saved: "
                        "reload the page to see their changes, then make yours again."
                    ]
                }
            )
        before: dict[str, Any] = {}
        after: dict[str, Any] = {}
        for name, value in values.items():
            old = getattr(record, name)
            if old != value:
                before[name], after[name] = _display(old), _display(value)
                CaseChange.objects.create(
                    case=record,
                    field=name,
                    old_value=before[name][:200],
                    new_value=after[name][:200],
                    reason=reason,
                    changed_by=acting_user,
                )
                setattr(record, name, value)
        if after:
            record.version = F("version") + 1
            record.updated_at = timezone.now()
            record.save()
            record.refresh_from_db()
            audit.record(
                actor=acting_user,
                action=AuditAction.CHANGE,
                object_type="case",
                object_id=record.pk,
                person_id=person.pk,
                changes={"section": section, "reason": reason, **audit.diff(before, after)},
            )
    return record


def agency_involve(
    *, acting_user: User, person: Person, organisation: Organisation, role_in_case: str = "", started_on: datetime.date | None = None
) -> AgencyInvolvement:
    """Record that ``organisation`` is involved (its partner workers then see the person)."""
    authorise(acting_user, person, section=Section.PLAN, manage=True)
    errors: dict[str, list[str]] = {}
    role_in_case = _text(errors, "role_in_case", role_in_case, "agency's role in the case", required=False)
    started = _date(errors, "started_on", started_on or clock.today(), "start date", person)
    if not organisation.active:
        errors.setdefault("organisation", []).append("That organisation is no longer active")
    if AgencyInvolvement.objects.filter(person=person, organisation=organisation, ended_on__isnull=True).exists():
        errors.setdefault("organisation", []).append(f"{organisation.name} is already involved in this case")
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            inv = AgencyInvolvement.objects.create(person=person, organisation=organisation, role_in_case=role_in_case, started_on=started)
    except IntegrityError:
        raise ValidationError({"organisation": [f"{organisation.name} is already involved in this case"]}) from None
    _audit(
        acting_user, "agency-involvement", inv, person, Section.PLAN, {}, {"organisation": organisation.name, "role_in_case": role_in_case}
    )
    return inv


def agency_end(
    *, acting_user: User, involvement: AgencyInvolvement, ended_on: datetime.date | None = None, reason: str
) -> AgencyInvolvement:
    """End an agency's involvement in the case, with the date and the reason (issue 9 §3): from that
    day its partner workers no longer see the person (the policy reads open involvements only).
    The coordinator or chair; audited with before and after."""
    person = involvement.person
    authorise(acting_user, person, section=Section.PLAN, manage=True)
    errors: dict[str, list[str]] = {}
    ended = _date(errors, "ended_on", ended_on or clock.today(), "end date", person)
    reason = _text(errors, "reason", reason, "why the involvement ends", limit=500)
    with transaction.atomic():
        current = AgencyInvolvement.objects.select_for_update().get(pk=involvement.pk)
        if current.ended_on is not None:
            errors.setdefault("ended_on", []).append("This agency's involvement has already ended")
        elif "ended_on" not in errors and ended < current.started_on:
            errors.setdefault("ended_on", []).append(f"The end date must be on or after the start date ({current.started_on:%d %B %Y})")
        if errors:
            raise ValidationError(errors)
        _end(acting_user, current, person, ended, reason)
    involvement.ended_on, involvement.end_reason = current.ended_on, current.end_reason
    return current


def _end(acting_user: User, involvement: AgencyInvolvement, person: Person, ended: datetime.date, reason: str) -> None:
    involvement.ended_on = max(ended, involvement.started_on)
    involvement.end_reason = reason[:500]
    involvement.save(update_fields=["ended_on", "end_reason"])
    _audit(
        acting_user,
        "agency-involvement",
        involvement,
        person,
        Section.PLAN,
        {"ended_on": None, "end_reason": ""},
        {"organisation": involvement.organisation.name, "ended_on": involvement.ended_on, "end_reason": involvement.end_reason},
    )


def involvements_end_on_exit(
    *, acting_user: User, person: Person, ended_on: datetime.date, reason: str, continuing: Sequence[int] = ()
) -> list[AgencyInvolvement]:
    """When a person leaves IOM (deregistration, a completed transfer out), every agency still
    involved stops seeing them, except those the exit plan names to keep supporting them
    (``continuing``: organisation ids; ADR 0005, 0013). Called inside the leaving service's
    transaction, after it has authorised the chair or coordinator; each ending is audited."""
    authorise(acting_user, person, section=Section.PLAN, manage=True)
    ended = []
    for involvement in (
        AgencyInvolvement.objects.select_for_update()
        .filter(person=person, ended_on__isnull=True)
        .exclude(organisation_id__in=list(continuing))
        .select_related("organisation")
    ):
        _end(acting_user, involvement, person, ended_on, reason)
        ended.append(involvement)
    return ended


def agency_contact_add(
    *, acting_user: User, involvement: AgencyInvolvement, name: str, job_title: str = "", phone: str = "", email: str = ""
) -> AgencyContact:
    """A named contact at an involved agency."""
    person = involvement.person
    authorise(acting_user, person, section=Section.PLAN, manage=True)
    errors: dict[str, list[str]] = {}
    name = _text(errors, "name", name, "contact's name")
    job_title = _text(errors, "job_title", job_title, "job title", required=False)
    phone = _text(errors, "phone", phone, "phone number", required=False, limit=40)
    if phone and not all(c.isdigit() or c in " +()-" for c in phone):
        errors.setdefault("phone", []).append("Enter a phone number using digits, spaces, +, ( ) and -")
    email = str(email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors.setdefault("email", []).append("Enter an email address in the correct format, like name@example.com")
    if not phone and not email and "name" not in errors:
        errors.setdefault("phone", []).append("Enter a phone number or an email address for the contact")
    if involvement.ended_on is not None:
        errors.setdefault("involvement", []).append("This agency is no longer involved in the case")
    if errors:
        raise ValidationError(errors)
    contact = AgencyContact.objects.create(involvement=involvement, name=name, job_title=job_title, phone=phone, email=email)
    _audit(
        acting_user,
        "agency-contact",
        contact,
        person,
        Section.PLAN,
        {},
        {"organisation": involvement.organisation.name, "name": name, "job_title": job_title, "phone": phone, "email": email},
    )
    return contact


# ---------------------------------------------------------------- safeguarding (issue 6 §10)


def safeguarding_set(
    *,
    acting_user: User,
    person: Person,
    parental_status: str,
    lives_with_children: str,
    safeguarding: str,
    notes: str = "",
    version: int,
) -> CaseRecord:
    """Parental status and safeguarding: all three are mandatory (000 §7.2.1)."""
    authorise(acting_user, person, section=Section.SAFEGUARDING)
    errors: dict[str, list[str]] = {}
    values = {
        "parental_status": _choice(errors, "parental_status", parental_status, ParentalStatus, "parental status"),
        "lives_with_children": _choice(
            errors, "lives_with_children", lives_with_children, LivesWithChildren, "answer for living with children"
        ),
        "safeguarding": _choice(errors, "safeguarding", safeguarding, Safeguarding, "safeguarding status"),
        "safeguarding_notes": _text(errors, "notes", notes, "safeguarding notes", required=False, limit=MAX_NOTE),
    }
    if values["safeguarding"] not in ("", Safeguarding.NONE_KNOWN) and not values["safeguarding_notes"]:
        errors.setdefault("notes", []).append("Say what the safeguarding concern or plan is, and who leads it")
    if errors:
        raise ValidationError(errors)
    return _case_update(acting_user=acting_user, person=person, version=version, values=values, reason="", section=Section.SAFEGUARDING)


# ---------------------------------------------------------------- pathway needs (issue 6 §3)


def pathway_assessment_record(
    *, acting_user: User, person: Person, assessed_on: datetime.date, ratings: Mapping[str, Mapping[str, Any]]
) -> PathwayAssessment:
    """An assessment of all nine pathways: ``ratings[pathway] = {"rag", "needs", "actions"}``."""
    authorise(acting_user, person, section=Section.ASSESSMENTS)
    errors: dict[str, list[str]] = {}
    assessed = _date(errors, "assessed_on", assessed_on, "date of the assessment", person)
    unknown = set(ratings) - set(Pathway.values)
    for name in sorted(unknown):
        errors.setdefault(name, []).append("Not a pathway of the referral form")
    needs: list[PathwayNeed] = []
    for pathway in Pathway:
        given = ratings.get(pathway.value) or {}
        if not isinstance(given, Mapping):
            errors.setdefault(pathway.value, []).append("Give the rating, needs and actions")
            continue
        rag = _choice(errors, f"{pathway.value}.rag", given.get("rag"), PathwayRag, f"RAG rating for {pathway.label}")
        need_text = _text(
            errors, f"{pathway.value}.needs", given.get("needs"), f"needs for {pathway.label}", required=False, limit=MAX_NOTE
        )
        action_text = _text(
            errors, f"{pathway.value}.actions", given.get("actions"), f"actions for {pathway.label}", required=False, limit=MAX_NOTE
        )
        if rag in (PathwayRag.RED, PathwayRag.AMBER) and not need_text:
            errors.setdefault(f"{pathway.value}.needs", []).append(f"Describe the needs for {pathway.label} (rated {rag})")
        needs.append(PathwayNeed(pathway=pathway.value, rag=rag, needs=need_text, actions=action_text))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        assessment = PathwayAssessment.objects.create(
            person=person, assessed_on=assessed, assessed_by=acting_user, assessed_by_name=_name(acting_user)
        )
        for need in needs:
            need.assessment = assessment
        PathwayNeed.objects.bulk_create(needs)
        _audit(
            acting_user,
            "pathway-assessment",
            assessment,
            person,
            Section.ASSESSMENTS,
            {},
            {"assessed_on": assessed, **{n.pathway: n.rag for n in needs}},
        )
    return assessment


# ---------------------------------------------------------------- the plan (issue 6 §4)


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
    owner_name = _text(errors, "owner_name", owner_name or (_name(owner) if owner else ""), "person responsible")
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


# ---------------------------------------------------------------- the timeline (issue 6 §5)


def timeline_record(
    *,
    acting_user: User,
    person: Person,
    kind: str,
    occurred_on: datetime.date,
    outcome: str = "",
    summary: str = "",
    organisation: Organisation | None = None,
    substances_tested: Sequence[str] = (),
    drug_result: str = "",
    positive_for: Sequence[str] = (),
    force_number: str = "",
) -> TimelineEntry:
    """Record a contact or event, or book an appointment ahead (outcome ``booked``, a future date),
    with the recording officer's force number where they give it (002 appendix 2, contact log)."""
    authorise(acting_user, person, section=Section.TIMELINE)
    errors: dict[str, list[str]] = {}
    force_number = " ".join(str(force_number or "").split()).upper()
    if force_number and not FORCE_NUMBER.fullmatch(force_number):
        errors["force_number"] = ["Enter the force number in letters and numbers, 20 characters or fewer"]
    if (substances_tested or drug_result or positive_for) and not lens_for(acting_user, person).sees(Section.HEALTH):
        # Drug-test results are health data (special category): recorded only by those who may read them.
        errors["drug_result"] = ["Drug-test results are not shared with your organisation: record the test without them"]
    kind = _choice(errors, "kind", kind, EntryKind, "kind of contact or event")
    if kind == EntryKind.INTELLIGENCE and not sees_intelligence(acting_user):
        deny(
            user=acting_user,
            action=Action.PERSON_CHANGE,
            reason="intelligence notes are for the police",
            object_type="person",
            object_id=person.pk,
            person_id=person.pk,
        )
    allowed = KIND_OUTCOMES.get(kind, (EntryOutcome.DONE, EntryOutcome.BOOKED))
    outcome = str(outcome or "") or (EntryOutcome.ATTENDED if EntryOutcome.ATTENDED in allowed else EntryOutcome.DONE)
    if kind and outcome not in allowed:
        labels = ", ".join(str(EntryOutcome(o).label).lower() for o in allowed)
        errors.setdefault("outcome", []).append(f"The outcome of a {EntryKind(kind).label.lower()} must be one of: {labels}")
    booked = outcome == EntryOutcome.BOOKED
    when = _date(errors, "occurred_on", occurred_on, "date", person, future=booked)
    if booked and "occurred_on" not in errors and when < clock.today():
        errors.setdefault("occurred_on", []).append("An appointment booked ahead must be today or in the future")
    summary = _text(errors, "summary", summary, "summary", required=kind in (EntryKind.INTELLIGENCE, EntryKind.REFERRAL), limit=MAX_NOTE)
    tested = [str(s) for s in substances_tested or ()]
    positives = [str(s) for s in positive_for or ()]
    result = str(drug_result or "")
    if kind == EntryKind.DRUG_TEST and not booked:
        result = _choice(errors, "drug_result", result, DrugResult, "drug test result")
        bad = [s for s in tested + positives if s not in Substance.values]
        if bad:
            errors.setdefault("substances_tested", []).append(f"Unknown substance: {', '.join(sorted(set(bad)))}")
        if not tested and result != DrugResult.REFUSED:
            errors.setdefault("substances_tested", []).append("Select the substances tested for")
        if result == DrugResult.POSITIVE and not positives:
            errors.setdefault("positive_for", []).append("Select the substances the test was positive for")
        if result != DrugResult.POSITIVE and positives:
            errors.setdefault("positive_for", []).append("Only a positive test is positive for a substance")
        if set(positives) - set(tested):
            errors.setdefault("positive_for", []).append("A test can only be positive for a substance it tested for")
    elif tested or positives or result:
        errors.setdefault("drug_result", []).append("Substances and results are recorded only for a drug test")
    if errors:
        raise ValidationError(errors)
    entry = TimelineEntry.objects.create(
        person=person,
        kind=kind,
        outcome=outcome,
        occurred_on=when,
        summary=summary,
        organisation=organisation or acting_user.organisation,
        substances_tested=sorted(set(tested)),
        drug_result=result,
        positive_for=sorted(set(positives)),
        recorded_by=acting_user,
        recorded_by_name=_name(acting_user),
        force_number=force_number,
    )
    _audit(
        acting_user,
        "timeline-entry",
        entry,
        person,
        Section.TIMELINE,
        {},
        {
            "kind": kind,
            "outcome": outcome,
            "occurred_on": when,
            "drug_result": result,
            "positive_for": entry.positive_for,
            "force_number": force_number,
        },
    )
    return entry


def appointment_outcome(*, acting_user: User, entry: TimelineEntry, outcome: str, summary: str = "") -> TimelineEntry:
    """Record what happened at an appointment booked ahead."""
    person = entry.person
    authorise(acting_user, person, section=Section.TIMELINE)
    errors: dict[str, list[str]] = {}
    allowed = [o for o in KIND_OUTCOMES.get(entry.kind, (EntryOutcome.DONE,)) if o != EntryOutcome.BOOKED]
    if entry.outcome != EntryOutcome.BOOKED:
        errors.setdefault("outcome", []).append("The outcome of this entry has already been recorded")
    elif str(outcome) not in allowed:
        errors.setdefault("outcome", []).append("Select what happened: " + ", ".join(str(EntryOutcome(o).label).lower() for o in allowed))
    elif entry.occurred_on > clock.today():
        errors.setdefault("outcome", []).append("The appointment has not happened yet")
    summary = _text(errors, "summary", summary, "summary", required=False, limit=MAX_NOTE)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        updated = TimelineEntry.objects.filter(pk=entry.pk, outcome=EntryOutcome.BOOKED).update(
            outcome=outcome, summary=summary or entry.summary
        )
        if not updated:
            raise StaleEdit({"outcome": ["Someone else has recorded the outcome of this appointment: reload the page"]})
        _audit(acting_user, "timeline-entry", entry, person, Section.TIMELINE, {"outcome": EntryOutcome.BOOKED}, {"outcome": outcome})
    entry.refresh_from_db()
    return entry


__all__ = ["OPEN_STATUSES", "StaleEdit"]
