"""An action given to a health, mental-health or treatment agency is health (ADR 0010 §3) on every
meeting page that lists, counts or names plan actions: the agenda's actions from the previous
meeting and its written updates missing, the close page and the refusal to close, the action review
page, the allocate form, the pack of each attendee and the person page's meetings.

A reader without health (the housing worker; the what-if coordinator of tests/meetings/health_world.py)
meets neither the action's words, nor its agency, nor its owner, nor a count of it; a reader with
health (the coordinator, the treatment worker) meets them. The oracles are the rule, written in
health_world.py: which markers are a health agency's, which readers have health.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from iomhub import clock
from iomhub.access.models import Role
from iomhub.casework.models import PlanAction
from iomhub.meetings import actions
from iomhub.meetings.closing import meeting_close
from iomhub.meetings.models import MeetingAction
from iomhub.meetings.pack import meetings_of, pack_for
from tests.meetings.health_world import (
    HEALTH_MARKS,
    PREVIOUS,
    TODAY,
    build_reviewed_only,
    build_world,
    marks,
    named,
    without_tokens,
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
def test_the_agenda_lists_and_counts_only_the_previous_actions_the_reader_may_see(world, reader, client):
    client.force_login(world.p.users[reader])
    page = client.get(f"/meetings/{world.now.pk}/").content.decode()
    want = _expected(world, reader)
    carried = page.split('id="previous-list"', 1)[1].split("</ul>", 1)[0]
    assert marks(carried) == want
    assert carried.count("<li data-action=") == len(want)  # 3 with health, 1 without: the count is the list's
    # The written updates missing name the owners of open actions: a health agency's owner (and so
    # that agency) only with health. The housing worker owns an open housing action in both.
    missing = page.split('id="missing-updates"', 1)[1].split("</ul>", 1)[0]
    assert "Harper Housingowner, Test Housing (owns an open action)" in missing
    health_owners = {"Tamsin Treatmentowner", "Morgan Mindowner", "Test Treatment Service", "Test Mental Health Trust"}
    assert named(missing, health_owners) == (health_owners if world.sees_health(reader) else set())
    if not world.sees_health(reader):
        assert named(page) == set()  # nowhere on the agenda: words, agencies, owners


@pytest.mark.parametrize("reader", READERS)
def test_the_close_page_and_the_refusal_to_close_name_only_the_actions_the_reader_may_see(world, reader, client):
    user = world.p.users[reader]
    want = _expected(world, reader)
    client.force_login(user)
    page = client.get(f"/meetings/{world.now.pk}/close/").content.decode()
    left = page.split('id="close-left"', 1)[1].split("</ul>", 1)[0]
    assert marks(left) == want and left.count("<li>") == len(want)
    if not world.sees_health(reader):
        assert named(page) == set()
    with pytest.raises(ValidationError) as refused:
        meeting_close(acting_user=user, meeting=world.now)
    messages = refused.value.message_dict["actions"]
    assert len(messages) == len(want) and marks(" ".join(messages)) == want
    refused_page = client.post(f"/meetings/{world.now.pk}/close/").content.decode()
    assert marks(refused_page) == want
    if not world.sees_health(reader):
        assert named(refused_page) == set()
    assert actions.outstanding(user=user, meeting=world.now) == [a for m, a in world.allocated.items() if m in want]


def test_a_hidden_action_answers_the_review_page_as_one_that_does_not_exist(world, client, audit_events):
    blind = world.blind
    hidden = world.allocated["PREV-TREATMENT"]
    missing_id = PlanAction.objects.order_by("-pk").first().pk + 1000
    client.force_login(blind)
    none_get = client.get(f"/meetings/{world.now.pk}/actions/{missing_id}/")
    hidden_get = client.get(f"/meetings/{world.now.pk}/actions/{hidden.pk}/")
    assert none_get.status_code == hidden_get.status_code == 404
    assert without_tokens(hidden_get.content.decode()) == without_tokens(none_get.content.decode())
    assert named(hidden_get.content.decode()) == set()
    body = {"outcome": "done", "note": "Finished", "version": hidden.version}
    none_post = client.post(f"/meetings/{world.now.pk}/actions/{missing_id}/", body)
    hidden_post = client.post(f"/meetings/{world.now.pk}/actions/{hidden.pk}/", body)
    assert none_post.status_code == hidden_post.status_code == 404
    assert without_tokens(hidden_post.content.decode()) == without_tokens(none_post.content.decode())
    before = (hidden.status, hidden.version, hidden.due_on)
    hidden.refresh_from_db()
    assert (hidden.status, hidden.version, hidden.due_on) == before == ("open", 1, before[2])
    assert not MeetingAction.objects.filter(meeting=world.now).exists()
    # The housing action of the same person opens for the same reader; the hidden one for the coordinator.
    shown = world.allocated["PREV-HOUSING"]
    page = client.get(f"/meetings/{world.now.pk}/actions/{shown.pk}/")
    assert page.status_code == 200 and "Update the action: PREV-HOUSING" in page.content.decode()
    client.force_login(world.p.users[Role.COORDINATOR])
    page = client.get(f"/meetings/{world.now.pk}/actions/{hidden.pk}/")
    assert page.status_code == 200 and "Update the action: PREV-TREATMENT" in page.content.decode()


def test_the_review_service_refuses_a_hidden_action_as_not_found_and_audits_it(world, audit_events):
    hidden = world.allocated["PREV-MH"]
    with pytest.raises(Http404):
        actions.action_review(acting_user=world.blind, meeting=world.now, action=hidden, outcome="done", note="", version=hidden.version)
    hidden.refresh_from_db()
    assert (hidden.status, hidden.version) == ("open", 1)
    denied = audit_events(actor=world.blind, action="denied", object_type="plan-action", object_id=str(hidden.pk))
    assert len(denied) == 1 and denied[0].person_id == world.case.person.pk


@pytest.mark.parametrize("reader", READERS)
def test_the_allocate_form_offers_a_health_agency_only_with_health(world, reader, client):
    client.force_login(world.p.users[reader])
    page = client.get(f"/meetings/{world.now.pk}/people/{world.case.person.pk}/action/").content.decode()
    assert "Test Housing" in page
    want = {"Test Treatment Service", "Test Mental Health Trust", "Test Community Health"} if world.sees_health(reader) else set()
    assert named(page, ("Test Treatment Service", "Test Mental Health Trust", "Test Community Health")) == want


@pytest.fixture
def reviewed_only(partnership, django_capture_on_commit_callbacks):
    with clock.frozen(TODAY), django_capture_on_commit_callbacks(execute=True):
        return build_reviewed_only(partnership)


@pytest.mark.parametrize(("reader", "shown"), [("housing-worker", False), ("treatment-worker", True), (Role.COORDINATOR.value, True)])
def test_a_case_named_only_by_a_health_action_is_not_discussed_for_a_reader_without_health(reviewed_only, reader, shown, client):
    case, meeting = reviewed_only
    user, person = case.p.users[reader], case.person
    pack = pack_for(user=user, meeting=meeting)
    assert [c.person for c in pack.cases] == ([person] if shown else [])
    client.force_login(user)
    page = client.get(f"/meetings/{meeting.pk}/pack/").content.decode()
    assert (person.display_name in page) is shown
    assert ("TREATMENT-ACTION" in page and "REVIEW-NOTE" in page) is shown
    assert ("No case you may see was discussed." in page) is not shown
    assert (meetings_of(user=user, person=person) == [meeting]) is shown
    person_page = client.get(f"/people/{person.pk}/")
    assert person_page.status_code == 200
    assert ("Discussed at the referral and operational meeting" in person_page.content.decode()) is shown


def test_a_case_named_only_by_a_written_update_is_not_discussed_for_a_reader_without_the_timeline(
    partnership, django_capture_on_commit_callbacks
):
    """The same rule for the running record: housing's agreement has no timeline (tests/factories.py)."""
    from iomhub.meetings import services, sheets

    p = partnership
    coordinator, chair = p.users[Role.COORDINATOR], p.users[Role.CHAIR]
    with clock.frozen(TODAY), django_capture_on_commit_callbacks(execute=True):
        meeting = services.meeting_arrange(acting_user=coordinator, team=p.team, held_on=TODAY, location="Northbridge", chair=chair)
        for user in (chair, coordinator, p.users["housing-worker"]):
            services.attendee_add(
                acting_user=coordinator, meeting=meeting, name="", organisation="", confidentiality_signed=True, user=user
            )
        sheets.written_update_submit(acting_user=p.users[Role.PROBATION_OFFICER], meeting=meeting, person=p.housing_case, text="UPDATEMARK")
        meeting_close(acting_user=coordinator, meeting=meeting)
    meeting.refresh_from_db()
    assert [c.person for c in pack_for(user=p.users["housing-worker"], meeting=meeting).cases] == []
    (ours,) = pack_for(user=coordinator, meeting=meeting).cases
    assert ours.person == p.housing_case and [u.text for u in ours.updates] == ["UPDATEMARK"]
