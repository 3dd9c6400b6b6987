"""``PATCH /api/v1/people/{id}`` with nothing to change (issue 9 finding 11): an empty body is a
400 naming the problem, never the whole record without an audit event; a PATCH that changes
nothing (the values it already has) answers with the record and audits that read."""

from __future__ import annotations

from iomhub.access.models import Role
from tests.access.support import events_since, last_event_id


def test_an_empty_patch_is_refused_and_reveals_nothing(client, partnership):
    person = partnership.ordinary
    for role in (Role.POLICE_IOM_OFFICER, Role.PROBATION_OFFICER, Role.COORDINATOR, "housing-worker"):
        client.force_login(partnership.users[role])
        target = partnership.housing_case if role == "housing-worker" else person
        since = last_event_id()
        response = client.patch(f"/api/v1/people/{target.pk}", {}, content_type="application/json")
        assert response.status_code == 400, (role, response.status_code)
        assert "Nothing to change" in response.content.decode()
        assert target.first_name not in response.content.decode()
        assert not events_since(since, action__in=["view", "change"])


def test_a_patch_that_changes_nothing_audits_the_record_it_returns(client, partnership):
    person = partnership.ordinary
    client.force_login(partnership.users[Role.POLICE_IOM_OFFICER])
    since = last_event_id()
    response = client.patch(f"/api/v1/people/{person.pk}", {"first_name": person.first_name}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["first_name"] == person.first_name
    assert events_since(since, action="view", person_id=person.pk)
    assert not events_since(since, action="change")
