"""What every casework service does first and last: authorise the change, check typed values (each
message naming the field) and audit the write with its section, before and after."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from iomhub.access import audit
from iomhub.access.errors import deny
from iomhub.access.models import AuditAction, User
from iomhub.access.policy import Action, decide
from iomhub.validation import clean_choice, clean_date, clean_text

if TYPE_CHECKING:
    from iomhub.people.models import Person

MAX_TEXT = 200
MAX_NOTE = 5000


def authorise(user: User, person: Person, *, section: str, manage: bool = False) -> None:
    """Refuse (audited) unless ``user`` may change ``section`` of ``person``'s record (and, for
    ``manage``, is the coordinator or chair)."""
    decision = decide(user, Action.PERSON_CHANGE, person, section=section)
    if decision and manage:
        decision = decide(user, Action.COHORT_MANAGE)
    if not decision:
        deny(
            user=user,
            action=Action.COHORT_MANAGE if manage and decide(user, Action.PERSON_CHANGE, person, section=section) else Action.PERSON_CHANGE,
            reason=decision.reason,
            object_type="person",
            object_id=person.pk,
            person_id=person.pk,
        )


def audit_write(user: User, kind: str, obj: Any, person: Person, section: str, before: dict[str, Any], after: dict[str, Any]) -> None:
    audit.record(
        actor=user,
        action=AuditAction.CHANGE if before else AuditAction.CREATE,
        object_type=kind,
        object_id=obj.pk,
        person_id=person.pk,
        changes={"section": section, **audit.diff(before, after)},
    )


def text(errors: dict[str, list[str]], name: str, value: Any, label: str, *, required: bool = True, limit: int = MAX_TEXT) -> str:
    return clean_text(errors, name, value, f"the {label}", required=required, limit=limit, collapse=limit == MAX_TEXT)


def choice(errors: dict[str, list[str]], name: str, value: Any, choices: Any, label: str, *, required: bool = True) -> str:
    return clean_choice(errors, name, value, choices, label, required=required, missing=f"Select the {label}")


def date(
    errors: dict[str, list[str]],
    name: str,
    value: Any,
    label: str,
    person: Person,
    *,
    future: bool = False,
    within_years: int | None = None,
) -> datetime.date:
    """A date checked by ``validation.clean_date``; a future one, with ``within_years``, within that
    many years of today (``rules.date_windows``: bookings and due dates, ``BOOKING_YEARS``)."""
    return clean_date(errors, name, value, f"the {label}", born=person.date_of_birth, future=future, within_years=within_years)
