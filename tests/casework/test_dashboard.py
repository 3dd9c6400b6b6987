"""My caseload and the team dashboard (issue 6 §6): with the clock set by the test, exactly the
overdue visits, actions, reviews and releases the regime rules imply, at each boundary."""

from __future__ import annotations

import datetime

import pytest

from iomhub import clock
from iomhub.access.models import AuditEvent, Role
from iomhub.casework import services
from iomhub.casework.dashboard import caseload
from iomhub.cohort.models import Registration
from tests.justice import factories as justice_factories

D = datetime.date
pytestmark = pytest.mark.django_db
START = D(2026, 1, 5)


def _register(p, person, rag, started_on=START):
    registration = Registration.objects.create(person=person, started_on=started_on, rag=rag)
    registration.rag_history.create(level=rag, changed_on=started_on, decided_by=p.users[Role.CHAIR], decided_by_name="Chair")
    return registration


def _lead(p, person, lead=Role.PROBATION_OFFICER):
    with clock.frozen(START):
        services.case_people_set(
            acting_user=p.users[Role.COORDINATOR],
            person=person,
            lead_worker=p.users[lead],
            coordinator=p.users[Role.COORDINATOR],
            reason="Allocated at the meeting",
            version=1,
        )


def _visit(p, person, on):
    with clock.frozen(on):
        services.timeline_record(
            acting_user=p.users[Role.PROBATION_OFFICER], person=person, kind="home-visit", outcome="attended", occurred_on=on
        )


def _overdue_visits(user, on):
    return {row.person.pk for row in caseload(user=user, as_of=on).visits_overdue}


@pytest.mark.parametrize("rag, days", [("red", 7), ("amber", 14)])
def test_a_home_visit_is_overdue_the_day_after_the_regime_allows_not_on_it(partnership, rag, days):
    p = partnership
    _register(p, p.ordinary, rag)
    _lead(p, p.ordinary)
    visited = D(2026, 3, 2)
    _visit(p, p.ordinary, visited)
    officer = p.users[Role.PROBATION_OFFICER]
    assert _overdue_visits(officer, visited + datetime.timedelta(days=days)) == set()
    assert _overdue_visits(officer, visited + datetime.timedelta(days=days + 1)) == {p.ordinary.pk}
    row = caseload(user=officer, as_of=visited).cases[0]
    assert row.regime is not None and row.regime.next_home_visit == visited + datetime.timedelta(days=days)


def test_a_worker_sees_only_the_people_they_lead_and_the_coordinator_sees_the_team(partnership):
    p = partnership
    _register(p, p.ordinary, "amber")
    _register(p, p.housing_case, "green")
    _lead(p, p.ordinary)
    on = D(2026, 3, 2)
    mine = caseload(user=p.users[Role.PROBATION_OFFICER], as_of=on)
    assert not mine.team and [row.person.pk for row in mine.cases] == [p.ordinary.pk]
    assert caseload(user=p.users[Role.POLICE_IOM_OFFICER], as_of=on).cases == []
    team = caseload(user=p.users[Role.COORDINATOR], as_of=on)
    assert team.team and {row.person.pk for row in team.cases} == {p.ordinary.pk, p.housing_case.pk}
    assert [person.pk for person in team.without_lead] == [p.housing_case.pk]
    event = AuditEvent.objects.filter(object_type="caseload", action="search", actor=p.users[Role.COORDINATOR]).latest("id")
    assert set(event.changes["people"]) == {p.ordinary.pk, p.housing_case.pk}


def test_a_plan_action_is_due_until_its_date_and_overdue_the_day_after(partnership):
    p = partnership
    _register(p, p.ordinary, "amber")
    _lead(p, p.ordinary)
    officer = p.users[Role.PROBATION_OFFICER]
    due = D(2026, 3, 20)
    with clock.frozen(D(2026, 3, 1)):
        action = services.plan_action_add(
            acting_user=officer,
            person=p.ordinary,
            description="Register with a GP",
            agency=officer.organisation,
            owner=officer,
            owner_name="",
            due_on=due,
        )
    on_the_day = caseload(user=officer, as_of=due)
    assert [a.pk for a in on_the_day.actions_due] == [action.pk] and on_the_day.overdue_actions == []
    day_after = caseload(user=officer, as_of=due + datetime.timedelta(days=1))
    assert [a.pk for a in day_after.overdue_actions] == [action.pk] and day_after.actions_due == []
    assert [a.pk for a in caseload(user=p.users[Role.COORDINATOR], as_of=due + datetime.timedelta(days=1)).overdue_actions] == [action.pk]
    assert caseload(user=p.users[Role.POLICE_IOM_OFFICER], as_of=due + datetime.timedelta(days=1)).overdue_actions == []


def test_the_first_review_falls_due_at_six_months_and_is_overdue_the_day_after(partnership):
    p = partnership
    _register(p, p.ordinary, "green")
    _lead(p, p.ordinary)
    officer = p.users[Role.PROBATION_OFFICER]
    six_months = D(2026, 7, 5)
    assert caseload(user=officer, as_of=six_months - datetime.timedelta(days=15)).reviews == []  # beyond the 14 days ahead
    ahead = caseload(user=officer, as_of=six_months - datetime.timedelta(days=14)).reviews
    assert [(r.due, r.overdue) for r in ahead] == [(six_months, False)]
    assert [(r.due, r.overdue) for r in caseload(user=officer, as_of=six_months).reviews] == [(six_months, False)]
    assert [(r.due, r.overdue) for r in caseload(user=officer, as_of=six_months + datetime.timedelta(days=1)).reviews] == [
        (six_months, True)
    ]


def test_a_release_shows_from_12_weeks_before_and_not_the_day_before(partnership):
    p = partnership
    _register(p, p.ordinary, "prison")
    _lead(p, p.ordinary)
    officer = p.users[Role.PROBATION_OFFICER]
    with clock.frozen(D(2026, 1, 6)):
        sentence = justice_factories.sentence(user=officer, person=p.ordinary)
    release = sentence.effective_release_date
    window = release - datetime.timedelta(weeks=12)
    assert caseload(user=officer, as_of=window - datetime.timedelta(days=1)).releases == []
    shown = caseload(user=officer, as_of=window).releases
    assert [(person.pk, prompt.about) for person, prompt in shown] == [(p.ordinary.pk, release)]
    # Up to the release day itself (the dashboard reads only the sentences released in the next 12 weeks).
    assert [person.pk for person, _ in caseload(user=officer, as_of=release).releases] == [p.ordinary.pk]
    assert caseload(user=officer, as_of=release + datetime.timedelta(days=1)).releases == []


def test_the_page_shows_the_caseload_and_a_partner_sees_only_their_own(client, partnership):
    p = partnership
    _register(p, p.ordinary, "red")
    _lead(p, p.ordinary)
    with clock.frozen(D(2026, 3, 2)):
        client.force_login(p.users[Role.COORDINATOR])
        page = client.get("/caseload/")
        assert page.status_code == 200
        assert b"Team dashboard" in page.content and p.ordinary.display_name.encode() in page.content
        client.force_login(p.users[Role.PARTNER_WORKER])
        page = client.get("/caseload/")
        assert page.status_code == 200 and b"My caseload" in page.content
        assert p.ordinary.display_name.encode() not in page.content
