"""Made for a phone (issue 18 §5; WCAG 2.1 1.4.10 reflow): every main page, as the roles that use it,
fits a 375 px wide screen without scrolling sideways (a wide table scrolls inside its own focusable
region instead) and axe finds nothing wrong with it there."""

from __future__ import annotations

import datetime

import pytest

from iomhub import clock
from iomhub.access.models import Role
from iomhub.casework import services as casework
from iomhub.cohort import services as cohort
from iomhub.meetings.models import Meeting
from tests.browser.test_accessibility import _pages
from tests.factories import PASSWORD
from tests.justice.factories import arrest
from tests.referrals.factories import make_referral

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = 375
LONG = "Attend the housing options appointment at the civic centre with the tenancy support worker and bring proof of income"


def _world(p) -> dict[str, int]:
    """A case with something in every part, so the tables are as wide as real ones."""
    today = clock.today()
    chair, coordinator, police = p.users[Role.CHAIR], p.users[Role.COORDINATOR], p.users[Role.POLICE_IOM_OFFICER]
    registration = cohort.registration_open(
        acting_user=chair, person=p.ordinary, referral=None, started_on=today - datetime.timedelta(days=40), rag="red"
    )
    casework.case_people_set(
        acting_user=coordinator,
        person=p.ordinary,
        lead_worker=police,
        coordinator=coordinator,
        reason="Allocated at the meeting",
        version=1,
    )
    for days in (5, 30):
        casework.plan_action_add(
            acting_user=coordinator,
            person=p.ordinary,
            description=LONG,
            agency=p.police,
            owner=police,
            due_on=today + datetime.timedelta(days=days),
            pathway="accommodation",
        )
    casework.timeline_record(acting_user=police, person=p.ordinary, kind="home-visit", outcome="attended", occurred_on=today, summary=LONG)
    arrest(user=police, person=p.ordinary, arrested_on=today - datetime.timedelta(days=3))
    referral = make_referral(by=police, last_name="Awaiting")
    meeting = Meeting.objects.create(
        team=p.team, held_on=today + datetime.timedelta(days=7), location="Civic centre", created_by=coordinator
    )
    return {"registration": registration.pk, "referral": referral.pk, "meeting": meeting.pk}


def _main_pages(p, ids: dict[str, int]) -> list[tuple[str | None, str, str | None]]:
    person = p.ordinary.pk
    return [
        *_pages(p),
        ("police-iom-officer", "/people/?q=Example", None),
        ("police-iom-officer", f"/people/{person}/plan/actions/new/?agency={p.police.pk}", None),
        ("police-iom-officer", "/referrals/", None),
        ("police-iom-officer", f"/referrals/{ids['referral']}/", None),
        ("iom-coordinator", "/caseload/", None),
        ("iom-coordinator", "/cohort/", None),
        ("iom-coordinator", f"/cohort/registrations/{ids['registration']}/", None),
        ("iom-coordinator", "/cohort/candidates/", None),
        ("iom-coordinator", "/cohort/red-alerts/", None),
        ("iom-coordinator", "/cohort/transfers/", None),
        ("iom-coordinator", "/meetings/", None),
        ("iom-coordinator", f"/meetings/{ids['meeting']}/", None),
        ("iom-coordinator", "/referrals/", None),
        ("performance-lead", "/reports/", None),
    ]


def test_every_main_page_reflows_at_375_px_and_is_axe_clean(session, partnership):
    ids = _world(partnership)
    session.page.set_viewport_size({"width": PHONE, "height": 800})
    session.page.set_default_timeout(30000)  # some forty pages on a shared machine: a limit, never a wait
    who_now, wide, broken = None, [], []
    pages = _main_pages(partnership, ids)
    for who, path, action in pages:
        if who != who_now:
            session.page.context.clear_cookies()
            if who:
                session.sign_in(who, PASSWORD)
            who_now = who
        session.go(path)
        if action:
            session.follow(action)
        label = f"{path} as {who or 'anonymous'}{' after submit' if action else ''}"
        width = session.page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if width[0] > width[1]:
            wide.append(f"{label}: {width[0]} px wide")
        try:
            session.assert_accessible(f"{label} at {PHONE}px")
        except AssertionError as failure:
            broken.append(str(failure).splitlines()[0])
            session.problems.clear()
    assert not wide, "pages that scroll sideways at 375 px:\n" + "\n".join(wide)
    assert not broken, "\n".join(broken)
