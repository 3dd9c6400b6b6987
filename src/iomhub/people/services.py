"""Every change to a person goes through here: validate, write, audit (with before/after values).

Two people editing at once: each change carries the ``version`` it was based on; a stale version is
refused with a clear message rather than silently overwriting the other person's change.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from iomhub.access import audit
from iomhub.access.errors import deny
from iomhub.access.models import AuditAction, Section
from iomhub.access.policy import Action, decide
from iomhub.access.projection import section_of
from iomhub.access.refusals import require_person_change
from iomhub.people import matching
from iomhub.people.models import Address, Alias, ContactNumber, Marker, Person
from iomhub.people.validators import IDENTIFIER_NORMALISERS, name_errors
from iomhub.rules.identifiers import normalise_postcode
from iomhub.validation import clean_date

if TYPE_CHECKING:
    from iomhub.access.models import User

# The fields a person's record can be changed in, each with its section as the model declares it
# (``Person.SECTIONS``, the one declaration the policy, the audit and the projection read).
EDITABLE_FIELDS = (
    "first_name",
    "middle_names",
    "last_name",
    "date_of_birth",
    "sex",
    "gender_identity",
    "pnc_id",
    "cro_number",
    "urn",
    "ni_number",
    "prison_number",
    "crn",
    "nhs_number",
    "ethnicity",
    "disability",
    "religion",
    "sexual_orientation",
    "email",
    "restriction",
    "managing_team",
)
FIELD_SECTIONS: dict[str, str] = {name: str(section_of(Person, name)) for name in EDITABLE_FIELDS}


class StaleEdit(ValidationError):
    pass


class PossibleDuplicates(ValidationError):
    """The new person may already be on IOM Hub (issue 5 §2, ADR 0004): nobody is stored. The
    caller shows ``found`` (the matches this user may see, with their reasons, and how many are
    hidden) and asks for an existing record or a confirmed new one."""

    def __init__(self, found: matching.MatchResult) -> None:
        super().__init__({"duplicate": ["This person may already be on IOM Hub: use their record, or confirm that they are new"]})
        self.found = found


def _normalise_identifiers(data: dict[str, Any]) -> None:
    errors: dict[str, list[str]] = {}
    for name, normalise in IDENTIFIER_NORMALISERS.items():
        value = data.get(name)
        if value:
            try:
                data[name] = normalise(str(value))
            except ValueError as exc:
                errors[name] = [str(exc)]
    if errors:
        raise ValidationError(errors)


def _refuse_hidden_characters(fields: dict[str, Any], *aliases: dict[str, Any]) -> None:
    """Names with control or invisible characters are refused, whoever calls (issue 9 §8)."""
    errors = name_errors(fields)
    for i, alias in enumerate(aliases):
        errors.update(name_errors(alias, f"aliases[{i}]."))
    if errors:
        raise ValidationError(errors)


def _snapshot(person: Person) -> dict[str, Any]:
    return {name: (person.managing_team_id if name == "managing_team" else getattr(person, name)) for name in EDITABLE_FIELDS}


def refresh_search_names(person: Person) -> str:
    names = [person.first_name, person.middle_names, person.last_name]
    if person.pk:
        for alias in person.aliases.all():
            names += [alias.first_name, alias.last_name]
    return " ".join(n.lower() for n in names if n)


@dataclass
class NewPerson:
    fields: dict[str, Any]
    aliases: list[dict[str, Any]] = field(default_factory=list)
    addresses: list[dict[str, Any]] = field(default_factory=list)
    contact_numbers: list[dict[str, Any]] = field(default_factory=list)
    markers: list[dict[str, Any]] = field(default_factory=list)


def _clean_child(model: type[Any], data: dict[str, Any], prefix: str, exclude: list[str]) -> Any:
    obj = model(**data)
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as exc:
        raise ValidationError({f"{prefix}.{k}": v for k, v in exc.message_dict.items()}) from exc
    return obj


def person_create(*, acting_user: User, new: NewPerson, confirmed_new: bool = False, purpose: str = "add a person") -> Person:
    """Add a person: authorise, validate, check for duplicates, save with their children, audit.

    Every new record passes the duplicate check here, whoever calls (page, API, adoption, import):
    unless the user has seen the possible matches and ``confirmed_new``, any match raises
    :class:`PossibleDuplicates` and nothing is stored. The check is audited as a search (``purpose``)."""
    if not decide(acting_user, Action.PERSON_CREATE):
        deny(user=acting_user, action=Action.PERSON_CREATE, reason="role may not create people")
    data = {k: v for k, v in new.fields.items() if k in EDITABLE_FIELDS}
    unknown = set(new.fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({name: ["Unknown field"] for name in sorted(unknown)})
    _refuse_hidden_characters(data, *new.aliases)
    _normalise_identifiers(data)
    person = Person(**data)
    person.full_clean(exclude=["managing_team"] if person.managing_team_id is None else None)
    children = _children(new)
    candidate = matching.identity_from(
        first_name=person.first_name,
        last_name=person.last_name,
        middle_names=person.middle_names,
        date_of_birth=person.date_of_birth,
        identifiers=data,
        aliases=new.aliases,
    )
    found = matching.possible_duplicates(user=acting_user, candidate=candidate, purpose=purpose)
    if found and not confirmed_new:
        raise PossibleDuplicates(found)
    with transaction.atomic():
        person.search_names = " ".join(
            n.lower()
            for n in [person.first_name, person.middle_names, person.last_name]
            + [x for c in children if isinstance(c, Alias) for x in (c.first_name, c.last_name)]
            if n
        )
        person.save()
        for child in children:
            child.person = person
            child.save()
        audit.record(
            actor=acting_user,
            action=AuditAction.CREATE,
            object_type="person",
            object_id=person.pk,
            person_id=person.pk,
            changes=audit.diff({}, _snapshot(person)),
        )
        # A possible match the user may not see is never revealed to them (issue 9 finding 3); it is
        # flagged against that record instead, for whoever may see it to check and merge.
        for hidden_id in found.hidden_ids:
            audit.record(
                actor=acting_user,
                action=AuditAction.CREATE,
                object_type="possible-duplicate",
                object_id=person.pk,
                person_id=hidden_id,
                reason="A new record may duplicate this one; its creator may not see this record. Check and merge if so.",
            )
    return person


# A marker of kind "Other" says nothing by itself: an officer about to visit needs to know what it
# is. Every path that writes a marker (the page, the API, adoption) comes through here.
OTHER_MARKER_NEEDS_NOTE = 'Enter details of what the "Other" warning or marker is'


def marker_errors(kind: object, note: object, prefix: str = "") -> dict[str, list[str]]:
    """``{"<prefix>note": [message]}`` if ``kind`` is Other and ``note`` is empty or blank."""
    if kind == Marker.Kind.OTHER and not str(note or "").strip():
        return {f"{prefix}note": [OTHER_MARKER_NEEDS_NOTE]}
    return {}


def _children(new: NewPerson) -> list[Any]:
    """The new person's aliases, addresses (postcodes normalised), contact numbers and markers, each
    checked and named by its place in the list (``addresses[1].postcode``)."""
    children: list[Any] = []
    for i, a in enumerate(new.aliases):
        children.append(_clean_child(Alias, a, f"aliases[{i}]", ["person"]))
    for i, a in enumerate(new.addresses):
        a = dict(a)
        if a.get("postcode"):
            try:
                a["postcode"] = normalise_postcode(a["postcode"])
            except ValueError as exc:
                raise ValidationError({f"addresses[{i}].postcode": [str(exc)]}) from exc
        if a.get("from_date") is not None:
            errors: dict[str, list[str]] = {}
            born = new.fields.get("date_of_birth")
            born = born if isinstance(born, datetime.date) else None
            clean_date(errors, f"addresses[{i}].from_date", a["from_date"], "the date they have lived here since", born=born)
            if errors:
                raise ValidationError(errors)
        children.append(_clean_child(Address, a, f"addresses[{i}]", ["person"]))
    for i, c in enumerate(new.contact_numbers):
        children.append(_clean_child(ContactNumber, c, f"contact_numbers[{i}]", ["person"]))
    for i, m in enumerate(new.markers):
        children.append(_clean_child(Marker, m, f"markers[{i}]", ["person"]))
        errors = marker_errors(m.get("kind"), m.get("note"), f"markers[{i}].")
        if errors:
            raise ValidationError(errors)
    return children


def person_update(*, acting_user: User, person: Person, changes: dict[str, Any], expected_version: int | None = None) -> Person:
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({name: ["This field cannot be changed here"] for name in sorted(unknown)})
    for name in changes:
        _authorise_change(acting_user, person, FIELD_SECTIONS[name])
    data = dict(changes)
    _refuse_hidden_characters(data)
    _normalise_identifiers(data)
    with transaction.atomic():
        current = Person.objects.select_for_update().get(pk=person.pk)
        if expected_version is not None and current.version != expected_version:
            raise StaleEdit(
                "Someone else changed this record while you were editing it. Your changes have not been saved: reload and try again.",
                code="stale",
            )
        before = _snapshot(current)
        for name, value in data.items():
            if name == "managing_team":
                current.managing_team_id = value.pk if hasattr(value, "pk") else value
            else:
                setattr(current, name, value)
        current.full_clean(exclude=["managing_team"] if current.managing_team_id is None else None)
        after = _snapshot(current)
        delta = audit.diff(before, after)
        if not delta:
            return current
        current.search_names = refresh_search_names(current)
        current.updated_at = timezone.now()
        current.save()
        Person.objects.filter(pk=current.pk).update(version=F("version") + 1)
        current.refresh_from_db(fields=["version"])
        audit.record(
            actor=acting_user, action=AuditAction.CHANGE, object_type="person", object_id=current.pk, person_id=current.pk, changes=delta
        )
    return current


def _authorise_change(acting_user: User, person: Person, section: str) -> None:
    require_person_change(acting_user, person, section)


def _child_add(*, acting_user: User, person: Person, section: str, model: type[Any], fields: dict[str, Any]) -> Any:
    """Add one alias/address/number/marker: authorise, validate, save, bump the version, audit."""
    _authorise_change(acting_user, person, section)
    child = _clean_child(model, {"person": person, **fields}, model._meta.model_name, [])
    with transaction.atomic():
        child.save()
        Person.objects.filter(pk=person.pk).update(version=F("version") + 1, updated_at=timezone.now())
        audit.record(
            actor=acting_user,
            action=AuditAction.CREATE,
            object_type=model._meta.model_name,
            object_id=child.pk,
            person_id=person.pk,
            changes=audit.diff({}, fields),
        )
    return child


def alias_add(*, acting_user: User, person: Person, first_name: str, last_name: str, date_of_birth: Any = None) -> Alias:
    _refuse_hidden_characters({"first_name": first_name, "last_name": last_name})
    alias: Alias = _child_add(
        acting_user=acting_user,
        person=person,
        section=Section.IDENTITY,
        model=Alias,
        fields={"first_name": first_name, "last_name": last_name, "date_of_birth": date_of_birth},
    )
    Person.objects.filter(pk=person.pk).update(search_names=refresh_search_names(person))
    return alias


def address_add(
    *,
    acting_user: User,
    person: Person,
    line_1: str,
    town: str = "",
    postcode: str = "",
    line_2: str = "",
    from_date: Any = None,
    no_fixed_abode: bool = False,
) -> Address:
    """A new current address; the previous current address ends the day before (002 app. 2: address).
    The date they have lived there since is a real past day, not before they were born, and after the
    day the current address began: an earlier one would end that address before it began and leave
    the new one covering its years (issue 14's bad input). Checked once the writer is authorised, so
    the current address's date is told only to someone who may see it."""
    errors: dict[str, list[str]] = {}
    if postcode:
        try:
            postcode = normalise_postcode(postcode)
        except ValueError as exc:
            errors["postcode"] = [str(exc)]
    with transaction.atomic():
        _authorise_change(acting_user, person, Section.CONTACT)
        if from_date is not None:
            clean_date(errors, "from_date", from_date, "the date they have lived here since", born=person.date_of_birth)
            began = person.addresses.filter(to_date__isnull=True, from_date__isnull=False).aggregate(latest=Max("from_date"))["latest"]
            if "from_date" not in errors and began is not None and from_date <= began:
                errors["from_date"] = [
                    f"The date they have lived here since must be after {began.day} {began:%B %Y}, when the current address began"
                ]
        if errors:
            raise ValidationError(errors)
        address: Address = _child_add(
            acting_user=acting_user,
            person=person,
            section=Section.CONTACT,
            model=Address,
            fields={
                "line_1": line_1,
                "line_2": line_2,
                "town": town,
                "postcode": postcode,
                "from_date": from_date,
                "no_fixed_abode": no_fixed_abode,
            },
        )
        if from_date is not None:
            ended = from_date - datetime.timedelta(days=1)
            for previous in person.addresses.filter(to_date__isnull=True).exclude(pk=address.pk):
                previous.to_date = max(ended, previous.from_date) if previous.from_date else ended
                previous.save(update_fields=["to_date"])
                audit.record(
                    actor=acting_user,
                    action=AuditAction.CHANGE,
                    object_type="address",
                    object_id=previous.pk,
                    person_id=person.pk,
                    changes=audit.diff({"to_date": None}, {"to_date": previous.to_date}),
                )
    return address


def contact_number_add(*, acting_user: User, person: Person, kind: str, number: str) -> ContactNumber:
    number = " ".join(number.split())
    if not re.fullmatch(r"\+?[0-9 ()-]{6,20}", number):
        raise ValidationError({"number": ["Enter a phone number using digits, spaces, brackets, + or -"]})
    result: ContactNumber = _child_add(
        acting_user=acting_user, person=person, section=Section.CONTACT, model=ContactNumber, fields={"kind": kind, "number": number}
    )
    return result


def marker_add(*, acting_user: User, person: Person, kind: str, note: str = "") -> Marker:
    errors = marker_errors(kind, note)
    if errors:
        raise ValidationError(errors)
    result: Marker = _child_add(
        acting_user=acting_user, person=person, section=Section.MARKERS, model=Marker, fields={"kind": kind, "note": note}
    )
    return result


def person_export(*, acting_user: User, person: Person) -> dict[str, Any]:
    """Everything the user may see of one person, as a dict ready for JSON (subject access, transfer)."""
    decision = decide(acting_user, Action.PERSON_EXPORT, person)
    if not decision:
        deny(
            user=acting_user,
            action=Action.PERSON_EXPORT,
            reason=decision.reason,
            object_type="person",
            object_id=person.pk,
            person_id=person.pk,
        )
    from iomhub.people.serializers import PersonDetailSerializer

    data = PersonDetailSerializer(person, context={"user": acting_user}).data
    audit.record(
        actor=acting_user,
        action=AuditAction.EXPORT,
        object_type="person",
        object_id=person.pk,
        person_id=person.pk,
        changes={"format": "json"},
    )
    return audit.jsonable(dict(data))  # type: ignore[no-any-return]
