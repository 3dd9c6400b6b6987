"""A coordinator works through the review queue in the browser (issue 11 §3): from an import's
result to that import's rows, the count of rows waiting, a decision refused at its own row when
nothing is selected, one row linked to a person offered and one added as someone new, each said in
a success banner, and back to every import's rows. Every page is axe-clean."""

from __future__ import annotations

import datetime
import hashlib

import pytest

from iomhub.access.models import Role
from iomhub.feeds.models import ImportRun, LinkReview
from iomhub.justice.models import Arrest
from iomhub.people.models import Person
from tests.factories import PASSWORD, PersonFactory
from tests.feeds.conftest import csv_file, row

pytestmark = pytest.mark.django_db(transaction=True)

JORDAN = {"family_name": "Example", "given_name": "Jordan", "date_of_birth": "1991-05-17"}
FILE = csv_file(
    row(),
    row(**JORDAN, arrested_at="2026-08-03T02:15"),
    row(**JORDAN, arrested_at="2026-08-04T21:00", custody_suite="Southport custody"),
)


def _earlier_rows(partnership) -> ImportRun:
    """An earlier import with three rows waiting, so the import's own rows are a filter of more."""
    run = ImportRun.objects.create(feed="arrests", file_name="earlier.csv", sha256="e" * 64, started_by=partnership.users[Role.CHAIR])
    for line in (2, 3, 4):
        LinkReview.objects.create(
            row_key=hashlib.sha256(f"earlier:{line}".encode()).hexdigest(),
            run=run,
            line=line,
            values=row(given_name=f"Earlier{line}"),
            candidates=[{"person_id": partnership.ordinary.pk, "reasons": ["family_name"]}],
            why="Names and date of birth nearly agree",
        )
    return run


def test_a_coordinator_works_through_an_imports_rows(session, partnership, tmp_path):
    page = session.page
    # Two Jordan Examples on record, born 1990 and 1992: a row born 1991 could be either.
    PersonFactory(first_name="Jordan", last_name="Example", date_of_birth=datetime.date(1992, 5, 17))
    _earlier_rows(partnership)
    path = tmp_path / "jordan.csv"
    path.write_bytes(FILE)
    session.sign_in(Role.COORDINATOR.value, PASSWORD)
    session.go("/feeds/arrests/")
    page.set_input_files("#id_file", str(path))
    session.follow("button:has-text('Import')")
    run = ImportRun.objects.exclude(file_name="earlier.csv").get()
    assert page.locator(".govuk-summary-list__row:has-text('Waiting for review') dd").inner_text().startswith("2")

    session.follow(".govuk-summary-list__row:has-text('Waiting for review') a")
    assert page.url.endswith(f"/feeds/review/?import={run.pk}")
    assert page.locator("[data-review-count]").inner_text() == "2 rows waiting."
    assert f"Showing only the rows from import {run.pk}" in page.locator("[data-review-filter]").inner_text()
    first, second = LinkReview.objects.filter(run=run).order_by("line")
    card = page.locator(f"[data-review='{first.pk}']")
    assert "born 17 May 1991" in card.locator("h2").inner_text()
    assert "Arrested 3 August 2026, 2:15am at" in card.inner_text()
    assert page.locator("[data-review]").count() == 2
    session.assert_accessible("an import's rows to review")

    # Decide with nothing selected: the error is at the second row, and the summary leads there
    session.follow(f"[data-review='{second.pk}'] button:has-text('Decide')")
    summary = page.locator(".govuk-error-summary a")
    assert summary.count() == 1 and summary.inner_text() == "Select who this row is about, or that they are new"
    assert (
        page.locator(f"[data-review='{second.pk}'] .govuk-error-message")
        .inner_text()
        .endswith("Select who this row is about, or that they are new")
    )
    assert page.locator(f"[data-review='{first.pk}'] .govuk-error-message").count() == 0
    session.assert_accessible("a decision with nothing selected")
    page.set_viewport_size({"width": 375, "height": 900})
    session.assert_accessible("a decision with nothing selected, on a narrow screen")
    page.set_viewport_size({"width": 1280, "height": 900})
    summary.click()
    assert page.evaluate("document.activeElement.id") == f"decision-{second.pk}-1"

    # Link the first row to the 1990 Jordan Example, offered first
    offered = first.candidates[0]["person_id"]
    page.check(f"#decision-{first.pk}-1")
    session.follow(f"[data-review='{first.pk}'] button:has-text('Decide')")
    banner = page.locator(".govuk-notification-banner--success")
    linked = Person.objects.get(pk=offered)
    assert f"Linked to {linked.display_name} (import {run.pk}, line 3)" in banner.inner_text()
    assert page.locator("[data-review-count]").inner_text() == "1 row waiting."
    assert page.url.endswith(f"/feeds/review/?import={run.pk}")
    session.assert_accessible("after a decision")

    # The second is someone new
    page.check(f"#decision-{second.pk}-new")
    session.follow(f"[data-review='{second.pk}'] button:has-text('Decide')")
    added = Person.objects.exclude(pk__in=[c["person_id"] for c in second.candidates]).get(first_name="Jordan", date_of_birth="1991-05-17")
    assert (
        f"Added {added.display_name} as someone new (import {run.pk}, line 4)"
        in page.locator(".govuk-notification-banner--success").inner_text()
    )
    assert page.locator("[data-review-count]").inner_text() == "No rows are waiting for review."
    assert sorted(Arrest.objects.filter(person__in=[linked, added]).values_list("person_id", flat=True)) == sorted([linked.pk, added.pk])

    session.follow("a:has-text('Show the rows from every import')")
    assert page.locator("[data-review-count]").inner_text() == "3 rows waiting."
    assert page.locator("[data-review]").count() == 3
    session.assert_accessible("every import's rows to review")


def test_the_count_and_pages_of_a_long_queue(session, partnership):
    run = ImportRun.objects.create(feed="arrests", file_name="long.csv", sha256="f" * 64, started_by=partnership.users[Role.COORDINATOR])
    LinkReview.objects.bulk_create(
        LinkReview(
            row_key=hashlib.sha256(f"long:{line}".encode()).hexdigest(),
            run=run,
            line=line,
            values=row(given_name=f"Long{line}"),
            candidates=[{"person_id": partnership.ordinary.pk, "reasons": ["family_name"]}],
            why="Names and date of birth nearly agree",
        )
        for line in range(2, 152)
    )
    session.sign_in(Role.COORDINATOR.value, PASSWORD)
    session.go("/feeds/review/")
    page = session.page
    assert page.locator("[data-review-count]").inner_text() == "Showing the first 100 of 150 rows waiting."
    assert page.locator("[data-review]").count() == 100
    session.assert_accessible("the first page of a long queue")
    session.follow(".govuk-pagination__next a")
    assert page.locator("[data-review-count]").inner_text() == "Showing rows 101 to 150 of 150 waiting."
    assert page.locator("[data-review]").count() == 50 and "Long102 " in page.locator("[data-review]").first.inner_text()
    session.assert_accessible("the second page of a long queue")
