"""Sharing agreements as data the information governance lead manages (issue 9 §2): sections with
their labels, purpose, signed and review dates, in the browser and the API; every change audited
with before and after; intelligence refused for a non-police organisation; an expired agreement is
flagged and shares nothing; nobody else may see or change them."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from iomhub.access.models import Role, SharingAgreement
from tests.access.support import events_since, last_event_id

TODAY = timezone.localdate()


def _form(**overrides: object) -> dict[str, object]:
    signed = TODAY - datetime.timedelta(days=100)
    review = TODAY + datetime.timedelta(days=300)
    data: dict[str, object] = {
        "sections": ["identity", "contact", "plan", "timeline"],
        "purpose": "Housing options and tenancy support for people on IOM",
        "signed_on_day": signed.day,
        "signed_on_month": signed.month,
        "signed_on_year": signed.year,
        "review_by_day": review.day,
        "review_by_month": review.month,
        "review_by_year": review.year,
    }
    data.update(overrides)
    return data


def test_the_ig_lead_changes_an_agreement_in_the_browser_and_it_is_audited_before_and_after(client, partnership):
    client.force_login(partnership.users[Role.IG_LEAD])
    page = client.get(f"/sharing-agreements/{partnership.housing.pk}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Addresses and contact details" in body and "Police intelligence" in body  # sections with their labels
    since = last_event_id()
    response = client.post(f"/sharing-agreements/{partnership.housing.pk}/", _form())
    assert response.status_code == 302
    agreement = SharingAgreement.objects.get(organisation=partnership.housing)
    assert agreement.sections == ["identity", "contact", "plan", "timeline"]
    assert agreement.purpose.startswith("Housing options")
    [event] = events_since(since, action="change", object_type="sharing-agreement")
    assert event.actor == partnership.users[Role.IG_LEAD]
    assert event.changes["sections"] == {"before": ["contact", "identity", "plan"], "after": ["contact", "identity", "plan", "timeline"]}
    assert event.changes["purpose"] == {"before": "", "after": "Housing options and tenancy support for people on IOM"}
    assert event.changes["review_by"]["after"] == (TODAY + datetime.timedelta(days=300)).isoformat()


def test_a_new_agreement_is_audited_as_created(client, partnership):
    client.force_login(partnership.users[Role.IG_LEAD])
    since = last_event_id()
    assert client.post(f"/sharing-agreements/{partnership.dwp.pk}/", _form(sections=["identity", "plan"])).status_code == 302
    [event] = events_since(since, object_type="sharing-agreement")
    assert event.action == "create"
    assert event.changes["sections"] == {"before": None, "after": ["identity", "plan"]}


def test_the_ig_lead_changes_an_agreement_through_the_api(client, partnership):
    client.force_login(partnership.users[Role.IG_LEAD])
    url = f"/api/v1/organisations/{partnership.housing.pk}/sharing-agreement"
    read = client.get(url)
    assert read.status_code == 200
    assert read.json()["sections"] == ["identity", "contact", "plan"]
    since = last_event_id()
    body = {
        "sections": ["identity", "plan"],
        "purpose": "Tenancy support",
        "signed_on": "2026-01-10",
        "review_by": (TODAY + datetime.timedelta(days=20)).isoformat(),
    }
    response = client.put(url, body, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["sections"] == ["identity", "plan"]
    assert response.json()["status"] == "review-due"
    [event] = events_since(since, action="change", object_type="sharing-agreement")
    assert event.changes["sections"]["before"] == ["contact", "identity", "plan"]


def test_intelligence_is_refused_for_a_non_police_organisation_with_a_clear_message(client, partnership):
    client.force_login(partnership.users[Role.IG_LEAD])
    since = last_event_id()
    response = client.post(f"/sharing-agreements/{partnership.housing.pk}/", _form(sections=["identity", "intelligence"]))
    assert response.status_code == 200
    assert "Police intelligence is shared with police organisations only" in response.content.decode()
    api = client.put(
        f"/api/v1/organisations/{partnership.housing.pk}/sharing-agreement",
        {"sections": ["identity", "intelligence"], "purpose": "x", "signed_on": "2026-01-10", "review_by": "2027-01-10"},
        content_type="application/json",
    )
    assert api.status_code == 400
    assert "police organisations only" in api.json()["errors"]["sections"][0]
    assert SharingAgreement.objects.get(organisation=partnership.housing).sections == ["identity", "contact", "plan"]
    assert not events_since(since, object_type="sharing-agreement", action__in=["change", "create"])


def test_bad_dates_are_named(client, partnership):
    client.force_login(partnership.users[Role.IG_LEAD])
    review = TODAY - datetime.timedelta(days=200)
    response = client.post(
        f"/sharing-agreements/{partnership.housing.pk}/",
        _form(review_by_day=review.day, review_by_month=review.month, review_by_year=review.year, purpose=""),
    )
    body = response.content.decode()
    assert "The review date must be after the date the agreement was signed" in body
    assert "Enter the purpose of the agreement" in body


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.CHAIR, Role.POLICE_IOM_OFFICER, Role.SYSTEM_ADMIN, "housing-worker"])
def test_nobody_but_the_ig_lead_sees_or_changes_agreements(client, partnership, role):
    client.force_login(partnership.users[role])
    assert client.get("/sharing-agreements/").status_code == 403
    assert client.post(f"/sharing-agreements/{partnership.housing.pk}/", _form()).status_code == 403
    url = f"/api/v1/organisations/{partnership.housing.pk}/sharing-agreement"
    assert client.get(url).status_code == 403
    assert client.put(url, {"sections": ["identity"]}, content_type="application/json").status_code == 403
    assert SharingAgreement.objects.get(organisation=partnership.housing).sections == ["identity", "contact", "plan"]


def test_an_expired_agreement_is_flagged_and_shares_nothing(client, partnership):
    SharingAgreement.objects.filter(organisation=partnership.housing).update(review_by=TODAY - datetime.timedelta(days=1))
    SharingAgreement.objects.create(organisation=partnership.dwp, sections=["identity"], review_by=TODAY + datetime.timedelta(days=10))
    client.force_login(partnership.users[Role.IG_LEAD])
    body = client.get("/sharing-agreements/").content.decode()
    housing_row = body[body.index("Test Housing") :].split("</tr>")[0]
    dwp_row = body[body.index("Test DWP") :].split("</tr>")[0]
    assert "Expired" in housing_row
    assert "Review due" in dwp_row
    # The housing worker's agreement has expired: the person their agency is involved with is gone.
    client.force_login(partnership.users["housing-worker"])
    assert client.get(f"/api/v1/people/{partnership.housing_case.pk}").status_code in (403, 404)
    assert client.get(f"/people/{partnership.housing_case.pk}/").status_code in (403, 404)
