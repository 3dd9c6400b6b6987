"""OGRS3 for a referral, computed by ``iomhub.rules.ogrs3`` where the justice record holds its inputs
(issue 5 §1: "OGRS score (computed by iomhub.rules.ogrs3 where the inputs are known, or entered)";
002 §4 asks every referral to weigh it).

The inputs (reference/instruments.md §3, after Hansard 22 January 2009) and where they come from:

- sex: the person's record (male or female; OGRS3 has no other coefficients);
- sanctions: the convictions and cautions on the justice record (``CourtOutcome``) up to the day,
  the current one included; the latest is the *current* sanction, the earliest the *first*;
- offence group: the OGRS3 group of the current sanction's offences (from the Home Office offence
  catalogue; the first offence that has one);
- start of follow-up: the release date of a custodial sentence passed on or after the current
  conviction (if the person has been released), else the date of the current sanction;
- ages: whole years from the date of birth to each of those dates.

Where an input is missing the score is not computed and the reason is given, so the referrer can
enter a score from OASys instead.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from iomhub.rules import ogrs3 as rules_ogrs3
from iomhub.rules.dates import whole_years_between

if TYPE_CHECKING:
    from iomhub.justice.models import CourtOutcome, Sentence
    from iomhub.people.models import Person


@dataclass(frozen=True)
class OgrsDerivation:
    """The OGRS3 result (or None) and how each input was found, or why it could not be."""

    result: rules_ogrs3.Ogrs3Result | None
    inputs: tuple[str, ...] = ()
    missing: str = ""

    @property
    def computed(self) -> bool:
        return self.result is not None


def derive(person: Person, as_of: datetime.date) -> OgrsDerivation:
    """OGRS3 from ``person``'s record and justice record as on ``as_of``. Callers have authorised
    the read of the person's justice section."""
    return derive_many([person], as_of)[person.pk]


def derive_many(people: Sequence[Person], as_of: datetime.date) -> dict[int, OgrsDerivation]:
    """OGRS3 for each of ``people`` as on ``as_of``, as :func:`derive` gives it for one, with the
    justice record read in bulk (a few queries however many people: the candidate list screens a
    whole area). Callers have authorised the read of the people's justice section."""
    return derive_each([(p, as_of) for p in people])


def derive_each(people_on: Sequence[tuple[Person, datetime.date]]) -> dict[int, OgrsDerivation]:
    """OGRS3 for each (person, day), each as on their own day (the matched comparison scores everyone
    at their index date), from the same few queries. One day per person."""
    from iomhub.justice.models import CourtOutcome, Sentence

    if not people_on:
        return {}
    ids = [p.pk for p, _ in people_on]
    latest = max(day for _, day in people_on)
    sanctions: dict[int, list[CourtOutcome]] = defaultdict(list)
    for outcome in (
        CourtOutcome.objects.filter(person_id__in=ids, decided_on__lte=latest)
        .order_by("person_id", "decided_on", "id")
        .prefetch_related("offences__code")
    ):
        sanctions[outcome.person_id].append(outcome)
    released: dict[int, list[Sentence]] = defaultdict(list)
    for sentence in Sentence.objects.filter(person_id__in=ids, release_date__isnull=False).order_by("person_id", "sentenced_on", "id"):
        released[sentence.person_id].append(sentence)
    return {p.pk: _derive(p, day, [o for o in sanctions[p.pk] if o.decided_on <= day], released[p.pk]) for p, day in people_on}


def _derive(person: Person, as_of: datetime.date, sanctions: list[CourtOutcome], released_sentences: list[Sentence]) -> OgrsDerivation:
    """One person's OGRS3 from their sanctions up to ``as_of`` (oldest first) and their sentences with
    a release date (in sentence order)."""
    from iomhub.justice.models import Disposal

    if person.sex not in ("male", "female"):
        return OgrsDerivation(None, missing="The person's sex is not recorded as male or female, which OGRS3 needs.")
    if not sanctions:
        return OgrsDerivation(None, missing="No conviction or caution is recorded on the justice record.")
    first, current = sanctions[0], sanctions[-1]
    groups = [o.code.ogrs3_group for o in sorted(current.offences.all(), key=lambda o: o.pk) if o.code.ogrs3_group]
    if not groups:
        return OgrsDerivation(
            None, missing=f"The current conviction or caution ({current.decided_on:%-d %B %Y}) has no offence with an OGRS3 offence group."
        )
    followup, followup_why = current.decided_on, f"the date of the current sanction, {current.decided_on:%-d %B %Y}"
    if current.disposal == Disposal.CUSTODY:
        released = next((s for s in released_sentences if s.sentenced_on >= current.decided_on), None)
        release = released.effective("release_date") if released is not None else None
        if isinstance(release, datetime.date) and release <= as_of:
            followup, followup_why = release, f"release from custody on {release:%-d %B %Y}"
        else:
            return OgrsDerivation(
                None, missing="The person has not yet been released from the custodial sentence of the current conviction."
            )
    dob = person.date_of_birth
    ages = {
        "followup": whole_years_between(dob, followup),
        "current": whole_years_between(dob, current.decided_on),
        "first": whole_years_between(dob, first.decided_on),
    }
    try:
        result = rules_ogrs3.ogrs3(
            sex=person.sex,
            age_at_start_of_followup=ages["followup"],
            age_at_current_conviction=ages["current"],
            age_at_first_sanction=ages["first"],
            total_sanctions=len(sanctions),
            offence_group=groups[0],
        )
    except ValueError as exc:
        return OgrsDerivation(None, missing=f"The justice record does not give valid OGRS3 inputs: {exc}.")
    return OgrsDerivation(
        result,
        inputs=(
            f"Sex: {person.sex} (person's record)",
            f"Sanctions: {len(sanctions)} convictions or cautions on the justice record, the current one included",
            f"Current sanction: {current.get_disposal_display().lower()} on {current.decided_on:%-d %B %Y}, aged {ages['current']}",
            f"First sanction: {first.decided_on:%-d %B %Y}, aged {ages['first']}",
            f"Offence group: {groups[0]} (the current sanction's offence, from the offence catalogue)",
            f"Start of follow-up: {followup_why}, aged {ages['followup']}",
        ),
    )
