"""Each figure of the quarterly report and the overview against the hand-built dataset, whose
answers are worked out by hand in ``tests/reporting/dataset.py``."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from iomhub.access.models import AuditEvent, Role
from iomhub.reporting import selectors
from iomhub.rules.quarters import Quarter
from tests.reporting.dataset import AS_OF, EXPECTED_ALL, EXPECTED_OVERVIEW_A, EXPECTED_TEAM_A, QUARTER, build


@pytest.fixture
def data(partnership):
    return build(partnership)


def figures(report) -> dict[str, int | float]:
    return {f.key: f.count for t in report.tables for f in t.rows}


@pytest.mark.parametrize("key", sorted(EXPECTED_TEAM_A))
def test_each_figure_for_a_team(partnership, data, key):
    report = selectors.quarterly(user=partnership.users[Role.PERFORMANCE_LEAD], quarter=Quarter.parse(QUARTER), team_id=data.team_a.pk)
    assert figures(report)[key] == EXPECTED_TEAM_A[key]


@pytest.mark.parametrize("key", sorted(EXPECTED_ALL))
def test_each_figure_for_the_partnership(partnership, data, key):
    report = selectors.quarterly(user=partnership.users[Role.EVALUATOR], quarter=Quarter.parse(QUARTER))
    assert figures(report)[key] == EXPECTED_ALL[key]


def test_team_b_alone(partnership, data):
    found = figures(selectors.quarterly(user=partnership.users[Role.CHAIR], quarter=Quarter.parse(QUARTER), team_id=data.team_b.pk))
    assert (found["caseload-start"], found["caseload-end"], found["average-caseload"], found["recalls-standard"]) == (1, 1, 1.0, 1)
    assert (found["registrations"], found["exits"], found["referrals-submitted"]) == (0, 0, 0)


def test_the_next_quarter_moves_the_boundaries(partnership, data):
    """2026Q4 for team A: on 1 October P1, P2, P4 and P7 (who starts that day) are managed."""
    found = figures(selectors.quarterly(user=partnership.users[Role.CHAIR], quarter=Quarter.parse("2026Q4"), team_id=data.team_a.pk))
    assert found["caseload-start"] == 4
    assert found["registrations"] == 1  # P7
    assert found["reregistrations"] == 0


@pytest.mark.parametrize("key", sorted(EXPECTED_OVERVIEW_A))
def test_each_overview_figure(partnership, data, key):
    report = selectors.overview(user=partnership.users[Role.PERFORMANCE_LEAD], team_id=data.team_a.pk, as_of=AS_OF)
    assert figures(report)[key] == EXPECTED_OVERVIEW_A[key]


def test_the_overview_counts_by_team(partnership, data):
    report = selectors.overview(user=partnership.users[Role.COORDINATOR], as_of=AS_OF)
    by_team = {f.label: f.count for f in next(t for t in report.tables if t.key == "teams").rows}
    assert by_team == {"Northbridge IOM": 3, "Southmere IOM": 1}


def test_the_report_says_which_measures_it_cannot_support(partnership, data):
    report = selectors.quarterly(user=partnership.users[Role.CHAIR], quarter=Quarter.parse(QUARTER))
    measures = " ".join(m for m, _ in report.not_supported)
    for named in ("Settled accommodation", "Electronic monitoring", "DRR commencements", "Initial contacts by route"):
        assert named in measures


@pytest.mark.parametrize("role", [Role.POLICE_IOM_OFFICER, Role.PROBATION_OFFICER, Role.PARTNER_WORKER, Role.IG_LEAD, Role.SYSTEM_ADMIN])
def test_other_roles_are_refused_and_the_refusal_audited(partnership, data, role):
    user = partnership.users[role]
    with pytest.raises(PermissionDenied):
        selectors.quarterly(user=user, quarter=Quarter.parse(QUARTER))
    assert AuditEvent.objects.filter(actor=user, action="denied", object_type="report").exists()


def test_a_report_read_is_audited_as_a_search_naming_no_one(partnership, data):
    user = partnership.users[Role.PERFORMANCE_LEAD]
    selectors.quarterly(user=user, quarter=Quarter.parse(QUARTER), team_id=data.team_a.pk)
    event = AuditEvent.objects.filter(actor=user).latest("id")
    assert (event.action, event.object_type, event.object_id, event.person_id) == ("search", "report", "quarterly 2026Q3", None)
    assert event.changes == {"quarter": "2026Q3", "team": data.team_a.pk}


def test_drill_down_shows_the_chair_the_people_they_see(partnership, data):
    chair = partnership.users[Role.CHAIR]
    report = selectors.quarterly(user=chair, quarter=Quarter.parse(QUARTER), team_id=data.team_a.pk, people=True)
    people = selectors.drill_down(user=chair, report=report, key="exits-unplanned")
    assert {p.last_name for p in people} == {"Esterhazy", "Hollingsworth"}
    listed = AuditEvent.objects.filter(actor=chair, action="listed", person_id__in=[p.pk for p in people])
    assert listed.count() == 2


def test_drill_down_leaves_out_a_restricted_person_the_chair_is_not_named_on(partnership, data):
    from iomhub.people.models import Person, Restriction

    Person.objects.filter(pk=data.people["P5"].pk).update(restriction=Restriction.MAPPA)
    chair = partnership.users[Role.CHAIR]
    report = selectors.quarterly(user=chair, quarter=Quarter.parse(QUARTER), team_id=data.team_a.pk, people=True)
    assert report.figure("exits-unplanned").count == 2  # the figure counts everyone
    assert {p.last_name for p in selectors.drill_down(user=chair, report=report, key="exits-unplanned")} == {"Hollingsworth"}


@pytest.mark.parametrize("role", [Role.PERFORMANCE_LEAD, Role.EVALUATOR])
def test_drill_down_is_refused_to_those_who_see_no_identities(partnership, data, role):
    user = partnership.users[role]
    report = selectors.quarterly(user=user, quarter=Quarter.parse(QUARTER))
    with pytest.raises(PermissionDenied):
        selectors.drill_down(user=user, report=report, key="exits")


def test_the_overview_trend_by_quarter(partnership, data):
    """2026Q3 agrees with the quarterly report; 2026Q2 for team A by hand: registrations P1 (10 May)
    and P8 (1 April) = 2; no exits; managed on 30 June P1, P3, P5, P8 = 4; days managed P1 52 +
    P3 91 + P5 91 + P8 91 = 325 over 91 days = 3.57 -> 3.6. 2025Q4: P2's first registration ended
    on 1 December."""
    report = selectors.overview(user=partnership.users[Role.PERFORMANCE_LEAD], team_id=data.team_a.pk, as_of=AS_OF)
    rows = {row.quarter: (row.managed_at_end, row.registrations, row.exits, row.average_caseload) for row in report.trend}
    assert list(rows) == ["2024Q4", "2025Q1", "2025Q2", "2025Q3", "2025Q4", "2026Q1", "2026Q2", "2026Q3"]
    assert rows["2026Q3"] == (3, 2, 3, 2.6)
    assert rows["2026Q2"] == (4, 2, 0, 3.6)
    assert rows["2025Q4"][2] == 1
    assert rows["2024Q4"] == (0, 0, 0, 0.0)


def test_the_attrition_funnel_for_people_referred_in_the_period(partnership, data):
    """Team A, referred 1 January to 30 September 2026: P3 (15 Feb), P10 (30 Jun), P9 (5 Jul), P2
    (1 Aug), P7 (15 Sep) = 5; adopted P3, P2, P7 = 3; registered by 30 September on or after the
    referral P3 (1 Mar), P2 (15 Aug; P7 starts 1 October) = 2; engaged (an appointment attended once
    registered) P3 (10 Mar), P2 (20 Aug) = 2; left P3 (31 Jul, deregistered at review: planned) = 1."""
    found = selectors.proven_reoffending(
        user=partnership.users[Role.EVALUATOR],
        cohort_from=date(2026, 1, 1),
        cohort_to=date(2026, 9, 30),
        team_id=data.team_a.pk,
        as_of=AS_OF,
    )
    assert [(s.key, s.people, s.lost) for s in found.attrition] == [
        ("referred", 5, 0),
        ("adopted", 3, 2),
        ("registered", 2, 1),
        ("engaged", 2, 0),
        ("left", 1, 1),
    ]
    assert found.attrition[1].share_of_first == 0.6
    assert (found.exits_planned, found.exits_unplanned) == (1, 0)
