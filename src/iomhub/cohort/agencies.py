"""The agencies involved in a person's case, as leaving IOM needs them (ADR 0032).

Which agencies are involved is casework's record (``AgencyInvolvement``), a layer above cohort, so
cohort names no casework module: casework installs the two here when it loads
(``CaseworkConfig.ready``):

- ``involved(*, person) -> [(organisation id, name)]``: the agencies involved now, by name: the exit
  plan's choice of who keeps supporting the person (002 §2, appendix 2; issue 9 §3);
- ``end_on_exit(*, acting_user, person, ended_on, reason, continuing) -> [organisation name]``: when
  a person leaves IOM (deregistration, a completed transfer out) every agency still involved stops
  seeing them, except the organisations in ``continuing`` (ADR 0005, 0013). Called inside the
  leaving service's transaction, after it has authorised the decision; casework authorises and
  audits each ending. Returns the names of the agencies whose involvement ended.

Until they are installed a person cannot leave IOM: ending a registration without ending the
involvements would leave partners seeing someone no longer theirs, so cohort refuses rather than guess.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from iomhub.slots import Slot

if TYPE_CHECKING:
    from iomhub.access.models import User
    from iomhub.people.models import Person


class Involved(Protocol):
    def __call__(self, *, person: Person) -> list[tuple[int, str]]: ...


class EndOnExit(Protocol):
    def __call__(
        self, *, acting_user: User, person: Person, ended_on: datetime.date, reason: str, continuing: Sequence[int] = ()
    ) -> list[str]: ...


_involved: Slot[Involved] = Slot("reader of the agencies involved", installed_by="casework (CaseworkConfig.ready)")
_end_on_exit: Slot[EndOnExit] = Slot("ending of involvements on exit", installed_by="casework (CaseworkConfig.ready)")


def install(*, involved: Involved, end_on_exit: EndOnExit) -> None:
    _involved.install(involved)
    _end_on_exit.install(end_on_exit)


def involved(*, person: Person) -> list[tuple[int, str]]:
    """The agencies involved in ``person``'s case now (the caller has authorised the person)."""
    return _involved.step()(person=person)


def end_on_exit(*, acting_user: User, person: Person, ended_on: datetime.date, reason: str, continuing: Sequence[int] = ()) -> list[str]:
    """End the involvement of every agency not ``continuing``; the names of those ended."""
    return _end_on_exit.step()(acting_user=acting_user, person=person, ended_on=ended_on, reason=reason, continuing=continuing)
