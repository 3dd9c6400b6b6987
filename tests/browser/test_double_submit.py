"""Double-clicking Save stores one record: GOV.UK Frontend's data-prevent-double-click stops the
second submit in the browser, and the form's once-only token stops it at the server when the
script does not (the same form posted twice). Posts at the same instant: tests/web/test_double_submit_race.py."""

from __future__ import annotations

import datetime

import pytest

from iomhub import clock
from iomhub.access.models import Role
from iomhub.casework.models import TimelineEntry
from iomhub.cohort.models import Registration
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def _fill(page, day: datetime.date) -> None:
    page.check("input[name='kind'][value='home-visit']")
    page.fill("[name='occurred_on_day']", str(day.day))
    page.fill("[name='occurred_on_month']", str(day.month))
    page.fill("[name='occurred_on_year']", str(day.year))
    page.fill("[name='summary']", "Seen at the hostel")


@pytest.fixture
def person(partnership):
    Registration.objects.create(person=partnership.ordinary, started_on=clock.today() - datetime.timedelta(days=60), rag="amber")
    return partnership.ordinary


def test_double_clicking_save_stores_one_entry(session, partnership, person):
    page = session.page
    session.sign_in(partnership.users[Role.POLICE_IOM_OFFICER].username, PASSWORD)
    session.go(f"/people/{person.pk}/timeline/new/")
    _fill(page, clock.today())
    with page.expect_navigation(url=f"**/people/{person.pk}/timeline/"):
        page.dblclick("button:has-text('Save')")
    page.wait_for_load_state()
    assert "Added to the timeline" in page.content()
    assert "That was already saved" not in page.content()  # one post reached the server
    assert TimelineEntry.objects.filter(person=person).count() == 1
    session.assert_accessible("timeline after a double click on Save")


def test_the_same_form_sent_twice_at_once_by_the_browser_stores_one_entry(session, partnership, person):
    page = session.page
    session.sign_in(partnership.users[Role.POLICE_IOM_OFFICER].username, PASSWORD)
    session.go(f"/people/{person.pk}/timeline/new/")
    _fill(page, clock.today())
    # What a browser without the script does on a double click, or a resend after a lost answer:
    # the same form, with the same token, posted again.
    answers = page.evaluate(
        """async () => {
            const form = document.querySelector("main form[method='post']");
            const send = async () => {
                const answer = await fetch(form.action || location.href, {method: "POST", body: new FormData(form)});
                return [answer.redirected, answer.status, new URL(answer.url).pathname, await answer.text()];
            };
            const first = await send();
            return [first, await send()];
        }"""
    )
    timeline = f"/people/{person.pk}/timeline/"
    assert [a[:3] for a in answers] == [[True, 200, timeline], [True, 200, timeline]]  # both sent to the timeline
    assert "Added to the timeline" in answers[0][3] and "That was already saved" not in answers[0][3]
    assert "That was already saved" in answers[1][3]
    assert TimelineEntry.objects.filter(person=person).count() == 1
    session.go(timeline)
    session.assert_accessible("timeline after the same form sent twice")
