"""A signed-in request reads its user with the organisation and team in one query (ADR 0040
addendum), and nothing about the user outlives the request: a role taken away, an account made
inactive, a team changed, each applies to the very next request."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from iomhub.access.models import Role, RoleAssignment, Team

pytestmark = pytest.mark.django_db


def tables_read(call) -> tuple[list[str], object]:
    with CaptureQueriesContext(connection) as captured:
        answer = call()
    return [q["sql"] for q in captured.captured_queries], answer


def test_the_user_organisation_and_team_are_one_query(client, partnership):
    user = partnership.users[Role.POLICE_IOM_OFFICER]
    assert user.organisation_id is not None and user.team_id is not None
    client.force_login(user)
    client.get("/")
    statements, answer = tables_read(lambda: client.get("/"))
    assert answer.status_code == 200
    reads_user = [s for s in statements if 'FROM "access_user"' in s]
    assert len(reads_user) == 1
    assert '"access_organisation"' in reads_user[0] and '"access_team"' in reads_user[0]
    assert not [s for s in statements if 'FROM "access_organisation"' in s or 'FROM "access_team"' in s]
    assert answer.wsgi_request.user.organisation == user.organisation
    assert answer.wsgi_request.user.team == user.team


def test_a_team_change_and_a_role_taken_away_apply_to_the_next_request(client, partnership):
    user = partnership.users[Role.POLICE_IOM_OFFICER]
    client.force_login(user)
    assert client.get("/caseload/").status_code == 200
    other = Team.objects.exclude(pk=user.team_id).first() or Team.objects.create(name="Another synthetic team", area="Elsewhere")
    type(user).objects.filter(pk=user.pk).update(team=other)
    assert client.get("/").wsgi_request.user.team == other
    RoleAssignment.objects.filter(user=user).delete()
    assert client.get("/").wsgi_request.user.role_codes == frozenset()


def test_an_inactive_account_is_signed_out(client, partnership):
    user = partnership.users[Role.POLICE_IOM_OFFICER]
    client.force_login(user)
    assert client.get("/").status_code == 200
    type(user).objects.filter(pk=user.pk).update(is_active=False)
    answer = client.get("/")
    assert answer.status_code == 302
    assert not answer.wsgi_request.user.is_authenticated
