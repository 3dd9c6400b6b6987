"""Merging a duplicate person into the record kept, and undoing it (issue 5 §2: "a merge tool for
duplicates found later, keeping every record and the audit trail of both, reversible").

What a merge does, in one transaction:

- every row of every model with a foreign key to :class:`Person` (found through Django's model
  metadata, so an app added later is covered without changing this module) moves from the
  duplicate to the record kept — except the rows that grant *access* to a record
  (:data:`NOT_MOVED`): a merge must never widen who may see what;
- identifiers the kept record lacks are copied from the duplicate; two different values of the same
  identifier (two PNC IDs, say) are refused, since one person has one;
- the duplicate's name and date of birth become an alias of the kept record (unless identical);
- the duplicate is kept, marked ``merged_into`` the kept record (its pages send readers there), and
  a :class:`PersonMerge` stores exactly which rows moved and what was copied, so
  :func:`person_merge_undo` puts every row back and restores both records as they were.

Refused before anything is written (each with a message saying what to do): merging a record into
itself or into a merged record, a duplicate already merged, different identifiers of one kind,
different restrictions (a MAPPA record merged into an open one would expose it), and rows that can
exist only once per person on both records (two current IOM registrations, two transfers under way,
the same agency involved now on both) — found from the models' unique constraints.

Both the merge and the undo go through the access policy (``Action.PERSON_MERGE`` on each record)
and are audited on both records, so each person's audit trail shows them.

What the pages say a merge moves is projected like the record (ADR 0006 addendum): a count only for
the kinds of record whose section the reader sees, decided row by row where a row's section depends
on the row (:func:`row_sections`); everything else is covered by one fixed sentence
(:data:`EVERYTHING_ELSE`), shown whether or not such rows exist, so it says nothing about them.
The merge itself moves every row whoever asks for it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import F, Q
from django.utils import timezone

from iomhub.access import audit
from iomhub.access.errors import deny
from iomhub.access.models import AuditAction, Section
from iomhub.access.policy import Action, decide
from iomhub.access.projection import Lens, section_of
from iomhub.people.comparison import IDENTIFIER_LABELS
from iomhub.people.models import Alias, Person, PersonMerge
from iomhub.people.services import refresh_search_names

if TYPE_CHECKING:
    from iomhub.access.models import User

# Rows that point at a person but are not records *of* the person: who may see the record. They stay
# where they are (a merge must not let anyone see more than before), as does the merge's own record.
NOT_MOVED = frozenset({"access.breakglassaccess", "access.personaccessgrant", "people.personmerge", "people.person"})

IDENTIFIERS = IDENTIFIER_LABELS  # the person's identifiers and their labels, as duplicate detection names them
IDENTITY_FIELDS = ("first_name", "middle_names", "last_name", "date_of_birth", "sex", *IDENTIFIERS)

# Plain-English refusals for the unique constraints a merge can meet; others get a general message.
CONSTRAINT_MESSAGES = {
    "one_open_registration_per_person": "Both records are on IOM now (each has a current registration). End one registration before merging.",
    "one_open_transfer_per_person": "Both records have a transfer under way. Complete or cancel one before merging.",
    "one_open_involvement_per_agency": "Both records show {values} involved now. End one of the two involvements before merging.",
}

# Said on every check and undo page, whatever the records hold: the rows a reader may not see are
# summed into no number, so this sentence's presence tells them nothing (ADR 0006 addendum).
EVERYTHING_ELSE = "Everything else recorded about them moves too, including records in sections not shared with you."
EVERYTHING_ELSE_BACK = "Everything else that moved goes back too, including records in sections not shared with you."
# A refusal caused by records the reader may not see: it names neither the records nor their section.
HIDDEN_CLASH = (
    "Both records have records, in a section not shared with you, that may exist only once for a person. "
    "Ask a colleague who sees the whole record to resolve that before merging."
)
HIDDEN_RESTRICTION = (
    "The two records have different restrictions. Give both the same restriction before merging, "
    "so the merge shows nobody a record they may not see."
)


@dataclass(frozen=True)
class Link:
    """One foreign key to Person: ``model.field`` (``key`` is how a merge records it)."""

    model: type[models.Model]
    field: str

    @property
    def key(self) -> str:
        return f"{self.model._meta.label_lower}.{self.field}"

    @property
    def label(self) -> str:
        return plural(self.model)


def plural(model: type[models.Model]) -> str:
    """The model's ``verbose_name_plural``. Where a model declares none, Django's default adds an
    "s" ("timeline entrys"): a name ending in a consonant and "y" takes "ies" instead."""
    meta = model._meta
    name = str(meta.verbose_name)
    if "verbose_name_plural" not in meta.original_attrs and len(name) > 1 and name.endswith("y") and name[-2] not in "aeiou":
        return f"{name[:-1]}ies"
    return str(meta.verbose_name_plural)


def row_sections(row: models.Model) -> frozenset[str | None]:
    """The sections a reader needs to know that ``row`` exists, as its model declares them: the
    row's own ``sections`` (a health document) or ``section`` (a health agency's involvement) where
    the model says the section depends on the row, else its ``SECTIONS["*"]``; and a row of kind
    intelligence (a timeline's intelligence note) is police intelligence too, as subject access
    marks it. A model declaring no section is seen by nobody (None)."""
    model = type(row)
    if isinstance(getattr(model, "sections", None), property):
        found: frozenset[str | None] = frozenset(row.sections)  # type: ignore[attr-defined]
    elif isinstance(getattr(model, "section", None), property):
        found = frozenset({row.section})  # type: ignore[attr-defined]
    else:
        found = frozenset({section_of(model, "*")})
    if getattr(row, "kind", None) == Section.INTELLIGENCE:
        found |= {Section.INTELLIGENCE}
    return found


def _varies_by_row(model: type[models.Model]) -> bool:
    """Whether the model's rows can differ in section (see :func:`row_sections`)."""
    if isinstance(getattr(model, "sections", None), property) or isinstance(getattr(model, "section", None), property):
        return True
    return any(f.name == "kind" for f in model._meta.concrete_fields)


def visible_count(lens: Lens, model: type[models.Model], rows: models.QuerySet[Any]) -> int:
    """How many of ``rows`` (of ``model``) the reader knows of: each row whose sections they see."""
    if not _varies_by_row(model):
        return rows.count() if lens.sees(section_of(model, "*")) else 0
    return sum(1 for row in rows.select_related() if lens.sees(*row_sections(row)))


def counted(lens: Lens, found: Iterable[tuple[type[models.Model], models.QuerySet[Any]]]) -> list[tuple[str, int]]:
    """(name, count) for each kind of record with rows the reader may know of; the rest left out."""
    shown = []
    for model, rows in found:
        count = visible_count(lens, model, rows)
        if count:
            shown.append((plural(model), count))
    return shown


def person_links() -> list[Link]:
    """Every foreign key (or one-to-one) to Person in the project whose rows a merge moves,
    including hidden ones (``related_name="+"``) and many-to-many tables."""
    found = []
    for rel in Person._meta.get_fields(include_hidden=True):
        if not (rel.is_relation and rel.auto_created and not rel.concrete) or rel.many_to_many:
            continue
        model: Any = rel.related_model
        if model._meta.label_lower in NOT_MOVED:
            continue
        found.append(Link(model, rel.field.name))  # type: ignore[union-attr]
    return sorted(found, key=lambda link: link.key)


def _rows(link: Link, person: Person) -> models.QuerySet[Any]:
    return link.model._base_manager.filter(**{link.field: person})


@dataclass
class MergePlan:
    """What merging ``duplicate`` into ``kept`` would do, and why it cannot (``problems``)."""

    kept: Person
    duplicate: Person
    moves: list[tuple[Link, int]] = field(default_factory=list)  # (link, rows that move)
    identifiers: dict[str, str] = field(default_factory=dict)  # copied to the kept record
    alias: dict[str, Any] | None = None  # the duplicate's name, added as an alias of the kept record
    problems: dict[str, list[str]] = field(default_factory=dict)

    @property
    def allowed(self) -> bool:
        return not self.problems

    @property
    def labelled_identifiers(self) -> list[tuple[str, str]]:
        return [(IDENTIFIERS[name], value) for name, value in self.identifiers.items()]

    def refuse(self, key: str, message: str) -> None:
        self.problems.setdefault(key, []).append(message)

    def moves_shown(self, lens: Lens) -> list[tuple[str, int]]:
        """What moves, as ``lens`` may know it: a count for each kind of record it sees, row by row;
        nothing about the rest (the page says :data:`EVERYTHING_ELSE` instead)."""
        return counted(lens, ((link.model, _rows(link, self.duplicate)) for link, _ in self.moves))

    def problems_shown(self, lens: Lens) -> list[str]:
        """Why the merge is refused, as ``lens`` may read it: a clash between records the reader
        does not wholly see, or between restrictions whose reasons they do not see, in words that
        name neither (the merge is refused all the same)."""
        shown: list[str] = []
        links = {link.key: link for link, _ in self.moves}
        for key, messages in self.problems.items():
            link = links.get(key)
            if link is not None:
                rows = _rows(link, self.duplicate)
                hidden = visible_count(lens, link.model, rows) != rows.count()
                shown.extend([HIDDEN_CLASH] if hidden else messages)
            elif key == "restriction" and not all(lens.sees(p.restriction_section) for p in (self.kept, self.duplicate)):
                shown.append(HIDDEN_RESTRICTION)
            else:
                shown.extend(messages)
        return list(dict.fromkeys(shown))


def _same_name(a: tuple[str, str], b: tuple[str, str]) -> bool:
    return all(x.strip().lower() == y.strip().lower() for x, y in zip(a, b, strict=True))


def _collisions(link: Link, kept: Person, duplicate: Person) -> list[str]:
    """Rows of ``link`` that may exist only once per person and that both records have."""
    meta = link.model._meta
    rules: list[tuple[str, list[str], Q, str]] = []  # (name, other fields, condition, message)
    for constraint in meta.constraints:
        if isinstance(constraint, models.UniqueConstraint) and link.field in constraint.fields:
            others = [f for f in constraint.fields if f != link.field]
            rules.append((constraint.name, others, constraint.condition or Q(), constraint.name))
    for together in meta.unique_together:
        if link.field in together:
            rules.append(("unique_together", [f for f in together if f != link.field], Q(), "unique_together"))
    if getattr(meta.get_field(link.field), "unique", False):  # a one-to-one
        rules.append((f"unique_{link.field}", [], Q(), f"unique_{link.field}"))
    problems = []
    for name, others, condition, _ in rules:
        theirs = _rows(link, duplicate).filter(condition)
        ours = _rows(link, kept).filter(condition)
        if not others:
            clash = ours.exists() and theirs.exists()
            shown = ""
        else:
            values = set(theirs.values_list(*others))
            common = [v for v in ours.values_list(*others) if v in values]
            clash = bool(common)
            shown = ", ".join(_describe(link, others, v) for v in common)
        if clash:
            message = CONSTRAINT_MESSAGES.get(name)
            if message is None:
                message = f"Both records have {meta.verbose_name_plural} that may exist only once for a person ({name}). Resolve that before merging."
            problems.append(message.format(values=shown or "the same"))
    return problems


def _describe(link: Link, others: list[str], values: tuple[Any, ...]) -> str:
    """Name the clashing values (an organisation by its name, not its id)."""
    parts = []
    for name, value in zip(others, values, strict=True):
        target = link.model._meta.get_field(name)
        if target.is_relation and target.related_model is not None and value is not None:
            related = target.related_model._base_manager.filter(pk=value).first()  # type: ignore[union-attr]
            parts.append(str(related) if related is not None else str(value))
        else:
            parts.append(str(value))
    return " ".join(parts)


def merge_plan(kept: Person, duplicate: Person) -> MergePlan:
    """What a merge would move and copy, and every reason it is refused. Reads only counts and
    identities: callers have authorised the reads of both records."""
    plan = MergePlan(kept=kept, duplicate=duplicate)
    if kept.pk == duplicate.pk:
        plan.refuse("kept", "Choose a different record: a record cannot be merged into itself.")
        return plan
    if duplicate.merged_into_id is not None:
        plan.refuse("duplicate", "This record has already been merged into another record. Undo that merge first.")
    if kept.merged_into_id is not None:
        plan.refuse(
            "kept",
            f"{kept.full_name} (record {kept.pk}) has itself been merged into record {kept.merged_into_id}: merge into that record instead.",
        )
    if kept.restriction != duplicate.restriction:
        plan.refuse(
            "restriction",
            f"One record is {kept.get_restriction_display().lower()} and the other is {duplicate.get_restriction_display().lower()}. "
            "Give both the same restriction before merging, so the merge shows nobody a record they may not see.",
        )
    for name, label in IDENTIFIERS.items():
        ours, theirs = getattr(kept, name), getattr(duplicate, name)
        if ours and theirs and ours != theirs:
            plan.refuse(
                name,
                f"Both records have a {label} and they differ ({ours} on the record kept, {theirs} on the duplicate). "
                f"A person has one {label}, so these may be two different people: correct the wrong one before merging.",
            )
        elif theirs and not ours:
            plan.identifiers[name] = theirs
    for link in person_links():
        count = _rows(link, duplicate).count()
        if count:
            plan.moves.append((link, count))
            for message in _collisions(link, kept, duplicate):
                plan.refuse(link.key, message)
    same = _same_name((kept.first_name, kept.last_name), (duplicate.first_name, duplicate.last_name))
    if not (same and kept.date_of_birth == duplicate.date_of_birth):
        plan.alias = {"first_name": duplicate.first_name, "last_name": duplicate.last_name, "date_of_birth": duplicate.date_of_birth}
    return plan


def _authorise(user: User, *people: Person) -> None:
    for person in people:
        decision = decide(user, Action.PERSON_MERGE, person)
        if not decision:
            deny(
                user=user,
                action=Action.PERSON_MERGE,
                reason=decision.reason,
                object_type="person",
                object_id=person.pk,
                person_id=person.pk,
                not_found=not decide(user, Action.PERSON_VIEW, person),
            )


def _lock(*ids: int) -> dict[int, Person]:
    return {p.pk: p for p in Person.objects.select_for_update().filter(pk__in=sorted(ids)).order_by("pk")}


def _identity(person: Person) -> dict[str, Any]:
    return audit.jsonable({name: getattr(person, name) for name in IDENTITY_FIELDS})  # type: ignore[no-any-return]


def _touch(person: Person) -> None:
    person.search_names = refresh_search_names(person)
    person.updated_at = timezone.now()
    person.save(update_fields=["search_names", "updated_at", "merged_into", *IDENTIFIERS])
    Person.objects.filter(pk=person.pk).update(version=F("version") + 1)


def _json_id(pk: Any) -> Any:
    return pk if isinstance(pk, int) else str(pk)


def person_merge(*, acting_user: User, duplicate: Person, kept: Person, reason: str) -> PersonMerge:
    """Merge ``duplicate`` into ``kept``: everything moves, nothing is deleted, and it can be undone.
    Refused (ValidationError naming each problem) without writing anything if it cannot be done."""
    _authorise(acting_user, duplicate, kept)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ["Enter why these two records are the same person"]})
    with transaction.atomic():
        locked = _lock(duplicate.pk, kept.pk)
        kept, duplicate = locked[kept.pk], locked[duplicate.pk]
        plan = merge_plan(kept, duplicate)
        if plan.problems:
            raise ValidationError(plan.problems)
        moved: dict[str, list[Any]] = {}
        try:
            with transaction.atomic():
                for link, _ in plan.moves:
                    ids = list(_rows(link, duplicate).order_by("pk").values_list("pk", flat=True))
                    link.model._base_manager.filter(pk__in=ids).update(**{link.field: kept})
                    moved[link.key] = [_json_id(pk) for pk in ids]
        except IntegrityError as exc:  # a constraint the plan could not foresee (e.g. a database-only one)
            raise ValidationError({"__all__": [f"These records cannot be merged as they are: {exc}"]}) from exc
        for name, value in plan.identifiers.items():
            setattr(kept, name, value)
        alias = Alias.objects.create(person=kept, **plan.alias) if plan.alias else None
        _touch(kept)
        duplicate.merged_into = kept
        _touch(duplicate)
        merge = PersonMerge.objects.create(
            kept=kept,
            duplicate=duplicate,
            reason=reason,
            merged_by=acting_user,
            moved=moved,
            duplicate_identity=_identity(duplicate),
            identifiers_copied=plan.identifiers,
            alias=alias,
        )
        summary = {
            "merge": merge.pk,
            "kept": kept.pk,
            "duplicate": duplicate.pk,
            "moved": {key: len(ids) for key, ids in moved.items()},
            "identifiers_copied": plan.identifiers,
            "alias_added": audit.jsonable(plan.alias),
        }
        for person in (duplicate, kept):
            audit.record(
                actor=acting_user,
                action=AuditAction.CHANGE,
                object_type="person-merge",
                object_id=merge.pk,
                person_id=person.pk,
                changes={"operation": "merge", **summary},
                reason=reason,
            )
    return merge


def person_merge_undo(*, acting_user: User, merge: PersonMerge, reason: str) -> PersonMerge:
    """Undo a merge: every row that moved goes back to the duplicate, the identifiers copied and the
    alias added are taken off the kept record, and the duplicate is a record of its own again."""
    _authorise(acting_user, merge.duplicate, merge.kept)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ["Enter why this merge is being undone"]})
    with transaction.atomic():
        current = PersonMerge.objects.select_for_update().get(pk=merge.pk)
        if not current.is_live:
            raise ValidationError({"__all__": ["This merge has already been undone."]})
        locked = _lock(current.duplicate_id, current.kept_id)
        kept, duplicate = locked[current.kept_id], locked[current.duplicate_id]
        if kept.merged_into_id is not None:
            raise ValidationError(
                {"__all__": [f"The record kept has since been merged into record {kept.merged_into_id}. Undo that merge first."]}
            )
        returned: dict[str, int] = {}
        missing: dict[str, int] = {}
        for key, ids in current.moved.items():
            label, field_name = key.rsplit(".", 1)
            model = apps.get_model(label)
            count = model._base_manager.filter(pk__in=ids, **{field_name: kept}).update(**{field_name: duplicate})
            returned[key] = count
            if count != len(ids):
                missing[key] = len(ids) - count  # deleted since the merge
        for name, value in current.identifiers_copied.items():
            if getattr(kept, name) == value:
                setattr(kept, name, "")
        alias_id = current.alias_id
        if alias_id is not None:
            Alias.objects.filter(pk=alias_id, person=kept).delete()
        _touch(kept)
        duplicate.merged_into = None
        _touch(duplicate)
        current.refresh_from_db(fields=["alias"])
        current.undone_at = timezone.now()
        current.undone_by = acting_user
        current.undo_reason = reason
        current.save(update_fields=["undone_at", "undone_by", "undo_reason"])
        for person in (duplicate, kept):
            audit.record(
                actor=acting_user,
                action=AuditAction.CHANGE,
                object_type="person-merge",
                object_id=current.pk,
                person_id=person.pk,
                changes={
                    "operation": "undo merge",
                    "merge": current.pk,
                    "kept": kept.pk,
                    "duplicate": duplicate.pk,
                    "returned": returned,
                    "missing": missing,
                    "identifiers_removed": current.identifiers_copied,
                    "alias_removed": alias_id,
                },
                reason=reason,
            )
    return current


def returning_shown(merge: PersonMerge, lens: Lens) -> list[tuple[str, int]]:
    """What undoing ``merge`` puts back on the duplicate, as ``lens`` may know it: the rows that
    moved and are still on the record kept (those the undo moves), counted as :meth:`MergePlan.moves_shown`."""
    found = []
    for key, ids in merge.moved.items():
        label, field_name = key.rsplit(".", 1)
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        found.append((model, model._base_manager.filter(pk__in=ids, **{field_name: merge.kept_id})))
    return counted(lens, found)


def merges_of(person: Person) -> Iterable[PersonMerge]:
    """Merges the person took part in, newest first (callers have authorised the read)."""
    return PersonMerge.objects.filter(Q(kept=person) | Q(duplicate=person)).select_related("kept", "duplicate", "merged_by", "undone_by")


def final_record(person: Person) -> Person:
    """The record a merged person's readers should go to (following merges of merges)."""
    seen = {person.pk}
    while person.merged_into_id is not None and person.merged_into_id not in seen:
        seen.add(person.merged_into_id)
        person = Person.objects.get(pk=person.merged_into_id)
    return person
