"""Appointments booked ahead and plan actions' due dates are within two years of today
(``rules.date_windows.BOOKING_YEARS``): the same message on the page and in the API. Today is
15 June 2026, so 15 June 2028 is the last day accepted and 16 June 2028 is refused (by hand)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from iomhub.access.models import Role
from iomhub.casework import services
from iomhub.casework.models import PlanAction, TimelineEntry

pytestmark = pytest.mark.django_db
D = datetime.date
LAST = D(2028, 6, 15)
BEYOND = D(2028, 6, 16)


def _date(prefix, d):
    return {f"{prefix}_day": str(d.day), f"{prefix}_month": str(d.month), f"{prefix}_year": str(d.year)}


def _book(p, when):
    return services.timeline_record(
        acting_user=p.users[Role.PROBATION_OFFICER], person=p.ordinary, kind="office-appointment", outcome="booked", occurred_on=when
    )


def test_an_appointment_on_the_windows_last_day_is_booked(registered, today):
    assert _book(registered, LAST).occurred_on == LAST


@pytest.mark.parametrize("when", [BEYOND, D(2099, 1, 1), D(9999, 12, 31)])
def test_an_appointment_beyond_two_years_is_refused_naming_the_field(registered, today, when):
    with pytest.raises(ValidationError) as caught:
        _book(registered, when)
    assert caught.value.message_dict["occurred_on"] == ["The appointment date must be within 2 years of today"]
    assert not TimelineEntry.objects.exists()


def test_the_same_appointment_refused_alike_on_the_page_and_in_the_api(client, registered, today):
    p = registered
    client.force_login(p.users[Role.PROBATION_OFFICER])
    page = client.post(
        f"/people/{p.ordinary.pk}/timeline/new/", {"kind": "office-appointment", "outcome": "booked"} | _date("occurred_on", BEYOND)
    )
    assert page.status_code == 200
    assert page.context["form"].errors["occurred_on"] == ["The appointment date must be within 2 years of today"]
    api = client.post(
        f"/api/v1/people/{p.ordinary.pk}/timeline",
        {"kind": "office-appointment", "outcome": "booked", "occurred_on": BEYOND.isoformat()},
        content_type="application/json",
    )
    assert api.status_code == 400
    assert api.json()["errors"]["occurred_on"] == ["The appointment date must be within 2 years of today"]
    assert not TimelineEntry.objects.exists()
    good = client.post(
        f"/api/v1/people/{p.ordinary.pk}/timeline",
        {"kind": "office-appointment", "outcome": "booked", "occurred_on": LAST.isoformat()},
        content_type="application/json",
    )
    assert good.status_code == 201, good.content


def test_a_contact_that_took_place_is_still_refused_in_the_future(registered, today):
    with pytest.raises(ValidationError) as caught:
        services.timeline_record(
            acting_user=registered.users[Role.PROBATION_OFFICER], person=registered.ordinary, kind="phone", occurred_on=D(2026, 6, 16)
        )
    assert caught.value.message_dict["occurred_on"] == ["The date must be today or in the past"]


def _action(p, due):
    return services.plan_action_add(
        acting_user=p.users[Role.PROBATION_OFFICER],
        person=p.ordinary,
        description="See GP",
        agency=p.probation,
        owner_name="PO Sam",
        due_on=due,
    )


def test_a_plan_action_due_on_the_windows_last_day_is_added_and_beyond_it_refused(registered, today):
    assert _action(registered, LAST).due_on == LAST
    with pytest.raises(ValidationError) as caught:
        _action(registered, BEYOND)
    assert caught.value.message_dict["due_on"] == ["The due date must be within 2 years of today"]
    assert PlanAction.objects.count() == 1


def test_a_carried_over_actions_new_due_date_is_within_two_years(registered, today):
    action = _action(registered, D(2026, 7, 1))
    worker = registered.users[Role.PROBATION_OFFICER]
    with pytest.raises(ValidationError) as caught:
        services.plan_action_update(acting_user=worker, action=action, status="carried-over", version=1, note="Moved", due_on=BEYOND)
    assert caught.value.message_dict["due_on"] == ["The new due date must be within 2 years of today"]
    moved = services.plan_action_update(acting_user=worker, action=action, status="carried-over", version=1, note="Moved", due_on=LAST)
    assert moved.due_on == LAST


def test_the_same_due_date_refused_alike_on_the_page_and_in_the_api(client, registered, today):
    p = registered
    client.force_login(p.users[Role.PROBATION_OFFICER])
    body = {"description": "See GP", "agency": p.probation.pk, "owner_name": "PO Sam"}
    page = client.post(f"/people/{p.ordinary.pk}/plan/actions/new/", body | _date("due_on", BEYOND))
    assert page.status_code == 200
    assert page.context["form"].errors["due_on"] == ["The due date must be within 2 years of today"]
    api = client.post(
        f"/api/v1/people/{p.ordinary.pk}/plan-actions", body | {"due_on": BEYOND.isoformat()}, content_type="application/json"
    )
    assert api.status_code == 400
    assert api.json()["errors"]["due_on"] == ["The due date must be within 2 years of today"]
    assert not PlanAction.objects.exists()
