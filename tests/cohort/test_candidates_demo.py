"""Issue 5 done-when: "Candidate list on the demo data lists exactly the unregistered people meeting
the criteria". The demo partnership is loaded; the list the coordinator sees is compared with the
rules (``iomhub.rules.eligibility.screen``) applied independently to every person's raw justice
rows (arrests, offences, sentences, warrants, MAPPA records, current addresses against the teams'
postcodes), less the people on IOM now and the people the coordinator may not see."""

from __future__ import annotations

import datetime
from collections import defaultdict

import pytest

from iomhub import clock
from iomhub.access.models import Team, User
from iomhub.cohort.models import Registration
from iomhub.cohort.selectors import candidate_list
from iomhub.demo import load_demo
from iomhub.justice.models import Arrest, CourtOutcome, Disposal, MappaManagement, Offence, Sentence, Warrant
from iomhub.people.models import Address, Person
from iomhub.rules import area, eligibility
from iomhub.rules.dates import add_months

AS_OF = datetime.date(2026, 11, 1)  # the demo's justice records are built up to this day


def expected_candidates(as_of: datetime.date) -> set[int]:
    """Every demo person screened from their raw rows: nothing shared with the candidate list's code
    but the rules themselves."""
    arrests: dict[int, list[datetime.date]] = defaultdict(list)
    for pid, day in Arrest.objects.filter(arrested_on__lte=as_of).values_list("person_id", "arrested_on"):
        arrests[pid].append(day)
    offences: dict[int, list[tuple[datetime.date, str]]] = defaultdict(list)
    for pid, day, category in Offence.objects.filter(committed_on__lte=as_of).values_list(
        "person_id", "committed_on", "code__neighbourhood_crime"
    ):
        offences[pid].append((day, category or "other"))
    custody: dict[int, list[tuple[datetime.date, int]]] = defaultdict(list)
    for pid, day, length in Sentence.objects.filter(sentenced_on__lte=as_of, length_days__isnull=False).values_list(
        "person_id", "sentenced_on", "length_days"
    ):
        custody[pid].append((day, length))
    year_ago = add_months(as_of, -12)
    breached = set(Warrant.objects.filter(kind="breach", issued_on__gt=year_ago, issued_on__lte=as_of).values_list("person_id", flat=True))
    on_order = set(
        CourtOutcome.objects.filter(disposal__in=[Disposal.COMMUNITY, Disposal.SUSPENDED], decided_on__lte=as_of).values_list(
            "person_id", flat=True
        )
    )
    on_iom = set(Registration.objects.filter(ended_on__isnull=True).values_list("person_id", flat=True))
    ppo = set(Registration.objects.filter(ended_on__isnull=True, ppo=True).values_list("person_id", flat=True))
    mappa: dict[int, int | None] = {}
    for pid, level in MappaManagement.objects.filter(from_date__lte=as_of).order_by("from_date", "id").values_list("person_id", "level"):
        mappa[pid] = level
    coverage = [entry for t in Team.objects.all() for entry in area.parse_coverage(t.postcodes)]
    address: dict[int, tuple[datetime.date, str]] = {}
    for pid, since, until, postcode in Address.objects.values_list("person_id", "from_date", "to_date", "postcode"):
        if (since is None or since <= as_of) and (until is None or until >= as_of):
            since = since or datetime.date.min
            if pid not in address or since > address[pid][0]:
                address[pid] = (since, postcode)
    found = set()
    for person in Person.objects.filter(restriction="", merged_into__isnull=True):
        if person.pk in on_iom or person.date_of_birth > as_of:
            continue
        result = eligibility.screen(
            as_of=as_of,
            date_of_birth=person.date_of_birth,
            arrest_dates=arrests[person.pk],
            offences=offences[person.pk],
            custodial_sentences=custody[person.pk],
            ppo=person.pk in ppo,
            community_order_non_compliance=person.pk in breached and person.pk in on_order,
            mappa_level=mappa.get(person.pk),
            resident_in_area=area.resident_in_area(coverage=coverage, postcode=address[person.pk][1]) if person.pk in address else None,
        )
        if result.eligible:
            found.add(person.pk)
    return found


@pytest.mark.django_db
def test_the_candidate_list_on_the_demo_is_exactly_the_unregistered_people_meeting_the_criteria():
    load_demo(people=300)
    coordinator = User.objects.get(username="coordinator")
    eligible_before = expected_candidates(AS_OF)
    assert len(eligible_before) >= 5, "the demo must give some people who meet the criteria"
    # Two of them go on IOM: they must leave the list.
    registered = sorted(eligible_before)[:2]
    for pk in registered:
        Registration.objects.create(person_id=pk, started_on=datetime.date(2026, 10, 1), rag="amber")

    with clock.frozen(AS_OF):
        listed = candidate_list(user=coordinator, as_of=AS_OF)

    expected = expected_candidates(AS_OF)
    assert expected == eligible_before - set(registered)
    assert listed.available
    assert {person.pk for person, _ in listed.rows} == expected
    assert all(s.result.eligible for _, s in listed.rows)
    # Ranked by evidence: arrests in the year, then the latest arrest, then OGRS3 (issue 5 §4).
    keys = [(s.arrests_in_year, s.last_arrest or datetime.date.min, s.facts.ogrs3_two_year or 0.0) for _, s in listed.rows]
    assert keys == sorted(keys, reverse=True)
    # The demo exercises the routes: people meeting a criterion but living outside the area or
    # MAPPA level 3 are left off; MAPPA level 2 (dual management) stays on, with its note.
    routes = meeting_a_criterion_with_a_route(AS_OF)
    listed_ids = {p.pk for p, _ in listed.rows}
    assert routes["outside-area"] and routes["mappa-3"], routes
    assert not (routes["outside-area"] | routes["mappa-3"]) & listed_ids
    assert routes["mappa-2-dual"] <= listed_ids
    assert set(MappaManagement.objects.values_list("level", flat=True)) >= {1, 2, 3}
    assert all(s.facts.resident_in_area is True for _, s in listed.rows)


def meeting_a_criterion_with_a_route(as_of: datetime.date) -> dict[str, set[int]]:
    """Demo people (not on IOM) with a criterion met and a route: outside the area or MAPPA 3 (kept
    off the list) or, eligible otherwise, MAPPA 2 (kept on it: dual management)."""
    coordinator = User.objects.get(username="coordinator")
    from iomhub.cohort.screening import screen_people

    on_iom = Registration.objects.filter(ended_on__isnull=True).values("person_id")
    people = list(Person.objects.filter(restriction="", merged_into__isnull=True).exclude(pk__in=on_iom))
    out: dict[str, set[int]] = {"outside-area": set(), "mappa-3": set(), "mappa-2-dual": set()}
    for s in screen_people(people, as_of, user=coordinator):
        if s.result.criteria:
            for code in out:
                if code in s.result.codes and (code != "mappa-2-dual" or s.result.eligible):
                    out[code].add(s.person_id)
    return out


@pytest.mark.django_db
def test_a_short_list_is_the_head_of_the_full_ranking_with_ogrs3_derived_only_where_it_could_count():
    """OGRS3 is derived only for people whose arrests and latest arrest could reach the top
    ``limit`` (``screening.top_candidates``): the short list must be exactly the head of the list
    ranked with everyone's OGRS3, ties at the cut-off included."""
    from iomhub.cohort.screening import rank_key, screen_people, with_ogrs3

    load_demo(people=300)
    coordinator = User.objects.get(username="coordinator")
    with clock.frozen(AS_OF):
        everyone = candidate_list(user=coordinator, as_of=AS_OF)
        people = {p.pk: p for p, _ in everyone.rows}
        full = sorted(with_ogrs3(screen_people(list(people.values()), AS_OF, user=coordinator, ogrs3=False), people), key=rank_key)
        assert any(s.ogrs3 is not None and s.ogrs3.result is not None for s in full), "the demo gives candidates an OGRS3"
        for limit in (1, 3, 7, len(full) // 2):
            short = candidate_list(user=coordinator, as_of=AS_OF, limit=limit)
            assert [s.person_id for _, s in short.rows] == [s.person_id for s in full[:limit]]
            assert [s.ogrs3_percent for _, s in short.rows] == [s.ogrs3_percent for s in full[:limit]]
