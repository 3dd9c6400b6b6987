"""The demo's next meeting (`make run`): the coordinator arranges their team's monthly meeting a
week ahead (a weekday), chaired by the chair, and its agenda opens for the chair with the team's
Red and Red Alert cases on it, worked out from the records on the day."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command

from iomhub import clock
from iomhub.cohort.models import Registration
from iomhub.meetings.models import Meeting
from iomhub.people.models import Person
from iomhub.people.selectors import of_team

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "today, expected",
    [
        (datetime.date(2026, 12, 7), datetime.date(2026, 12, 14)),  # a Monday: the Monday after
        (datetime.date(2026, 12, 12), datetime.date(2026, 12, 21)),  # a Saturday: a week on is a Saturday, so the Monday after
        (datetime.date(2026, 12, 13), datetime.date(2026, 12, 21)),  # a Sunday
        (datetime.date(2026, 12, 11), datetime.date(2026, 12, 18)),  # a Friday
    ],
)
def test_the_demo_arranges_the_teams_next_meeting_and_its_agenda_opens(client, today, expected):
    out = io.StringIO()
    with clock.frozen(today):
        call_command("demo", "--people", "120", stdout=out)
    meeting = Meeting.objects.get()
    assert (meeting.team.name, meeting.held_on, meeting.chair.username, meeting.created_by.username) == (
        "North Wessex IOM",
        expected,
        "chair",
        "coordinator",
    )
    assert f"/meetings/{meeting.pk}/" in out.getvalue()
    red = Registration.objects.filter(
        ended_on__isnull=True, rag__in=["red", "red-alert"], person__in=Person.objects.filter(of_team(meeting.team.pk))
    ).select_related("person")
    client.force_login(meeting.chair)
    with clock.frozen(today):
        page = client.get(f"/meetings/{meeting.pk}/")
    assert page.status_code == 200
    names = [r.person.display_name for r in red]
    assert names and all(name in page.content.decode() for name in names)
