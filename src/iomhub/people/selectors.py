"""Every read of a person goes through here: it authorises with the access policy and audits.

``person_get_for`` gives the same 404 for "does not exist" and "not allowed", so nobody can learn
that a restricted person exists by guessing ids.
"""

from __future__ import annotations

import datetime
import re
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from iomhub.access import audit
from iomhub.access.errors import deny
from iomhub.access.models import Section
from iomhub.access.policy import Action, decide, people_filter
from iomhub.access.refusals import get_or_deny, require_person_change
from iomhub.people.models import Alias, Person
from iomhub.people.validators import IDENTIFIER_NORMALISERS

if TYPE_CHECKING:
    from collections.abc import Iterable

    from iomhub.access.models import User

SEARCH_LIMIT = 50


def of_team(team_id: int, prefix: str = "") -> Q:
    """The people of a local team: managed by it, or by no team yet (a person adopted before a team
    was chosen is every team's to see to). ``prefix``: the path to the person (``"person__"``)."""
    return Q(**{f"{prefix}managing_team": team_id}) | Q(**{f"{prefix}managing_team__isnull": True})


def people_visible_to(user: User) -> QuerySet[Person]:
    """The people ``user`` sees, less duplicates merged into another record (their records moved)."""
    return Person.objects.filter(people_filter(user), merged_into__isnull=True)


def person_get_for(*, user: User, person_id: int | str, section: str = Section.IDENTITY, audit_read: bool = True) -> Person:
    person = get_or_deny(
        Person.objects.select_related("managing_team"),
        person_id,
        user=user,
        action=Action.PERSON_VIEW,
        reason="no such person",
        object_type="person",
    )
    pk = person.pk
    decision = decide(user, Action.PERSON_VIEW, person, section=section)
    if not decision:
        # Existence is hidden unless the person is visible and only this section is withheld.
        hidden = not decide(user, Action.PERSON_VIEW, person, section=Section.IDENTITY)
        deny(
            user=user, action=Action.PERSON_VIEW, reason=decision.reason, object_type="person", object_id=pk, person_id=pk, not_found=hidden
        )
    if audit_read:
        audit.record_read(actor=user, decision=decision, object_type="person", object_id=pk, person_id=pk, changes={"section": section})
    return person


def person_for_change(*, user: User, person_id: int | str, section: str, read_section: str | None = None) -> Person:
    """The person, if ``user`` may change ``section`` of their record; refused (audited) before any
    form is shown. The read is audited as a view of ``read_section`` (``section`` unless given)."""
    person = person_get_for(user=user, person_id=person_id, audit_read=False)
    require_person_change(user, person, section)
    return person_get_for(user=user, person_id=person_id, section=read_section or section)


_DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d %m %Y")


def parse_search_date(text: str) -> datetime.date | None:
    for fmt in _DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text.strip(), fmt).date()  # noqa: DTZ007 - a date, not a moment
        except ValueError:
            continue
    return None


def _identifier_filter(text: str) -> Q | None:
    q = Q()
    matched = False
    for field, normalise in IDENTIFIER_NORMALISERS.items():
        if field == "urn" and not any(c.isdigit() for c in text):
            continue  # a URN always has digits; without this every surname would be a URN
        try:
            value = normalise(text)
        except ValueError:
            continue
        matched = True
        q |= Q(**{field: value})
    return q if matched else None


def search_query(text: str) -> Q | None:
    """The filter for a free-text search: every word must match a name or alias (or be the date of
    birth), or the whole text is an identifier or a date of birth. Case and spacing do not matter."""
    cleaned = " ".join(text.split())
    if not cleaned:
        return None
    tokens = [t for t in re.split(r"[\s,]+", cleaned.lower()) if t][:6]
    alternatives: list[Q] = []
    # Names: words with letters and no digits; a date among them narrows to that date of birth.
    if any(not any(c.isdigit() for c in t) for t in tokens):
        names = Q()
        for token in tokens:
            token_date = parse_search_date(token)
            if token_date is not None:
                names &= Q(date_of_birth=token_date)
            elif not any(c.isdigit() for c in token):
                names &= Q(search_names__contains=token)
        alternatives.append(names)
    identifier = _identifier_filter(cleaned)
    if identifier is not None:
        alternatives.append(identifier)
    dob = parse_search_date(cleaned)
    if dob is not None:
        # Alias ids are fetched first: an OR with a subquery stops PostgreSQL using the DOB index.
        alias_people = list(Alias.objects.filter(date_of_birth=dob).values_list("person_id", flat=True)[:SEARCH_LIMIT])
        alternatives += [Q(date_of_birth=dob), Q(pk__in=alias_people)]
    if not alternatives:
        return Q(pk__in=[])
    q = alternatives[0]
    for alternative in alternatives[1:]:
        q |= alternative
    return q


def people_search(*, user: User, text: str, limit: int = SEARCH_LIMIT) -> list[Person]:
    if not decide(user, Action.PERSON_SEARCH):
        deny(user=user, action=Action.PERSON_SEARCH, reason="role may not search people")
    q = search_query(text)
    if q is None:
        return []
    results = list(people_visible_to(user).filter(q).order_by("last_name", "first_name", "id")[:limit])
    audit.record_shown(
        actor=user,
        person_ids=[p.pk for p in results],
        object_type="person",
        changes={"query": text[:200], "results": [p.pk for p in results]},
    )
    return results


def summary_parts(*, person: Person, sections: frozenset[str]) -> dict[str, list[Any] | None]:
    """The parts of a record the Summary tab lists, each ``None`` where the reader's sections leave
    it out (aliases are identity, which every reader of the page has)."""
    contact = Section.CONTACT in sections
    return {
        "aliases": list(person.aliases.all()),
        "addresses": list(person.addresses.all()) if contact else None,
        "contact_numbers": list(person.contact_numbers.all()) if contact else None,
        "markers": list(person.markers.all()) if Section.MARKERS in sections else None,
    }


def restricted_among(person_ids: Iterable[int]) -> set[int]:
    """Which of ``person_ids`` are restricted people (MAPPA, counter-terrorism): the reader the
    access policy's audit viewer uses (installed in ``access.subjects`` by ``PeopleConfig.ready``)."""
    return set(Person.objects.filter(pk__in=list(person_ids)).exclude(restriction="").values_list("pk", flat=True))
