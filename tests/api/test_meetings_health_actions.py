"""The meetings API projects a health agency's action as the pages do (ADR 0010 §3; the pages'
tests are tests/meetings/test_health_actions_at_meetings.py): the actions list, reviewing one, the
refusal to close and the reader's record. A reader without health (the what-if coordinator, the
housing worker) meets neither its words, agency nor owner, nor a count of it, and reviewing it is
answered as for an action that does not exist; a reader with health meets it. Every answer is
checked against the published schema by this directory's conftest. Oracles: the rule, written in
tests/meetings/health_world.py."""

from __future__ import annotations

import pytest

from iomhub import clock
from iomhub.access.models import Role
from iomhub.casework.models import PlanAction
from iomhub.meetings.models import MeetingAction
from tests.meetings.health_world import (
    HEALTH_MARKS,
    PREVIOUS,
    TODAY,
    build_reviewed_only,
    build_world,
    marks,
    named,
)

pytestmark = pytest.mark.django_db
READERS = [Role.COORDINATOR.value, "blind-coordinator"]


@pytest.fixture
def world(partnership, monkeypatch):
    with clock.frozen(TODAY):
        yield build_world(partnership, monkeypatch)


def _expected(world, reader: str) -> set[str]:
    return set(PREVIOUS) if world.sees_health(reader) else set(PREVIOUS) - HEALTH_MARKS


@pytest.mark.parametrize("reader", READERS)
def test_the_actions_list_holds_only_the_actions_the_reader_may_see(world, reader, client, api_auth):
    answer = client.get(f"/api/v1/meetings/{world.previous.pk}/actions", **api_auth(reader))
    assert answer.status_code == 200
    rows = answer.json()
    want = _expected(world, reader)
    assert len(rows) == len(want) and marks(" ".join(r["description"] for r in rows)) == want
    health = world.case.treatment.pk, world.case.mental_health.pk
    assert {r["agency"] for r in rows} & set(health) == (set(health) if world.sees_health(reader) else set())
    treatment_owner = world.p.users["treatment-worker"].pk
    assert (treatment_owner in {r["owner"] for r in rows}) is world.sees_health(reader)
    if not world.sees_health(reader):
        assert named(answer.content.decode()) == set()


def test_reviewing_a_hidden_action_is_answered_as_for_one_that_does_not_exist(world, client, api_auth):
    hidden = world.allocated["PREV-TREATMENT"]
    missing_id = PlanAction.objects.order_by("-pk").first().pk + 1000
    url = f"/api/v1/meetings/{world.now.pk}/actions"
    headers = api_auth("blind-coordinator")

    def review(action_id: int, **auth: str):
        body = {"plan_action": action_id, "outcome": "done", "note": "Finished", "version": 1}
        return client.post(url, body, content_type="application/json", **auth)

    none, refused = review(missing_id, **headers), review(hidden.pk, **headers)
    assert none.status_code == refused.status_code == 400
    assert refused.json() == none.json()
    assert named(refused.content.decode()) == set()
    hidden.refresh_from_db()
    assert (hidden.status, hidden.version) == ("open", 1)
    assert not MeetingAction.objects.filter(meeting=world.now).exists()
    # The same reader reviews the housing action; the coordinator with health the hidden one.
    shown = world.allocated["PREV-HOUSING"]
    assert review(shown.pk, **headers).status_code == 201
    done = review(hidden.pk, **api_auth(Role.COORDINATOR.value))
    assert done.status_code == 201 and done.json()["description"] == "PREV-TREATMENT for the person"


@pytest.mark.parametrize("reader", READERS)
def test_the_refusal_to_close_names_only_the_actions_the_reader_may_see(world, reader, client, api_auth):
    answer = client.post(f"/api/v1/meetings/{world.now.pk}/close", **api_auth(reader))
    assert answer.status_code == 400
    assert marks(answer.content.decode()) == _expected(world, reader)
    if not world.sees_health(reader):
        assert named(answer.content.decode()) == set()
    world.now.refresh_from_db()
    assert world.now.closed_at is None


@pytest.mark.parametrize(("reader", "shown"), [("housing-worker", False), ("treatment-worker", True), (Role.COORDINATOR.value, True)])
def test_the_record_leaves_out_a_case_named_only_by_a_health_action(
    partnership, django_capture_on_commit_callbacks, reader, shown, client, api_auth
):
    with clock.frozen(TODAY), django_capture_on_commit_callbacks(execute=True):
        case, meeting = build_reviewed_only(partnership)
    answer = client.get(f"/api/v1/meetings/{meeting.pk}/record", **api_auth(reader))
    assert answer.status_code == 200
    cases = answer.json()["cases"]
    assert [c["person"] for c in cases] == ([case.person.pk] if shown else [])
    assert ("TREATMENT-ACTION" in answer.content.decode()) is shown
