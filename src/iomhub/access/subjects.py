"""What the policy needs to know about a person that apps above it hold (ADR 0032).

The policy sits below every app that holds a person's record, so it names none of them. Two facts
it decides on live elsewhere: whether a person is restricted (``people``: ``Person.restriction``)
and which organisations are involved in their case now (``casework``: ``AgencyInvolvement``). The
owning app installs its reader here when it loads (its ``AppConfig.ready``); until one is
installed the answer is the safe one: nobody restricted is shown, no partner is involved.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, Protocol

from iomhub.slots import Slot

if TYPE_CHECKING:
    from django.db.models import QuerySet


class Subject(Protocol):
    """A person as the policy sees one: their id and whether their record is restricted."""

    pk: Any
    restriction: str


# organisation id -> the ids of the people it is involved with now, as a subquery
Involved = Callable[[int], "QuerySet[Any]"]
_involved: Slot[Involved] = Slot("reader of the people an organisation is involved with", installed_by="casework (CaseworkConfig.ready)")
# person ids -> those of them whose record is restricted
Restricted = Callable[[Iterable[int]], set[int]]
_restricted: Slot[Restricted] = Slot("reader of restricted records", installed_by="people (PeopleConfig.ready)")


def install(*, involved: Involved | None = None, restricted: Restricted | None = None) -> None:
    if involved is not None:
        _involved.install(involved)
    if restricted is not None:
        _restricted.install(restricted)


def involved_person_ids(organisation_id: int) -> QuerySet[Any] | None:
    """The people ``organisation_id`` is involved with now (a ``person_id`` values queryset), or None
    when no app records involvements (nobody is then involved)."""
    return _involved.step()(organisation_id) if _involved.installed else None


def restricted_among(person_ids: Iterable[int]) -> set[int]:
    """Which of ``person_ids`` are restricted people; without a reader, all of them (default deny)."""
    ids = set(person_ids)
    return _restricted.step()(ids) if _restricted.installed else ids
