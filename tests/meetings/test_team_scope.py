"""Team scoping for meetings and team pages (issue 9 finding 9, §3; ADR 0013): a coordinator or chair
placed in a local team sees and changes that team's meetings only (another team's answers 404, like
a missing one) and their team dashboard lists their team's people; one with no team is
partnership-wide."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from iomhub.access.models import Role
from iomhub.cohort.models import Registration
from iomhub.meetings import selectors, services
from iomhub.meetings.models import Meeting
from tests.factories import PersonFactory, TeamFactory, UserFactory


@pytest.fixture
def two_teams(partnership):
    other = TeamFactory(name="South IOM")
    ours = Meeting.objects.create(
        team=partnership.team, held_on=datetime.date(2026, 2, 5), location="North", created_by=partnership.users[Role.COORDINATOR]
    )
    theirs = Meeting.objects.create(
        team=other, held_on=datetime.date(2026, 2, 6), location="South", created_by=partnership.users[Role.COORDINATOR]
    )
    return other, ours, theirs


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.CHAIR])
def test_a_team_member_sees_and_changes_only_their_teams_meetings(client, partnership, two_teams, role):
    other, ours, theirs = two_teams
    user = partnership.users[role]
    assert list(selectors.meeting_list(user=user)) == [ours]
    client.force_login(user)
    listing = client.get("/meetings/").content.decode()
    assert "Test IOM team" in listing and "South IOM" not in listing
    assert client.get(f"/meetings/{ours.pk}/").status_code == 200
    assert client.get(f"/meetings/{theirs.pk}/").status_code == 404
    response = client.post(
        f"/meetings/{theirs.pk}/attendees/new/", {"name": "Sam", "organisation": "Police", "confidentiality_signed": "on"}
    )
    assert response.status_code == 404
    assert not theirs.attendees.exists()
    with pytest.raises(Http404):
        services.attendee_add(acting_user=user, meeting=theirs, name="Sam", organisation="Police", confidentiality_signed=True)
    with pytest.raises(Http404):
        services.plans_circulated(acting_user=user, meeting=theirs, circulated_on=datetime.date(2026, 2, 6))
    with pytest.raises(ValidationError) as exc:
        services.meeting_arrange(acting_user=user, team=other, held_on=datetime.date(2026, 3, 5), location="South", chair=None)
    assert "own local team only" in exc.value.message_dict["team"][0]


def test_a_coordinator_without_a_team_is_partnership_wide(partnership, two_teams):
    _, ours, theirs = two_teams
    wide = UserFactory(username="wide-coordinator", organisation=partnership.police, team=None, roles=[Role.COORDINATOR])
    assert set(selectors.meeting_list(user=wide)) == {ours, theirs}
    assert selectors.meeting_get(user=wide, meeting_id=theirs.pk) == theirs


def test_the_team_dashboard_lists_the_teams_people(client, partnership, two_teams):
    other, _, _ = two_teams
    elsewhere = PersonFactory(first_name="Sky", last_name="Elsewhere", managing_team=other)
    for person in (partnership.ordinary, elsewhere):
        Registration.objects.create(person=person, started_on=datetime.date(2026, 1, 5), rag="amber")
    client.force_login(partnership.users[Role.COORDINATOR])
    body = client.get("/caseload/").content.decode()
    assert f"/people/{partnership.ordinary.pk}/" in body and f"/people/{elsewhere.pk}/" not in body
    wide = UserFactory(username="wide-chair", organisation=partnership.police, team=None, roles=[Role.CHAIR])
    client.force_login(wide)
    body = client.get("/caseload/").content.decode()
    assert f"/people/{partnership.ordinary.pk}/" in body and f"/people/{elsewhere.pk}/" in body
