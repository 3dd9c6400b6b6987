"""Reads of registrations: authorised through the access policy and audited, like every read."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Prefetch, QuerySet

from iomhub.access import audit
from iomhub.access.errors import deny
from iomhub.access.models import AuditAction, Section
from iomhub.access.policy import Action, can, decide, people_filter
from iomhub.cohort.models import ChecklistEntry, Registration

if TYPE_CHECKING:
    from iomhub.access.models import User
    from iomhub.cohort.screening import Screening
    from iomhub.people.models import Person

# Registration belongs to the plan section of a record: who is on IOM, at what level, with what
# administration done (partners see it where their agreement shares the plan).
SECTION = Section.PLAN


def registrations_for_person(*, user: User, person: Person) -> list[Registration] | None:
    """A visible person's registrations, newest first, or None when the user may not see this
    section. The caller has already read (and audited) the person; this read is audited too."""
    if not can(user, Action.PERSON_VIEW, person, section=SECTION):
        return None
    registrations = list(Registration.objects.filter(person=person).select_related("referral").prefetch_related("rag_history", "checklist"))
    if registrations:
        audit.record(
            actor=user,
            action=AuditAction.VIEW,
            object_type="registration",
            object_id=registrations[0].pk,
            person_id=person.pk,
            changes={"section": SECTION, "registrations": [r.pk for r in registrations]},
        )
    return registrations


def registration_get_for_management(*, user: User, registration_id: int | str) -> Registration:
    """One registration for the coordinator or chair to manage; 404 for missing or not visible."""
    try:
        registration = Registration.objects.select_related("person").get(pk=int(registration_id))
    except (Registration.DoesNotExist, ValueError, TypeError, OverflowError):
        deny(user=user, action=Action.COHORT_MANAGE, reason="no such registration", object_type="registration", not_found=True)
    decision = decide(user, Action.COHORT_MANAGE)
    visible = decide(user, Action.PERSON_VIEW, registration.person, section=SECTION)
    if not (decision and visible):
        deny(
            user=user,
            action=Action.COHORT_MANAGE,
            reason=decision.reason if not decision else visible.reason,
            object_type="registration",
            object_id=registration.pk,
            person_id=registration.person_id,
            not_found=not visible,
        )
    audit.record(
        actor=user, action=AuditAction.VIEW, object_type="registration", object_id=registration.pk, person_id=registration.person_id
    )
    return registration


def outstanding_checklist(*, user: User) -> Sequence[Registration]:
    """Current registrations of people the user sees with administration still to do (the
    coordinator's page). Audited with the people listed."""
    decision = decide(user, Action.COHORT_MANAGE)
    if not decision:
        deny(user=user, action=Action.COHORT_MANAGE, reason=decision.reason, object_type="registration")
    outstanding = ChecklistEntry.objects.filter(done_on__isnull=True, not_applicable=False)
    registrations = list(
        Registration.objects.filter(ended_on__isnull=True, checklist__in=outstanding)
        .filter(person__in=_visible_people(user))
        .distinct()
        .select_related("person")
        .prefetch_related(Prefetch("checklist", queryset=outstanding, to_attr="outstanding"))
        .order_by("started_on", "id")
    )
    audit.record(
        actor=user,
        action=AuditAction.SEARCH,
        object_type="registration",
        changes={"purpose": "outstanding administration", "results": [r.person_id for r in registrations]},
    )
    return registrations


def _visible_people(user: User) -> QuerySet[Person]:
    from iomhub.people.models import Person

    return Person.objects.filter(people_filter(user)).values("pk")  # type: ignore[return-value]


def screening_for_person(*, user: User, person: Person, as_of: datetime.date) -> Screening:
    """Screen a person the user has read (``person_get_for``) on ``as_of``. The evidence is their
    justice record, so the justice section must be shared with the user; audited as a view."""
    from iomhub.cohort.screening import screen_people

    decision = decide(user, Action.PERSON_VIEW, person, section=Section.JUSTICE)
    if not decision:
        deny(
            user=user,
            action=Action.PERSON_VIEW,
            reason=decision.reason,
            object_type="person",
            object_id=person.pk,
            person_id=person.pk,
        )
    [screening] = screen_people([person], as_of)
    audit.record(
        actor=user,
        action=AuditAction.VIEW,
        object_type="screening",
        object_id=person.pk,
        person_id=person.pk,
        changes={"section": Section.JUSTICE, "as_of": as_of, "criteria": list(screening.result.codes)},
    )
    return screening


@dataclass(frozen=True)
class Candidates:
    available: bool  # False while the justice record is not there to screen against
    rows: list[tuple[Person, Screening]]


def candidate_list(*, user: User, as_of: datetime.date, limit: int = 500) -> Candidates:
    """People not on IOM who meet the entry criteria on ``as_of``, strongest evidence first
    (issue 5 §4), among the people the user may see. Audited as a search."""
    from iomhub.cohort.screening import justice_facts, rank_key, screen_people
    from iomhub.people.models import Person

    decision = decide(user, Action.COHORT_MANAGE)
    if not decision:
        deny(user=user, action=Action.COHORT_MANAGE, reason=decision.reason, object_type="person")
    facts = justice_facts(None, as_of)
    rows: list[tuple[Person, Screening]] = []
    if facts is not None:
        registered = Registration.objects.filter(ended_on__isnull=True).values("person_id")
        people = list(Person.objects.filter(people_filter(user), pk__in=list(facts)).exclude(pk__in=registered))
        by_id = {p.pk: p for p in people}
        eligible = [s for s in screen_people(people, as_of) if s.result.eligible]
        rows = [(by_id[s.person_id], s) for s in sorted(eligible, key=rank_key)[:limit]]
    audit.record(
        actor=user,
        action=AuditAction.SEARCH,
        object_type="person",
        changes={"purpose": "IOM candidate list", "as_of": as_of, "results": [p.pk for p, _ in rows]},
    )
    return Candidates(available=facts is not None, rows=rows)
