"""Issue 12 part 1 in the browser, on a desktop and a tablet (768 px): a substance-misuse worker
completes an AUDIT-C that leads into the full AUDIT, records brief advice, a DASH checklist that
meets the MARAC criteria and its referral, and two Treatment Outcomes Profiles; sees each computed
result and action, and finds each in the history; every page axe-clean."""

from __future__ import annotations

import datetime

import pytest

from iomhub import clock
from iomhub.assessments.models import AlcoholScreening, BriefAdvice, DashChecklist, MaracReferral, TreatmentOutcomesProfile
from iomhub.rules.top import MEASURES
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def _date(page, prefix: str, day: datetime.date) -> None:
    page.fill(f"[name='{prefix}_day']", str(day.day))
    page.fill(f"[name='{prefix}_month']", str(day.month))
    page.fill(f"[name='{prefix}_year']", str(day.year))


def _text(page) -> str:
    return " ".join(page.locator("main").inner_text().split())


def _alcohol(session, person, today) -> None:
    page = session.page
    session.follow("a:has-text('Screen alcohol use with AUDIT-C')")
    session.assert_accessible("AUDIT-C form")
    _date(page, "screened_on", today)
    page.check("input[name='session'][value='first']")
    page.check("input[name='q1'][value='3']")
    page.check("input[name='q2'][value='2']")  # q3 left unanswered: named
    page.fill("[name='units_last_week']", "44")
    session.follow("button:has-text('Save')")
    assert "Question 3: select an answer" in page.content()
    session.assert_accessible("AUDIT-C form with an error")
    page.check("input[name='q3'][value='1']")
    session.follow("button:has-text('Save')")
    assert "Score 6 of 12: Increasing or higher risk" in _text(page)
    assert "complete the full AUDIT" in _text(page)
    session.assert_accessible("AUDIT-C result")
    session.follow("a:has-text('Continue to the full AUDIT')")
    assert page.is_checked("input[name='q1'][value='3']")  # the AUDIT-C's answers carried on
    for number, score in ((4, 2), (5, 1), (6, 1), (7, 2), (8, 1), (9, 0), (10, 4)):
        page.check(f"input[name='q{number}'][value='{score}']")
    session.follow("button:has-text('Save')")
    assert "Score 17 of 40: Higher risk (harmful)" in _text(page)
    assert "Offer brief advice and continue monitoring" in _text(page)
    session.assert_accessible("AUDIT result")
    session.follow("a:has-text('Record brief advice')")
    session.assert_accessible("brief advice form")
    for element in ("feedback", "responsibility", "advice", "menu"):
        page.check(f"input[name='frames'][value='{element}']")
    page.fill("[name='goals']", "No drinking on weekdays")
    page.check("input[name='leaflet_given'][value='yes']")
    page.check("input[name='referral'][value='treatment']")
    page.fill("[name='duration_minutes']", "7")
    session.follow("button:has-text('Save')")
    assert "Brief advice recorded" in page.content()
    assert [s.score for s in AlcoholScreening.objects.filter(person=person).order_by("pk")] == [6, 17]
    assert BriefAdvice.objects.get(person=person).screening.score == 17  # recorded from the full AUDIT's result


def _dash(session, person, today) -> None:
    page = session.page
    session.follow("a:has-text('Complete a DASH risk checklist')")
    session.assert_accessible("DASH form")
    _date(page, "completed_on", today)
    for number in range(1, 25):
        page.check(f"input[name='q{number}'][value='{'yes' if number <= 14 else 'not-known' if number <= 16 else 'no'}']")
    page.fill("[name='incidents_last_12_months']", "1")
    page.check("input[name='professional_judgement'][value='no']")
    session.follow("button:has-text('Save')")
    assert "14 \u2018yes\u2019 answers of 24: visible high risk" in _text(page) and "Refer to MARAC" in _text(page)
    session.assert_accessible("DASH result")
    session.follow("a:has-text('Record the MARAC referral')")
    _date(page, "referred_on", today)
    page.fill("[name='marac']", "Basingstoke MARAC")
    session.follow("button:has-text('Save')")
    assert "the case is flagged for the MARAC link" in page.content()
    assert "MARAC referral made" in _text(page)
    session.assert_accessible("DASH result with the referral")
    assert MaracReferral.objects.get(person=person).checklist == DashChecklist.objects.get(person=person)


def _top(session, day, stage, opiates, psychological) -> None:
    page = session.page
    session.follow("a:has-text('Complete a Treatment Outcomes Profile')")
    _date(page, "completed_on", day)
    page.check(f"input[name='stage'][value='{stage}']")
    for m in MEASURES:
        if m.kind == "yes-no":
            page.check(f"input[name='{m.name}'][value='no']")
        elif m.name != "alcohol_units":
            page.fill(f"[name='{m.name}']", "10" if m.kind == "rating" else "0")
    page.fill("[name='opiates_days']", str(opiates))
    page.fill("[name='psychological_health']", str(psychological))
    session.follow("button:has-text('Save')")


@pytest.mark.parametrize("width", [1280, 768], ids=["desktop", "tablet"])
def test_each_instrument_result_and_history(session, partnership, width):
    person, today, page = partnership.ordinary, clock.today(), session.page
    page.set_viewport_size({"width": width, "height": 1000})
    # The server's first answer loads every URL module (seconds on a busy machine): wait for it
    # once, longer than a page's timeout, before the journey starts.
    assert page.request.get(f"{session.base}/health", timeout=60000).ok
    session.sign_in("substance-misuse-practitioner", PASSWORD)
    session.go(f"/people/{person.pk}/assessments/")
    session.follow("#health-instruments a")
    session.assert_accessible(f"health overview, empty, at {width}px")
    _alcohol(session, person, today)
    _dash(session, person, today)
    session.go(f"/people/{person.pk}/health/")
    _top(session, today - datetime.timedelta(days=90), "start", 21, 5)
    session.assert_accessible("TOP form")  # back on the overview after saving
    _top(session, today, "review", 6, 12)
    assert TreatmentOutcomesProfile.objects.filter(person=person).count() == 2
    text = _text(page)
    assert "Days using opiates (illicit) 21 to 6 (better)" in text
    assert page.locator("#top-table tbody tr").count() == len(MEASURES)
    assert page.locator("svg circle").count() >= 4
    assert "6 of 12" in page.locator("#screening-history").inner_text() and "17 of 40" in page.locator("#screening-history").inner_text()
    assert "14 of 24" in page.locator("#dash-history").inner_text()
    assert "No drinking on weekdays" in text and "MARAC referral made" in text
    session.assert_accessible(f"health overview with history at {width}px")
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"the overview is {scroll}px wide at {width}px"
    # The same results come back through the API (the signed-in session).
    api = f"{session.base}/api/v1/people/{person.pk}"
    screenings = page.request.get(f"{api}/alcohol-screenings").json()["screenings"]
    assert [(s["instrument"], s["score"], s["zone"]) for s in screenings] == [
        ("audit", 17, "higher-risk"),
        ("audit-c", 6, "increasing-or-higher-risk"),
    ]
    checklists = page.request.get(f"{api}/dash-checklists").json()
    assert checklists["marac_referral_made"] is True and checklists["checklists"][0]["yes_count"] == 14
    change = {c["name"]: c for c in page.request.get(f"{api}/treatment-outcomes-profiles").json()["change"]}
    assert (change["opiates_days"]["first"], change["opiates_days"]["latest"], change["opiates_days"]["direction"]) == (21, 6, "better")
    assert page.request.get(f"{api}/brief-advice").json()[0]["goals"] == "No drinking on weekdays"
