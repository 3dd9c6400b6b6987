"""Adding addresses, phone numbers, markers and aliases: one service each, authorised and audited."""

import datetime

from iomhub import clock
from iomhub.access.models import AuditEvent
from iomhub.people.models import Person


def _date(prefix, day):
    return {f"{prefix}_day": str(day.day), f"{prefix}_month": str(day.month), f"{prefix}_year": str(day.year)}


def test_a_new_current_address_ends_the_previous_one_the_day_before(client, partnership):
    person = partnership.ordinary
    client.force_login(partnership.users["police-iom-officer"])
    first = client.post(
        f"/people/{person.pk}/addresses/new/",
        {"line_1": "1 High Street", "postcode": "po1 2ab", **_date("from_date", datetime.date(2024, 2, 1))},
    )
    second = client.post(
        f"/people/{person.pk}/addresses/new/",
        {"line_1": "2 Low Street", "postcode": "SO14  7LP", **_date("from_date", datetime.date(2025, 6, 1))},
    )
    assert (first.status_code, second.status_code) == (302, 302)
    rows = list(person.addresses.order_by("from_date").values_list("line_1", "postcode", "to_date"))
    assert rows == [("1 High Street", "PO1 2AB", datetime.date(2025, 5, 31)), ("2 Low Street", "SO14 7LP", None)]
    closing = AuditEvent.objects.get(action="change", object_type="address")
    assert closing.changes == {"to_date": {"before": None, "after": "2025-05-31"}}


def test_a_bad_postcode_or_phone_number_is_refused_by_field_and_nothing_is_stored(client, partnership):
    person = partnership.ordinary
    client.force_login(partnership.users["probation-officer"])
    bad_postcode = client.post(f"/people/{person.pk}/addresses/new/", {"line_1": "1 High Street", "postcode": "ZZZ 123"})
    bad_phone = client.post(f"/people/{person.pk}/phones/new/", {"kind": "M", "number": "call me maybe"})
    assert "Enter a real postcode" in bad_postcode.content.decode()
    assert "Enter a phone number" in bad_phone.content.decode()
    assert 'class="govuk-error-summary"' in bad_phone.content.decode()
    assert person.addresses.count() == 0
    assert person.contact_numbers.count() == 0


def test_a_marker_shows_as_a_warning_on_the_person_page(client, partnership):
    person = partnership.ordinary
    client.force_login(partnership.users["police-iom-officer"])
    client.post(f"/people/{person.pk}/markers/new/", {"kind": "weapons", "note": "Knife found at address"})
    page = client.get(f"/people/{person.pk}/").content.decode()
    assert "Markers: Weapons (Knife found at address)" in page


def test_a_partner_may_add_contact_details_but_not_markers(client, partnership):
    person = partnership.housing_case
    client.force_login(partnership.users["housing-worker"])
    phone = client.post(f"/people/{person.pk}/phones/new/", {"kind": "H", "number": "023 8000 0000"})
    marker = client.post(f"/people/{person.pk}/markers/new/", {"kind": "violence"})
    assert phone.status_code == 302
    assert marker.status_code == 403
    assert person.markers.count() == 0
    assert AuditEvent.objects.filter(action="denied", person_id=person.pk, reason__contains="markers").exists()


def test_an_alias_makes_the_person_findable_by_it(client, partnership):
    person = partnership.housing_case
    client.force_login(partnership.users["coordinator" if "coordinator" in partnership.users else "iom-coordinator"])
    client.post(f"/people/{person.pk}/aliases/new/", {"first_name": "Kacey", "last_name": "Samples-Smythe"})
    results = client.get("/people/", {"q": "  samples-SMYTHE "}).content.decode()
    assert f"/people/{person.pk}/" in results


def test_an_impossible_moving_in_date_is_refused_by_field_and_the_address_history_is_kept(client, partnership):
    """Living here since: a past day, after the person was born, and after the current address
    began (an earlier day would end the current address before it began and give the new one its years)."""
    person = partnership.ordinary
    client.force_login(partnership.users["police-iom-officer"])
    first = client.post(f"/people/{person.pk}/addresses/new/", {"line_1": "1 High Street", **_date("from_date", datetime.date(2020, 1, 1))})
    assert first.status_code == 302
    born = person.date_of_birth
    refused = {
        "tomorrow": (clock.today() + datetime.timedelta(days=1), "must be today or in the past"),
        "before birth": (born - datetime.timedelta(days=1), "must be after the person&#x27;s date of birth"),
        "before the current address": (datetime.date(2019, 12, 31), "must be after 1 January 2020, when the current address began"),
        "the day the current address began": (datetime.date(2020, 1, 1), "must be after 1 January 2020"),
    }
    for day, words in refused.values():
        page = client.post(f"/people/{person.pk}/addresses/new/", {"line_1": "9 Elsewhere Road", **_date("from_date", day)})
        assert page.status_code == 200 and words in page.content.decode(), (day, words)
        assert 'href="#id_from_date_day"' in page.content.decode()  # the error summary links the field
    assert list(person.addresses.values_list("line_1", "from_date", "to_date")) == [("1 High Street", datetime.date(2020, 1, 1), None)]
    moved = client.post(f"/people/{person.pk}/addresses/new/", {"line_1": "2 Low Street", **_date("from_date", datetime.date(2020, 1, 2))})
    assert moved.status_code == 302
    assert person.addresses.get(line_1="1 High Street").to_date == datetime.date(2020, 1, 1)


def test_a_new_persons_address_from_the_future_is_refused_by_its_place_in_the_list(client, partnership, api_auth):
    body = {
        "first_name": "Avery",
        "last_name": "Testcase",
        "date_of_birth": "1990-04-05",
        "confirm_new": True,
        "addresses": [{"line_1": "1 High Street", "from_date": "2099-01-01"}],
    }
    response = client.post("/api/v1/people", body, content_type="application/json", **api_auth("police-iom-officer"))
    assert response.status_code == 400
    assert "addresses[0].from_date" in response.content.decode()
    assert not Person.objects.filter(last_name="Testcase").exists()
