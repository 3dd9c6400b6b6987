"""The meeting agenda reads the regime, reviews and deregistration rules in a fixed number of
queries however many cases the team has."""

from __future__ import annotations

import pytest

from iomhub import clock
from iomhub.access.models import Role
from iomhub.meetings.models import Meeting
from tests.cohort.scale import TODAY, add_registered, queries

pytestmark = pytest.mark.django_db


def test_the_agenda_page_makes_as_many_queries_for_30_cases_as_for_3(client, partnership):
    p = partnership
    coordinator = p.users[Role.COORDINATOR]
    meeting = Meeting.objects.create(team=p.team, held_on=TODAY, location="Northbridge police station", created_by=coordinator)
    client.force_login(coordinator)
    with clock.frozen(TODAY):
        add_registered(p, 3)
        client.get(f"/meetings/{meeting.pk}/")
        few, page = queries(lambda: client.get(f"/meetings/{meeting.pk}/"))
        assert page.status_code == 200
        add_registered(p, 27)
        many, page = queries(lambda: client.get(f"/meetings/{meeting.pk}/"))
        assert page.status_code == 200
    assert many == few


def test_the_written_updates_missing_cost_as_many_queries_for_30_cases_with_open_actions_as_for_3(client, partnership):
    """Each case's open actions have owners (officers who neither attend nor wrote): the agenda reads
    the owners once, not per action or per case, and lists each missing officer."""
    import datetime

    from iomhub.access.models import Organisation
    from iomhub.casework.models import PlanAction

    p = partnership
    coordinator = p.users[Role.COORDINATOR]
    owners = [p.users[Role.PROBATION_OFFICER], p.users[Role.PARTNER_WORKER]]
    meeting = Meeting.objects.create(team=p.team, held_on=TODAY, location="Northbridge police station", created_by=coordinator)
    agency = Organisation.objects.first()

    def with_actions(registrations):
        for i, registration in enumerate(registrations):
            for owner in owners[: 1 + i % 2]:
                PlanAction.objects.create(
                    person=registration.person,
                    description="Attend the housing appointment",
                    agency=agency,
                    owner=owner,
                    owner_name=owner.username,
                    due_on=TODAY + datetime.timedelta(days=7),
                    created_by=coordinator,
                )

    client.force_login(coordinator)
    with clock.frozen(TODAY):
        with_actions(add_registered(p, 3))
        client.get(f"/meetings/{meeting.pk}/")
        few, page = queries(lambda: client.get(f"/meetings/{meeting.pk}/"))
        assert page.status_code == 200
        with_actions(add_registered(p, 27))
        many, page = queries(lambda: client.get(f"/meetings/{meeting.pk}/"))
        assert page.status_code == 200
    assert many == few
    missing = page.content.decode().split('id="missing-list"')[1].split("</ul>")[0]
    name = owners[1].get_full_name() or owners[1].username
    assert f"{name}, {owners[1].organisation} (owns an open action)" in missing
