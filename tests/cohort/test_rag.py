"""Changing the RAG level (002 appendix 1): who, when, why, at which meeting; the contact regime it
implies; Red Alert published to the partnership; transfers-in Red for 8 weeks (002 §4)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from iomhub import clock
from iomhub.access.models import AuditEvent, Role
from iomhub.cohort import selectors, services
from iomhub.cohort.models import RagChange, Registration
from tests.access.support import events_since, last_event_id
from tests.cohort.support import register

START = datetime.date(2026, 1, 5)
TODAY = datetime.date(2026, 3, 2)


@pytest.fixture(autouse=True)
def fixed_today():
    with clock.frozen(TODAY):
        yield


@pytest.fixture
def registration(partnership):
    return register(partnership, started_on=START, rag="amber")


def change(partnership, registration, role=Role.COORDINATOR, **kwargs):
    args = {"level": "red", "changed_on": datetime.date(2026, 2, 1), "reason": "Arrested twice this month", "meeting": "IOM meeting 1 Feb"}
    args.update(kwargs)
    return services.rag_change(acting_user=partnership.users[role], registration=registration, **args)


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.CHAIR, Role.POLICE_IOM_OFFICER])
def test_coordinator_chair_and_police_iom_officer_change_the_level_with_history_and_audit(partnership, registration, role):
    since = last_event_id()
    made = change(partnership, registration, role)
    registration.refresh_from_db()
    assert registration.rag == "red"
    assert [(c.level, c.meeting) for c in registration.rag_history.all()] == [("amber", ""), ("red", "IOM meeting 1 Feb")]
    assert made.decided_by == partnership.users[role] and made.reason == "Arrested twice this month"
    [event] = events_since(since, action="change", object_type="registration")
    assert event.changes["rag"] == {"before": "amber", "after": "red"}
    assert event.person_id == partnership.ordinary.pk and event.reason == "Arrested twice this month"


@pytest.mark.parametrize("role", [Role.PROBATION_OFFICER, Role.SUBSTANCE_MISUSE, Role.PARTNER_WORKER, Role.PERFORMANCE_LEAD, Role.IG_LEAD])
def test_other_roles_may_not_change_the_level(partnership, registration, role):
    since = last_event_id()
    with pytest.raises((PermissionDenied, Http404)):
        change(partnership, registration, role)
    assert RagChange.objects.filter(registration=registration).count() == 1
    assert Registration.objects.get(pk=registration.pk).rag == "amber"
    assert events_since(since, action="denied")


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"level": "purple"}, "level"),
        ({"level": "amber"}, "level"),  # already at that level
        ({"reason": "  "}, "reason"),
        ({"changed_on": None}, "changed_on"),
        ({"changed_on": TODAY + datetime.timedelta(days=1)}, "changed_on"),
        ({"changed_on": START - datetime.timedelta(days=1)}, "changed_on"),
        ({"meeting": "x" * 201}, "meeting"),
        ({"reason": "bad\x00"}, "reason"),
    ],
    ids=["unknown level", "same level", "no reason", "no date", "future", "before the last change", "long meeting", "NUL"],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_stored(partnership, registration, kwargs, field):
    since = last_event_id()
    with pytest.raises(ValidationError) as raised:
        change(partnership, registration, **kwargs)
    assert field in raised.value.message_dict
    assert RagChange.objects.filter(registration=registration).count() == 1
    assert not events_since(since, action="change")


def test_a_stale_form_is_refused_and_the_first_change_survives(partnership, registration):
    change(partnership, registration, expected_level="amber")
    with pytest.raises(ValidationError) as raised:
        change(partnership, registration, Role.CHAIR, level="green", expected_level="amber")
    assert "while you were editing" in raised.value.message_dict["level"][0]
    assert Registration.objects.get(pk=registration.pk).rag == "red"


def test_an_ended_registration_cannot_change(partnership, registration):
    Registration.objects.filter(pk=registration.pk).update(ended_on=TODAY)
    with pytest.raises(ValidationError) as raised:
        change(partnership, registration)
    assert "registration" in raised.value.message_dict


@pytest.mark.parametrize(
    "rag, since, today, due, overdue",
    [
        ("red", datetime.date(2026, 2, 1), datetime.date(2026, 2, 8), datetime.date(2026, 2, 8), False),
        ("red", datetime.date(2026, 2, 1), datetime.date(2026, 2, 9), datetime.date(2026, 2, 8), True),
        ("amber", datetime.date(2026, 2, 1), datetime.date(2026, 2, 15), datetime.date(2026, 2, 15), False),
        ("amber", datetime.date(2026, 2, 1), datetime.date(2026, 2, 16), datetime.date(2026, 2, 15), True),
        ("green", datetime.date(2026, 1, 31), datetime.date(2026, 2, 28), datetime.date(2026, 2, 28), False),
        ("prison", datetime.date(2026, 2, 1), datetime.date(2026, 9, 1), None, False),
    ],
    ids=["red day 7", "red day 8", "amber day 14", "amber day 15", "green month end", "prison"],
)
def test_the_regime_counts_home_visits_from_the_rag_date_when_the_timeline_has_none(
    partnership, registration, rag, since, today, due, overdue
):
    change(partnership, registration, level="red-alert", changed_on=datetime.date(2026, 1, 10))
    change(partnership, registration, level=rag, changed_on=since)
    registration = selectors._lifecycle_queryset().get(pk=registration.pk)
    regime = selectors.regime_of(registration, today)
    assert regime.rag_since == since
    assert regime.next_home_visit == due
    assert regime.home_visit_overdue is overdue


def test_a_transfer_in_stays_red_for_eight_weeks_then_may_change(partnership, registration):
    Registration.objects.filter(pk=registration.pk).update(transferred_in_on=START, rag="red")
    last_red_day = START + datetime.timedelta(days=55)
    with pytest.raises(ValidationError) as raised:
        change(partnership, registration, level="amber", changed_on=last_red_day, expected_level="red")
    assert "8 weeks" in raised.value.message_dict["level"][0]
    assert selectors.regime_of(selectors._lifecycle_queryset().get(pk=registration.pk), last_red_day).red_until == last_red_day
    change(partnership, registration, level="amber", changed_on=last_red_day + datetime.timedelta(days=1), expected_level="red")
    assert Registration.objects.get(pk=registration.pk).rag == "amber"


def test_red_alert_publishes_a_wanted_banner_and_appears_on_the_list(client, partnership, registration):
    change(partnership, registration, Role.POLICE_IOM_OFFICER, level="red-alert", reason="Failed to appear; warrant issued")
    event = AuditEvent.objects.filter(action="change", object_type="registration").latest("id")
    assert event.changes["wanted_alert_published"] is True
    client.force_login(partnership.users[Role.SUBSTANCE_MISUSE])
    page = client.get(f"/people/{partnership.ordinary.pk}/").content.decode()
    assert "Red Alert: wanted" in page and "Failed to appear; warrant issued" in page
    listing = client.get("/cohort/red-alerts/").content.decode()
    assert partnership.ordinary.display_name in listing
    # A partner whose agency is not involved sees the list, without this person.
    client.force_login(partnership.users["housing-worker"])
    assert partnership.ordinary.display_name not in client.get("/cohort/red-alerts/").content.decode()


def test_the_persons_page_shows_the_history_with_the_meeting_and_the_regime(client, partnership, registration):
    change(partnership, registration)
    client.force_login(partnership.users[Role.PROBATION_OFFICER])
    page = client.get(f"/people/{partnership.ordinary.pk}/").content.decode()
    assert "decided by" in page and "at IOM meeting 1 Feb" in page
    assert "At least one home visit every 7 days" in page
    assert "Next home visit due" in page and "8 February 2026" in page and "Overdue" in page


def test_the_rag_page_changes_the_level(client, partnership, registration):
    client.force_login(partnership.users[Role.POLICE_IOM_OFFICER])
    url = f"/cohort/registrations/{registration.pk}/rag/"
    response = client.post(url, {"level": "red", "changed_on_day": "2", "changed_on_month": "2", "changed_on_year": "2026", "reason": ""})
    assert response.status_code == 200 and "Enter why the level changed" in response.content.decode()
    response = client.post(
        url,
        {
            "level": "red",
            "changed_on_day": "2",
            "changed_on_month": "2",
            "changed_on_year": "2026",
            "reason": "Reoffending",
            "expected_level": "amber",
        },
    )
    assert response.status_code == 302
    assert Registration.objects.get(pk=registration.pk).rag == "red"
    client.force_login(partnership.users[Role.PROBATION_OFFICER])
    assert client.get(url).status_code == 403


def test_prison_shows_pre_release_planning_from_three_months_before_release(client, partnership, registration):
    from iomhub.justice.models import Sentence

    change(partnership, registration, level="prison", changed_on=datetime.date(2026, 2, 1), reason="Remanded")
    Sentence.objects.create(
        person=partnership.ordinary,
        sentenced_on=datetime.date(2026, 2, 20),
        offence_committed_on=datetime.date(2026, 1, 10),
        months=10,
        effective_release_date=datetime.date(2026, 6, 2),
    )
    client.force_login(partnership.users[Role.PROBATION_OFFICER])
    page = client.get(f"/cohort/registrations/{registration.pk}/").content.decode()
    assert "Release 2 June 2026: plan from 2 March 2026" in page and ">Now<" in page
    with clock.frozen(datetime.date(2026, 3, 1)):
        assert ">Now<" not in client.get(f"/cohort/registrations/{registration.pk}/").content.decode()
    # A partner without the justice section sees the registration but not the release date.
    assert selectors.next_release_for(user=partnership.users["housing-worker"], person=partnership.ordinary, as_of=TODAY) is None
