"""Issue 4 done-when: the offending chart renders in the browser, axe-clean, for a person with
custody and registration periods (desktop and mobile); the conditions page too."""

from __future__ import annotations

import datetime

import pytest

from iomhub import clock
from iomhub.access.models import Role
from iomhub.cohort.models import Registration
from iomhub.justice import services
from tests.factories import PASSWORD
from tests.justice import factories as justice

pytestmark = pytest.mark.django_db(transaction=True)
D = datetime.date
WIDTHS = {"desktop": 1280, "mobile": 375}


@pytest.mark.parametrize("screen", list(WIDTHS))
def test_the_offending_chart_renders_with_custody_and_registration_and_is_axe_clean(session, partnership, screen):
    person = partnership.ordinary
    officer = partnership.users[Role.POLICE_IOM_OFFICER]
    today = clock.today()
    with clock.frozen(today):
        justice.arrest(user=officer, person=person, arrested_on=today - datetime.timedelta(days=400), offence_codes=["28E", "34B"])
        justice.arrest(user=officer, person=person, arrested_on=today - datetime.timedelta(days=120), offence_codes=["105A"])
        services.custody_episode_record(
            acting_user=officer,
            person=person,
            kind="remand",
            prison="HMP Wessex",
            started_on=today - datetime.timedelta(days=390),
            ended_on=today - datetime.timedelta(days=300),
        )
    Registration.objects.create(person=person, started_on=today - datetime.timedelta(days=280), rag="amber")
    session.page.set_viewport_size({"width": WIDTHS[screen], "height": 900})
    session.sign_in(Role.POLICE_IOM_OFFICER.value, PASSWORD)
    session.go(f"/people/{person.pk}/justice/")
    chart = session.page.locator("svg[role='img']")
    assert chart.count() == 1
    assert chart.locator("rect[data-custody]").count() == 1
    assert chart.locator("rect[data-registration]").count() == 1
    assert chart.locator("rect[data-registration-start]").count() == 1
    assert chart.locator("rect[data-category]").count() == 3  # burglary, robbery, other
    box = chart.bounding_box()
    assert box is not None and 0 < box["width"] <= WIDTHS[screen] and box["height"] > 100
    session.page.click("summary:has-text('Show the numbers in the chart as a table')")
    assert session.page.locator("[data-chart-table] tbody tr").count() >= 5
    session.assert_accessible(f"justice tab with the offending chart ({screen})")


@pytest.mark.parametrize("screen", list(WIDTHS))
def test_the_conditions_page_and_its_errors_are_axe_clean(session, partnership, screen):
    person = partnership.ordinary
    officer = partnership.users[Role.PROBATION_OFFICER]
    today = clock.today()
    with clock.frozen(today):
        sentence = justice.sentence(
            user=officer,
            person=person,
            months=4,
            sentenced_on=D(2026, 3, 2),
            offence_committed_on=D(2026, 2, 1),
        )
    session.page.set_viewport_size({"width": WIDTHS[screen], "height": 900})
    session.sign_in(Role.PROBATION_OFFICER.value, PASSWORD)
    session.go(f"/people/{person.pk}/justice/sentences/{sentence.pk}/conditions/")
    session.assert_accessible(f"conditions page ({screen})")
    session.page.uncheck("input[name='licence_standard'][value='travel']")
    session.follow("button:has-text('Save conditions')")
    assert "select all of them" in session.page.content()
    session.assert_accessible(f"conditions page with errors ({screen})")
