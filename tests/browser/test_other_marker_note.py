"""A warning of type "Other" with no details, in a real browser: the page refuses it with a GOV.UK
error summary whose link takes the officer to the Details box; with details it is kept and shown on
the person's page. Every state axe-clean."""

from __future__ import annotations

import pytest

from iomhub.access.models import Role
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_other_marker_needs_details_in_the_browser(session, partnership):
    person = partnership.ordinary
    page = session.page
    session.sign_in(Role.POLICE_IOM_OFFICER.value, PASSWORD)
    session.go(f"/people/{person.pk}/markers/new/")
    page.check("input[name='kind'][value='other']")
    session.follow("button:has-text('Save')")
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible()
    assert "There is a problem" in summary.inner_text()
    link = summary.locator("a[href='#id_note']")
    assert link.inner_text() == 'Enter details of what the "Other" warning or marker is'
    assert page.locator("#id_note-error").inner_text().endswith('Enter details of what the "Other" warning or marker is')
    session.assert_accessible("marker form, Other without details")
    link.click()
    assert page.evaluate("document.activeElement.id") == "id_note"
    assert person.markers.count() == 0

    page.check("input[name='kind'][value='other']")
    page.fill("#id_note", "Known to carry a dog lead as a weapon")
    session.follow("button:has-text('Save')")
    assert page.url.endswith(f"/people/{person.pk}/")
    warning = page.locator(".govuk-warning-text__text").first.inner_text()
    assert "Markers: Other (Known to carry a dog lead as a weapon)" in warning
    session.assert_accessible("person's page with the Other marker")
