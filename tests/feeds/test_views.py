"""The coordinator's feed pages: upload, the result with the first rejected rows, the error report
(formula-safe), the review queue and its decision; another user's run is a 404."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from iomhub.access.models import AuditEvent, Role
from iomhub.feeds.models import ImportRun, LinkReview
from iomhub.justice.models import Arrest
from tests.feeds.conftest import csv_file, row

pytestmark = pytest.mark.django_db


@pytest.fixture
def upload(django_capture_on_commit_callbacks):
    """Post a file to the arrests upload page. The import is queued when the upload commits; the
    test's transaction never does, so the callbacks run as the request ends (with the immediate
    backend, the import itself)."""

    def post(client, data: bytes, name: str = "overnight.csv"):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post("/feeds/arrests/", {"file": SimpleUploadedFile(name, data, content_type="text/csv")})

    return post


def test_a_coordinator_uploads_a_file_and_sees_the_result_and_the_error_report(client, coordinator, upload):
    client.force_login(coordinator)
    assert client.get("/feeds/arrests/").status_code == 200
    response = upload(client, csv_file(row(), row(custody_suite="@SUM(1+1)", offence_code="99Z")))
    run = ImportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/feeds/imports/{run.pk}/"

    page = client.get(response["Location"]).content.decode()
    assert "Arrests recorded" in page and "Unknown Home Office offence code 99Z" in page
    assert AuditEvent.objects.filter(object_type="import-run", action="view", actor=coordinator).exists()

    report = client.get(f"/feeds/imports/{run.pk}/errors.csv")
    assert report["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(report.content.decode())))
    assert rows[1][:3] == ["3", "offence_code", rows[1][2]] and rows[1][8] == "'@SUM(1+1)"
    assert AuditEvent.objects.filter(object_type="import-run", action="export", actor=coordinator).exists()


def test_a_refused_file_shows_why(client, coordinator, upload):
    client.force_login(coordinator)
    response = upload(client, b"name,date\nx,y\n")
    page = client.get(response["Location"]).content.decode()
    assert "The file was not imported" in page and "The file has no pnc_id" in page


def test_another_users_import_is_not_found(client, partnership, coordinator, upload):
    client.force_login(coordinator)
    upload(client, csv_file(row()))
    run = ImportRun.objects.get()
    client.force_login(partnership.users[Role.CHAIR])
    assert client.get(f"/feeds/imports/{run.pk}/").status_code == 404
    assert client.get(f"/feeds/imports/{run.pk}/errors.csv").status_code == 404
    assert AuditEvent.objects.filter(action="denied", object_type="import-run", actor=partnership.users[Role.CHAIR]).count() == 2


def test_a_police_officer_may_not_import(client, partnership, upload):
    client.force_login(partnership.users[Role.POLICE_IOM_OFFICER])
    assert upload(client, csv_file(row())).status_code == 403
    assert Arrest.objects.count() == 0


def test_the_review_queue_lists_uncertain_rows_and_takes_a_decision(client, partnership, coordinator, upload):
    import datetime

    from tests.factories import PersonFactory

    # Two Jordan Examples on record, born 1990 and 1992: a row born 1991 could be either (ADR 0026 addendum).
    PersonFactory(first_name="Jordan", last_name="Example", date_of_birth=datetime.date(1992, 5, 17))
    client.force_login(coordinator)
    upload(client, csv_file(row(family_name="Example", given_name="Jordan", date_of_birth="1991-05-17")))
    review = LinkReview.objects.get()
    page = client.get("/feeds/review/").content.decode()
    assert "Jordan Example" in page and "1991" in page and f"/people/{partnership.ordinary.pk}/" in page
    assert AuditEvent.objects.filter(action="listed", person_id=partnership.ordinary.pk, actor=coordinator).exists()

    refused = client.post(f"/feeds/review/{review.pk}/", {"decision": "link:999999"})
    assert refused.status_code == 400 and "Select one of the people offered" in refused.content.decode()
    done = client.post(f"/feeds/review/{review.pk}/", {"decision": f"link:{partnership.ordinary.pk}"})
    assert done.status_code == 302
    assert Arrest.objects.get().person == partnership.ordinary
    assert "No rows are waiting for review" in client.get("/feeds/review/").content.decode()


def test_the_home_page_offers_the_import_to_the_coordinator_only(client, partnership, coordinator):
    client.force_login(coordinator)
    assert 'href="/feeds/arrests/"' in client.get("/").content.decode()
    client.force_login(partnership.users[Role.POLICE_IOM_OFFICER])
    assert 'href="/feeds/arrests/"' not in client.get("/").content.decode()


def _queue_row(run: ImportRun, line: int, offered: list, **values: str) -> LinkReview:
    import hashlib

    return LinkReview.objects.create(
        row_key=hashlib.sha256(f"{run.pk}:{line}".encode()).hexdigest(),
        run=run,
        line=line,
        values=row(**values),
        candidates=[{"person_id": p.pk, "reasons": ["family_name", "given_name"]} for p in offered],
        why="Names and date of birth nearly agree",
    )


@pytest.fixture
def two_runs(partnership, coordinator):
    """105 rows waiting from one import, 2 from another, each offered against Jordan Example."""
    first = ImportRun.objects.create(feed="arrests", file_name="big.csv", sha256="a" * 64, started_by=coordinator, review=105)
    second = ImportRun.objects.create(feed="arrests", file_name="small.csv", sha256="b" * 64, started_by=coordinator, review=2)
    for line in range(2, 107):
        _queue_row(first, line, [partnership.ordinary], given_name=f"Sam{line}")
    _queue_row(second, 2, [partnership.ordinary], given_name="Toni", date_of_birth="1990-03-04", arrested_at="2026-08-03T02:15")
    _queue_row(second, 3, [partnership.ordinary], given_name="Lee", arrested_at="not a time")
    return first, second


def _cards(page: str) -> int:
    return page.count('class="govuk-summary-card"')


def test_the_review_page_says_how_many_rows_wait_and_pages_them(client, coordinator, two_runs):
    client.force_login(coordinator)
    page = client.get("/feeds/review/").content.decode()
    assert "Showing the first 100 of 107 rows waiting." in page and _cards(page) == 100
    assert 'href="?page=2"' in page and 'class="govuk-pagination"' in page
    second = client.get("/feeds/review/?page=2").content.decode()
    assert "Showing rows 101 to 107 of 107 waiting." in second and _cards(second) == 7
    assert "Sam101 Newcombe" in page and "Sam102 Newcombe" not in page
    assert "Sam102 Newcombe" in second and "Sam101 Newcombe" not in second


def test_the_result_page_links_to_its_own_rows_and_back_to_all(client, coordinator, two_runs):
    first, second = two_runs
    client.force_login(coordinator)
    result = client.get(f"/feeds/imports/{second.pk}/").content.decode()
    assert f'href="/feeds/review/?import={second.pk}"' in result
    page = client.get(f"/feeds/review/?import={second.pk}").content.decode()
    assert "2 rows waiting." in page and _cards(page) == 2 and "Sam" not in page
    assert f"Showing only the rows from import {second.pk}" in page and 'href="/feeds/review/">Show the rows from every import' in page
    assert "Showing the first 100 of 105" in client.get(f"/feeds/review/?import={first.pk}").content.decode()


def test_the_rows_dates_are_written_as_the_candidates_are(client, coordinator, two_runs):
    client.force_login(coordinator)
    page = client.get(f"/feeds/review/?import={two_runs[1].pk}").content.decode()
    assert "Toni Newcombe, born 4 March 1990" in page and "Arrested 3 August 2026, 2:15am at" in page
    assert "born 17 May 1990:" in page  # Jordan Example, the person offered
    assert "Arrested not a time at" in page  # not a time: shown as the file has it
    assert "1990-03-04" not in page and "2026-08-03T02:15" not in page


def test_a_refused_decision_is_shown_at_its_row(client, partnership, coordinator, two_runs):
    import re

    second = two_runs[1]
    toni, lee = LinkReview.objects.filter(run=second).order_by("line")
    client.force_login(coordinator)
    refused = client.post(f"/feeds/review/{lee.pk}/", {"import": str(second.pk)})
    assert refused.status_code == 400
    page = refused.content.decode()
    summary = page.split('class="govuk-error-summary"')[1].split("</div>")[0]
    assert re.findall(r'href="#([^"]+)"', summary) == [f"decision-{lee.pk}-1"]
    assert "Select who this row is about, or that they are new" in summary
    assert f'id="decision-{lee.pk}-1"' in page
    lee_card = page.split(f'data-review="{lee.pk}"')[1]
    toni_card = page.split(f'data-review="{toni.pk}"')[1].split("data-review=")[0]
    assert f'id="decision-{lee.pk}-error"' in lee_card and "govuk-form-group--error" in lee_card
    assert "govuk-form-group--error" not in toni_card and "govuk-error-message" not in toni_card

    # Someone else decides the row first: the coordinator's decision is refused at that row, which is still shown
    from iomhub.feeds.services import review_decide

    review_decide(acting_user=partnership.users[Role.CHAIR], review_id=toni.pk, person_id=None)
    late = client.post(f"/feeds/review/{toni.pk}/", {"decision": f"link:{partnership.ordinary.pk}", "import": str(second.pk)})
    assert late.status_code == 400
    page = late.content.decode()
    summary = page.split('class="govuk-error-summary"')[1].split("</div>")[0]
    assert re.findall(r'href="#([^"]+)"', summary) == [f"decision-{toni.pk}-1"] and "already been decided" in summary
    assert f'id="decision-{toni.pk}-1"' in page and f'id="decision-{toni.pk}-error"' in page


def test_a_decision_says_what_was_done(client, partnership, coordinator, two_runs):
    second = two_runs[1]
    toni = LinkReview.objects.filter(run=second).order_by("line").first()
    client.force_login(coordinator)
    done = client.post(f"/feeds/review/{toni.pk}/", {"decision": f"link:{partnership.ordinary.pk}", "import": str(second.pk)})
    assert done.status_code == 302 and done["Location"] == f"/feeds/review/?import={second.pk}"
    page = client.get(done["Location"]).content.decode()
    assert "govuk-notification-banner--success" in page and f"Linked to EXAMPLE, Jordan (import {second.pk}, line 2)" in page
    assert "1 row waiting." in page


def test_a_row_offered_against_someone_hidden_is_not_on_the_chairs_page(client, partnership, coordinator, two_runs):
    from iomhub.access.models import PersonAccessGrant

    PersonAccessGrant.objects.create(person=partnership.restricted, user=coordinator)
    run = ImportRun.objects.create(feed="arrests", file_name="hidden.csv", sha256="c" * 64, started_by=coordinator)
    hidden = _queue_row(run, 2, [partnership.ordinary, partnership.restricted], family_name="Hidden", given_name="Robin")
    client.force_login(coordinator)
    assert "Robin Hidden" in client.get(f"/feeds/review/?import={run.pk}").content.decode()
    client.force_login(partnership.users[Role.CHAIR])
    page = client.get("/feeds/review/").content.decode()
    assert "of 107 rows waiting" in page and "Hidden" not in page
    assert "Hidden" not in client.get(f"/feeds/review/?import={run.pk}").content.decode()
    assert client.post(f"/feeds/review/{hidden.pk}/", {"decision": "create"}).status_code == 404
    assert LinkReview.objects.get(pk=hidden.pk).status == "open"


def _fields(page: str, review: LinkReview) -> list[tuple[str, str]]:
    import re

    card = page.split(f'data-review="{review.pk}"')[1].split("data-review=")[0]
    return re.findall(r'summary-list__key">([^<]*)</dt><dd class="govuk-summary-list__value">([^<]*)</dd>', card)


@pytest.mark.parametrize(
    ("feed", "values", "expected"),
    [
        (
            "court-outcomes",
            {
                "pnc_id": "",
                "family_name": "Example",
                "given_name": "Jordan",
                "date_of_birth": "1991-05-17",
                "court": "Northbridge Magistrates' Court",
                "decided_on": "2026-06-01",
                "offence_code": "28E",
                "offence_date": "2026-05-02",
                "disposal": "Fine",
                "requirements": "",
                "fine_pounds": "£250",
            },
            [
                ("PNC ID", "not given"),
                ("Family name", "Example"),
                ("Given name", "Jordan"),
                ("Date of birth", "17 May 1991"),
                ("Court", "Northbridge Magistrates&#x27; Court"),
                ("Date of conviction or caution", "1 June 2026"),
                ("Offence code", "28E"),
                ("Date of the offence", "2 May 2026"),
                ("Disposal", "Fine"),
                ("Requirements", "not given"),
                ("Fine (pounds)", "£250"),
            ],
        ),
        (
            "releases",
            {
                # in another order than the feed's: shown in the feed's
                "release_type": "HDC",
                "prison_number": "A1234BC",
                "pnc_id": "2001/0012345X",
                "family_name": "Example",
                "given_name": "Jordan",
                "date_of_birth": "1991-05-17 00:00:00",
                "prison": "HMP Northbridge",
                "expected_release_date": "2027-01-31",
            },
            [
                ("Prison number", "A1234BC"),
                ("PNC ID", "2001/0012345X"),
                ("Family name", "Example"),
                ("Given name", "Jordan"),
                ("Date of birth", "17 May 1991"),
                ("Prison", "HMP Northbridge"),
                ("Expected release date", "31 January 2027"),
                ("Release type", "HDC"),
            ],
        ),
        (
            "offending-history",
            {
                "pnc_id": "",
                "family_name": "Example",
                "given_name": "Jordan",
                "date_of_birth": "1991-05-17",
                "offence_code": "28E",
                "offence_date": "31/05/2026",
            },
            [
                ("PNC ID", "not given"),
                ("Family name", "Example"),
                ("Given name", "Jordan"),
                ("Date of birth", "17 May 1991"),
                ("Offence code", "28E"),
                ("Date of the offence", "31/05/2026"),  # not a date as the feed writes one: as the file has it
            ],
        ),
    ],
)
def test_the_other_feeds_rows_are_labelled_in_plain_english(client, partnership, coordinator, feed, values, expected):
    import hashlib

    run = ImportRun.objects.create(feed=feed, file_name="f.csv", sha256="e" * 64, started_by=coordinator)
    review = LinkReview.objects.create(
        row_key=hashlib.sha256(f"{feed}:2".encode()).hexdigest(),
        run=run,
        line=2,
        values=values,
        candidates=[{"person_id": partnership.ordinary.pk, "reasons": ["family_name"]}],
        why="Names nearly agree",
    )
    client.force_login(coordinator)
    page = client.get(f"/feeds/review/?import={run.pk}").content.decode()
    assert _fields(page, review) == expected
    for column in values:
        assert f">{column}<" not in page


def test_every_column_of_every_feed_has_a_label():
    from iomhub.feeds.registry import FEEDS, spec_for
    from iomhub.feeds.views import COLUMN_LABELS

    for feed in FEEDS:
        assert list(COLUMN_LABELS[feed]) == list(spec_for(feed).columns), feed


def test_each_candidate_says_what_agreed_in_words(client, partnership, coordinator):
    """The linkage's reasons are field names ("pnc_id"); the page writes them as the Justice tab's
    sources do ("PNC ID"), and a duplicate check's own sentence is kept as it is. The offence code
    has its title beside it."""
    import hashlib

    run = ImportRun.objects.create(feed="arrests", file_name="custody.csv", sha256="f" * 64, started_by=coordinator)
    review = LinkReview.objects.create(
        row_key=hashlib.sha256(b"words:2").hexdigest(),
        run=run,
        line=2,
        values={
            "family_name": "Harrington",
            "given_name": "Jordan",
            "custody_suite": "Basingstoke",
            "offence_code": "46",
            "outcome": "Charged",
        },
        candidates=[
            {"person_id": partnership.ordinary.pk, "reasons": ["pnc_id", "given_name", "date_of_birth (day and month swapped)"]},
            {"person_id": partnership.housing_case.pk, "reasons": ["same family name and date of birth"]},
        ],
        why="The PNC ID agrees but neither the surname nor the date of birth does",
    )
    client.force_login(coordinator)
    page = client.get(f"/feeds/review/?import={run.pk}").content.decode()
    labels = re.findall(rf'for="decision-{review.pk}-\d+">.*?</a>, born [^:]+: ([^<]+)</label>', page)
    assert labels == ["PNC ID; given name; date of birth (day and month swapped)", "same family name and date of birth"]
    assert "pnc_id" not in page and "given_name;" not in page
    assert "at Basingstoke (offence 46 Shoplifting, Charged)" in page  # the code's Home Office title beside it
