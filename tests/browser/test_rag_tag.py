"""The RAG tag on a person's page, as a browser draws it: the tag says the level's name on one line,
and its meaning follows outside the tag as plain text; the history reads "date: [Red] catch and
control, decided by …" with no gap before the comma. Axe-clean, on a desktop and on a phone."""

from __future__ import annotations

import datetime

import pytest

from iomhub import clock
from iomhub.access.models import Role
from iomhub.cohort import services
from tests.cohort.support import register
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def _row(page, key: str):
    return page.locator(".govuk-summary-card .govuk-summary-list__row", has=page.locator(f"dt:text-is('{key}')")).first


@pytest.mark.parametrize("width", [1280, 375])
def test_the_rag_tag_is_the_name_and_the_meaning_is_outside_it(session, partnership, width):
    today = clock.today()
    started, changed = today - datetime.timedelta(days=60), today - datetime.timedelta(days=10)
    registration = register(partnership, started_on=started, rag="amber")
    services.rag_change(
        acting_user=partnership.users[Role.COORDINATOR],
        registration=registration,
        level="red",
        changed_on=changed,
        reason="Arrested twice this month",
        meeting="",
    )
    page = session.page
    page.set_viewport_size({"width": width, "height": 900})
    session.sign_in(Role.PROBATION_OFFICER.value, PASSWORD)
    session.go(f"/people/{partnership.ordinary.pk}/")

    level = _row(page, "RAG level").locator("dd")
    tag = level.locator(".govuk-tag")
    assert tag.inner_text() == "Red"
    assert " ".join(level.inner_text().split()) == "Red catch and control"
    line_height = float(tag.evaluate("t => parseFloat(getComputedStyle(t).lineHeight)"))
    assert tag.bounding_box()["height"] < 2 * line_height  # one line, not a wrapped block

    history = _row(page, "RAG history").locator("li")
    first, second = (" ".join(history.nth(i).inner_text().split()) for i in range(2))
    assert history.nth(0).locator(".govuk-tag").inner_text() == "Amber"
    assert history.nth(1).locator(".govuk-tag").inner_text() == "Red"
    assert first.startswith(f"{started.day} {started:%b %Y}: Amber reduce re-offending and rehabilitate, decided by ")
    assert second.startswith(f"{changed.day} {changed:%b %Y}: Red catch and control, decided by ")
    assert second.endswith("\u2013 Arrested twice this month")
    for i in range(2):
        box = history.nth(i).locator(".govuk-tag").bounding_box()
        assert box["height"] < 2 * line_height
    session.assert_accessible(f"person's page with a RAG history at {width} px")
