"""Reads of referrals: fetch and authorise in one step (the same 404 for missing and not visible),
audited like every read of a person's data."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from iomhub.access import audit
from iomhub.access.errors import deny
from iomhub.access.policy import REFERRAL_OVERSIGHT_ROLES, Action, decide, people_filter
from iomhub.access.refusals import get_or_deny
from iomhub.referrals.models import Referral
from iomhub.slots import Slot

if TYPE_CHECKING:
    from iomhub.access.models import User
    from iomhub.people.models import Person
    from iomhub.referrals.ogrs import OgrsDerivation


def referrals_visible_to(user: User, *, among: Iterable[int] | None = None, narrow: Q | None = None) -> QuerySet[Referral]:
    """The referrals ``user`` may see, as a query (the same rule as ``policy.decide``); ``among``:
    only those of these people (the policy's filter then checks these people alone, not everyone:
    seconds at 500,000 people); ``narrow``: a filter the caller applies anyway (the agenda: its
    team's submitted referrals), applied here too so that the policy checks only the people those
    referrals name (0.4-0.6 s -> milliseconds at 500,000 people)."""
    if not decide(user, Action.REFERRAL_VIEW):
        return Referral.objects.none()
    visible = _visible_people(user)
    if among is not None:
        ids = sorted(set(among))
        visible = visible.filter(pk__in=ids)
    else:  # the policy checked on the people referred, not on everyone (seconds at 500,000 people)
        referred = Referral.objects.filter(person__isnull=False)
        if narrow is not None:
            referred = referred.filter(narrow)
        visible = visible.filter(pk__in=referred.values("person_id"))
    people = Q(person__isnull=True) | Q(person__in=visible)
    if among is not None:
        people = Q(person__in=visible)
    own = Q(referring_organisation_id=user.organisation_id) if user.organisation_id is not None else Q(pk__in=[])
    if user.role_codes & REFERRAL_OVERSIGHT_ROLES:
        return Referral.objects.filter(people).filter(own | ~Q(status=Referral.Status.DRAFT))
    return Referral.objects.filter(people).filter(own)


def _visible_people(user: User) -> QuerySet[Person]:
    from iomhub.people.models import Person

    return Person.objects.filter(people_filter(user)).values("pk")  # type: ignore[return-value]


def referral_list(*, user: User, status: str = "", listed: bool = True, within: Q | None = None) -> list[Referral]:
    """The referrals the user sees (up to 500), audited as a search and against each person on
    record they name, unless the caller (the agenda) shows a part of the list and audits that.
    ``within`` narrows them in the database (the agenda: its team's), so the 500 are the caller's."""
    if not decide(user, Action.REFERRAL_VIEW):
        deny(user=user, action=Action.REFERRAL_VIEW, reason="role may not see referrals", object_type="referral")
    narrow = (within or Q()) & (Q(status=status) if status else Q())
    referrals = referrals_visible_to(user, narrow=narrow if narrow else None).select_related("referring_organisation", "person")
    if within is not None:
        referrals = referrals.filter(within)
    if status:
        referrals = referrals.filter(status=status)
    found = list(referrals[:500])
    audit.record_shown(
        actor=user,
        person_ids=[r.person_id for r in found if r.person_id is not None] if listed else [],
        object_type="referral",
        changes={"status": status, "results": [r.pk for r in found]},
    )
    return found


def referral_get_for(*, user: User, referral_id: int | str, audit_read: bool = True) -> Referral:
    referral = get_or_deny(
        Referral.objects.select_related("referring_organisation", "referred_by", "person"),
        referral_id,
        user=user,
        action=Action.REFERRAL_VIEW,
        reason="no such referral",
        object_type="referral",
    )
    decision = decide(user, Action.REFERRAL_VIEW, referral)
    if not decision:
        deny(
            user=user,
            action=Action.REFERRAL_VIEW,
            reason=decision.reason,
            object_type="referral",
            object_id=referral.pk,
            person_id=referral.person_id,
            not_found=True,
        )
    if audit_read:
        audit.record_read(actor=user, decision=decision, object_type="referral", object_id=referral.pk, person_id=referral.person_id)
    return referral


def ogrs3_for_referral(*, user: User, referral: Referral) -> OgrsDerivation | None:
    """OGRS3 computed from the referred person's justice record (``referrals.ogrs``), for a user
    who has read the referral and may see that person's justice section; None otherwise (no
    person linked yet, or the justice record is not shared with the user). Audited as a view."""
    import datetime

    from iomhub import clock
    from iomhub.access.models import Section
    from iomhub.referrals.ogrs import derive

    person = referral.person
    decision = decide(user, Action.PERSON_VIEW, person, section=Section.JUSTICE) if person is not None else None
    if person is None or not decision:
        return None
    as_of = referral.referral_date or (referral.submitted_at.date() if referral.submitted_at else clock.today())
    assert isinstance(as_of, datetime.date)
    derivation = derive(person, as_of)
    audit.record_read(
        actor=user,
        decision=decision,
        object_type="ogrs3",
        object_id=referral.pk,
        person_id=person.pk,
        changes={"section": Section.JUSTICE, "as_of": as_of, "computed": derivation.computed},
    )
    return derivation


# Whether a person is on IOM now is cohort's record (``Registration``), a layer above referrals
# (ADR 0032): cohort installs the reader when it loads (``CohortConfig.ready``). Without it the
# one-referral-at-a-time rule cannot be kept, so ``standing_of`` refuses rather than guess.
CurrentRegistrations = Callable[[list[int]], dict[int, int]]  # person ids -> {person id: registration id}
_current_registrations: Slot[CurrentRegistrations] = Slot("reader of current registrations", installed_by="cohort (CohortConfig.ready)")


def install(*, current_registrations: CurrentRegistrations) -> None:
    _current_registrations.install(current_registrations)


OPEN_STATUSES = (Referral.Status.DRAFT, Referral.Status.SUBMITTED, Referral.Status.DEFERRED)


@dataclass(frozen=True)
class Standing:
    """Where a person stands with IOM, for the one-referral-at-a-time rule (issue 18 §4)."""

    label: str  # "Referred" or "On IOM"
    referral_id: int | None = None  # the open referral, only when the reader may see it
    registration_id: int | None = None


def standing_of(*, user: User, person_ids: Iterable[int]) -> dict[int, Standing]:
    """Which of ``person_ids`` (people the caller has already read through the policy) have a current
    IOM registration ("On IOM") or an open referral: a draft, submitted or deferred one, not yet
    adopted or rejected ("Referred"). The referral's id is given only where ``user`` may see that
    referral (another agency's draft is theirs, ADR 0003). Not audited here: the caller lists or
    refuses, and audits what it shows."""
    current_registrations = _current_registrations.step()
    ids = list(person_ids)
    found: dict[int, Standing] = {}
    visible = set(referrals_visible_to(user, among=ids).filter(status__in=OPEN_STATUSES).values_list("pk", flat=True))
    for pk, person_id in (
        Referral.objects.filter(person_id__in=ids, status__in=OPEN_STATUSES).order_by("created_at", "pk").values_list("pk", "person_id")
    ):
        if person_id not in found or (found[person_id].referral_id is None and pk in visible):
            found[person_id] = Standing("Referred", pk if pk in visible else None)
    for person_id, pk in current_registrations(ids).items():
        found[person_id] = Standing("On IOM", found[person_id].referral_id if person_id in found else None, pk)
    return found
