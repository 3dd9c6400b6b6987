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
