"""The one projection: what a reader sees of a person's record, field by field and fact by fact.

Issue 9 §1 (000 §5.10.2 "levels of access, confidentiality, information exchange"; ADR 0010):

- **Every field of every record belongs to a section**, declared once beside the data: a model's
  ``SECTIONS`` mapping (field name to section, ``"*"`` for every field not named). A model that
  declares nothing is not shown to anyone through the projection (default deny).
- **A fact derived from records carries the sections of everything it was computed from**
  (:class:`Derived`): "3 of 5 appointments kept" is timeline; "intelligence recorded on 3 March" is
  police intelligence; "a custodial sentence of 5 years or more" is justice; the next home visit
  due, worked out from the last one, is timeline.
- **A :class:`Lens` is one reader's view of one person**: the sections the access policy
  (``policy.sections_for``) gives them, or nothing when they may not see the person. Pages, the
  API, exports and the audit viewer ask the lens, and nothing else filters fields.

A value the lens withholds is not replaced by a different value (which would itself say something):
it is absent, and pages say "Not shared with you" for every withheld fact alike, whatever the data.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from django.apps import apps

from iomhub.access.models import Section
from iomhub.access.policy import Action, decide, sections_for

if TYPE_CHECKING:
    from iomhub.access.models import User
    from iomhub.access.subjects import Subject

T = TypeVar("T")
WITHHELD = "Not shared with you"
# Keys of an audit event's ``changes`` that describe the event rather than the person (why, which
# records by id, how many): shown to whoever may read the audit log.
AUDIT_METADATA_KEYS = frozenset(
    {"purpose", "results", "section", "fields", "as_of", "rows", "registrations", "transfers", "format", "count", "listed"}
)


@dataclass(frozen=True)
class Derived(Generic[T]):
    """A fact worked out from records, with the sections of everything it was computed from."""

    value: T
    sections: frozenset[str]


def section_of(model: type, field: str) -> str | None:
    """The section ``field`` of ``model`` belongs to, from the model's ``SECTIONS``; None when the
    model declares none (nobody sees it through the projection)."""
    declared: Mapping[str, str] | None = getattr(model, "SECTIONS", None)
    if declared is None:
        return None
    return declared.get(field, declared.get("*"))


@dataclass(frozen=True)
class Lens:
    """The sections of one person's record one reader may see (empty: none of it)."""

    sections: frozenset[str]
    break_glass: bool = False

    def sees(self, *sections: str | None) -> bool:
        """Every one of ``sections`` is shared with the reader (a fact from several sections needs
        them all; an undeclared section, None, is never seen)."""
        return all(s is not None and s in self.sections for s in sections)

    def show(self, fact: Derived[T]) -> T | None:
        """The fact's value where every section it comes from is shared, else None."""
        return fact.value if self.sees(*fact.sections) else None

    def withheld(self, model: type, names: Iterable[str]) -> frozenset[str]:
        """Which of ``names`` (fields of ``model``) the reader may not see."""
        return frozenset(n for n in names if not self.sees(section_of(model, n)))

    def fields(self, instance: Any, names: Iterable[str]) -> dict[str, Any]:
        """The named fields of a record whose sections are shared (the others left out)."""
        model = type(instance)
        return {n: getattr(instance, n) for n in names if self.sees(section_of(model, n))}


NOTHING = Lens(frozenset())


def lens_for(user: User, person: Subject) -> Lens:
    """What ``user`` may see of ``person``: the policy's sections when the person is visible to
    them (under break-glass too, read-only), else nothing."""
    decision = decide(user, Action.PERSON_VIEW, person, section=Section.IDENTITY)
    if not decision:
        return NOTHING
    return Lens(sections_for(user), decision.break_glass)


def lens_of(user: User) -> Lens:
    """The lens of ``user`` for people the caller has already decided they see (lists filtered by
    ``people_filter``, a person already read through the policy): their sections, with no decision
    made again (``lens_for`` decides it, break-glass included)."""
    return lens_of_sections(sections_for(user))


def lens_of_sections(sections: Iterable[str]) -> Lens:
    """A lens from a set of sections (a reader's ``sections_for``, where the person's visibility has
    already been decided, e.g. lists filtered by ``people_filter``)."""
    return Lens(frozenset(sections))


# ---- the audit log: before/after values projected like the record (issue 9 finding 5) -----------


@functools.cache
def _audited_models() -> dict[str, type]:
    """Models that declare their sections, by the ``object_type`` their audit events carry (the
    model's ``AUDIT_TYPE``, else its model name). Fixed once the apps are loaded, so worked out once
    rather than for every event on an audit page."""
    found: dict[str, type] = {}
    for model in apps.get_models():
        if getattr(model, "SECTIONS", None) is None:
            continue
        found[str(getattr(model, "AUDIT_TYPE", model._meta.model_name))] = model
        for alias in getattr(model, "AUDIT_ALIASES", ()):
            found[alias] = model
    return found


def _field_section(object_type: str, changes: Mapping[str, Any], field: str) -> str | None:
    """The section of ``field`` of an audited record: as the model of ``object_type`` declares it,
    else the section the event itself names (None: nobody sees it)."""
    model = _audited_models().get(object_type)
    declared = section_of(model, field) if model is not None else None
    named = changes.get("section")
    return declared or (named if isinstance(named, str) else None)


def _values(value: Any) -> list[Any]:
    """The values an audit entry records for a field: before and after, or the one value."""
    if isinstance(value, Mapping) and set(value) == {"before", "after"}:
        return [value["before"], value["after"]]
    return [value]


def _value_sections(model: type | None, field: str, value: Any) -> list[str | None]:
    """The sections the recorded values of ``field`` belong to where its section depends on the
    value, as the model declares beside it by a ``<field>_section`` property (``Person.restriction``:
    MAPPA management is justice, a counter-terrorism interest police intelligence; ADR 0010
    addendum), read on a record holding just that value; an empty value has none. [] for any other
    field."""
    declared = getattr(model, f"{field}_section", None) if model is not None else None
    if not isinstance(declared, property):
        return []
    assert model is not None
    return [getattr(model(**{field: v}), f"{field}_section") for v in _values(value) if v not in (None, "")]


def _key_seen(lens: Lens, object_type: str, changes: Mapping[str, Any], key: str) -> bool:
    if key == "section":  # the event names a section: that is itself about the record only with it
        named = changes.get("section")
        return not isinstance(named, str) or lens.sees(named)
    if key in AUDIT_METADATA_KEYS:
        return True
    model = _audited_models().get(object_type)
    return lens.sees(_field_section(object_type, changes, key), *_value_sections(model, key, changes[key]))


def audit_changes(lens: Lens, *, object_type: str, changes: Mapping[str, Any]) -> dict[str, Any]:
    """An audit event's ``changes`` as ``lens`` may read them: metadata keys as they are (the
    ``section`` an event names only to a reader of it); each recorded field's before/after value
    only where the field's section is shared (the model of ``object_type``, else the section the
    event names) and, for a field whose section depends on its value, the sections of both values
    (:func:`_value_sections`), else :data:`WITHHELD`."""
    return {key: value if _key_seen(lens, object_type, changes, key) else WITHHELD for key, value in changes.items()}


def audit_record_shown(lens: Lens, *, action: str, object_type: str, changes: Mapping[str, Any]) -> bool:
    """Whether ``lens`` may read which record of the person an event is about (its type and id):
    an event about a record of a section the reader does not see says that the person has such a
    record (an arrest, an intelligence entry, a screening), so it is shown only with that section,
    and an entry of kind "intelligence" only with police intelligence too. Events about access
    (sign-in, refusals, break-glass) and records that are not of the person (a subject access
    request, a merge, the audit log) name no section and are shown."""
    if action not in RECORD_ACTIONS:
        return True
    model = _audited_models().get(object_type)
    named = changes.get("section")
    if model is None and not isinstance(named, str):
        return True
    kinds = _values(changes.get("kind"))
    extra = [Section.INTELLIGENCE] if "intelligence" in kinds else []
    return lens.sees(_field_section(object_type, changes, "*"), *extra)


# The audit actions that are about a person's record (their reason may quote it); the others
# (sign-in, refusals, break-glass, tokens) are about access, and their reason is for the reviewer.
RECORD_ACTIONS = frozenset({"view", "search", "create", "change", "export", "listed"})


def audit_reason(lens: Lens, *, action: str, object_type: str, changes: Mapping[str, Any], reason: str) -> str:
    """An audit event's reason as ``lens`` may read it: a change's reason can quote the record (an
    override's reason, a RAG change's), so it belongs to the section of what was changed."""
    if not reason or action not in RECORD_ACTIONS:
        return reason
    return reason if lens.sees(_field_section(object_type, changes, "*")) else WITHHELD
