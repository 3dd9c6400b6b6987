"""Duplicate detection on entry: who already on the system might this new person be?

Issue 5 §2 and the brief ("the same person must never be created twice: duplicates are found on
entry"); see ``docs/decisions/0004-duplicate-detection.md`` for the choices. Two layers:

- ``people.comparison`` is pure: :func:`compare` weighs one candidate identity against one
  existing record (names, aliases, date of birth, identifiers). Its names are re-exported here.
- This module selects the records worth comparing (:func:`candidate_people`: by identifier and by
  the few dates of birth a typo could turn the candidate's into, both indexed), compares them
  (:func:`find_matches`), and returns those the user may see (:func:`possible_duplicates`); the
  others are only counted, so the user knows to ask someone who can see them. The check is
  audited as a search.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from iomhub.access import audit
from iomhub.access.models import AuditAction, Section
from iomhub.access.policy import Action, can, people_filter
from iomhub.people.comparison import (
    FIRST_NAME_SIMILAR,
    IDENTIFIER_LABELS,
    NICKNAMES,
    SURNAME_SIMILAR,
    Comparison,
    Identity,
    NameRecord,
    compare,
    date_of_birth_reason,
    date_variants,
    dates_compared,
    first_name_reason,
    last_name_reason,
    may_compare,
    name_may_match,
    names_of,
    normalise_name,
    swapped,
)
from iomhub.people.models import Alias, Person
from iomhub.people.validators import IDENTIFIER_NORMALISERS

if TYPE_CHECKING:
    from iomhub.access.models import User

__all__ = [
    "ALIAS_CUT_ORDER",
    "ALIAS_PEOPLE",
    "CUT",
    "FIRST_NAME_SIMILAR",
    "IDENTIFIER_LABELS",
    "NICKNAMES",
    "SURNAME_SIMILAR",
    "Comparison",
    "Identity",
    "MatchResult",
    "NameRecord",
    "PossibleMatch",
    "candidate_people",
    "compare",
    "date_of_birth_reason",
    "date_variants",
    "dates_compared",
    "find_matches",
    "first_name_reason",
    "identity_from",
    "identity_of",
    "last_name_reason",
    "may_compare",
    "name_may_match",
    "names_of",
    "normalise_name",
    "possible_duplicates",
    "swapped",
]


@dataclass(frozen=True)
class PossibleMatch:
    person: Person
    reasons: tuple[str, ...]
    score: int
    by_identifier: bool


@dataclass(frozen=True)
class MatchResult:
    matches: tuple[PossibleMatch, ...]  # the ones this user may see, strongest first
    # Possible matches this user may not see. Never shown, counted or answered to the user: that a
    # restricted record exists must not leak (ADR 0003 "404, not 403"; issue 9 finding 3). The
    # service flags each to the people who keep the records instead (``person_create``).
    hidden_ids: tuple[int, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.matches)

    @property
    def ids(self) -> list[int]:
        return [m.person.pk for m in self.matches]


def identity_of(person: Person) -> Identity:
    return Identity(
        first_name=person.first_name,
        last_name=person.last_name,
        middle_names=person.middle_names,
        date_of_birth=person.date_of_birth,
        identifiers={name: getattr(person, name) for name in IDENTIFIER_LABELS if getattr(person, name)},
        aliases=tuple(NameRecord(a.first_name, a.last_name, a.date_of_birth) for a in person.aliases.all()),
    )


# ``candidate_people`` takes at most this many of the people with an alias dated near the candidate's
# date of birth (an alias row each), the first in this order: the people's own (``Person.Meta.ordering``).
ALIAS_PEOPLE = 500
ALIAS_CUT_ORDER = ("person__last_name", "person__first_name", "person_id")
CUT = 2000  # how many of the people selected ``find_matches`` compares


def candidate_people(candidate: Identity) -> QuerySet[Person]:
    """The people :func:`find_matches` selects to compare with ``candidate``, in its order (it
    compares the first ``CUT``; a feed import's batch cuts its own list where this one is cut)."""
    q = Q(pk__in=[])
    for name in IDENTIFIER_LABELS:
        value = candidate.identifiers.get(name)
        if value:
            q |= Q(**{name: value})
    if candidate.date_of_birth is not None:
        dates = date_variants(candidate.date_of_birth)
        q |= Q(date_of_birth__in=dates)
        # The first 500 in the order of the cut below (surname, first name, id), not as read.
        alias_people = Alias.objects.filter(date_of_birth__in=dates).order_by(*ALIAS_CUT_ORDER).values_list("person_id", flat=True)
        q |= Q(pk__in=list(alias_people[:ALIAS_PEOPLE]))
    # A duplicate merged into another record is not offered: its names are an alias of that record.
    return Person.objects.filter(q, merged_into__isnull=True)


def _candidate_people(candidate: Identity) -> list[Person]:
    return list(candidate_people(candidate).prefetch_related("aliases")[:CUT])


def find_matches(candidate: Identity, *, exclude: Iterable[int] = ()) -> list[PossibleMatch]:
    """Every possible match on the system, strongest first, without regard to who is asking."""
    excluded = set(exclude)
    found = []
    for person in _candidate_people(candidate):
        if person.pk in excluded:
            continue
        comparison = compare(candidate, identity_of(person))
        if comparison is not None:
            found.append(PossibleMatch(person, comparison.reasons, comparison.score, comparison.by_identifier))
    found.sort(key=lambda m: (-m.score, m.person.last_name, m.person.first_name, m.person.pk))
    return found


def identity_from(
    *,
    first_name: str,
    last_name: str,
    date_of_birth: datetime.date | None,
    identifiers: Mapping[str, Any] | None = None,
    middle_names: str = "",
    aliases: Iterable[Mapping[str, Any]] = (),
) -> Identity:
    """An :class:`Identity` from form or API fields; identifiers are normalised, and any other keys
    in ``identifiers`` (a form's whole ``cleaned_data`` will do) are ignored."""
    found: dict[str, str] = {}
    for name in IDENTIFIER_LABELS:
        value = (identifiers or {}).get(name)
        if value:
            try:
                found[name] = IDENTIFIER_NORMALISERS[name](str(value))
            except ValueError:
                continue  # an invalid identifier cannot match; the form or service reports it
    return Identity(
        first_name=first_name or "",
        last_name=last_name or "",
        middle_names=middle_names or "",
        date_of_birth=date_of_birth,
        identifiers=found,
        aliases=tuple(NameRecord(a.get("first_name") or "", a.get("last_name") or "", a.get("date_of_birth")) for a in aliases),
    )


def possible_duplicates(
    *,
    user: User,
    candidate: Identity | None = None,
    first_name: str = "",
    last_name: str = "",
    date_of_birth: datetime.date | None = None,
    identifiers: Mapping[str, Any] | None = None,
    limit: int = 10,
    purpose: str = "add a person",
) -> MatchResult:
    """The possible matches ``user`` may see (with reasons, strongest first); the others, which the
    user may not see, only as ``hidden_ids`` for the service to flag (never to be shown). Audited as
    a search, with the ids shown, like any search of people. Give either ``candidate`` or the fields
    it is made from."""
    if candidate is None:
        candidate = identity_from(first_name=first_name, last_name=last_name, date_of_birth=date_of_birth, identifiers=identifiers)
    every = find_matches(candidate)
    visible_ids = set(Person.objects.filter(people_filter(user), pk__in=[m.person.pk for m in every]).values_list("pk", flat=True))
    shown = [m for m in every if m.person.pk in visible_ids and can(user, Action.PERSON_VIEW, m.person, section=Section.IDENTITY)]
    shown_ids = {m.person.pk for m in shown}
    result = MatchResult(matches=tuple(shown[:limit]), hidden_ids=tuple(m.person.pk for m in every if m.person.pk not in shown_ids))
    audit.record(
        actor=user,
        action=AuditAction.SEARCH,
        object_type="person",
        changes={"purpose": f"duplicate check: {purpose}", "results": result.ids},
    )
    return result
