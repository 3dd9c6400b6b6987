"""A probation officer records, from the person's Summary tab, that they agreed to appointment
reminders by text (issue 11 §6): the page offers their mobile number, a missing answer is shown at
the question, and the Summary tab then says where it stands. Every state is axe-clean."""

from __future__ import annotations

import pytest

from iomhub.access.models import Role
from iomhub.notifications.models import TextConsent
from iomhub.people.models import ContactNumber
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_officer_records_the_agreement_from_the_summary(session, partnership):
    person = partnership.ordinary
    ContactNumber.objects.create(person=person, kind=ContactNumber.Kind.MOBILE, number="07700 900456")
    session.sign_in(Role.PROBATION_OFFICER.value, PASSWORD)
    session.go(f"/people/{person.pk}/")
    page = session.page
    assert "Not agreed: no reminders are sent." in page.locator("main").inner_text()
    session.follow("a:has-text('Change appointment reminders by text')")
    assert page.locator("h1").inner_text() == "Appointment reminders by text"
    assert page.input_value("#id_number") == "07700 900456"
    session.assert_accessible("text reminders form")
    session.follow("button:has-text('Save')")  # no answer chosen
    assert page.locator(".govuk-error-summary a").first.get_attribute("href") == "#id_agreed_0"
    assert page.locator("#id_agreed_0").get_attribute("value") == "yes"  # the summary links to the first radio
    assert page.locator(".govuk-error-message").first.is_visible()
    session.assert_accessible("text reminders form with an error")
    page.check("input[name='agreed'][value='yes']")
    session.follow("button:has-text('Save')")
    assert page.url.endswith(f"/people/{person.pk}/")
    main = page.locator("main").inner_text()
    assert "will be sent appointment reminders by text" in main
    assert "Agreed on" in main and "+447700900456" in main
    session.assert_accessible("summary with text reminders agreed")
    assert TextConsent.objects.get(person=person).number == "+447700900456"
