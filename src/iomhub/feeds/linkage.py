"""Record linkage, first step (issue 11 §3; ADR 0014): which person on IOM Hub a feed row is about.

Certain links only, in this order:

1. a decision already made on the review queue for this very row;
2. the PNC ID: one record the importer may see holds it, and its surname or date of birth agrees
   too (a PNC ID alone, with neither, is a keying error as often as not);
3. exact name and date of birth: one record with the same given name, surname (as
   ``people.matching.normalise_name`` folds them: case, accents, spacing) and date of birth, and no
   different PNC ID.

Anything less certain is :class:`Uncertain` and goes to the review queue; no match at all creates
the person through ``people.services.person_create``, whose duplicate check (names variants,
nicknames, swapped day and month: ``people.matching``) sends a possible match to review too.
Every link names the fields that agreed. Only people the importer may see are linked to, so a
restricted record is never revealed through a feed (as ``person_create`` flags such a match to
those who may see it). Probabilistic linkage (Splink) is later work.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from iomhub.access.policy import people_filter
from iomhub.feeds.models import ArrestLink, LinkReview
from iomhub.people.matching import normalise_name
from iomhub.people.models import Person

if TYPE_CHECKING:
    from iomhub.access.models import User
    from iomhub.feeds.arrests import ArrestRow


@dataclass(frozen=True)
class Link:
    person: Person
    method: str
    agreed: tuple[str, ...]


@dataclass
class Uncertain(Exception):
    why: str
    candidates: list[dict[str, Any]] = field(default_factory=list)


def agreed_fields(row: ArrestRow, person: Person) -> list[str]:
    agreed = []
    if row.pnc_id and person.pnc_id == row.pnc_id:
        agreed.append("pnc_id")
    if normalise_name(person.last_name) == normalise_name(row.family_name):
        agreed.append("family_name")
    if normalise_name(person.first_name) == normalise_name(row.given_name):
        agreed.append("given_name")
    if person.date_of_birth == row.date_of_birth:
        agreed.append("date_of_birth")
    return agreed


def _candidate(person: Person, reasons: list[str]) -> dict[str, Any]:
    return {"person_id": person.pk, "reasons": reasons}


def link_for(row: ArrestRow, *, user: User) -> Link | None:
    """The person ``row`` is certainly about, or None when nobody matches (create them); raises
    :class:`Uncertain` when a person must decide."""
    decided = LinkReview.objects.filter(row_key=row.row_key, status=LinkReview.Status.DECIDED, person__isnull=False).first()
    if decided is not None and decided.person is not None:
        return Link(decided.person, ArrestLink.Method.REVIEWED, tuple(agreed_fields(row, decided.person)))
    visible = Person.objects.filter(people_filter(user), merged_into__isnull=True)
    if row.pnc_id:
        holders = list(visible.filter(pnc_id=row.pnc_id)[:5])
        if len(holders) > 1:
            raise Uncertain(f"{len(holders)} records hold the PNC ID {row.pnc_id}", [_candidate(p, agreed_fields(row, p)) for p in holders])
        if holders:
            person = holders[0]
            agreed = agreed_fields(row, person)
            if "family_name" not in agreed and "date_of_birth" not in agreed:
                raise Uncertain("The PNC ID agrees but neither the surname nor the date of birth does", [_candidate(person, agreed)])
            return Link(person, ArrestLink.Method.PNC, tuple(agreed))
    family, given = normalise_name(row.family_name), normalise_name(row.given_name)
    exact = [
        p
        for p in visible.filter(date_of_birth=row.date_of_birth)[:200]
        if normalise_name(p.last_name) == family and normalise_name(p.first_name) == given
    ]
    if len(exact) > 1:
        raise Uncertain(
            f"{len(exact)} records have this exact name and date of birth", [_candidate(p, agreed_fields(row, p)) for p in exact]
        )
    if exact:
        person = exact[0]
        if row.pnc_id and person.pnc_id and person.pnc_id != row.pnc_id:
            raise Uncertain("The name and date of birth agree but the PNC IDs differ", [_candidate(person, agreed_fields(row, person))])
        return Link(person, ArrestLink.Method.NAME_DOB, tuple(agreed_fields(row, person)))
    return None
