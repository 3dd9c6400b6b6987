"""The journeys of issue 2 in a real browser: sign in, search, open a person, add and change one."""

from __future__ import annotations

import re

import pytest

from iomhub.access.models import AuditEvent
from iomhub.people.models import Person
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_officer_finds_a_person_by_name_and_by_pnc_and_moves_through_the_record(session, partnership):
    person = partnership.ordinary
    session.sign_in("police-iom-officer", PASSWORD)
    page = session.page
    assert page.locator("h1").inner_text().startswith("Welcome")

    session.follow("a.govuk-service-navigation__link:has-text('People')")
    page.fill("#id_q", "  EXAMPLE   jordan ")
    session.follow("button:has-text('Search')")
    assert page.locator("#results-heading").inner_text() == "1 person found"

    page.fill("#id_q", " " + person.pnc_id.lower().replace("/", " / ") + " ")
    session.follow("button:has-text('Search')")
    session.follow(f"a:has-text('{person.display_name}')")
    assert page.url.endswith(f"/people/{person.pk}/")
    assert person.pnc_id in page.locator(".moj-identity-bar").inner_text()
    current = page.locator(".moj-sub-navigation__link[aria-current='page']")
    assert current.inner_text() == "Summary"

    session.follow(".moj-sub-navigation__link:has-text('Justice')")
    assert page.locator("h1").inner_text() == "Justice"
    assert page.locator(".moj-sub-navigation__link[aria-current='page']").inner_text() == "Justice"
    assert AuditEvent.objects.filter(actor__username="police-iom-officer", action="view", person_id=person.pk).count() >= 2


def test_adding_a_person_shows_the_error_summary_then_creates_them(session, partnership):
    session.sign_in("probation-officer", PASSWORD)
    page = session.page
    session.go("/people/new/")
    page.fill("#id_first_name", "Morgan")
    page.fill("#id_last_name", "Testcase")
    page.fill("#id_date_of_birth_day", "31")
    page.fill("#id_date_of_birth_month", "2")
    page.fill("#id_date_of_birth_year", "1990")
    page.check("#id_sex_0")
    page.fill("#id_pnc_id", "2012/0052494A")
    session.follow("button:has-text('Save')")

    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible()
    assert "Date of birth must be a real date" in summary.inner_text()
    assert "PNC ID check character is wrong" in summary.inner_text()
    assert page.evaluate("document.activeElement.closest('.govuk-error-summary') !== null")  # GOV.UK JS moves focus
    page.click(".govuk-error-summary__list a:has-text('Date of birth')")
    assert page.evaluate("document.activeElement.id") == "id_date_of_birth_day"
    assert not Person.objects.filter(last_name="Testcase").exists()

    page.fill("#id_date_of_birth_day", "28")
    page.fill("#id_pnc_id", "2012/52494q")
    session.follow("button:has-text('Save')")
    created = Person.objects.get(last_name="Testcase")
    assert page.url.endswith(f"/people/{created.pk}/")
    assert created.pnc_id == "2012/0052494Q"
    assert "Morgan Testcase added" in page.locator(".govuk-notification-banner").inner_text()

    session.follow("a:has-text('Change details')")
    page.fill("#id_middle_names", "Lee")
    session.follow("button:has-text('Save')")
    assert "Morgan Lee Testcase" in page.locator("h1").inner_text()
    change = AuditEvent.objects.get(action="change", person_id=created.pk)
    assert change.changes == {"middle_names": {"before": "", "after": "Lee"}}

    session.sign_out()
    assert "/sign-in/" in page.url


def test_a_housing_worker_sees_only_the_cases_housing_is_involved_in(session, partnership):
    session.sign_in("housing-worker", PASSWORD)
    page = session.page
    session.go("/people/?q=" + partnership.ordinary.last_name)
    assert page.locator("#results-heading").inner_text() == "0 people found"
    session.go("/people/?q=" + partnership.housing_case.last_name)
    assert page.locator("#results-heading").inner_text() == "1 person found"
    response = session.go(f"/people/{partnership.ordinary.pk}/")
    assert response.status == 404
    assert partnership.ordinary.last_name not in page.content()
    tabs = [t.strip() for t in page.locator(".moj-sub-navigation__link").all_inner_texts()] if False else None
    session.go(f"/people/{partnership.housing_case.pk}/")
    tabs = [t.strip() for t in page.locator(".moj-sub-navigation__link").all_inner_texts()]
    assert tabs == ["Summary", "Plan"]


def test_a_chair_breaks_glass_with_a_reason_and_information_governance_sees_it(session, partnership):
    restricted = partnership.restricted
    session.sign_in("chair", PASSWORD)
    page = session.page
    response = session.go(f"/people/{restricted.pk}/")
    assert response.status == 404
    session.follow("a:has-text('Request emergency access')")
    page.fill("#id_reason", "Too short")
    session.follow("button:has-text('Open the record')")
    assert "Why do you need to see this record" in page.locator(".govuk-error-summary").inner_text()
    page.fill("#id_reason", "Urgent safeguarding concern raised by the custody sergeant tonight")
    session.follow("button:has-text('Open the record')")
    assert restricted.last_name.upper() in page.locator(".moj-identity-bar").inner_text()
    session.sign_out()

    session.sign_in("ig-lead", PASSWORD)
    session.go(f"/audit/?person={restricted.pk}&action=break-glass")
    rows = page.locator("table.iom-audit-table tbody tr").all_inner_texts()
    assert any("chair" in row and "custody sergeant" in row for row in rows)
    assert re.search(r"\d+ entries", page.locator("caption").inner_text())
