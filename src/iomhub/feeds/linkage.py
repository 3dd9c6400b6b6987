"""Record linkage (issue 11 §3; ADR 0014): which person on IOM Hub a feed row is about.

Certain links, in this order:

1. a decision already made on the review queue for this very row;
2. the prison number, then the PNC ID: one record the importer may see holds it, and its surname or
   date of birth agrees too, or its given name with the date of birth's day and month swapped (a
   changed surname keyed with that slip); an identifier alone is a keying error as often as not;
3. exact name and date of birth: one record with the same given name, surname (as
   ``people.matching.normalise_name`` folds them: case, accents, spacing) and date of birth, and no
   different PNC ID;
4. probable: the trained Splink model (``feeds.linkage_model.probable``, ADR 0026) scores the people
   the row may be; one well above the others with no different PNC ID is linked, doubtful pairs go
   to review with their match probability.

Anything less certain is :class:`Uncertain` and goes to the review queue; no match at all creates
the person through ``people.services.person_create`` (for the feeds that may), whose duplicate check
(name variants, nicknames, swapped day and month: ``people.matching``) sends a possible match to
review too. Every link names the fields that agreed. Only people the importer may see are linked
to, so a restricted record is never revealed through a feed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from iomhub.access.policy import people_filter
from iomhub.feeds.linkage_model import probable
from iomhub.feeds.linkage_model.settings import record
from iomhub.feeds.models import LinkMethod, LinkReview
from iomhub.people.matching import normalise_name
from iomhub.people.models import Person

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from iomhub.access.models import User
    from iomhub.feeds.rows import Identity


@dataclass(frozen=True)
class Link:
    person: Person
    method: str
    agreed: tuple[str, ...]


@dataclass
class Uncertain(Exception):
    why: str
    candidates: list[dict[str, Any]] = field(default_factory=list)


def agreed_fields(who: Identity, person: Person) -> list[str]:
    agreed = []
    if who.prison_number and person.prison_number == who.prison_number:
        agreed.append("prison_number")
    if who.pnc_id and person.pnc_id == who.pnc_id:
        agreed.append("pnc_id")
    if normalise_name(person.last_name) == normalise_name(who.family_name):
        agreed.append("family_name")
    if normalise_name(person.first_name) == normalise_name(who.given_name):
        agreed.append("given_name")
    if person.date_of_birth == who.date_of_birth:
        agreed.append("date_of_birth")
    elif person.date_of_birth is not None and probable.swapped(who.date_of_birth) == person.date_of_birth:
        agreed.append("date_of_birth (day and month swapped)")
    return agreed


def _candidate(person: Person, reasons: list[str]) -> dict[str, Any]:
    return {"person_id": person.pk, "reasons": reasons}


def identifier_link(who: Identity, holders: list[Person], name: str, method: str) -> Link:
    """The link by an identifier ``holders`` (up to five visible records) hold."""
    value = getattr(who, name)
    words = "PNC ID" if name == "pnc_id" else "prison number"
    if len(holders) > 1:
        raise Uncertain(f"{len(holders)} records hold the {words} {value}", [_candidate(p, agreed_fields(who, p)) for p in holders])
    person = holders[0]
    agreed = agreed_fields(who, person)
    swapped = "given_name" in agreed and "date_of_birth (day and month swapped)" in agreed
    if "family_name" not in agreed and "date_of_birth" not in agreed and not swapped:
        raise Uncertain(f"The {words} agrees but neither the surname nor the date of birth does", [_candidate(person, agreed)])
    return Link(person, method, tuple(agreed))


def _by_identifier(who: Identity, visible: QuerySet[Person], name: str, method: str) -> Link | None:
    value = getattr(who, name)
    if not value:
        return None
    holders = list(visible.filter(**{name: value})[:5])
    return identifier_link(who, holders, name, method) if holders else None


def exact_link(who: Identity, same_dob: list[Person]) -> Link | None:
    """The link by exact name and date of birth among ``same_dob`` (visible, born the same day)."""
    family, given = normalise_name(who.family_name), normalise_name(who.given_name)
    exact = [p for p in same_dob if normalise_name(p.last_name) == family and normalise_name(p.first_name) == given]
    if len(exact) > 1:
        raise Uncertain(
            f"{len(exact)} records have this exact name and date of birth", [_candidate(p, agreed_fields(who, p)) for p in exact]
        )
    if not exact:
        return None
    person = exact[0]
    if who.pnc_id and person.pnc_id and person.pnc_id != who.pnc_id:
        raise Uncertain("The name and date of birth agree but the PNC IDs differ", [_candidate(person, agreed_fields(who, person))])
    return Link(person, LinkMethod.NAME_DOB, tuple(agreed_fields(who, person)))


def on_review_queue(who: Identity, review: LinkReview | None) -> Link | None:
    """A row the review queue holds (``review``, by the row's key): the person a coordinator decided
    on, or, while it waits for a decision, :class:`Uncertain` again, whoever the linkage would pick
    today (people added since, a retrained model): importing the row again changes nothing until
    it is decided (issue 11 §2: nothing twice). None when the queue has never held the row."""
    if review is None:
        return None
    if review.status == LinkReview.Status.DECIDED and review.person is not None:
        return Link(review.person, LinkMethod.REVIEWED, tuple(agreed_fields(who, review.person)))
    raise Uncertain(review.why, list(review.candidates))


def link_for(who: Identity, *, row_key: str, user: User) -> Link | None:
    """The person ``who`` certainly is, or None when nobody matches; raises :class:`Uncertain`
    when a person must decide."""
    held = on_review_queue(who, LinkReview.objects.filter(row_key=row_key).select_related("person").first())
    if held is not None:
        return held
    visible = Person.objects.filter(people_filter(user), merged_into__isnull=True)
    found = _by_identifier(who, visible, "prison_number", LinkMethod.PRISON_NUMBER) or _by_identifier(
        who, visible, "pnc_id", LinkMethod.PNC
    )
    if found is not None:
        return found
    found = exact_link(who, list(visible.filter(date_of_birth=who.date_of_birth)[:200]))
    return found if found is not None else _probable(who, visible)


def _probable(who: Identity, visible: QuerySet[Person]) -> Link | None:
    people = {p.pk: p for p in visible.filter(probable.candidates_q(who.family_name, who.given_name, who.date_of_birth))[:50]}
    if not people:
        return None
    row = record(0, who.given_name, who.family_name, who.date_of_birth, who.pnc_id)
    decision = probable.decide(row, [record(p.pk, p.first_name, p.last_name, p.date_of_birth, p.pnc_id) for p in people.values()])
    return probable_link(decision, people)


def probable_link(decision: probable.Decision, people: dict[int, Person]) -> Link | None:
    """The model's decision as a link, the review queue (raises :class:`Uncertain`) or nobody."""
    if decision.kind == "link":
        best = decision.scored[0]
        return Link(people[best.unique_id], LinkMethod.PROBABLE, (*best.agreed, f"match probability {best.probability:.3f}"))
    if decision.kind == "review":
        candidates = [_candidate(people[s.unique_id], [*s.agreed, f"match probability {s.probability:.3f}"]) for s in decision.scored]
        return _doubtful(candidates)
    return None


def _doubtful(candidates: list[dict[str, Any]]) -> Link:
    raise Uncertain("Names and date of birth nearly agree: a probable match, but not certain enough to link", candidates)
