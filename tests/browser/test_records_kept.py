"""Issue 13 §3 and §4 in a real browser: the information governance lead changes a retention rule
(error state included), records a subject access request, decides a marked item and downloads the
packs; every page axe-clean."""

from __future__ import annotations

import datetime

import pytest

from iomhub.casework.models import TimelineEntry
from iomhub.operations.models import RetentionRule, SubjectAccessRequest
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_ig_lead_changes_a_retention_rule(session, partnership):
    session.sign_in("ig-lead", PASSWORD)
    page = session.page
    session.follow("a:has-text('Retention rules')")
    session.assert_accessible("retention rules")
    rule = RetentionRule.objects.get(record_type="intelligence")
    session.follow(f"a[href='/retention/{rule.pk}/']")
    session.assert_accessible("retention rule form")
    page.fill("#id_period_months", "")
    session.follow("button:has-text('Save')")
    assert "Enter how many months" in page.locator(".govuk-error-summary").inner_text()
    session.assert_accessible("retention rule form, error state")
    page.fill("#id_period_months", "96")
    session.follow("button:has-text('Save')")
    assert page.url.endswith("/retention/")
    assert "96 months" in page.locator("tr", has_text="Police intelligence notes").inner_text()


def test_the_ig_lead_handles_a_subject_access_request(session, partnership):
    person = partnership.ordinary
    TimelineEntry.objects.create(
        person=person,
        kind="intelligence",
        occurred_on=datetime.date(2026, 3, 1),
        summary="Seen with known dealer",
        recorded_by=partnership.users["police-iom-officer"],
        recorded_by_name="PC Lee",
    )
    session.sign_in("ig-lead", PASSWORD)
    page = session.page
    session.follow("a:has-text('Subject access requests')")
    session.assert_accessible("subject access list")
    session.follow("a:has-text('Record a new request')")
    session.follow("button:has-text('Save')")
    assert "Enter the record number" in page.locator(".govuk-error-summary").inner_text()
    session.assert_accessible("new request, error state")
    page.fill("#id_person_id", str(person.pk))
    today = datetime.date.today()
    page.fill("#id_received_on_day", str(today.day))
    page.fill("#id_received_on_month", str(today.month))
    page.fill("#id_received_on_year", str(today.year))
    page.fill("#id_requester", "The person, by letter")
    session.follow("button:has-text('Save')")
    session.assert_accessible("request page")
    assert "Police intelligence" in page.content()
    page.check("input[name='decision'][value='withhold']")
    page.fill("input[name='reason']", "Crime and taxation exemption")
    session.follow("button:has-text('Record decision')")
    session.assert_accessible("request page after a decision")
    sar = SubjectAccessRequest.objects.get(person=person)
    assert sar.status == "in-review" and len(sar.decisions) == 1
    with page.expect_download() as download:
        page.click("a:has-text('Review pack (PDF)')")
    assert download.value.suggested_filename == f"subject-access-{sar.pk}-review.pdf"
