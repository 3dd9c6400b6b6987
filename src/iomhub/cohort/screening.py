"""Eligibility screening of a person on a date, and the candidate list (issue 5 §3-4).

The rules are ``iomhub.rules.eligibility.screen`` (000 §5.7: six or more arrests in a rolling twelve
months, PPO, short custody, high risk of non-compliance with a community order, residents only;
003: neighbourhood crime; 002 §4: under 18 → youth route, MAPPA 3 not IOM-managed, MAPPA 2 dual
management). This module gathers the facts those rules need and screens.

Where the facts come from:
- date of birth: the person's record;
- PPO: the person's current IOM registration flag;
- MAPPA level: the justice record if it says, else level 1 when a submitted referral ticked the
  "MAPPA 1" priority group;
- arrests, offences with their neighbourhood-crime category, custodial sentences, community-order
  compliance, MAPPA level and residence: **the justice record (issue 4, ``iomhub.justice``)**.

JUSTICE ADAPTER (to be wired when ``iomhub.justice`` lands): the justice app provides
``iomhub.justice.selectors.screening_facts(*, person_ids: list[int] | None, as_of: date) -> dict[int, JusticeFacts]``
returning, for each person id, the :class:`JusticeFacts` below (people with no justice record may be
left out); ``person_ids=None`` asks for everyone with any arrest, offence or sentence in the twelve
months up to ``as_of`` (the candidate list). Until that function exists, ``justice_facts`` answers None, the pages say that the
justice record is not available, and screening uses only the facts above.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from iomhub.rules import eligibility

if TYPE_CHECKING:
    from iomhub.people.models import Person


@dataclass(frozen=True)
class JusticeFacts:
    """What the justice record knows that screening needs (the contract with ``iomhub.justice``)."""

    arrest_dates: Sequence[datetime.date] = ()
    offences: Sequence[
        tuple[datetime.date, str]
    ] = ()  # (offence date, category: "burglary", "robbery", "vehicle", "theft-from-person" or other)
    custodial_sentences: Sequence[tuple[datetime.date, int]] = ()  # (sentence date, length in days)
    community_order_non_compliance: bool = False
    mappa_level: int | None = None
    resident_in_area: bool = True
    ogrs3_two_year: float | None = None  # probability 0-1, for ranking candidates


def _load_justice_facts() -> Callable[..., dict[int, JusticeFacts]] | None:
    """The justice app's facts function, imported lazily; None while the app is not installed."""
    try:
        from iomhub.justice.selectors import screening_facts  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return None
    return screening_facts  # type: ignore[no-any-return,unused-ignore]


def justice_facts(person_ids: list[int] | None, as_of: datetime.date) -> dict[int, JusticeFacts] | None:
    """Facts for ``person_ids``, or (None) for everyone with a justice event in the twelve months up
    to ``as_of``; None when the justice record is not available."""
    load = _load_justice_facts()
    if load is None:
        return None
    return load(person_ids=person_ids, as_of=as_of)


@dataclass(frozen=True)
class Screening:
    person_id: int
    as_of: datetime.date
    result: eligibility.ScreeningResult
    justice_available: bool
    facts: JusticeFacts = field(default_factory=JusticeFacts)

    @property
    def arrests_in_year(self) -> int:
        return eligibility.arrests_in_rolling_year(arrest_dates=self.facts.arrest_dates, as_of=self.as_of)

    @property
    def last_arrest(self) -> datetime.date | None:
        past = [d for d in self.facts.arrest_dates if d <= self.as_of]
        return max(past) if past else None


def _own_facts(people: Sequence[Person]) -> dict[int, tuple[bool, int | None]]:
    """(PPO, MAPPA level) from IOM Hub's own records: the current registration and referrals."""
    from iomhub.cohort.models import Registration
    from iomhub.referrals.models import Referral

    ids = [p.pk for p in people]
    ppo = set(Registration.objects.filter(person_id__in=ids, ended_on__isnull=True, ppo=True).values_list("person_id", flat=True))
    referred = Referral.objects.filter(person_id__in=ids).exclude(status=Referral.Status.DRAFT).values_list("person_id", "priority_groups")
    mappa_1 = {pk for pk, groups in referred if (groups or {}).get("mappa-1") is True}
    return {pk: (pk in ppo, 1 if pk in mappa_1 else None) for pk in ids}


def screen_people(people: Sequence[Person], as_of: datetime.date) -> list[Screening]:
    """Screen each person on ``as_of`` (pure rules, facts gathered in bulk: a few queries in all)."""
    facts = justice_facts([p.pk for p in people], as_of)
    own = _own_facts(people)
    results = []
    for person in people:
        if person.date_of_birth > as_of:
            continue  # not born yet on that date: nothing to screen
        found = (facts or {}).get(person.pk, JusticeFacts())
        ppo, referral_mappa = own[person.pk]
        result = eligibility.screen(
            as_of=as_of,
            date_of_birth=person.date_of_birth,
            arrest_dates=found.arrest_dates,
            offences=found.offences,
            custodial_sentences=found.custodial_sentences,
            ppo=ppo,
            community_order_non_compliance=found.community_order_non_compliance,
            mappa_level=found.mappa_level if found.mappa_level is not None else referral_mappa,
            resident_in_area=found.resident_in_area,
        )
        results.append(Screening(person_id=person.pk, as_of=as_of, result=result, justice_available=facts is not None, facts=found))
    return results


def rank_key(screening: Screening) -> tuple[float, ...]:
    """Candidates by evidence: more arrests in the year, then the most recent arrest, then OGRS3."""
    last = screening.last_arrest
    return (
        -screening.arrests_in_year,
        -(last.toordinal() if last else 0),
        -(screening.facts.ogrs3_two_year or 0.0),
        -len(screening.result.criteria),
    )
