"""Opening a registration and what it records. Adoption opens a registration with its initial RAG classification (002 §2, appendix 1), the cohort
flags (neighbourhood crime, 003; domestic abuse; PPO, 000 §5.7) and the administration checklist of
002 appendix 2, every item outstanding until someone records the date and by whom; the other forum managing the
person, and the postcodes a local team covers."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction

from iomhub import clock
from iomhub.access import audit
from iomhub.access.errors import deny
from iomhub.access.models import AuditAction, Team
from iomhub.access.policy import Action, decide
from iomhub.cohort.models import ChecklistEntry, ChecklistItem, RagChange, Registration
from iomhub.cohort.services._common import SHORT_LIMIT, authorise, deciding_user, locked_open, snapshot, tick
from iomhub.referrals.models import RagLevel
from iomhub.validation import clean_text

if TYPE_CHECKING:
    from iomhub.access.models import User
    from iomhub.people.models import Person
    from iomhub.referrals.models import Referral


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
    chair: User | None = None,
) -> Registration:
    """Put ``person`` on the scheme from ``started_on``: the chair decides (002 §2). ``chair``: the
    chair who decided, when the coordinator records it at the meeting (ADR 0020)."""
    decider = deciding_user(acting_user, chair, Action.REFERRAL_DECIDE, person, object_type="registration")
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
            decided_by=decider,
            decided_by_name=decider.display_name,
        )
        ChecklistEntry.objects.bulk_create([ChecklistEntry(registration=registration, item=item) for item in ChecklistItem.values])
        audit.record(
            actor=acting_user,
            action=AuditAction.CREATE,
            object_type="registration",
            object_id=registration.pk,
            person_id=person.pk,
            changes=audit.diff({}, snapshot(registration)),
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
    """Record that one administration item was done (date and by whom) or does not apply. The
    person must be one the user may change, like its twin ``removal_record``."""
    authorise(acting_user, Action.COHORT_MANAGE, registration.person, object_type="registration-checklist", object_id=registration.pk)
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
        return tick(
            entry,
            acting_user=acting_user,
            done_on=done_on,
            done_by=done_by,
            not_applicable=not_applicable,
            object_type="registration-checklist",
            person_id=registration.person_id,
        )


def registration_circumstances(*, acting_user: User, registration: Registration, other_forum: str) -> Registration:
    """Record any other forum managing the risk (002 §2 deregistration facts). The MAPPA level is the
    person's, on the justice record (``justice.services.mappa_record``, ADR 0008), not here."""
    authorise(acting_user, Action.COHORT_MANAGE, registration.person, object_type="registration", object_id=registration.pk)
    errors: dict[str, list[str]] = {}
    other_forum = clean_text(errors, "other_forum", other_forum, "the other forum", required=False, limit=SHORT_LIMIT)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = locked_open(registration)
        before = {"other_forum": current.other_forum}
        current.other_forum = other_forum
        current.save(update_fields=["other_forum"])
        audit.record(
            actor=acting_user,
            action=AuditAction.CHANGE,
            object_type="registration",
            object_id=current.pk,
            person_id=current.person_id,
            changes=audit.diff(before, {"other_forum": other_forum}),
        )
    return current


def team_postcodes_set(*, acting_user: User, team: Team, postcodes: str) -> Team:
    """The postcode areas and districts a local team covers (the partnership's area is all of them:
    residence for eligibility, 000 §5.7). The coordinator's or chair's; audited with before/after."""
    from iomhub.rules.area import parse_coverage

    decision = decide(acting_user, Action.COHORT_MANAGE)
    if not decision:
        deny(user=acting_user, action=Action.COHORT_MANAGE, reason=decision.reason, object_type="team", object_id=team.pk)
    errors: dict[str, list[str]] = {}
    text = clean_text(errors, "postcodes", postcodes, "the postcode areas and districts", required=False, limit=1000)
    try:
        normalised = ", ".join(parse_coverage(text))
    except ValueError as exc:
        errors.setdefault("postcodes", []).append(f"{exc}")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = Team.objects.select_for_update().get(pk=team.pk)
        before = {"postcodes": current.postcodes}
        current.postcodes = normalised
        current.save(update_fields=["postcodes"])
        audit.record(
            actor=acting_user,
            action=AuditAction.CHANGE,
            object_type="team",
            object_id=current.pk,
            changes=audit.diff(before, {"postcodes": normalised}),
        )
    return current
