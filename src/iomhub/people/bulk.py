"""Adding many people at once (a feed import's batch, issue 11): ``people.services.person_create``'s
rules for each — authorised, validated, the duplicate check (``people.matching``, the same matches
and the same hidden-record flags), audited — with the inserts and the audit events written in bulk.

Only the record's fields (no aliases, addresses, contact numbers or markers). A person who matches
another of the same call is not created here (``None`` in the answer): the caller creates them one
at a time afterwards, through ``person_create``, which then sees the first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction

from iomhub.access import audit
from iomhub.access.errors import deny
from iomhub.access.models import AuditAction, Section
from iomhub.access.policy import Action, can, decide, people_filter
from iomhub.bulk_insert import insert_many
from iomhub.people import matching
from iomhub.people.models import Alias, Person
from iomhub.people.services import (
    EDITABLE_FIELDS,
    NewPerson,
    PossibleDuplicates,
    _normalise_identifiers,
    _refuse_hidden_characters,
    _snapshot,
)
from iomhub.pg_arrays import one_of

if TYPE_CHECKING:
    from iomhub.access.models import User

Outcome = Person | PossibleDuplicates | ValidationError | None


def _checked(new: NewPerson) -> tuple[Person, matching.Identity]:
    if new.aliases or new.addresses or new.contact_numbers or new.markers:
        raise ValueError("person_create_many takes the record's fields only")
    data = {k: v for k, v in new.fields.items() if k in EDITABLE_FIELDS}
    unknown = set(new.fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({name: ["Unknown field"] for name in sorted(unknown)})
    _refuse_hidden_characters(data)
    _normalise_identifiers(data)
    person = Person(**data)
    person.full_clean(exclude=["managing_team"] if person.managing_team_id is None else None)
    candidate = matching.identity_from(
        first_name=person.first_name,
        last_name=person.last_name,
        middle_names=person.middle_names,
        date_of_birth=person.date_of_birth,
        identifiers=data,
    )
    return person, candidate


_IDENTITY_FIELDS = ("id", "first_name", "last_name", "middle_names", "date_of_birth", *matching.IDENTIFIER_LABELS)


def _identities(ids: set[int]) -> dict[int, matching.Identity]:
    """The identity ``compare`` reads of each person (not merged) among ``ids``, their aliases
    with them: values only, no model instances."""
    aliases: dict[int, list[matching.NameRecord]] = {}
    alias_rows = Alias.objects.values_list("person_id", "first_name", "last_name", "date_of_birth").order_by("pk")
    for person_id, first, last, dob in one_of(alias_rows, "person_id", ids):
        aliases.setdefault(person_id, []).append(matching.NameRecord(first, last, dob))
    found: dict[int, matching.Identity] = {}
    live = Person.objects.filter(merged_into__isnull=True).values_list(*_IDENTITY_FIELDS)
    for pid, first, last, middle, dob, *identifiers in one_of(live, "pk", ids):
        found[pid] = matching.Identity(
            first_name=first,
            last_name=last,
            middle_names=middle,
            date_of_birth=dob,
            identifiers={name: value for name, value in zip(matching.IDENTIFIER_LABELS, identifiers, strict=True) if value},
            aliases=tuple(aliases.get(pid, ())),
        )
    return found


def find_matches_many(candidates: list[matching.Identity]) -> list[list[matching.PossibleMatch]]:
    """``matching.find_matches`` for each candidate, with the people each may be (born on a date a
    typo or a swap away, an alias so born, or holding one of its identifiers; merged records left
    out) read in a few queries for the whole list, as values, then compared one by one as
    ``find_matches`` does; only the people matched are read as records."""
    variants = [matching.date_variants(c.date_of_birth) if c.date_of_birth else set() for c in candidates]
    dates = set().union(*variants) if variants else set()
    by_dob: dict[Any, set[int]] = {}
    live = Person.objects.filter(merged_into__isnull=True)
    for person_id, dob in one_of(live.values_list("pk", "date_of_birth"), "date_of_birth", dates):
        by_dob.setdefault(dob, set()).add(person_id)
    for person_id, dob in one_of(Alias.objects.values_list("person_id", "date_of_birth"), "date_of_birth", dates):
        by_dob.setdefault(dob, set()).add(person_id)
    by_identifier: dict[tuple[str, str], set[int]] = {}
    for name in matching.IDENTIFIER_LABELS:
        values = {c.identifiers[name] for c in candidates if c.identifiers.get(name)}
        for person_id, value in one_of(live.values_list("pk", name), name, values):
            by_identifier.setdefault((name, value), set()).add(person_id)
    identities = _identities({pid for ids in by_dob.values() for pid in ids} | {pid for ids in by_identifier.values() for pid in ids})
    compared: list[list[tuple[int, matching.Comparison]]] = []
    for candidate, dob_variants in zip(candidates, variants, strict=True):
        ids = {pid for d in dob_variants for pid in by_dob.get(d, ())}
        ids |= {pid for name, value in candidate.identifiers.items() for pid in by_identifier.get((name, value), ())}
        found = []
        for pid in sorted(ids & identities.keys())[:2000]:
            if not matching.may_compare(candidate, identities[pid]):
                continue
            comparison = matching.compare(candidate, identities[pid])
            if comparison is not None:
                found.append((pid, comparison))
        compared.append(found)
    people = {p.pk: p for p in one_of(Person.objects.all(), "pk", {pid for found in compared for pid, _ in found})}
    every: list[list[matching.PossibleMatch]] = []
    for found in compared:
        matches = [matching.PossibleMatch(people[pid], c.reasons, c.score, c.by_identifier) for pid, c in found]
        matches.sort(key=lambda m: (-m.score, m.person.last_name, m.person.first_name, m.person.pk))
        every.append(matches)
    return every


def _duplicates(user: User, every: list[matching.PossibleMatch], visible_ids: set[int]) -> matching.MatchResult:
    """``matching.possible_duplicates`` without its audit event (written in bulk by the caller);
    ``visible_ids``: which of the people matched ``user`` sees (``people_filter``), read once for
    the whole call."""
    if not every:
        return matching.MatchResult(matches=())
    shown = [m for m in every if m.person.pk in visible_ids and can(user, Action.PERSON_VIEW, m.person, section=Section.IDENTITY)]
    shown_ids = {m.person.pk for m in shown}
    return matching.MatchResult(matches=tuple(shown[:10]), hidden_ids=tuple(m.person.pk for m in every if m.person.pk not in shown_ids))


class _Earlier:
    """The people this call has already let through, by date of birth and by identifier, so that a
    later one like them waits for ``person_create`` (which then sees the first)."""

    def __init__(self) -> None:
        self.by_dob: dict[Any, list[matching.Identity]] = {}
        self.by_identifier: dict[tuple[str, str], list[matching.Identity]] = {}

    def like(self, candidate: matching.Identity) -> bool:
        # Another of this call it may be: one born on a date a typo or a swap away, or sharing an
        # identifier (``compare`` needs one or the other), compared as ``person_create`` would.
        dob = candidate.date_of_birth
        nearby = [o for d in matching.date_variants(dob) for o in self.by_dob.get(d, ())] if dob else []
        nearby += [o for name, value in candidate.identifiers.items() for o in self.by_identifier.get((name, value), ())]
        return any(matching.compare(candidate, other) is not None for other in nearby)

    def add(self, candidate: matching.Identity) -> None:
        self.by_dob.setdefault(candidate.date_of_birth, []).append(candidate)
        for name, value in candidate.identifiers.items():
            self.by_identifier.setdefault((name, value), []).append(candidate)


def _all_checked(news: list[NewPerson]) -> list[tuple[Person, matching.Identity] | ValidationError]:
    checked: list[tuple[Person, matching.Identity] | ValidationError] = []
    for new in news:
        try:
            checked.append(_checked(new))
        except ValidationError as exc:
            checked.append(exc)
    return checked


def _search_entry(found: matching.MatchResult, purpose: str) -> dict[str, Any]:
    return {
        "action": AuditAction.SEARCH,
        "object_type": "person",
        "changes": {"purpose": f"duplicate check: {purpose}", "results": found.ids},
    }


def _created_entries(person: Person, found: matching.MatchResult) -> list[dict[str, Any]]:
    """The person's creation, and a possible-duplicate event on each match its creator may not see."""
    return [
        {
            "action": AuditAction.CREATE,
            "object_type": "person",
            "object_id": person.pk,
            "person_id": person.pk,
            "changes": audit.diff({}, _snapshot(person)),
        },
        *(
            {
                "action": AuditAction.CREATE,
                "object_type": "possible-duplicate",
                "object_id": person.pk,
                "person_id": hidden_id,
                "reason": "A new record may duplicate this one; its creator may not see this record. Check and merge if so.",
            }
            for hidden_id in found.hidden_ids
        ),
    ]


def person_create_many(*, acting_user: User, news: list[NewPerson], purpose: str) -> list[Outcome]:
    """Each new person created (a :class:`Person`), refused (:class:`PossibleDuplicates` or
    :class:`ValidationError`), or ``None``: like another of this call, to be created afterwards."""
    if not decide(acting_user, Action.PERSON_CREATE):
        deny(user=acting_user, action=Action.PERSON_CREATE, reason="role may not create people")
    outcomes: list[Outcome] = []
    made: list[tuple[Person, matching.MatchResult]] = []
    earlier = _Earlier()
    searches: list[dict[str, Any]] = []
    checked = _all_checked(news)
    every_match = find_matches_many([c[1] for c in checked if not isinstance(c, ValidationError)])
    visible = Person.objects.filter(people_filter(acting_user)).values_list("pk", flat=True)
    visible_ids = set(one_of(visible, "pk", {m.person.pk for found in every_match for m in found}))
    matches = iter(every_match)
    for item in checked:
        if isinstance(item, ValidationError):
            outcomes.append(item)
            continue
        person, candidate = item
        every = next(matches)
        if earlier.like(candidate):
            outcomes.append(None)
            continue
        found = _duplicates(acting_user, every, visible_ids)
        searches.append(_search_entry(found, purpose))
        if found:
            outcomes.append(PossibleDuplicates(found))
            continue
        earlier.add(candidate)
        person.search_names = " ".join(n.lower() for n in [person.first_name, person.middle_names, person.last_name] if n)
        made.append((person, found))
        outcomes.append(person)
    with transaction.atomic():
        insert_many([p for p, _ in made])
        entries = [*searches]
        for person, found in made:
            entries += _created_entries(person, found)
        audit.record_many(actor=acting_user, entries=entries)
    return outcomes
