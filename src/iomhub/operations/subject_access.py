"""Subject access (issue 13 §4, ADR 0022): the request and its deadline, the pack of every record
about the person and who looked at them, and the reviewer's decision on what to withhold.

For the information governance lead only (``Action.SUBJECT_ACCESS``): answering a request is their
statutory job, so the pack reads every section of the record (the projection's IG lens is identity
only) and restricted people too; every pack built is audited as an export naming the request.

**Every record**: ``operations.graph.rows_about`` finds every row pointing at the person (or at a row
already found, or at a duplicate merged into them) by model metadata, so a model another app adds
is in the pack without changing this module. **Who looked**: every audit event naming the person
(or a merged duplicate), with who, their organisation, what and when.

**Marked for the reviewer** (UK GDPR Art. 15(4), DPA 2018 Sch. 2 para 2 and Sch. 2 Part 3):
``police-intelligence`` — any row with a field in the police intelligence section or of kind
"intelligence", or a deregistration that police intelligence required or suggested (its recorded
rules' sections, ``cohort.advice.RULE_SECTIONS``: "no intelligence for 3 months") (disclosure may prejudice the prevention or detection of crime); ``third-party`` —
any row with a field in the safeguarding section (victims, children) or of a model that records
other people (:data:`THIRD_PARTY_MODELS`). The reviewer records release or withhold, with a
reason, per item; the release version of the pack is refused until every marked item is decided,
and leaves out what is withheld.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import models, transaction

from iomhub import clock
from iomhub.access import audit
from iomhub.access.errors import deny
from iomhub.access.models import AuditAction, AuditEvent, Section
from iomhub.access.policy import Action, decide
from iomhub.access.projection import section_of
from iomhub.access.refusals import get_or_deny
from iomhub.cohort.advice import RULE_SECTIONS
from iomhub.cohort.models import Deregistration
from iomhub.operations.graph import rows_about
from iomhub.operations.models import SarStatus, SubjectAccessRequest
from iomhub.people.models import Person
from iomhub.rules.subject_access import MAX_EXTENSION_MONTHS
from iomhub.validation import clean_text

if TYPE_CHECKING:
    from iomhub.access.models import User

INTELLIGENCE = "police-intelligence"
THIRD_PARTY = "third-party"
MARK_LABELS = {INTELLIGENCE: "Police intelligence", THIRD_PARTY: "Third-party information"}
# Models whose rows record other people than the subject: named agency contacts, the referrer's
# account, another incoming record matched to the person, and a merge (the duplicate may be another).
THIRD_PARTY_MODELS = frozenset(
    {"casework.agencycontact", "referrals.referral", "feeds.linkreview", "feeds.linkreviewcandidate", "people.personmerge"}
)
DECISIONS = ("release", "withhold")
REASON_LIMIT = 1000


def _may(user: User, *, object_id: Any = "", person_id: int | None = None) -> None:
    decision = decide(user, Action.SUBJECT_ACCESS)
    if not decision:
        deny(
            user=user,
            action=Action.SUBJECT_ACCESS,
            reason=decision.reason,
            object_type="subject-access-request",
            object_id=object_id,
            person_id=person_id,
        )


def may_handle(user: User) -> None:
    _may(user)


def sar_list(*, user: User) -> list[SubjectAccessRequest]:
    _may(user)
    return list(SubjectAccessRequest.objects.select_related("person").order_by("status", "received_on", "id"))


def sar_get(*, user: User, sar_id: int | str) -> SubjectAccessRequest:
    _may(user, object_id=sar_id)
    return get_or_deny(
        SubjectAccessRequest.objects.select_related("person"),
        sar_id,
        user=user,
        action=Action.SUBJECT_ACCESS,
        reason="no such request",
        object_type="subject-access-request",
    )


def sar_read(*, user: User, sar_id: int | str) -> SubjectAccessRequest:
    """One request, its reading audited (it names the person and that they asked)."""
    sar = sar_get(user=user, sar_id=sar_id)
    audit.record(actor=user, action=AuditAction.VIEW, object_type="subject-access-request", object_id=sar.pk, person_id=sar.person_id)
    return sar


def sar_create(*, acting_user: User, person_id: int | None, received_on: datetime.date | None, requester: str) -> SubjectAccessRequest:
    """Record a request received. The deadline is one calendar month from the day received."""
    _may(acting_user, person_id=person_id)
    errors: dict[str, list[str]] = {}
    person = Person.objects.filter(pk=person_id).first() if person_id else None
    if person is None:
        errors["person_id"] = ["Enter the record number of a person on IOM Hub"]
    elif person.merged_into_id is not None:
        errors["person_id"] = [f"Record {person.pk} has been merged into record {person.merged_into_id}: use that record"]
    if received_on is None:
        errors["received_on"] = ["Enter the date the request was received"]
    elif received_on > clock.today():
        errors["received_on"] = ["The date the request was received must be today or in the past"]
    requester = clean_text(errors, "requester", requester, "who made the request", required=True, limit=200)
    if errors:
        raise ValidationError(errors)
    assert person is not None and received_on is not None
    sar = SubjectAccessRequest.objects.create(person=person, received_on=received_on, requester=requester, created_by=acting_user)
    audit.record(
        actor=acting_user,
        action=AuditAction.CREATE,
        object_type="subject-access-request",
        object_id=sar.pk,
        person_id=person.pk,
        changes={"received_on": received_on, "due_on": sar.due_on, "requester": requester},
    )
    return sar


def sar_update(
    *, acting_user: User, sar: SubjectAccessRequest, status: str, extended_by_months: int, responded_on: datetime.date | None
) -> SubjectAccessRequest:
    """Change the request's status, extension (at most two months, Art. 12(3)) or response date."""
    _may(acting_user, object_id=sar.pk, person_id=sar.person_id)
    errors: dict[str, list[str]] = {}
    if status not in SarStatus.values:
        errors["status"] = ["Choose a status"]
    if not 0 <= extended_by_months <= MAX_EXTENSION_MONTHS:
        errors["extended_by_months"] = [f"A request may be extended by at most {MAX_EXTENSION_MONTHS} months"]
    if status == SarStatus.SENT and responded_on is None:
        errors["responded_on"] = ["Enter the date the response was sent"]
    elif responded_on is not None and (responded_on > clock.today() or responded_on < sar.received_on):
        errors["responded_on"] = ["The response date must be between the day the request was received and today"]
    if status == SarStatus.SENT and not errors and undecided(sar):
        errors["status"] = [f"Decide every marked item before sending the response ({len(undecided(sar))} not decided)"]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = SubjectAccessRequest.objects.select_for_update().get(pk=sar.pk)
        before = {"status": locked.status, "extended_by_months": locked.extended_by_months, "responded_on": locked.responded_on}
        locked.status, locked.extended_by_months, locked.responded_on = status, extended_by_months, responded_on
        locked.save()
        after = {"status": status, "extended_by_months": extended_by_months, "responded_on": responded_on}
        changes = audit.diff(before, after)
        if changes:
            audit.record(
                actor=acting_user,
                action=AuditAction.CHANGE,
                object_type="subject-access-request",
                object_id=locked.pk,
                person_id=locked.person_id,
                changes=changes,
            )
    return locked


@dataclass
class Item:
    key: str  # "app_label.model:pk"
    model: str
    kind: str  # the model's verbose name
    fields: dict[str, str]
    marks: list[str] = field(default_factory=list)
    decision: dict[str, str] | None = None


@dataclass
class Pack:
    sar: SubjectAccessRequest
    items: list[Item]
    viewers: list[dict[str, Any]]
    generated_at: datetime.datetime
    release: bool = False

    @property
    def marked(self) -> list[Item]:
        return [item for item in self.items if item.marks]


def _display(obj: models.Model, f: models.Field[Any, Any]) -> str:
    if f.choices:
        return str(getattr(obj, f"get_{f.name}_display")())
    value = getattr(obj, f.name)
    if value is None or value == "":
        return ""
    if isinstance(value, datetime.datetime):
        return value.isoformat(timespec="minutes")
    if isinstance(value, (dict, list)):
        return json.dumps(value, default=str)
    return str(value)


def _recorded_rule_sections(obj: models.Model) -> set[str]:
    """The sections of the rules a stored deregistration records (``required_by``,
    ``suggested_by``), from the one table the live rules and their projection use
    (``cohort.advice.RULE_SECTIONS``): "no intelligence for 3 months" is police intelligence even
    where the deregistration itself is plan (ADR 0010 addendum). A code missing from the table is
    taken as police intelligence, the narrowest section, so the reviewer reads it before release."""
    if not isinstance(obj, Deregistration):
        return set()
    codes = [*(obj.required_by or []), *(obj.suggested_by or [])]
    found: set[str] = set()
    for code in codes:
        found |= RULE_SECTIONS.get(code, {Section.INTELLIGENCE})
    return found


def _marks(model: type[models.Model], obj: models.Model) -> list[str]:
    names = [f.name for f in model._meta.concrete_fields]
    sections = {section_of(model, name) for name in names} | _recorded_rule_sections(obj)
    marks = []
    if Section.INTELLIGENCE in sections or getattr(obj, "kind", None) == "intelligence":
        marks.append(INTELLIGENCE)
    if Section.SAFEGUARDING in sections or model._meta.label_lower in THIRD_PARTY_MODELS:
        marks.append(THIRD_PARTY)
    return marks


def _item(model: type[models.Model], obj: models.Model, decisions: dict[str, Any]) -> Item:
    key = f"{model._meta.label_lower}:{obj.pk}"
    values = {}
    for f in model._meta.concrete_fields:
        if f.primary_key or f.name in ("search_names", "version"):
            continue
        shown = _display(obj, f)
        if shown:
            values[str(f.verbose_name)] = shown
    return Item(key, model._meta.label_lower, str(model._meta.verbose_name), values, _marks(model, obj), decisions.get(key))


def _viewers(person_ids: list[int]) -> list[dict[str, Any]]:
    events = AuditEvent.objects.filter(person_id__in=person_ids).select_related("actor__organisation").order_by("occurred_at", "id")
    rows = []
    for event in events:
        actor = event.actor
        rows.append(
            {
                "at": event.occurred_at.isoformat(timespec="seconds"),
                "who": event.actor_username,
                "name": actor.get_full_name() if actor else "",
                "organisation": actor.organisation.name if actor and actor.organisation else "",
                "action": AuditAction(event.action).label if event.action in AuditAction.values else event.action,
                "record": event.object_type,
                "reason": event.reason,
            }
        )
    return rows


def undecided(sar: SubjectAccessRequest) -> list[str]:
    """Keys of marked items with no decision yet."""
    found = rows_about([sar.person_id])
    keys = []
    for model, pks in found.rows.items():
        for obj in model._base_manager.filter(pk__in=pks):
            key = f"{model._meta.label_lower}:{obj.pk}"
            if _marks(model, obj) and key not in sar.decisions:
                keys.append(key)
    return keys


def build_pack(*, acting_user: User, sar: SubjectAccessRequest, release: bool = False, fmt: str = "json") -> Pack:
    """The pack: every record about the person and who looked at them. ``release`` leaves out what the
    reviewer withheld and is refused while a marked item is undecided. Audited as an export."""
    _may(acting_user, object_id=sar.pk, person_id=sar.person_id)
    found = rows_about([sar.person_id])
    items = []
    for model, pks in found.rows.items():
        for obj in model._base_manager.filter(pk__in=pks).order_by("pk"):
            items.append(_item(model, obj, sar.decisions))
    if release:
        waiting = [item.key for item in items if item.marks and item.decision is None]
        if waiting:
            raise ValidationError({"release": [f"Decide every marked item first: {len(waiting)} not decided ({', '.join(waiting[:5])})"]})
        items = [item for item in items if not (item.decision and item.decision["decision"] == "withhold")]
    people = list(found.rows.get(Person, []))
    pack = Pack(sar, items, _viewers(people), clock.now(), release)
    audit.record(
        actor=acting_user,
        action=AuditAction.EXPORT,
        object_type="subject-access-pack",
        object_id=sar.pk,
        person_id=sar.person_id,
        changes={"format": fmt, "version": "release" if release else "review", "records": len(items), "viewers": len(pack.viewers)},
        reason=f"Subject access request {sar.pk}",
    )
    return pack


def sar_decide(*, acting_user: User, sar: SubjectAccessRequest, key: str, decision: str, reason: str) -> SubjectAccessRequest:
    """Record the reviewer's release or withhold for one item of the pack (a reason is required to
    withhold: the response must say an exemption was applied)."""
    _may(acting_user, object_id=sar.pk, person_id=sar.person_id)
    errors: dict[str, list[str]] = {}
    if decision not in DECISIONS:
        errors["decision"] = ["Choose release or withhold"]
    reason = clean_text(errors, "reason", reason, "the reason (the exemption applied)", required=decision == "withhold", limit=REASON_LIMIT)
    model_label = (key or "").partition(":")[0]
    keys = {
        f"{m._meta.label_lower}:{p}"
        for m, pks in rows_about([sar.person_id]).rows.items()
        for p in pks
        if m._meta.label_lower == model_label
    }
    if key not in keys:
        errors["key"] = [f"{key or 'That item'} is not a record about this person"]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = SubjectAccessRequest.objects.select_for_update().get(pk=sar.pk)
        before = locked.decisions.get(key)
        entry = {"decision": decision, "reason": reason, "by": acting_user.get_username(), "at": clock.now().isoformat(timespec="seconds")}
        locked.decisions = {**locked.decisions, key: entry}
        if locked.status == SarStatus.RECEIVED:
            locked.status = SarStatus.IN_REVIEW
        locked.save()
        audit.record(
            actor=acting_user,
            action=AuditAction.CHANGE,
            object_type="subject-access-request",
            object_id=locked.pk,
            person_id=locked.person_id,
            changes={"item": key, "decision": {"before": before["decision"] if before else None, "after": decision}},
            reason=reason,
        )
    return locked


def pack_json(pack: Pack) -> dict[str, Any]:
    sar = pack.sar
    return {
        "request": {
            "id": sar.pk,
            "person": sar.person_id,
            "received_on": sar.received_on.isoformat(),
            "due_on": sar.due_on.isoformat(),
            "status": sar.status,
            "requester": sar.requester,
        },
        "version": "release" if pack.release else "review",
        "generated_at": pack.generated_at.isoformat(timespec="seconds"),
        "records": [
            {"key": i.key, "model": i.model, "kind": i.kind, "values": i.fields, "marks": i.marks, "decision": i.decision}
            for i in pack.items
        ],
        "viewers": pack.viewers,
    }
