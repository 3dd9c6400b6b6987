"""The matched comparison gathered from the records (issue 16 §4): who is in each group and with what
index date, worked out by hand; outcomes that agree with ``iomhub.rules.reoffending``; figures only
for every role that reads reports, on the page, the API and the command line."""

from __future__ import annotations

import datetime
import json

import pytest
from django.core.management import call_command

from iomhub.access.models import AuditEvent, Role
from iomhub.cohort.models import Registration
from iomhub.justice.models import Arrest, CourtOutcome, Offence, OffenceCode
from iomhub.reporting import selectors
from iomhub.reporting.selectors.comparison import check_days, screened_not_registered
from iomhub.rules import reoffending
from tests.factories import PersonFactory, TeamFactory

D = datetime.date
AS_OF = D(2026, 9, 30)
FROM, TO = D(2024, 1, 1), D(2024, 6, 30)


def arrests(person, *days):
    for day in days:
        Arrest.objects.create(person=person, arrested_on=day, custody_suite="Central", outcome="charge")


def proven(person, committed, decided, code="28E"):
    offence = Offence.objects.create(person=person, code=OffenceCode.objects.get(code=code), committed_on=committed)
    CourtOutcome.objects.create(person=person, decided_on=decided, disposal="fine").offences.add(offence)


@pytest.fixture
def world(partnership):
    """Registered (team T): T1 from 1 Feb 2024 (reoffended 1 May 2024, convicted 1 Jun 2024), T2 from
    1 Mar 2024 (no reoffence), T3 from 1 Aug 2024 (outside the period).
    Screened and never registered:
    - S1: six arrests 1-6 March 2024: meets the six-arrest criterion first on 31 March 2024 (not 29
      February); a shoplifting 10 March 2024 and a conviction for an offence of 1 July 2024 on 1 August 2024;
    - S2: a theft from the person 15 June 2024 (neighbourhood crime, 003): eligible on 30 June 2024;
    - S3: six arrests in 2024 but born 2008, under 18: the youth route, not eligible;
    - S4: six arrests in January 2024 but registered in 2025: not in the pool (ever registered);
    - S5: five arrests: not eligible."""
    team = TeamFactory(name="Comparison team")
    people = {}
    for key, start in (("T1", D(2024, 2, 1)), ("T2", D(2024, 3, 1)), ("T3", D(2024, 8, 1))):
        people[key] = PersonFactory(first_name=f"Matched{key}", managing_team=team)
        Registration.objects.create(person=people[key], started_on=start, rag="amber")
    proven(people["T1"], D(2024, 5, 1), D(2024, 6, 1))
    for key in ("S1", "S2", "S3", "S4", "S5"):
        people[key] = PersonFactory(first_name=f"Screened{key}", date_of_birth=D(2008, 1, 1) if key == "S3" else D(1990, 5, 17))
    arrests(people["S1"], *(D(2024, 3, d) for d in range(1, 7)))
    proven(people["S1"], D(2024, 3, 10), D(2024, 4, 1), code="46")
    proven(people["S1"], D(2024, 7, 1), D(2024, 8, 1))
    proven(people["S2"], D(2024, 6, 15), D(2024, 7, 15), code="39")
    arrests(people["S3"], *(D(2024, 4, d) for d in range(1, 7)))
    arrests(people["S4"], *(D(2024, 1, d) for d in range(1, 7)))
    Registration.objects.create(person=people["S4"], started_on=D(2025, 3, 1), rag="amber")
    arrests(people["S5"], *(D(2024, 5, d) for d in range(1, 6)))
    return team, people


def test_check_days_are_each_months_last_day() -> None:
    assert check_days(D(2024, 1, 15), D(2024, 3, 20)) == [D(2024, 1, 31), D(2024, 2, 29), D(2024, 3, 20)]


def test_the_pool_is_the_people_screened_eligible_and_never_registered(world) -> None:
    _, people = world
    assert screened_not_registered(FROM, TO) == {people["S1"].pk: D(2024, 3, 31), people["S2"].pk: D(2024, 6, 30)}


def test_outcomes_agree_with_the_rules_and_the_words_say_too_few(partnership, world) -> None:
    team, people = world
    found = selectors.matched_comparison_report(
        user=partnership.users[Role.EVALUATOR], cohort_from=FROM, cohort_to=TO, team_id=team.pk, as_of=AS_OF
    )
    assert (found.result.treated, found.result.pool) == (2, 2)
    assert (found.registered_not_yet_measurable, found.screened_not_yet_measurable) == (0, 0)
    # the same events through iomhub.rules.reoffending: S1 reoffended (1 July 2024 is inside 31 March 2024
    # + 12 months; 10 March is before it), S2 did not (15 June is before its index date, 30 June)
    expected = reoffending.proven_reoffending(
        index_events=[("S1", D(2024, 3, 31)), ("S2", D(2024, 6, 30))],
        proven_offences=[
            ("S1", D(2024, 3, 10), D(2024, 4, 1)),
            ("S1", D(2024, 7, 1), D(2024, 8, 1)),
            ("S2", D(2024, 6, 15), D(2024, 7, 15)),
        ],
        as_of=AS_OF,
    )
    assert (expected.reoffenders, expected.reoffences) == (1, 1)
    assert found.result.rate is None  # too few: no pair can be formed from two and two with a fitted model
    balance = {b.covariate: b for b in found.result.balance}
    assert balance["arrests_12m"].comparison_before == 3.0  # S1 six arrests before 31 March, S2 none: mean 3
    assert balance["arrests_12m"].treated_before == 0.0
    assert balance["neighbourhood_crime"].comparison_before == 0.5  # S2's theft from the person; S1's shoplifting is not
    assert not found.words.conclusive
    body = json.dumps(found.as_json())
    for person in people.values():
        assert person.first_name not in body
    assert "pairs" not in found.as_json()


@pytest.mark.parametrize("role", [Role.PERFORMANCE_LEAD, Role.EVALUATOR, Role.COORDINATOR, Role.CHAIR])
def test_the_page_and_api_show_figures_only(client, partnership, world, role) -> None:
    _, people = world
    client.force_login(partnership.users[role])
    page = client.get("/reports/comparison/", {"from": "2024-01-01", "to": "2024-06-30"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "Matched comparison" in text
    assert 'data-figure="pool">2<' in text
    api = client.get("/api/v1/reports/comparison", {"from": "2024-01-01", "to": "2024-06-30"})
    assert api.status_code == 200
    assert api.json()["screened_not_registered"] == 2
    for person in people.values():
        assert person.first_name not in text and person.first_name not in api.content.decode()
        assert person.pnc_id not in text and person.pnc_id not in api.content.decode()
    assert AuditEvent.objects.filter(object_type="report", object_id="comparison", actor=partnership.users[role]).count() == 2


@pytest.mark.parametrize("role", [Role.PROBATION_OFFICER, Role.POLICE_IOM_OFFICER])
def test_roles_that_do_not_read_reports_are_refused(client, partnership, role) -> None:
    client.force_login(partnership.users[role])
    assert client.get("/reports/comparison/").status_code == 403
    assert client.get("/api/v1/reports/comparison").status_code == 403


def test_a_bad_date_is_named(client, partnership) -> None:
    client.force_login(partnership.users[Role.EVALUATOR])
    response = client.get("/reports/comparison/", {"from": "last spring"})
    assert response.status_code == 400
    assert "from must be a date" in response.content.decode()


def test_the_command_line_writes_the_same_json(partnership, world, tmp_path) -> None:
    out = tmp_path / "comparison.json"
    evaluator = partnership.users[Role.EVALUATOR]
    call_command("report", "comparison", "--from", "2024-01-01", "--to", "2024-06-30", "--output", str(out), "--as", evaluator.username)
    written = json.loads(out.read_text())
    assert (written["registered"], written["screened_not_registered"]) == (2, 2)
    assert AuditEvent.objects.filter(object_type="report", object_id="comparison", action="export").exists()
