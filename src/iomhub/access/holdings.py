"""What an account holds in the apps above access (ADR 0032, 0045): the cases it leads or
coordinates and the plan actions it owns, as counts for the page of an account being disabled, so
that a leaver's work is handed on. Counts only: no person is named, so reading them is not a read
of anyone's record. Casework installs the reader (``CaseworkConfig.ready``); until it does, an
account holds nothing that would show.
"""

from __future__ import annotations

from collections.abc import Callable

from iomhub.slots import Slot

# user id -> sentences such as "Lead worker on 14 cases", one per kind of work held (none if nothing)
Holdings = Callable[[int], list[str]]
_holdings: Slot[Holdings] = Slot("reader of the work an account holds", installed_by="casework (CaseworkConfig.ready)")


def install(*, holdings: Holdings) -> None:
    _holdings.install(holdings)


def held_by(user_id: int) -> list[str]:
    """What ``user_id`` holds that someone must take over if they leave."""
    return _holdings.step_or(lambda _: [])(user_id)
