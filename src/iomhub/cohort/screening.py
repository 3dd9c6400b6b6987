"""Eligibility screening of a person on a date, and the candidate list (issue 5 §3-4).

The rules are ``iomhub.rules.eligibility.screen`` (000 §5.7: six or more arrests in a rolling twelve
months, PPO, short custody, high risk of non-compliance with a community order, residents only;
003: neighbourhood crime; 002 §4: under 18 → youth route, MAPPA 3 not IOM-managed, MAPPA 2 dual
management; 002 appendix 2: priority groups). This module gathers the facts those rules need and
screens, in bulk (a fixed number of queries however many people: the candidate list screens the area).

Where the facts come from (ADR 0008):
- date of birth: the person's record;
- PPO: the person's current IOM registration flag;
- arrests, offences with their neighbourhood-crime category, custodial sentences, community-order
  compliance and the **MAPPA level**: the justice record, through ``justice.selectors.screening_facts``
  (the MAPPA level is the person's ``justice.MappaManagement`` record in force, the one record of it,
  also read by the deregistration rules); while none is recorded, level 1 when a submitted referral
  the reader may see ticked the "MAPPA 1" priority group;
- **priority groups**: the groups answered Y on the submitted referrals the reader may see (referred
  on or before the day screened);
- **residence**: the postcode of the person's current address on the day, against the postcode areas
  and districts the local teams cover (``access.Team.postcodes``, set by the coordinator), by
  ``iomhub.rules.area``; not known (no area set, no current address, no fixed abode, no postcode, or
  the reader does not see addresses) is not evidence and never counts as outside;
- **OGRS3** (for ranking candidates, issue 5 §4): ``iomhub.referrals.ogrs.derive_many``, the same
  derivation a referral shows, from the justice record.

Screening many people (the candidate list, the whole population in ``rebuild``-style jobs and the
benchmark, issue 15 §4) does per person only what the rule needs: a person is anything with ``pk``
and ``date_of_birth`` (``Subject``: two columns, not a model instance), the justice facts are only
the ones the rule can use on the day (``screening_read.facts_on``, when the caller has not read them),
and the own records are read as plain values, each in one query for the whole batch.

JUSTICE ADAPTER: the justice app provides
``iomhub.justice.selectors.screening_facts(*, person_ids: list[int] | None, as_of: date) -> dict[int, JusticeFacts]``
returning, for each person id, ``iomhub.rules.eligibility.JusticeFacts`` (people with no justice record may be
left out); ``person_ids=None`` asks for everyone with any arrest, offence or sentence in the twelve
months up to ``as_of`` (the candidate list). If that function is missing, ``justice_facts`` answers
None, the pages say that the justice record is not available, and screening uses only the facts above.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, NamedTuple, Protocol

from iomhub.cohort.screening_read import facts_on, may_qualify, of_people, ppo_people, priority_groups
from iomhub.justice.selectors import screening_facts
from iomhub.pg_arrays import Ids, one_of
from iomhub.rules import eligibility
from iomhub.rules.eligibility import JusticeFacts

if TYPE_CHECKING:
    from iomhub.access.models import User
    from iomhub.people.models import Person
    from iomhub.referrals.ogrs import OgrsDerivation


class Screenable(Protocol):
    """What screening needs of a person's own record: a ``people.Person`` is one."""

    @property
    def pk(self) -> int: ...

    @property
    def date_of_birth(self) -> datetime.date: ...


class Subject(NamedTuple):
    """A person to screen, as two columns (``subjects``): what a batch of thousands needs."""

    pk: int
    date_of_birth: datetime.date


def subjects(person_ids: Iterable[int] | None = None) -> list[Subject]:
    """The people with ``person_ids`` (all, when None) not merged into another record, as
    ``Subject`` in id order."""
    from iomhub.people.models import Person

    rows = Person.objects.filter(merged_into__isnull=True).order_by("pk").values_list("pk", "date_of_birth")
    if person_ids is not None:
        return [Subject(pk, born) for pk, born in sorted(one_of(rows, "pk", person_ids))]
    return [Subject(pk, born) for pk, born in rows]


def justice_facts(person_ids: list[int] | None, as_of: datetime.date) -> dict[int, JusticeFacts] | None:
    """Facts for ``person_ids``, or (None) for everyone with a justice event in the twelve months up
    to ``as_of``, from the justice record (a layer below cohort, ADR 0032)."""
    return screening_facts(person_ids=person_ids, as_of=as_of)


@dataclass(frozen=True)
class Screening:
    person_id: int
    as_of: datetime.date
    result: eligibility.ScreeningResult
    justice_available: bool
    facts: JusticeFacts = field(default_factory=JusticeFacts)
    residence: str = ""  # how residence was decided, or why it is not known
    ogrs3: OgrsDerivation | None = None

    @property
    def ogrs3_percent(self) -> int | None:
        return self.ogrs3.result.two_year_percent if self.ogrs3 is not None and self.ogrs3.result is not None else None

    @property
    def arrests_in_year(self) -> int:
        return eligibility.arrests_in_rolling_year(arrest_dates=self.facts.arrest_dates, as_of=self.as_of)

    @property
    def last_arrest(self) -> datetime.date | None:
        past = [d for d in self.facts.arrest_dates if d <= self.as_of]
        return max(past) if past else None


@dataclass(frozen=True)
class OwnFacts:
    """What IOM Hub's own records say about one person on the day screened."""

    ppo: bool = False
    referral_mappa: int | None = None  # 1 when a submitted referral ticked "MAPPA 1"
    priority_groups: tuple[str, ...] = ()  # the labels of the groups answered Y
    resident_in_area: bool | None = None
    residence: str = ""


def area_coverage() -> dict[str, list[str]]:
    """The partnership's area: each postcode area or district a local team covers, with the teams."""
    from iomhub.access.models import Team
    from iomhub.rules.area import parse_coverage

    covered: dict[str, list[str]] = {}
    for name, postcodes in Team.objects.exclude(postcodes="").order_by("name").values_list("name", "postcodes"):
        try:
            entries = parse_coverage(postcodes)
        except ValueError:
            continue  # stored through the service, so always valid; a bad row is not evidence
        for entry in entries:
            covered.setdefault(entry, []).append(name)
    return covered


def _current_addresses(batch: Ids, as_of: datetime.date) -> dict[int, tuple[str, bool]]:
    """Each person's address on ``as_of`` (moved in on or before it, or undated, and not yet left),
    as (postcode, no fixed abode); where several are current, the one moved into last."""
    from django.db.models import F, Q

    from iomhub.people.models import Address

    found: dict[int, tuple[str, bool]] = {}
    current = (
        Address.objects.filter(Q(from_date__isnull=True) | Q(from_date__lte=as_of))
        .filter(Q(to_date__isnull=True) | Q(to_date__gte=as_of))
        .order_by("person_id", F("from_date").asc(nulls_first=True), "id")
        .values_list("person_id", "postcode", "no_fixed_abode")
    )
    for pid, postcode, no_fixed_abode in of_people(current, batch):
        found[pid] = (postcode, no_fixed_abode)
    return found


def _residence(address: tuple[str, bool] | None, covered: dict[str, list[str]]) -> tuple[bool | None, str]:
    """Whether the current address (postcode, no fixed abode) is in the area, and how that was decided."""
    from iomhub.rules.area import covering_entry, resident_in_area

    if not covered:
        return None, "Not known: the postcodes the local teams cover are not set"
    if address is None:
        return None, "Not known: no current address recorded"
    postcode, no_fixed_abode = address
    if no_fixed_abode:
        return None, "Not known: no fixed abode"
    resident = resident_in_area(coverage=covered, postcode=postcode)
    if resident is None:
        return None, "Not known: the current address has no postcode"
    if resident:
        entry = covering_entry(covered, postcode) or ""
        return True, f"Lives in the area: current address {postcode} ({entry}, {', '.join(covered[entry])})"
    return False, f"Lives outside the area: current address {postcode} is in none of the postcodes the local teams cover"


def own_sections_shared(user: User | None) -> dict[str, bool]:
    """Whether ``user`` sees each section screening reads beyond the justice record: plan (the
    registration's PPO flag, the referrals' priority groups and MAPPA 1) and contact (the current
    address, for residence). Facts of a section not shared are not screened; ``None`` (internal
    use) sees both."""
    from iomhub.access.models import Section
    from iomhub.access.policy import sections_for

    sections = sections_for(user) if user is not None else frozenset({Section.PLAN, Section.CONTACT})
    return {Section.PLAN: Section.PLAN in sections, Section.CONTACT: Section.CONTACT in sections}


def _own_facts(people: Sequence[Screenable], batch: Ids, as_of: datetime.date, user: User | None) -> dict[int, OwnFacts]:
    """PPO, MAPPA 1 and priority groups from submitted referrals, and residence, from IOM Hub's own
    records. With ``user``, only the referrals that user may see count, PPO and priority groups only
    when the user sees the plan section (:func:`own_sections_shared`), and residence only when the
    user sees addresses (the contact section); without (internal use), everything. Four queries;
    people with the same own facts share one ``OwnFacts`` (most have none but their residence)."""
    from iomhub.access.models import Section
    from iomhub.referrals.models import PriorityGroup

    ids = [p.pk for p in people]
    shared = own_sections_shared(user)
    # PPO is the registration's and priority groups the referral's (both plan): a reader without
    # plan is screened without them, as one without contact is without residence, so neither the
    # criteria nor the result says whether they hold (ADR 0010 §4).
    sees_plan = shared[Section.PLAN]
    ppo = ppo_people(batch) if sees_plan else set()
    groups = priority_groups(batch, as_of, user) if sees_plan else {}
    sees_addresses = shared[Section.CONTACT]
    covered = area_coverage() if sees_addresses else {}
    addresses = _current_addresses(batch, as_of) if sees_addresses else {}
    labels = dict(PriorityGroup.choices)
    order = list(PriorityGroup.values)
    same: dict[tuple[object, ...], OwnFacts] = {}  # the same facts, one object
    residences: dict[tuple[str, bool] | None, tuple[bool | None, str]] = {}  # a postcode decided once
    facts = {}
    for pk in ids:
        ticked = groups.get(pk)
        if sees_addresses:
            address = addresses.get(pk)
            residence = residences.get(address)
            if residence is None:
                residence = residences[address] = _residence(address, covered)
        else:
            residence = (None, "Not known: addresses are not shared with you")
        key = (pk in ppo, residence) if not ticked else (pk,)
        mine = same.get(key)
        if mine is None:
            mine = OwnFacts(
                ppo=pk in ppo,
                referral_mappa=1 if ticked and PriorityGroup.MAPPA_1 in ticked else None,
                priority_groups=tuple(str(labels[g]) for g in order if g in ticked) if ticked else (),
                resident_in_area=residence[0],
                residence=residence[1],
            )
            if not ticked:
                same[key] = mine
        facts[pk] = mine
    return facts


_NO_FACTS = JusticeFacts()


def screen_people(
    people: Sequence[Screenable],
    as_of: datetime.date,
    *,
    user: User | None = None,
    read: Mapping[int, JusticeFacts] | None = None,
    eligible_only: bool = False,
    ogrs3: bool = True,
) -> list[Screening]:
    """Screen each person on ``as_of`` (pure rules, facts gathered in bulk: a few queries in all).
    ``people``: ``Person`` records or ``Subject`` (``subjects``). ``user`` limits the referrals and
    addresses read to what that user may see (see ``_own_facts``); ``read``: the justice facts already
    read on ``as_of`` (``justice_facts``) for at least these people, so they are not read twice (the
    candidate list); otherwise only the facts the rule can use on ``as_of`` are read
    (``screening_read.facts_on``: the answers, evidence and ranking keys are the same).
    ``eligible_only``: return only those who meet the criteria. ``ogrs3=False`` leaves OGRS3 (which
    decides no criterion, only ranks and informs) for the caller to add with :func:`with_ogrs3` where
    it is needed: the candidate list screens a whole area and needs it only near the top
    (:func:`top_candidates`). The caller has authorised the people and their justice section, and
    audits."""
    batch = Ids(p.pk for p in people)
    facts = read if read is not None else facts_on(batch, as_of)
    own = _own_facts(people, batch, as_of, user)
    screen = eligibility.screen
    nothing: dict[tuple[int | None, bool | None], JusticeFacts] = {}
    results = []
    for person in people:
        born = person.date_of_birth
        if born > as_of:
            continue  # not born yet on that date: nothing to screen
        pk = person.pk
        found = facts.get(pk, _NO_FACTS)
        mine = own[pk]
        mappa = found.mappa_level if found.mappa_level is not None else mine.referral_mappa
        resident = found.resident_in_area if found.resident_in_area is not None else mine.resident_in_area
        if mappa != found.mappa_level or resident != found.resident_in_area:
            if found is _NO_FACTS:  # most people: one shared object for each MAPPA level and residence
                found = nothing.get((mappa, resident)) or nothing.setdefault(
                    (mappa, resident), JusticeFacts(mappa_level=mappa, resident_in_area=resident)
                )
            else:
                found = JusticeFacts(
                    arrest_dates=found.arrest_dates,
                    offences=found.offences,
                    custodial_sentences=found.custodial_sentences,
                    community_order_non_compliance=found.community_order_non_compliance,
                    mappa_level=mappa,
                    resident_in_area=resident,
                    ogrs3_two_year=found.ogrs3_two_year,
                )
        result = screen(
            as_of=as_of,
            date_of_birth=born,
            arrest_dates=found.arrest_dates,
            offences=found.offences,
            custodial_sentences=found.custodial_sentences,
            ppo=mine.ppo,
            community_order_non_compliance=found.community_order_non_compliance,
            mappa_level=mappa,
            resident_in_area=resident,
            priority_groups=mine.priority_groups,
        )
        if result.eligible or not eligible_only:
            results.append(Screening(pk, as_of, result, True, found, mine.residence))
    if ogrs3:
        results = with_ogrs3(results, _people_records(people, results))
    return results


def eligible_people(people: Sequence[Screenable], as_of: datetime.date, *, user: User | None = None) -> list[Screening]:
    """The screenings of those of ``people`` who are eligible on ``as_of``, as
    ``screen_people(people, as_of, user=user, eligible_only=True, ogrs3=False)`` gives them, for
    many people at once (the whole population, issue 15 §4): the database first keeps those
    ``rules.eligibility.may_be_eligible`` allows (``screening_read.may_qualify``: a necessary
    condition, so nobody eligible is dropped), and the rule screens only them."""
    kept = set(may_qualify((p.pk for p in people), as_of))
    return screen_people([p for p in people if p.pk in kept], as_of, user=user, eligible_only=True, ogrs3=False)


def _people_records(people: Sequence[Screenable], screenings: Sequence[Screening]) -> dict[int, Person]:
    """The ``Person`` records of the people screened, for OGRS3 (read when given as ``Subject``)."""
    from iomhub.people.models import Person

    records: dict[int, Person] = {p.pk: p for p in people if isinstance(p, Person)}
    missing = [s.person_id for s in screenings if s.person_id not in records]
    if missing:
        records.update(Person.objects.in_bulk(missing))
    return records


def with_ogrs3(screenings: Sequence[Screening], people: Mapping[int, Person]) -> list[Screening]:
    """The screenings with each person's OGRS3 on their date (``referrals.ogrs.derive_many``: the
    justice record read in bulk), unless the facts already carried a score."""
    from iomhub.referrals.ogrs import derive_many

    if not screenings:
        return []
    as_of = screenings[0].as_of
    ogrs = derive_many([people[s.person_id] for s in screenings], as_of)
    results = []
    for screening in screenings:
        derivation = ogrs.get(screening.person_id)
        found = screening.facts
        if found.ogrs3_two_year is None and derivation is not None and derivation.result is not None:
            found = replace(found, ogrs3_two_year=derivation.result.two_year)
        results.append(replace(screening, facts=found, ogrs3=derivation))
    return results


def top_candidates(screenings: Sequence[Screening], people: Mapping[int, Person], *, limit: int) -> list[Screening]:
    """The first ``limit`` screenings by :func:`rank_key`, with OGRS3. OGRS3 is the third key, so
    it is derived only for those whose arrests and latest arrest (the first two) place them ahead
    of the cut-off or level with it - exactly the order ranking everyone would give."""

    def evidence(screening: Screening) -> tuple[float, ...]:
        return rank_key(screening)[:2]

    by_evidence = sorted(screenings, key=evidence)
    if len(by_evidence) > limit > 0:
        cut = evidence(by_evidence[limit - 1])
        by_evidence = [s for s in by_evidence if evidence(s) <= cut]
    return sorted(with_ogrs3(by_evidence, people), key=rank_key)[:limit]


def rank_key(screening: Screening) -> tuple[float, ...]:
    """Candidates by evidence: more arrests in the year, then the most recent arrest, then OGRS3,
    then more criteria met; the record's id last, so the order never depends on how rows came back."""
    last = screening.last_arrest
    return (
        -screening.arrests_in_year,
        -(last.toordinal() if last else 0),
        -(screening.facts.ogrs3_two_year or 0.0),
        -len(screening.result.criteria),
        screening.person_id,
    )
