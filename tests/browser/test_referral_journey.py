"""Issue 5 in a real browser: a partner worker completes the whole referral (every page axe-clean,
the error state too), the coordinator sees it, the chair adopts it with an initial RAG, and the
person's page shows the registration, flags and checklist."""

from __future__ import annotations

import pytest

from iomhub.cohort.models import Registration
from iomhub.referrals.forms import STEP_ORDER
from iomhub.referrals.models import Referral
from tests.factories import PASSWORD
from tests.referrals.factories import step_posts

pytestmark = pytest.mark.django_db(transaction=True)


def _fill(page, post: dict) -> None:
    for name, value in post.items():
        if isinstance(value, list):
            for v in value:
                page.check(f"input[name='{name}'][value='{v}']")
        elif page.locator(f"input[type='radio'][name='{name}']").count():
            page.check(f"input[type='radio'][name='{name}'][value='{value}']")
        else:
            page.fill(f"[name='{name}']", str(value))


def test_a_partner_refers_and_the_chair_adopts_in_the_browser(session, partnership):
    session.sign_in("housing-worker", PASSWORD)
    page = session.page
    session.follow("a.govuk-service-navigation__link:has-text('Referrals')")
    session.assert_accessible("referrals list")
    session.follow("a:has-text('Make a referral')")
    session.assert_accessible("first question page")
    posts = step_posts()
    for step in STEP_ORDER:
        _fill(page, posts[step])
        session.follow("button:has-text('Save and continue')")
        if step != STEP_ORDER[-1]:
            session.assert_accessible(f"after {step}")
    assert "Check your answers" in page.locator("h1").inner_text()
    session.assert_accessible("check your answers")
    session.follow("button:has-text('Accept and send')")
    assert page.locator(".govuk-panel__title").inner_text() == "Referral sent"
    session.assert_accessible("referral sent")
    referral = Referral.objects.get(last_name="Referralton")
    assert referral.status == "submitted"

    session.page.context.clear_cookies()
    session.sign_in("iom-coordinator", PASSWORD)
    session.go("/referrals/?status=submitted")
    assert page.locator(f"a[href='/referrals/{referral.pk}/']").count() == 1

    session.page.context.clear_cookies()
    session.sign_in("chair", PASSWORD)
    session.go(f"/referrals/{referral.pk}/")
    session.assert_accessible("referral as the chair")
    session.follow("a:has-text('Record the meeting')")
    session.follow("button:has-text('Record decision')")
    assert page.locator(".govuk-error-summary").is_visible()
    session.assert_accessible("decision error state")
    page.check("#person_choice_new")
    page.check("input[name='outcome'][value='adopt']")
    page.fill("#id_reasons", "Prolific acquisitive offending; agreed at the November meeting")
    page.fill("#id_meeting_date_day", "2")
    page.fill("#id_meeting_date_month", "11")
    page.fill("#id_meeting_date_year", "2026")
    page.check("input[name='rag'][value='red']")
    page.check("input[name='flags'][value='neighbourhood_crime']")
    session.follow("button:has-text('Record decision')")
    assert "Adopted" in page.locator("main .govuk-tag").first.inner_text()
    registration = Registration.objects.get()
    session.go(f"/people/{registration.person_id}/")
    summary = page.locator("main").inner_text()
    assert "On IOM since 2 November 2026" in summary
    assert "Neighbourhood crime" in summary and "Outstanding" in summary
    session.assert_accessible("person summary with registration")
