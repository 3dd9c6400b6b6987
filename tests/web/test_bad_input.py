"""Bad input to the person forms: a GOV.UK error summary naming each field, nothing stored;
hostile but valid text is stored as typed and shown escaped."""

from __future__ import annotations

import re

import pytest

from iomhub.access.models import AuditEvent
from iomhub.people.models import Person

GOOD = {
    "first_name": "Riley",
    "last_name": "Formtest",
    "date_of_birth_day": "12",
    "date_of_birth_month": "4",
    "date_of_birth_year": "1991",
    "sex": "female",
}

BAD = {
    "impossible date": ({"date_of_birth_day": "31", "date_of_birth_month": "2"}, "Date of birth must be a real date"),
    "missing month": ({"date_of_birth_month": ""}, "Date of birth must include a month"),
    "letters in the year": ({"date_of_birth_year": "19x1"}, "Date of birth must be a real date"),
    "date in the future": ({"date_of_birth_year": "2099"}, "Date of birth must be in the past"),
    "no last name": ({"last_name": ""}, "Enter last name"),
    "no sex chosen": ({"sex": ""}, "Select sex"),
    "wrong PNC check character": ({"pnc_id": "2012/0052494A"}, "PNC ID check character is wrong"),
    "NI prefix never issued": ({"ni_number": "BG 12 34 56 A"}, "Enter a National Insurance number"),
    "NHS check digit wrong": ({"nhs_number": "943 476 5918"}, "NHS number is not valid"),
    "ten thousand characters": ({"first_name": "x" * 10_000}, "First name must be 100 characters or fewer"),
    "null character": ({"last_name": "Form\x00test"}, "contains a null character, which is not allowed"),
    "postcode without an address": ({"postcode": "PO1 2AB"}, "Enter address line 1, or leave the postcode empty"),
}


def _errors(html: str) -> list[str]:
    summary = re.search(r'class="govuk-error-summary".*?</ul>', html, re.S)
    return re.findall(r"<a href=\"#[^\"]+\">([^<]+)</a>", summary.group(0)) if summary else []


@pytest.mark.parametrize("change, message", BAD.values(), ids=BAD.keys())
def test_adding_a_person_with_bad_input_names_the_problem_and_stores_nothing(client, partnership, change, message):
    client.force_login(partnership.users["police-iom-officer"])
    people, events = Person.objects.count(), AuditEvent.objects.filter(action="create").count()
    response = client.post("/people/new/", {**GOOD, **change})
    html = response.content.decode()
    assert response.status_code == 200
    assert any(message in e for e in _errors(html)), _errors(html)
    assert 'class="govuk-error-message"' in html  # and inline, by the field
    assert html.count("<title>Error: ") == 1
    assert (Person.objects.count(), AuditEvent.objects.filter(action="create").count()) == (people, events)


def test_every_error_is_listed_at_once(client, partnership):
    client.force_login(partnership.users["police-iom-officer"])
    response = client.post("/people/new/", {**GOOD, "date_of_birth_day": "32", "pnc_id": "nonsense", "nhs_number": "123"})
    assert len(_errors(response.content.decode())) == 3


def test_hostile_but_valid_names_are_stored_as_typed_and_shown_escaped(client, partnership):
    client.force_login(partnership.users["police-iom-officer"])
    hostile = "<script>alert('x')</script>"
    response = client.post("/people/new/", {**GOOD, "middle_names": hostile, "last_name": "O'Brien-Smith"})
    person = Person.objects.get(first_name="Riley")
    assert response.status_code == 302
    assert person.middle_names == hostile
    page = client.get(f"/people/{person.pk}/").content.decode()
    assert hostile not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page


def _edit_form(person, **changes):
    """The person edit page's fields as the page holds them for ``person`` (born 17 May 1990), at version 1."""
    return {
        "first_name": person.first_name,
        "last_name": person.last_name,
        "date_of_birth_day": "17",
        "date_of_birth_month": "5",
        "date_of_birth_year": "1990",
        "sex": "male",
        "pnc_id": person.pnc_id,
        "version": "1",
        **changes,
    }


def test_changing_details_to_something_invalid_keeps_the_record_as_it_was(client, partnership):
    person = partnership.ordinary
    client.force_login(partnership.users["probation-officer"])
    form = _edit_form(person, date_of_birth_day="30", date_of_birth_month="2")
    response = client.post(f"/people/{person.pk}/edit/", form)
    assert "Date of birth must be a real date" in response.content.decode()
    person.refresh_from_db()
    assert person.date_of_birth.isoformat() == "1990-05-17"
    assert not AuditEvent.objects.filter(action="change", person_id=person.pk).exists()


def test_a_stale_edit_is_refused_and_the_first_change_survives(client, partnership):
    person = partnership.ordinary
    client.force_login(partnership.users["probation-officer"])
    base = _edit_form(person)
    first = client.post(f"/people/{person.pk}/edit/", {**base, "middle_names": "First"})
    second = client.post(f"/people/{person.pk}/edit/", {**base, "middle_names": "Second"})
    assert first.status_code == 302
    assert "Someone else changed this record" in second.content.decode()
    person.refresh_from_db()
    assert person.middle_names == "First"


@pytest.mark.parametrize("version", ["²", "٣", "9" * 5000, "-1", "1.0"])
def test_an_unreadable_version_is_refused_as_stale_not_saved_unchecked(client, partnership, version):
    """The page's hidden version stops one person's change overwriting another's. A version that is
    not a whole number matches no record, so the edit is refused as stale and nothing is saved (it
    was read as "none sent", which skipped the check)."""
    person = partnership.ordinary
    client.force_login(partnership.users["probation-officer"])
    form = _edit_form(person, middle_names="Overwritten", version=version)
    response = client.post(f"/people/{person.pk}/edit/", form)
    assert response.status_code == 200 and "Someone else changed this record" in response.content.decode()
    person.refresh_from_db()
    assert person.middle_names != "Overwritten"


@pytest.mark.parametrize("agency", ["²", "٣", "9" * 5000, "-1", "0"])
def test_an_odd_agency_on_the_add_action_page_is_no_agency(client, partnership, agency):
    client.force_login(partnership.users["probation-officer"])
    response = client.get(f"/people/{partnership.ordinary.pk}/plan/actions/new/", {"agency": agency})
    assert response.status_code == 200
