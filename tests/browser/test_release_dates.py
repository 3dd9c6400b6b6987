"""Issue 10 done-when: an officer records a sentence passed after 1 October 2026 and sees its dates
(one third, Sentencing Act 2026 s.23) and how they were worked out on the Justice tab; a recall
asks for its type and shows the 56-day release. Axe-clean, desktop and mobile."""

from __future__ import annotations

import datetime

import pytest

from iomhub import clock
from iomhub.access.models import Role
from iomhub.justice.models import Recall, Sentence
from tests.factories import PASSWORD
from tests.justice import factories as justice

pytestmark = pytest.mark.django_db(transaction=True)
D = datetime.date
WIDTHS = {"desktop": 1280, "mobile": 375}


@pytest.mark.parametrize("screen", list(WIDTHS))
def test_an_officer_records_a_sentence_passed_after_1_october_2026_and_sees_its_dates(session, partnership, screen):
    person = partnership.ordinary
    assert clock.today() >= D(2026, 11, 2)  # the live server's day: the sentence below is in the past
    page = session.page
    page.set_viewport_size({"width": WIDTHS[screen], "height": 900})
    session.sign_in(Role.POLICE_IOM_OFFICER.value, PASSWORD)
    session.go(f"/people/{person.pk}/justice/")
    session.follow("a:has-text('Record a custodial sentence')")
    assert page.locator("input[name='sentence_type'][value='SDS']").is_checked()
    for name, value in (("sentenced_on", D(2026, 11, 2)), ("offence_committed_on", D(2026, 10, 1))):
        page.fill(f"#id_{name}_day", str(value.day))
        page.fill(f"#id_{name}_month", str(value.month))
        page.fill(f"#id_{name}_year", str(value.year))
    page.fill("#id_months", "10")
    session.assert_accessible(f"the sentence form ({screen})")
    session.follow("button:has-text('Save')")
    sentence = Sentence.objects.get(person=person)
    card = page.locator(f"#sentence-{sentence.pk}")
    # 10 months from 2 November 2026: 304 days; one third is 102 days, released 11 February 2027.
    assert card.locator("[data-date='release']").inner_text().strip() == "11 February 2027"
    assert card.locator("[data-date='expiry']").inner_text().strip() == "1 September 2027"
    assert card.locator("[data-date='tused']").inner_text().strip() == "Not applicable"
    assert card.locator("[data-date='hdced']").inner_text().strip() == "Not applicable"
    assert "could not be calculated" not in card.inner_text()
    card.locator("summary:has-text('How these dates were worked out')").click()
    steps = card.locator(".govuk-details__text li")
    steps.first.wait_for(state="visible")
    text = steps.all_inner_texts()
    assert any("release after 102 days (one third: Sentencing Act 2026 s.23" in step for step in text)
    assert any("no HDC: adults sentenced from 2026-10-01" in step for step in text)
    session.assert_accessible(f"the justice tab with a sentence of November 2026 ({screen})")


def test_a_recall_asks_for_its_type_and_shows_the_56_day_release(session, partnership):
    person = partnership.ordinary
    officer = partnership.users[Role.PROBATION_OFFICER]
    with clock.frozen(clock.today()):
        sentence = justice.sentence(user=officer, person=person, months=18, sentenced_on=D(2026, 1, 5), offence_committed_on=D(2025, 12, 1))
    page = session.page
    session.sign_in(Role.PROBATION_OFFICER.value, PASSWORD)
    session.go(f"/people/{person.pk}/justice/")
    session.follow(f"#sentence-{sentence.pk} a:has-text('Record a recall')")
    assert page.locator("input[name='recall_type']").count() == 4
    assert page.locator("input[name='recall_days']").count() == 0  # no longer guessed from a length
    page.fill("#id_recalled_on_day", "2")
    page.fill("#id_recalled_on_month", "11")
    page.fill("#id_recalled_on_year", "2026")
    page.fill("#id_recalled_time", "10:15")
    page.fill("#id_returned_to_custody_on_day", "3")
    page.fill("#id_returned_to_custody_on_month", "11")
    page.fill("#id_returned_to_custody_on_year", "2026")
    page.fill("#id_reason", "Failed to keep in touch")
    page.check("input[name='recall_type'][value='FTR28']")
    session.follow("button:has-text('Save')")
    assert "Adults recalled from 31 March 2026 serve 56 days" in page.locator(".govuk-error-summary").inner_text()
    assert not Recall.objects.exists()
    session.assert_accessible("the recall form with its error")
    page.check("input[name='recall_type'][value='FTR56']")
    session.follow("button:has-text('Save')")
    row = page.locator("td[data-recall-type='FTR56']").locator("xpath=..")
    assert "56-day fixed-term recall (FTR56)" in row.inner_text()
    # Returned on 3 November 2026, day 1: released on the 56th day, 28 December 2026 (CJA 2003 s.255BA).
    assert row.locator("[data-recall-release]").inner_text() == "28 Dec 2026"
    session.assert_accessible("the justice tab with an FTR56 recall")
