"""Every change to an IOM registration goes through here: authorise, validate, write, audit.

Adoption opens a registration with its initial RAG classification (002 §2, appendix 1), the cohort
flags (neighbourhood crime, 003; domestic abuse; PPO, 000 §5.7) and the administration checklist of
002 appendix 2, every item outstanding until someone records the date and by whom.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from iomhub import clock
from iomhub.access import audit
from iomhub.access.errors import deny
from iomhub.access.models import AuditAction
from iomhub.access.policy import Action, decide
from iomhub.cohort.models import ChecklistEntry, ChecklistItem, RagChange, RagLevel, Registration

if TYPE_CHECKING:
    from iomhub.access.models import User
    from iomhub.people.models import Person
    from iomhub.referrals.models import Referral


def _snapshot(registration: Registration) -> dict[str, Any]:
    names = ("person_id", "referral_id", "started_on", "ended_on", "rag", "neighbourhood_crime", "domestic_abuse", "ppo", "strand")
    return {name: getattr(registration, name) for name in names}


def registration_open(
    *,
    acting_user: User,
    person: Person,
    referral: Referral | None,
    started_on: datetime.date,
    rag: str,
    neighbourhood_crime: bool = False,
    domestic_abuse: bool = False,
    ppo: bool = False,
    strand: str = "",
    reason: str = "",
) -> Registration:
    """Put ``person`` on the scheme from ``started_on``: the chair decides (002 §2)."""
    decision = decide(acting_user, Action.REFERRAL_DECIDE, None)
    if not decision:
        deny(user=acting_user, action=Action.REFERRAL_DECIDE, reason=decision.reason, object_type="registration", person_id=person.pk)
    if rag not in RagLevel.values:
        raise ValidationError({"rag": ["Select the initial RAG classification"]})
    with transaction.atomic():
        if Registration.objects.select_for_update().filter(person=person, ended_on__isnull=True).exists():
            raise ValidationError({"person": ["This person is already registered on IOM"]})
        registration = Registration.objects.create(
            person=person,
            referral=referral,
            started_on=started_on,
            rag=rag,
            neighbourhood_crime=neighbourhood_crime,
            domestic_abuse=domestic_abuse,
            ppo=ppo,
            strand=strand,
        )
        RagChange.objects.create(
            registration=registration,
            level=rag,
            changed_on=started_on,
            reason=reason,
            decided_by=acting_user,
            decided_by_name=acting_user.get_full_name() or acting_user.get_username(),
        )
        ChecklistEntry.objects.bulk_create([ChecklistEntry(registration=registration, item=item) for item in ChecklistItem.values])
        audit.record(
            actor=acting_user,
            action=AuditAction.CREATE,
            object_type="registration",
            object_id=registration.pk,
            person_id=person.pk,
            changes=audit.diff({}, _snapshot(registration)),
        )
    return registration


def checklist_record(
    *,
    acting_user: User,
    registration: Registration,
    item: str,
    done_on: datetime.date | None,
    done_by: str,
    not_applicable: bool = False,
) -> ChecklistEntry:
    """Record that one administration item was done (date and by whom) or does not apply."""
    decision = decide(acting_user, Action.COHORT_MANAGE)
    if not decision:
        deny(
            user=acting_user,
            action=Action.COHORT_MANAGE,
            reason=decision.reason,
            object_type="registration",
            object_id=registration.pk,
            person_id=registration.person_id,
        )
    errors: dict[str, list[str]] = {}
    if item not in ChecklistItem.values:
        errors["item"] = ["Select an administration item"]
    done_by = (done_by or "").strip()
    if not not_applicable:
        if done_on is None:
            errors["done_on"] = ["Enter the date it was done"]
        elif done_on > clock.today():
            errors["done_on"] = ["The date it was done must be today or in the past"]
        elif done_on < registration.started_on - datetime.timedelta(days=60):
            errors["done_on"] = ["The date it was done must be near or after the adoption date"]
        if not done_by:
            errors["done_by"] = ["Enter who did it"]
    if len(done_by) > 200 or "\x00" in done_by:
        errors["done_by"] = ["Who did it must be 200 characters or fewer"]
    if not_applicable and item != ChecklistItem.SOCIAL_SERVICES:
        errors["not_applicable"] = ["Only notifying social services may be marked as not applicable"]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        entry = ChecklistEntry.objects.select_for_update().get(registration=registration, item=item)
        before = {"done_on": entry.done_on, "done_by": entry.done_by, "not_applicable": entry.not_applicable}
        entry.done_on = None if not_applicable else done_on
        entry.done_by = done_by
        entry.not_applicable = not_applicable
        entry.recorded_by = acting_user
        entry.recorded_at = timezone.now()
        entry.save()
        audit.record(
            actor=acting_user,
            action=AuditAction.CHANGE,
            object_type="registration-checklist",
            object_id=entry.pk,
            person_id=registration.person_id,
            changes=audit.diff(before, {"done_on": entry.done_on, "done_by": entry.done_by, "not_applicable": entry.not_applicable}),
        )
    return entry
