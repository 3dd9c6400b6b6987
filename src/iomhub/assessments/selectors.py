"""Every read of the instruments goes through here: the person fetched and authorised for the health
section (``people.selectors.person_get_for``: refused and audited like any other section; 404 when
the person is not visible at all), and the read audited."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.http import Http404

from iomhub.access.models import Section
from iomhub.access.policy import Action, can
from iomhub.access.projection import Derived
from iomhub.assessments.models import (
    AlcoholScreening,
    BriefAdvice,
    DashChecklist,
    MaracReferral,
    Session,
    TreatmentOutcomesProfile,
)
from iomhub.people.selectors import person_get_for
from iomhub.rules import top

if TYPE_CHECKING:
    from iomhub.access.models import User
    from iomhub.people.models import Person


@dataclass(frozen=True)
class UnitsChange:
    """Units drunk in the last week at the first session and at the final one (000 §6.3.2)."""

    first_on: datetime.date
    first: int
    final_on: datetime.date
    final: int

    @property
    def difference(self) -> int:
        return self.final - self.first


@dataclass
class HealthRecord:
    person: Person
    screenings: list[AlcoholScreening] = field(default_factory=list)
    advice: list[BriefAdvice] = field(default_factory=list)
    checklists: list[DashChecklist] = field(default_factory=list)
    profiles: list[TreatmentOutcomesProfile] = field(default_factory=list)
    may_change: bool = False

    @property
    def units_change(self) -> UnitsChange | None:
        return units_change(self.screenings)

    @property
    def top_change(self) -> tuple[top.Change, ...]:
        pair = top.first_and_latest([(p.completed_on, profile_values(p)) for p in self.profiles])
        return top.change(*pair) if pair else ()

    @property
    def marac(self) -> Derived[MaracReferral | None]:
        return marac_flag(self.checklists)


def profile_values(profile: TreatmentOutcomesProfile) -> dict[str, Any]:
    return {m.name: getattr(profile, m.name) for m in top.MEASURES}


def units_change(screenings: list[AlcoholScreening]) -> UnitsChange | None:
    """The earliest first-session units and the latest final-session units after them."""
    ordered = sorted((s for s in screenings if s.units_last_week is not None), key=lambda s: (s.screened_on, s.pk))
    first = next((s for s in ordered if s.session == Session.FIRST), None)
    if first is None:
        return None
    final = next((s for s in reversed(ordered) if s.session == Session.FINAL and s.screened_on >= first.screened_on), None)
    if final is None:
        return None
    assert first.units_last_week is not None and final.units_last_week is not None
    return UnitsChange(first.screened_on, first.units_last_week, final.screened_on, final.units_last_week)


def marac_flag(checklists: list[DashChecklist]) -> Derived[MaracReferral | None]:
    """The case's MARAC link: the latest MARAC referral recorded (a health fact, 000 §6.6.2)."""
    referrals = [c.marac_referral for c in checklists if hasattr(c, "marac_referral")]
    latest = max(referrals, key=lambda r: (r.referred_on, r.pk), default=None)
    return Derived(latest, frozenset({Section.HEALTH}))


def health_record_for(*, user: User, person_id: int | str) -> HealthRecord:
    """Every instrument of the person, newest first (the health section)."""
    person = person_get_for(user=user, person_id=person_id, section=Section.HEALTH)
    return HealthRecord(
        person=person,
        screenings=list(AlcoholScreening.objects.filter(person=person)),
        advice=list(BriefAdvice.objects.filter(person=person)),
        checklists=list(DashChecklist.objects.filter(person=person).select_related("marac_referral")),
        profiles=list(TreatmentOutcomesProfile.objects.filter(person=person)),
        may_change=can(user, Action.PERSON_CHANGE, person, section=Section.HEALTH),
    )


def _one(model: Any, person: Person, pk: int | str, what: str) -> Any:
    try:
        return model.objects.get(person=person, pk=int(pk))
    except (model.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404(f"No such {what}") from None


def screening_for(*, person: Person, screening_id: int | str) -> AlcoholScreening:
    """One of ``person``'s screenings (the caller has authorised the person); 404 otherwise."""
    found: AlcoholScreening = _one(AlcoholScreening, person, screening_id, "screening")
    return found


def checklist_for(*, person: Person, checklist_id: int | str) -> DashChecklist:
    found: DashChecklist = _one(DashChecklist, person, checklist_id, "checklist")
    return found


def screening_read(*, user: User, person_id: int | str, screening_id: int | str) -> tuple[Person, AlcoholScreening]:
    person = person_get_for(user=user, person_id=person_id, section=Section.HEALTH)
    return person, screening_for(person=person, screening_id=screening_id)


def checklist_read(*, user: User, person_id: int | str, checklist_id: int | str) -> tuple[Person, DashChecklist]:
    person = person_get_for(user=user, person_id=person_id, section=Section.HEALTH)
    return person, checklist_for(person=person, checklist_id=checklist_id)


def may_change(user: User, person: Person) -> bool:
    return can(user, Action.PERSON_CHANGE, person, section=Section.HEALTH)


def marac_referral_shown(user: User, person: Person) -> MaracReferral | None:
    """The person's latest MARAC referral, for a reader who sees their health section (the caller
    shows the person; None for anyone else, whatever the record holds)."""
    from iomhub.access.projection import lens_for

    if not lens_for(user, person).sees(Section.HEALTH):
        return None
    return MaracReferral.objects.filter(person=person).order_by("-referred_on", "-pk").first()
