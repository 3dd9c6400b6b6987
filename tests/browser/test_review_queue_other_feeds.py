"""The review queue in the browser for the feeds other than arrests (issue 11 §3): a court outcome's
row and a prison release's row list their columns labelled in plain English, in the feed's order,
with the dates as GOV.UK writes them, never under the file's column names. The page is axe-clean,
wide and narrow."""

from __future__ import annotations

import hashlib

import pytest

from iomhub.access.models import Role
from iomhub.feeds.models import ImportRun, LinkReview
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

COURT = {
    "pnc_id": "",
    "family_name": "Example",
    "given_name": "Jordan",
    "date_of_birth": "1991-05-17",
    "court": "Northbridge Magistrates' Court",
    "decided_on": "2026-06-01",
    "offence_code": "28E",
    "offence_date": "2026-05-02",
    "disposal": "Community order",
    "requirements": "Unpaid work; Curfew",
    "fine_pounds": "",
}
RELEASE = {
    "prison_number": "A1234BC",
    "pnc_id": "",
    "family_name": "Example",
    "given_name": "Jordan",
    "date_of_birth": "1991-05-17",
    "prison": "HMP Northbridge",
    "expected_release_date": "2027-01-31",
    "release_type": "HDC",
}


def _queued(partnership, feed: str, values: dict[str, str]) -> LinkReview:
    run = ImportRun.objects.create(feed=feed, file_name=f"{feed}.csv", sha256=feed[0] * 64, started_by=partnership.users[Role.COORDINATOR])
    return LinkReview.objects.create(
        row_key=hashlib.sha256(feed.encode()).hexdigest(),
        run=run,
        line=2,
        values=values,
        candidates=[{"person_id": partnership.ordinary.pk, "reasons": ["family_name", "given_name"]}],
        why="Names and date of birth nearly agree",
    )


def test_a_court_outcome_and_a_release_are_labelled_in_plain_english(session, partnership):
    court = _queued(partnership, "court-outcomes", COURT)
    release = _queued(partnership, "releases", RELEASE)
    session.sign_in(Role.COORDINATOR.value, PASSWORD)
    session.go("/feeds/review/")
    page = session.page
    assert page.locator("[data-review-count]").inner_text() == "2 rows waiting."

    def fields(review: LinkReview) -> list[tuple[str, str]]:
        rows = page.locator(f"[data-review='{review.pk}'] .govuk-summary-list__row")
        return [(rows.nth(i).locator("dt").inner_text(), rows.nth(i).locator("dd").inner_text()) for i in range(rows.count())]

    assert fields(court) == [
        ("PNC ID", "not given"),
        ("Family name", "Example"),
        ("Given name", "Jordan"),
        ("Date of birth", "17 May 1991"),
        ("Court", "Northbridge Magistrates' Court"),
        ("Date of conviction or caution", "1 June 2026"),
        ("Offence code", "28E"),
        ("Date of the offence", "2 May 2026"),
        ("Disposal", "Community order"),
        ("Requirements", "Unpaid work; Curfew"),
        ("Fine (pounds)", "not given"),
    ]
    assert fields(release) == [
        ("Prison number", "A1234BC"),
        ("PNC ID", "not given"),
        ("Family name", "Example"),
        ("Given name", "Jordan"),
        ("Date of birth", "17 May 1991"),
        ("Prison", "HMP Northbridge"),
        ("Expected release date", "31 January 2027"),
        ("Release type", "HDC"),
    ]
    text = page.locator("main").inner_text()
    assert "decided_on" not in text and "expected_release_date" not in text and "2026-06-01" not in text
    session.assert_accessible("the rows of other feeds to review")
    page.set_viewport_size({"width": 375, "height": 900})
    session.assert_accessible("the rows of other feeds to review, on a narrow screen")
