"""The team dashboard and a worker's caseload read in a fixed number of queries however many cases
(the last home visit, who is supervised and the regime are read for everyone at once)."""

from __future__ import annotations

import pytest

from iomhub import clock
from iomhub.access.models import Role
from iomhub.casework.dashboard import caseload
from iomhub.people.models import Person
from tests.cohort.scale import TODAY, add_registered, queries
from tests.factories import TeamFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.POLICE_IOM_OFFICER])
def test_the_dashboard_page_makes_as_many_queries_for_30_cases_as_for_3(client, partnership, role):
    p = partnership
    client.force_login(p.users[role])
    with clock.frozen(TODAY):
        add_registered(p, 3)
        client.get("/caseload/")  # the session and the user, once
        few, page = queries(lambda: client.get("/caseload/"))
        assert page.status_code == 200 and page.content.count(b'<tr class="govuk-table__row" data-person=') == 3
        add_registered(p, 27)
        many, page = queries(lambda: client.get("/caseload/"))
        assert page.content.count(b'<tr class="govuk-table__row" data-person=') == 30
    assert many == few


def test_the_lead_worker_rule_is_read_for_every_case_at_once(partnership):
    p = partnership
    coordinator = p.users[Role.COORDINATOR]
    with clock.frozen(TODAY):
        add_registered(p, 3)
        caseload(user=coordinator, as_of=TODAY)
        few, found = queries(lambda: caseload(user=coordinator, as_of=TODAY))
        add_registered(p, 27)
        many, more = queries(lambda: caseload(user=coordinator, as_of=TODAY))
    assert many == few
    assert len(more.lead_problems) == 20 > len(found.lead_problems) == 2  # on licence from the 4-month sentence, led by police


def test_lead_workers_to_change_are_the_coordinators_teams_only(partnership):
    """Chosen in the database (at national scale the country's are thousands), not filtered after."""
    p = partnership
    coordinator = p.users[Role.COORDINATOR]
    with clock.frozen(TODAY):
        made = add_registered(p, 3)
        ours = {person.pk for person, _ in caseload(user=coordinator, as_of=TODAY).lead_problems}
        assert len(ours) == 2
        Person.objects.filter(pk__in=[r.person_id for r in made]).update(managing_team=TeamFactory(name="Coastal IOM"))
        assert caseload(user=coordinator, as_of=TODAY).lead_problems == []
        Person.objects.filter(pk__in=[r.person_id for r in made]).update(managing_team=None)  # of no team yet: on it again
        assert {person.pk for person, _ in caseload(user=coordinator, as_of=TODAY).lead_problems} == ours
