"""The coordinator's feed pages: upload, the result with the first rejected rows, the error report
(formula-safe), the review queue and its decision; another user's run is a 404."""

from __future__ import annotations

import csv
import io

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
