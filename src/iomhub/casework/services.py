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
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from iomhub import clock
from iomhub.access import audit
from iomhub.access.errors import deny
from iomhub.access.models import AuditAction, Organisation, Role, Section, User
from iomhub.access.policy import Action, decide, sees_intelligence
from iomhub.access.projection import lens_for

# The agencies, the plan and the shared checks live in their own modules; their names stay
# importable from here (the meetings, cohort and referrals services call them through this module).
from iomhub.casework.agencies import agency_contact_add, agency_end, agency_involve, involvements_end_on_exit
from iomhub.casework.checks import MAX_NOTE, MAX_TEXT, authorise
from iomhub.casework.checks import audit_write as _audit
from iomhub.casework.checks import choice as _choice
from iomhub.casework.checks import date as _date
from iomhub.casework.checks import text as _text
from iomhub.casework.models import (
    KIND_OUTCOMES,
    OPEN_STATUSES,
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
    Safeguarding,
    Substance,
    TimelineEntry,
)
from iomhub.casework.plan import plan_action_add, plan_action_update
from iomhub.people.services import StaleEdit
from iomhub.referrals.models import Pathway
from iomhub.rules.casework import SentenceDates, lead_worker_problem, on_licence_or_supervision
from iomhub.rules.date_windows import BOOKING_YEARS

if TYPE_CHECKING:
    from iomhub.people.models import Person

FORCE_NUMBER = re.compile(r"[A-Z0-9][A-Z0-9 /-]{0,19}")


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
        return f"{value.display_name} ({value.get_username()})"
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
            person=person, assessed_on=assessed, assessed_by=acting_user, assessed_by_name=acting_user.display_name
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
    force_number = _force_number(errors, force_number)
    if (substances_tested or drug_result or positive_for) and not lens_for(acting_user, person).sees(Section.HEALTH):
        # Drug-test results are health data (special category): recorded only by those who may read them.
        errors["drug_result"] = ["Drug-test results are not shared with your organisation: record the test without them"]
    kind = _choice(errors, "kind", kind, EntryKind, "kind of contact or event")
    if kind == EntryKind.INTELLIGENCE and not sees_intelligence(acting_user):
        deny(
            user=acting_user,
            action=Action.PERSON_CHANGE,
            reason=INTELLIGENCE_REFUSED,
            object_type="person",
            object_id=person.pk,
            person_id=person.pk,
        )
    outcome = _entry_outcome(errors, kind, outcome)
    booked = outcome == EntryOutcome.BOOKED
    # An appointment booked ahead is within two years of today (rules.date_windows.BOOKING_YEARS).
    when = _date(
        errors, "occurred_on", occurred_on, "appointment date" if booked else "date", person, future=booked, within_years=BOOKING_YEARS
    )
    if booked and "occurred_on" not in errors and when < clock.today():
        errors.setdefault("occurred_on", []).append("An appointment booked ahead must be today or in the future")
    summary = _text(errors, "summary", summary, "summary", required=kind in (EntryKind.INTELLIGENCE, EntryKind.REFERRAL), limit=MAX_NOTE)
    tested, positives, result = _drug_test(errors, kind, booked, substances_tested, positive_for, drug_result)
    if errors:
        raise ValidationError(errors)
    facts = {"kind": kind, "outcome": outcome, "occurred_on": when, "summary": summary, "drug_result": result}
    return _entry_saved(acting_user, person, organisation, facts, tested=tested, positives=positives, force_number=force_number)


def _entry_saved(
    acting_user: User,
    person: Person,
    organisation: Organisation | None,
    facts: dict[str, Any],
    *,
    tested: list[str],
    positives: list[str],
    force_number: str,
) -> TimelineEntry:
    """The entry written and audited (``facts``: kind, outcome, occurred_on, summary, drug_result)."""
    kind, outcome, when, summary, result = facts["kind"], facts["outcome"], facts["occurred_on"], facts["summary"], facts["drug_result"]
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
        recorded_by_name=acting_user.display_name,
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


INTELLIGENCE_REFUSED = "intelligence notes are for the police"


def _force_number(errors: dict[str, list[str]], force_number: str) -> str:
    force_number = " ".join(str(force_number or "").split()).upper()
    if force_number and not FORCE_NUMBER.fullmatch(force_number):
        errors["force_number"] = ["Enter the force number in letters and numbers, 20 characters or fewer"]
    return force_number


def _entry_outcome(errors: dict[str, list[str]], kind: str, outcome: str) -> str:
    """The outcome given, or the usual one for the kind (attended, else done); one the kind allows."""
    allowed = KIND_OUTCOMES.get(kind, (EntryOutcome.DONE, EntryOutcome.BOOKED))
    outcome = str(outcome or "") or (EntryOutcome.ATTENDED if EntryOutcome.ATTENDED in allowed else EntryOutcome.DONE)
    if kind and outcome not in allowed:
        labels = ", ".join(str(EntryOutcome(o).label).lower() for o in allowed)
        errors.setdefault("outcome", []).append(f"The outcome of a {EntryKind(kind).label.lower()} must be one of: {labels}")
    return outcome


def _drug_test(
    errors: dict[str, list[str]], kind: str, booked: bool, substances_tested: Sequence[str], positive_for: Sequence[str], drug_result: str
) -> tuple[list[str], list[str], str]:
    """The substances tested, those positive and the result: only for a drug test (not one booked
    ahead), each substance known, positive only for what was tested."""
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
    return tested, positives, result


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


__all__ = [
    "MAX_NOTE",
    "MAX_TEXT",
    "OPEN_STATUSES",
    "StaleEdit",
    "agency_contact_add",
    "agency_end",
    "agency_involve",
    "authorise",
    "involvements_end_on_exit",
    "plan_action_add",
    "plan_action_update",
]
