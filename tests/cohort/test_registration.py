"""IOM registrations: opened once per person by the chair, the adoption checklist recorded with date
and by whom by the coordinator (002 appendix 2, Administration), shown by section."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from iomhub import clock
from iomhub.access.models import AuditEvent, Role
from iomhub.cohort import services
from iomhub.cohort.models import ChecklistEntry, ChecklistItem, Registration
from tests.access.support import events_since, last_event_id

TODAY = datetime.date(2026, 11, 20)


@pytest.fixture(autouse=True)
def fixed_today():
    with clock.frozen(TODAY):
        yield


@pytest.fixture
def registration(partnership):
    return services.registration_open(
        acting_user=partnership.users[Role.CHAIR],
        person=partnership.housing_case,
        referral=None,
        started_on=datetime.date(2026, 11, 18),
        rag="amber",
        neighbourhood_crime=True,
        reason="Adopted at the November meeting",
    )


def test_opening_a_registration_records_rag_history_checklist_and_audit(partnership, registration):
    assert [(c.level, c.decided_by_name) for c in registration.rag_history.all()] == [
        ("amber", partnership.users[Role.CHAIR].get_full_name())
    ]
    assert registration.checklist.count() == len(ChecklistItem.values)
    assert all(e.outstanding for e in registration.checklist.all())
    event = AuditEvent.objects.get(action="create", object_type="registration")
    assert event.person_id == partnership.housing_case.pk
    assert event.changes["rag"] == {"before": None, "after": "amber"}


def test_a_person_has_one_open_registration(partnership, registration):
    with pytest.raises(ValidationError):
        services.registration_open(
            acting_user=partnership.users[Role.CHAIR], person=partnership.housing_case, referral=None, started_on=TODAY, rag="red"
        )
    assert Registration.objects.count() == 1


def test_re_registration_after_deregistration_is_a_new_row(partnership, registration):
    Registration.objects.filter(pk=registration.pk).update(ended_on=datetime.date(2026, 11, 19), end_reason="Custody of 5 years")
    again = services.registration_open(
        acting_user=partnership.users[Role.CHAIR], person=partnership.housing_case, referral=None, started_on=TODAY, rag="prison"
    )
    assert list(Registration.objects.filter(person=partnership.housing_case).values_list("pk", flat=True)) == [again.pk, registration.pk]


@pytest.mark.parametrize("key", [Role.COORDINATOR, Role.POLICE_IOM_OFFICER, "housing-worker"])
def test_only_a_chair_opens_a_registration(partnership, key):
    # 403, or 404 for someone who may not even see the person (the housing worker: housing is not involved)
    with pytest.raises(Http404 if key == "housing-worker" else PermissionDenied):
        services.registration_open(
            acting_user=partnership.users[key], person=partnership.ordinary, referral=None, started_on=TODAY, rag="red"
        )
    assert AuditEvent.objects.filter(actor=partnership.users[key], action="denied").exists()
    assert not Registration.objects.exists()


def test_the_coordinator_records_an_item_with_date_and_by_whom(client, partnership, registration):
    coordinator = partnership.users[Role.COORDINATOR]
    client.force_login(coordinator)
    assert "Offender notified" in client.get("/cohort/").content.decode()
    response = client.post(
        f"/cohort/registrations/{registration.pk}/checklist/",
        {
            "item": "offender-notified",
            "done_on_day": "19",
            "done_on_month": "11",
            "done_on_year": "2026",
            "done_by": "PC Lee, Wessex Police",
        },
    )
    assert response.status_code == 302
    entry = ChecklistEntry.objects.get(registration=registration, item="offender-notified")
    assert (entry.done_on, entry.done_by, entry.recorded_by) == (datetime.date(2026, 11, 19), "PC Lee, Wessex Police", coordinator)
    event = AuditEvent.objects.filter(object_type="registration-checklist").latest("id")
    assert event.changes["done_on"] == {"before": None, "after": "2026-11-19"}
    page = client.get(f"/people/{partnership.housing_case.pk}/").content.decode()
    assert "19 Nov 2026 by PC Lee, Wessex Police" in page
    assert page.count("Outstanding") == len(ChecklistItem.values) - 1


BAD = {
    "no date": ({"done_by": "PC Lee"}, "Enter the date it was done"),
    "future date": (
        {"done_on_day": "1", "done_on_month": "1", "done_on_year": "2027", "done_by": "PC Lee"},
        "must be today or in the past",
    ),
    "nobody named": ({"done_on_day": "19", "done_on_month": "11", "done_on_year": "2026"}, "Enter who did it"),
    "not applicable for a police marker": ({"item": "pnc-marker", "not_applicable": "on"}, "Only notifying social services"),
    "impossible date": ({"done_on_day": "31", "done_on_month": "2", "done_on_year": "2026", "done_by": "x"}, "must be a real date"),
}


@pytest.mark.parametrize("post, message", BAD.values(), ids=BAD.keys())
def test_bad_checklist_input_is_named_and_nothing_is_stored(client, partnership, registration, post, message):
    client.force_login(partnership.users[Role.COORDINATOR])
    since = last_event_id()
    response = client.post(f"/cohort/registrations/{registration.pk}/checklist/", {"item": "offender-notified", **post})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "govuk-error-summary" in response.content.decode()
    assert all(e.outstanding for e in registration.checklist.all())
    assert not events_since(since, action="change")


def test_social_services_may_be_marked_as_not_applying(partnership, registration):
    entry = services.checklist_record(
        acting_user=partnership.users[Role.CHAIR],
        registration=registration,
        item="social-services",
        done_on=None,
        done_by="",
        not_applicable=True,
    )
    assert not entry.outstanding


@pytest.mark.parametrize("key, status", [(Role.POLICE_IOM_OFFICER, 403), ("housing-worker", 403), (Role.PERFORMANCE_LEAD, 403)])
def test_others_may_not_manage_the_checklist(client, partnership, registration, key, status):
    user = partnership.users[key]
    client.force_login(user)
    since = last_event_id()
    response = client.post(f"/cohort/registrations/{registration.pk}/checklist/", {"item": "offender-notified", "done_by": "x"})
    assert response.status_code == status
    assert events_since(since, actor=user, action="denied")
    assert client.get("/cohort/").status_code == 403


def test_the_registration_shows_to_those_who_see_the_plan_section_only(client, partnership, registration):
    client.force_login(partnership.users["housing-worker"])  # housing's agreement shares the plan
    assert "IOM registration" in client.get(f"/people/{partnership.housing_case.pk}/").content.decode()
    client.force_login(partnership.users[Role.IG_LEAD])  # identity only
    page = client.get(f"/people/{partnership.housing_case.pk}/").content.decode()
    assert "IOM registration" not in page and "Amber" not in page


def test_someone_not_registered_can_be_referred_from_their_page(client, partnership):
    client.force_login(partnership.users[Role.POLICE_IOM_OFFICER])
    page = client.get(f"/people/{partnership.ordinary.pk}/").content.decode()
    assert "Not registered on IOM" in page
    assert f"/referrals/new/?person={partnership.ordinary.pk}" in page
