"""Issue 9 in a real browser: the information governance lead reviews the sharing agreements (an
expired one flagged), changes one, and the coordinator ends a partner's involvement from the Plan
tab so the housing worker loses the person; every page axe-clean, normal and error states."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from iomhub.access.models import AuditEvent, SharingAgreement
from iomhub.casework.models import AgencyInvolvement
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_ig_lead_reviews_and_changes_an_agreement(session, partnership):
    today = timezone.localdate()
    SharingAgreement.objects.create(organisation=partnership.dwp, sections=["identity"], review_by=today - datetime.timedelta(days=3))
    session.sign_in("ig-lead", PASSWORD)
    page = session.page
    session.follow("a:has-text('Sharing agreements')")
    session.assert_accessible("agreements list")
    dwp_row = page.locator("tr", has_text="Test DWP")
    assert "Expired" in dwp_row.inner_text()

    session.follow(f"a[href='/sharing-agreements/{partnership.housing.pk}/']")
    session.assert_accessible("agreement form")
    page.check("input[name='sections'][value='timeline']")
    session.follow("button:has-text('Save')")
    summary = page.locator(".govuk-error-summary")
    assert "Enter the purpose of the agreement" in summary.inner_text()
    session.assert_accessible("agreement form, error state")

    page.fill("#id_purpose", "Housing options and tenancy support")
    signed = today - datetime.timedelta(days=30)
    review = today + datetime.timedelta(days=200)
    for name, day in (("signed_on", signed), ("review_by", review)):
        page.fill(f"#id_{name}_day", str(day.day))
        page.fill(f"#id_{name}_month", str(day.month))
        page.fill(f"#id_{name}_year", str(day.year))
    session.follow("button:has-text('Save')")
    assert page.url.endswith("/sharing-agreements/")
    assert "Sharing agreement with Test Housing saved" in page.locator(".govuk-notification-banner").inner_text()
    assert "Timeline" in page.locator("tr", has_text="Test Housing").inner_text()
    assert SharingAgreement.objects.get(organisation=partnership.housing).sections == ["identity", "contact", "plan", "timeline"]
    assert AuditEvent.objects.filter(action="change", object_type="sharing-agreement", actor__username="ig-lead").exists()


def test_the_coordinator_ends_housings_involvement_and_the_housing_worker_loses_the_person(session, partnership):
    person = partnership.housing_case
    session.sign_in("iom-coordinator", PASSWORD)
    page = session.page
    session.go(f"/people/{person.pk}/plan/")
    session.follow("a:has-text('End involvement of Test Housing')")
    session.assert_accessible("end involvement")
    session.follow("button:has-text('Save')")
    assert "Enter why it ends" in page.locator(".govuk-error-summary").inner_text()
    session.assert_accessible("end involvement, error state")
    page.fill("#id_reason", "Tenancy sustained; housing closed the case")
    session.follow("button:has-text('Save')")
    assert page.url.endswith(f"/people/{person.pk}/plan/")
    assert "Tenancy sustained" in page.locator(".govuk-summary-card", has_text="Test Housing").inner_text()
    assert not AgencyInvolvement.objects.filter(person=person, organisation=partnership.housing, ended_on__isnull=True).exists()
    session.sign_out()

    session.sign_in("housing-worker", PASSWORD)
    response = session.go(f"/people/{person.pk}/")
    assert response.status == 404
