"""The coordinator prepares the referral and operational meeting in the browser (002 §2): arranges
it (the error state first), records an attendee who has signed the confidentiality statement, reads
the agenda with the red case and the referral waiting, and records when the plans went out. Every
page is axe-clean on desktop, and the agenda on a narrow screen too; a police officer is refused."""

from __future__ import annotations

import datetime

import pytest

from iomhub import clock
from iomhub.access.models import Role
from iomhub.cohort import services as cohort
from iomhub.meetings.models import Meeting
from tests.factories import PASSWORD
from tests.referrals.factories import make_referral

pytestmark = pytest.mark.django_db(transaction=True)


def _date(page, prefix: str, day: datetime.date) -> None:
    page.fill(f"[name='{prefix}_day']", str(day.day))
    page.fill(f"[name='{prefix}_month']", str(day.month))
    page.fill(f"[name='{prefix}_year']", str(day.year))


def test_the_coordinator_prepares_and_records_a_meeting(session, partnership):
    p = partnership
    today, page = clock.today(), session.page
    cohort.registration_open(
        acting_user=p.users[Role.CHAIR], person=p.ordinary, referral=None, started_on=today - datetime.timedelta(days=20), rag="red"
    )
    referral = make_referral(by=p.users[Role.POLICE_IOM_OFFICER], last_name="Awaiting")

    session.sign_in("iom-coordinator", PASSWORD)
    session.follow("a.govuk-service-navigation__link:has-text('Meetings')")
    session.assert_accessible("meetings, none yet")
    session.follow("a:has-text('Arrange a meeting')")
    session.follow("button:has-text('Save')")
    assert "Enter where it is held" in page.locator(".govuk-error-summary").inner_text()
    session.assert_accessible("arrange a meeting, errors")
    _date(page, "held_on", today)
    page.fill("[name='location']", "Northbridge police station")
    page.select_option("[name='chair']", index=1)
    session.follow("button:has-text('Save')")
    meeting = Meeting.objects.get()
    assert page.url.endswith(f"/meetings/{meeting.pk}/")
    agenda = page.locator("main").inner_text()
    assert p.ordinary.last_name.upper() in agenda and "Awaiting".upper() in agenda
    assert page.locator(f"#agenda-referrals [data-referral='{referral.pk}']").count() == 1
    session.assert_accessible("agenda")

    session.follow("a:has-text('Record an attendee')")
    page.fill("[name='name']", "Sam Lee")
    page.fill("[name='organisation']", "Northbridge Housing")
    session.follow("button:has-text('Save')")
    assert "confidentiality statement" in page.locator(".govuk-error-summary").inner_text()
    session.assert_accessible("attendee, errors")
    page.check("[name='confidentiality_signed']")
    session.follow("button:has-text('Save')")
    assert "Sam Lee, Northbridge Housing" in page.locator("#attendee-list").inner_text()

    session.follow("#circulation + dd a")
    _date(page, "circulated_on", today)
    session.follow("button:has-text('Save')")
    assert f"On {today:%-d %B %Y}" in page.locator("#circulation").inner_text()
    page.set_viewport_size({"width": 375, "height": 900})
    session.assert_accessible("agenda on a narrow screen")

    page.context.clear_cookies()
    session.sign_in("police-iom-officer", PASSWORD)
    assert page.locator("a.govuk-service-navigation__link:has-text('Meetings')").count() == 0
    assert session.go(f"/meetings/{meeting.pk}/").status == 403
    assert p.ordinary.last_name.upper() not in page.content()
