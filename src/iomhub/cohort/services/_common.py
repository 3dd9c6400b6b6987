"""What the cohort's services share: who may change a person's registration (and who decides for
the meeting), the dates they check, the re-read under a lock, the audit snapshot and the ticks of
a checklist."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import ValidationError
from django.utils import timezone

from iomhub import clock
from iomhub.access import audit
from iomhub.access.errors import deny
from iomhub.access.models import AuditAction
from iomhub.access.policy import Action, decide
from iomhub.cohort.models import (
    ChecklistTick,
    Registration,
)

if TYPE_CHECKING:
    from iomhub.access.models import User
    from iomhub.people.models import Person


Tick = TypeVar("Tick", bound=ChecklistTick)


def snapshot(registration: Registration) -> dict[str, Any]:
    names = ("person_id", "referral_id", "started_on", "ended_on", "rag", "neighbourhood_crime", "domestic_abuse", "ppo", "strand")
    return {name: getattr(registration, name) for name in names}


def tick(
    entry: Tick, *, acting_user: User, done_on: datetime.date | None, done_by: str, not_applicable: bool, object_type: str, person_id: int
) -> Tick:
    """Record one checklist item (adoption or removal) as done or not applicable, audited with its
    before and after. The caller has validated the input and locked the row."""
    before = entry.state()
    entry.done_on = None if not_applicable else done_on
    entry.done_by = done_by
    entry.not_applicable = not_applicable
    entry.recorded_by = acting_user
    entry.recorded_at = timezone.now()
    entry.save()
    audit.record(
        actor=acting_user,
        action=AuditAction.CHANGE,
        object_type=object_type,
        object_id=entry.pk,
        person_id=person_id,
        changes=audit.diff(before, entry.state()),
    )
    return entry


# ---- the registration's lifecycle (issue 6 §2, §7, §8, §9) --------------------------------------

TEXT_LIMIT = 5000
SHORT_LIMIT = 200


def authorise(user: User, action: Action, person: Person, *, object_type: str, object_id: int | None = None) -> None:
    """``action`` on a person whose plan section the user may change: refused and audited otherwise
    (404 when the person is not visible at all). A change, not a view: a chair who sees the person
    only by breaking glass reads and never writes (ADR 0003, 0013), so ``PERSON_CHANGE`` decides."""
    from iomhub.access.models import Section

    decision = decide(user, action)
    changeable = decide(user, Action.PERSON_CHANGE, person, section=Section.PLAN)
    if not (decision and changeable):
        visible = decide(user, Action.PERSON_VIEW, person, section=Section.PLAN)
        deny(
            user=user,
            action=action,
            reason=decision.reason if not decision else changeable.reason,
            object_type=object_type,
            object_id=object_id,
            person_id=person.pk,
            not_found=not visible,
        )


def deciding_user(
    acting_user: User, chair: User | None, action: Action, person: Person, *, object_type: str, object_id: int | None = None
) -> User:
    """Who decides: the acting user, or the ``chair`` whose decision the coordinator records on the
    meeting's record sheet (002 §2; ADR 0020): the chair must hold ``action`` and the recorder may
    manage the cohort for the person."""
    if chair is None:
        authorise(acting_user, action, person, object_type=object_type, object_id=object_id)
        return acting_user
    authorise(chair, action, person, object_type=object_type, object_id=object_id)
    authorise(acting_user, Action.COHORT_MANAGE, person, object_type=object_type, object_id=object_id)
    return chair


def past_date(
    errors: dict[str, list[str]], name: str, value: datetime.date | None, label: str, *, not_before: datetime.date, before_text: str
) -> None:
    if value is None:
        errors.setdefault(name, []).append(f"Enter {label}")
    elif value > clock.today():
        errors.setdefault(name, []).append(f"{label[0].upper()}{label[1:]} must be today or in the past")
    elif value < not_before:
        errors.setdefault(name, []).append(f"{label[0].upper()}{label[1:]} must be on or after {before_text}")


def locked_open(registration: Registration) -> Registration:
    """The registration re-read under a lock; refused when it has ended."""
    locked = Registration.objects.select_for_update().get(pk=registration.pk)
    if locked.ended_on is not None:
        raise ValidationError({"registration": ["This registration has ended"]})
    return locked
