"""Bad input to the Add a person and Change details pages (issue 2, "Done when"): the page comes
back (200) with a GOV.UK error summary linking to the field, the message by the field, and nothing
stored; hostile but valid text is stored as typed and only ever shown escaped."""

from __future__ import annotations

import html
import re

import pytest

from iomhub.access.models import AuditEvent
from iomhub.people.models import Address, Alias, ContactNumber, Person

GOOD = {
    "first_name": "Riley",
    "last_name": "Formcheck",
    "date_of_birth_day": "12",
    "date_of_birth_month": "4",
    "date_of_birth_year": "1991",
    "sex": "female",
}

HOSTILE = {
    "script": "<script>alert(1)</script>",
    "sql": "'; DROP TABLE people_person; --",
    "quotes and ampersands": 'O\'Brien & "Sons" <b>',
}


def summary_links(page: str) -> dict[str, str]:
    """The error summary's entries: message -> the id its link jumps to."""
    summary = re.search(r'<div class="govuk-error-summary".*?</ul>', page, re.S)
    assert summary, "no error summary"
    return {html.unescape(text.strip()): target for target, text in re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary.group(0))}


def inline_errors(page: str) -> dict[str, str]:
    """The inline error messages: the id of the element (id_<field>-error) -> its text."""
    found = re.findall(r'<p id="id_([a-z_0-9]+)-error" class="govuk-error-message">(.*?)</p>', page, re.S)
    return {name: html.unescape(re.sub(r"<[^>]+>", "", text)).replace("Error:", "").strip() for name, text in found}


def counts() -> tuple[int, ...]:
    return (
        Person.objects.count(),
        Alias.objects.count(),
        Address.objects.count(),
        ContactNumber.objects.count(),
        AuditEvent.objects.filter(action__in=["create", "change"]).count(),
    )


def assert_refused(response, field: str, message: str) -> None:
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in page
    links = summary_links(page)
    matching = [m for m in links if message in m]
    assert matching, links
    target = links[matching[0]]
    assert target in (f"id_{field}", f"id_{field}_day", f"id_{field}_0"), target  # the link reaches the field
    assert f'id="{target}"' in page
    assert message in inline_errors(page).get(field, ""), inline_errors(page)


BAD_NEW = {
    "impossible date 31/02/1990": (
        {"date_of_birth_day": "31", "date_of_birth_month": "2", "date_of_birth_year": "1990"},
        "date_of_birth",
        "Date of birth must be a real date",
    ),
    "29 February in a common year": (
        {"date_of_birth_day": "29", "date_of_birth_month": "2", "date_of_birth_year": "1991"},
        "date_of_birth",
        "must be a real date",
    ),
    "month 13": ({"date_of_birth_month": "13"}, "date_of_birth", "must be a real date"),
    "day 0": ({"date_of_birth_day": "0"}, "date_of_birth", "must be a real date"),
    "missing day": ({"date_of_birth_day": ""}, "date_of_birth", "Date of birth must include a day"),
    "missing day and year": (
        {"date_of_birth_day": "", "date_of_birth_year": ""},
        "date_of_birth",
        "Date of birth must include a day and year",
    ),
    "no date at all": (
        {"date_of_birth_day": "", "date_of_birth_month": "", "date_of_birth_year": ""},
        "date_of_birth",
        "Enter date of birth",
    ),
    "letters for the month": ({"date_of_birth_month": "April"}, "date_of_birth", "must be a real date"),
    "negative day": ({"date_of_birth_day": "-1"}, "date_of_birth", "must be a real date"),
    "two-digit year": ({"date_of_birth_year": "91"}, "date_of_birth", "must be a real date"),
    "enormous day": ({"date_of_birth_day": "9" * 30}, "date_of_birth", "must be a real date"),
    "script in the year": ({"date_of_birth_year": HOSTILE["script"]}, "date_of_birth", "must be a real date"),
    "future": ({"date_of_birth_year": "2999"}, "date_of_birth", "Date of birth must be in the past"),
    "before 1900": ({"date_of_birth_year": "1899"}, "date_of_birth", "Date of birth must be after 1900"),
    "wrong PNC check character": ({"pnc_id": "2012/0052494A"}, "pnc_id", "PNC ID check character is wrong"),
    "PNC not a PNC": ({"pnc_id": HOSTILE["sql"][:20]}, "pnc_id", "Enter a PNC ID"),
    "NI prefix never issued": ({"ni_number": "GB123456A"}, "ni_number", "Enter a National Insurance number"),
    "NI suffix E": ({"ni_number": "AB123456E"}, "ni_number", "Enter a National Insurance number"),
    "NHS check digit wrong": ({"nhs_number": "9434765918"}, "nhs_number", "NHS number is not valid"),
    "NHS letters": ({"nhs_number": "94347659AB"}, "nhs_number", "Enter an NHS number of 10 digits"),
    "CRO malformed": ({"cro_number": "12/3"}, "cro_number", "Enter a CRO number"),
    "CRN malformed": ({"crn": "X12"}, "crn", "Enter a probation case reference number"),
    "prison number malformed": ({"prison_number": "A12BC"}, "prison_number", "Enter a prison number"),
    "10,000-character first name": ({"first_name": "x" * 10_000}, "first_name", "First name must be 100 characters or fewer"),
    "10,000-character middle names": ({"middle_names": "x" * 10_000}, "middle_names", "Middle names must be 200 characters or fewer"),
    "10,000-character PNC": ({"pnc_id": "1" * 10_000}, "pnc_id", "PNC ID must be 20 characters or fewer"),
    "NUL byte in the last name": ({"last_name": "Form\x00check"}, "last_name", "contains a null character, which is not allowed"),
    # A right-to-left override shows a name reversed, a zero-width space hides it from search (issue 9 finding 17).
    "right-to-left override in the last name": (
        {"last_name": "Smith\u202egnp.exe"},
        "last_name",
        "Last name contains a control or invisible character (U+202E)",
    ),
    "zero-width space in the first name": (
        {"first_name": "Ri\u200bley"},
        "first_name",
        "First name contains a control or invisible character",
    ),
    "NUL byte in an identifier": ({"crn": "X123\x00456"}, "crn", "contains a null character, which is not allowed"),
    "blank first name": ({"first_name": "   "}, "first_name", "Enter first name"),
    "sex not offered": ({"sex": "robot"}, "sex", "Select a valid choice"),
    "email not an email": ({"email": "<script>@"}, "email", "Enter a valid email address"),
    "bad postcode": ({"address_line_1": "1 Road", "postcode": "NOT REAL"}, "postcode", "Enter a real postcode"),
}


@pytest.fixture
def officer_client(client, partnership):
    client.force_login(partnership.users["police-iom-officer"])
    return client


@pytest.mark.parametrize("change, field, message", BAD_NEW.values(), ids=BAD_NEW.keys())
def test_add_a_person_refuses_bad_input_by_field_and_stores_nothing(officer_client, change, field, message):
    before = counts()
    response = officer_client.post("/people/new/", {**GOOD, **change})
    assert_refused(response, field, message)
    assert counts() == before


def test_add_a_person_shows_what_was_typed_back_escaped(officer_client):
    response = officer_client.post("/people/new/", {**GOOD, "middle_names": HOSTILE["script"], "pnc_id": '"><script>x</script>'})
    page = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in page and "<script>x</script>" not in page
    assert 'value="&lt;script&gt;alert(1)&lt;/script&gt;"' in page


@pytest.mark.parametrize("kind", HOSTILE.keys())
def test_hostile_but_valid_names_are_stored_as_typed_and_shown_escaped(officer_client, kind):
    text = HOSTILE[kind]
    response = officer_client.post("/people/new/", {**GOOD, "last_name": text, "middle_names": text, "address_line_1": text})
    assert response.status_code == 302, summary_links(response.content.decode())
    person = Person.objects.get(first_name="Riley")
    assert (person.last_name, person.middle_names, person.addresses.get().line_1) == (text, text, text)
    assert Person.objects.count() == 4  # nothing dropped
    page = officer_client.get(response["Location"]).content.decode()
    assert text not in page or text == html.escape(text)
    assert html.escape(text) in page
    assert "<script>alert(1)</script>" not in page
    # The search results list escapes it too.
    results = officer_client.get("/people/", {"q": "riley"}).content.decode()
    assert "<script>alert(1)</script>" not in results
    assert f"{html.escape(text.upper())}, Riley" in results


# -- Change details -----------------------------------------------------------------------------


@pytest.fixture
def edit(client, partnership):
    client.force_login(partnership.users["probation-officer"])
    person = partnership.ordinary
    base = {
        "first_name": person.first_name,
        "last_name": person.last_name,
        "date_of_birth_day": "17",
        "date_of_birth_month": "5",
        "date_of_birth_year": "1990",
        "sex": "male",
        "pnc_id": person.pnc_id,
        "version": "1",
    }

    def post(**change):
        return client.post(f"/people/{person.pk}/edit/", {**base, **change})

    post.person = person  # type: ignore[attr-defined]
    post.client = client  # type: ignore[attr-defined]
    return post


BAD_EDITS = {k: BAD_NEW[k] for k in BAD_NEW if k not in ("bad postcode",)}


@pytest.mark.parametrize("change, field, message", BAD_EDITS.values(), ids=BAD_EDITS.keys())
def test_change_details_refuses_bad_input_and_the_record_is_unchanged(edit, change, field, message):
    snapshot = Person.objects.filter(pk=edit.person.pk).values().get()
    before = counts()
    response = edit(**change)
    assert_refused(response, field, message)
    assert Person.objects.filter(pk=edit.person.pk).values().get() == snapshot
    assert counts() == before


def test_a_valid_change_with_a_hostile_name_is_saved_and_audited_and_escaped(edit):
    response = edit(middle_names=HOSTILE["script"], ni_number="ab 12 34 56 c")
    assert response.status_code == 302
    person = Person.objects.get(pk=edit.person.pk)
    assert (person.middle_names, person.ni_number, person.version) == (HOSTILE["script"], "AB123456C", 2)
    event = AuditEvent.objects.get(action="change", person_id=person.pk)
    assert event.changes["middle_names"] == {"before": "", "after": HOSTILE["script"]}
    page = edit.client.get(f"/people/{person.pk}/").content.decode()
    assert HOSTILE["script"] not in page
    assert html.escape(HOSTILE["script"]) in page


def test_a_stale_change_names_the_problem_and_keeps_the_other_change(edit):
    assert edit(middle_names="First").status_code == 302
    response = edit(middle_names="Second")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Someone else changed this record" in page
    assert Person.objects.get(pk=edit.person.pk).middle_names == "First"


def test_a_tampered_version_is_not_a_crash(edit):
    response = edit(middle_names="Whatever", version="'; DROP TABLE")
    assert response.status_code in (200, 302)
    assert Person.objects.filter(pk=edit.person.pk).exists()


def test_a_partner_cannot_open_change_details_at_all(client, partnership):
    client.force_login(partnership.users["housing-worker"])
    person = partnership.housing_case
    response = client.post(f"/people/{person.pk}/edit/", {"first_name": "Hacked", "last_name": "Hacked"})
    assert response.status_code == 403
    assert Person.objects.get(pk=person.pk).first_name == "Casey"
