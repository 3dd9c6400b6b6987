"""Proven reoffending of a registration cohort: hand-worked answers, and the same answer as
``iomhub.rules.reoffending`` given the same events written out by hand."""

from __future__ import annotations

import datetime

import pytest

from iomhub.access.models import Role
from iomhub.cohort.models import Registration
from iomhub.justice.models import CourtOutcome, CustodyEpisode, Offence, OffenceCode
from iomhub.reporting import selectors
from iomhub.rules import reoffending
from tests.factories import PersonFactory, TeamFactory

D = datetime.date
AS_OF = D(2026, 9, 30)

# (person, registrations, offences as (committed, proven)); cohort: registered 1 Jan to 30 Jun 2024.
# R1 registered 1 Feb 2024 (and again 15 Jun 2024: the first counts). After: offence 1 May 2024,
#   convicted 1 June 2024 -> counted. Before window 1 Feb 2023 - 31 Jan 2024: offence 1 Jun 2023 -> counted.
# R2 registered 1 Mar 2024. After: offence 28 Feb 2025 (the follow-up's last day), convicted 31 Aug
#   2025 (the waiting period's last day) -> counted.
# R3 registered 1 Apr 2024. After: offence 1 Jun 2024 convicted 1 Nov 2025, after the waiting
#   period (30 Sep 2025) -> not counted. Before: offence 1 Oct 2023 convicted 1 Nov 2023 -> counted.
# R4 registered 1 May 2024. After: none. Before: offence 1 Dec 2023 cautioned 10 Dec 2023 -> counted;
#   offence 30 Apr 2023, a day before the window -> not counted.
# R5 registered 1 Jul 2024: outside the cohort.
# After: 4 people, 2 reoffenders (R1, R2), 2 reoffences -> 50%, 1.0 per reoffender, 0.5 per person.
# Before: 4 people, 3 (R1, R3, R4), 3 offences -> 75%. Reduction 1 - 0.5 / 0.75 = 33.3%: met.
PEOPLE = {
    "R1": ([D(2024, 2, 1), D(2024, 6, 15)], [(D(2024, 5, 1), D(2024, 6, 1)), (D(2023, 6, 1), D(2023, 7, 1))]),
    "R2": ([D(2024, 3, 1)], [(D(2025, 2, 28), D(2025, 8, 31))]),
    "R3": ([D(2024, 4, 1)], [(D(2024, 6, 1), D(2025, 11, 1)), (D(2023, 10, 1), D(2023, 11, 1))]),
    "R4": ([D(2024, 5, 1)], [(D(2023, 12, 1), D(2023, 12, 10)), (D(2023, 4, 30), D(2023, 5, 20))]),
    "R5": ([D(2024, 7, 1)], [(D(2024, 8, 1), D(2024, 9, 1))]),
}


@pytest.fixture
def team(partnership):
    team = TeamFactory(name="Reoffending team")
    code = OffenceCode.objects.get(code="28E")
    for key, (registrations, offences) in PEOPLE.items():
        person = PersonFactory(first_name=f"Cohort{key}", managing_team=team)
        for i, start in enumerate(registrations):
            end = registrations[i + 1] - datetime.timedelta(days=1) if i + 1 < len(registrations) else None
            Registration.objects.create(person=person, started_on=start, ended_on=end, rag="amber")
        for committed, proven in offences:
            offence = Offence.objects.create(person=person, code=code, committed_on=committed)
            outcome = CourtOutcome.objects.create(
                person=person, decided_on=proven, disposal="caution" if proven == D(2023, 12, 10) else "fine"
            )
            outcome.offences.add(offence)
    return team


def report(partnership, team, role=Role.PERFORMANCE_LEAD):
    return selectors.proven_reoffending(
        user=partnership.users[role], cohort_from=D(2024, 1, 1), cohort_to=D(2024, 6, 30), team_id=team.pk, as_of=AS_OF
    )


def test_hand_worked_figures(partnership, team):
    found = report(partnership, team)
    assert (found.after.cohort, found.after.reoffenders, found.after.reoffences) == (4, 2, 2)
    assert (found.after.rate, found.after.per_reoffender, found.after.per_offender) == (0.5, 1.0, 0.5)
    assert (found.before.cohort, found.before.reoffenders, found.before.reoffences) == (4, 3, 3)
    assert found.before.rate == 0.75
    assert found.target.reduction == pytest.approx(1 / 3)
    assert found.target.met is True
    # Wilson 95% for 2 of 4, by hand: centre 0.5, half-width 1.96 * sqrt(0.0625 + 0.060025) / 1.9604 = 0.350
    assert found.interval == pytest.approx((0.150, 0.850), abs=5e-4)


def test_agrees_with_the_rules_on_the_same_events(partnership, team):
    by_key = {key: i for i, key in enumerate(PEOPLE)}
    index = [(by_key[k], regs[0]) for k, (regs, _) in PEOPLE.items() if D(2024, 1, 1) <= regs[0] <= D(2024, 6, 30)]
    offences = [(by_key[k], committed, proven) for k, (_, events) in PEOPLE.items() for committed, proven in events]
    expected = reoffending.proven_reoffending(index_events=index, proven_offences=offences, as_of=AS_OF)
    found = report(partnership, team).after
    assert (found.cohort, found.reoffenders, found.reoffences, found.rate, found.per_offender, found.per_reoffender) == (
        expected.cohort,
        expected.reoffenders,
        expected.reoffences,
        expected.rate,
        expected.per_offender,
        expected.per_reoffender,
    )


def test_people_still_in_their_waiting_period_are_not_counted_yet(partnership, team):
    # On 1 September 2025 R2 (waiting period to 31 August 2025) is measured, R3 (to 30 September) and R4 are not.
    found = selectors.proven_reoffending(
        user=partnership.users[Role.CHAIR], cohort_from=D(2024, 1, 1), cohort_to=D(2024, 6, 30), team_id=team.pk, as_of=D(2025, 9, 1)
    )
    assert (found.after.cohort, found.after.not_yet_measurable) == (2, 2)
    assert found.before.cohort == 2


def test_a_cohort_ending_before_it_starts_is_refused(partnership, team):
    with pytest.raises(ValueError, match="cohort end"):
        selectors.proven_reoffending(user=partnership.users[Role.CHAIR], cohort_from=D(2024, 6, 1), cohort_to=D(2024, 1, 1))


def test_offending_at_liberty_reproduces_the_reference_worked_example(partnership):
    """outcomes.md §9.2 built in the database (tests/rules/test_liberty.py holds the same events):
    pooled 10 offences over 610 days at liberty before, 3 over 470 after."""
    from tests.rules.test_liberty import CUSTODY, OFFENCES, REGISTRATIONS

    team = TeamFactory(name="Worked example team")
    code = OffenceCode.objects.get(code="28E")
    people = {key: PersonFactory(first_name=f"Worked{key}", managing_team=team) for key, _ in REGISTRATIONS}
    for key, start in REGISTRATIONS:
        Registration.objects.create(person=people[key], started_on=start, rag="amber")
    for key, received, released in CUSTODY:
        CustodyEpisode.objects.create(person=people[key], kind="sentenced", prison="HMP Example", started_on=received, ended_on=released)
    for key, committed in OFFENCES:
        Offence.objects.create(person=people[key], code=code, committed_on=committed)
    found = selectors.proven_reoffending(
        user=partnership.users[Role.EVALUATOR], cohort_from=D(2023, 1, 1), cohort_to=D(2023, 2, 28), team_id=team.pk, as_of=D(2025, 1, 1)
    ).liberty
    assert (found.before.offences, found.before.liberty_days, found.after.offences, found.after.liberty_days) == (10, 610, 3, 470)
    assert found.reduction == pytest.approx(0.611, abs=0.0005)
    assert found.rate_ratio_ci == pytest.approx((0.11, 1.41), abs=0.005)


def test_the_cost_of_offending_before_and_after_uses_the_home_office_unit_costs(client, partnership):
    """Before: two personal robberies (RR99: £11,320 each) = £22,640; after: a theft from a vehicle
    (£870) and a domestic burglary, whose unit cost is not known and is listed, not guessed."""
    team = TeamFactory(name="Cost team")
    person = PersonFactory(first_name="Costed", managing_team=team)
    Registration.objects.create(person=person, started_on=D(2024, 1, 1), rag="amber")
    for code, committed in (("34B", D(2023, 3, 1)), ("34B", D(2023, 9, 1)), ("45", D(2024, 2, 1)), ("28E", D(2024, 5, 1))):
        Offence.objects.create(person=person, code=OffenceCode.objects.get(code=code), committed_on=committed)
    found = selectors.proven_reoffending(
        user=partnership.users[Role.PERFORMANCE_LEAD], cohort_from=D(2024, 1, 1), cohort_to=D(2024, 1, 31), team_id=team.pk, as_of=AS_OF
    )
    assert (found.cost_before.total_pounds, found.cost_before.counted) == (22640, 2)
    assert (found.cost_after.total_pounds, found.cost_after.counted, found.cost_after.unknown_categories) == (
        870,
        1,
        ("domestic-burglary",),
    )
    client.force_login(partnership.users[Role.PERFORMANCE_LEAD])
    page = client.get("/reports/reoffending/", {"from": "2024-01-01", "to": "2024-01-31", "team": team.pk}).content.decode()
    assert '<td class="govuk-table__cell govuk-table__cell--numeric" data-figure="cost-before">£22640</td>' in page
    assert "No unit cost is known for: Domestic burglary" in page


def test_change_in_pathway_needs_from_the_first_to_the_latest_assessment(partnership, team):
    """R1: accommodation red (Jan 2024) -> amber (Mar 2024) -> green (Jun 2024): first red, latest
    green, improved; ETE amber then amber: same. R2: accommodation green -> red: worse. R3: one
    assessment only: not counted. Accommodation: 2 people, red at first 1, at latest 1, improved 1,
    worse 1; ETE: 1 person, same."""
    from iomhub.casework.models import PathwayAssessment, PathwayNeed

    people = {p.first_name: p for p in team.people.all()}
    assessor = partnership.users[Role.PROBATION_OFFICER]

    def assess(key, day, **ratings):
        made = PathwayAssessment.objects.create(person=people[f"Cohort{key}"], assessed_on=day, assessed_by=assessor, assessed_by_name="PO")
        for pathway, rag in ratings.items():
            PathwayNeed.objects.create(assessment=made, pathway=pathway, rag=rag)

    assess("R1", D(2024, 1, 10), accommodation="red", ete="amber")
    assess("R1", D(2024, 6, 10), accommodation="green", ete="amber")
    assess("R1", D(2024, 3, 10), accommodation="amber")
    assess("R2", D(2024, 3, 5), accommodation="green")
    assess("R2", D(2024, 9, 5), accommodation="red")
    assess("R3", D(2024, 4, 5), accommodation="red")
    needs = dict(report(partnership, team).needs)
    accommodation, ete = needs["Accommodation"], needs["Education, training and employment"]
    assert (accommodation.people, accommodation.red_first, accommodation.red_latest, accommodation.improved, accommodation.worse) == (
        2,
        1,
        1,
        1,
        1,
    )
    assert (ete.people, ete.same) == (1, 1)
    assert list(needs) == ["Accommodation", "Education, training and employment"]
