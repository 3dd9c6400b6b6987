"""Feed imports over the API (issue 11 §1, §7; ADR 0041): what the upload pages do, with the same
checks, policy and audit. Every response is checked against the schema (tests/api/conftest.py)."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from iomhub import clock
from iomhub.access.models import AuditEvent, Role
from iomhub.access.services import api_token_issue
from iomhub.feeds.models import ImportRun, ImportUpload
from iomhub.justice.models import Arrest
from tests.feeds.conftest import NOW, csv_file, row

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "feeds", "reports", "notifications"]}}
FILE = csv_file(row(), row(arrested_at="2026-08-29T10:00", offence_code="99Z", custody_suite="=HYPERLINK(1)"))


@pytest.fixture(autouse=True)
def frozen_clock():
    with clock.frozen(NOW):
        yield


@pytest.fixture
def token(partnership):
    def _for(role: str) -> dict[str, str]:
        _, secret = api_token_issue(acting_user=partnership.users[role], name="tests", scope="read-write", second_factor_at=timezone.now())
        return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    return _for


def _upload(client, auth, data: bytes = FILE, name: str = "overnight.csv", feed: str = "arrests"):
    return client.post("/api/v1/imports", {"feed": feed, "file": SimpleUploadedFile(name, data, content_type="text/csv")}, **auth)


@pytest.mark.django_db
def test_a_coordinator_uploads_follows_the_run_and_downloads_the_error_report(
    client, partnership, token, django_capture_on_commit_callbacks
):
    auth = token(Role.COORDINATOR)
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, auth)
    assert response.status_code == 202, response.content
    run_id = response.json()["id"]
    assert response["Location"] == f"/api/v1/imports/{run_id}"

    body = client.get(f"/api/v1/imports/{run_id}", **auth).json()
    assert (body["status"], body["rows"], body["imported"], body["rejected"], body["total"]) == ("finished", 2, 1, 1, 2)
    assert body["rejections"] == [{"line": 3, "column": "offence_code", "reason": body["rejections"][0]["reason"]}]
    assert "99Z" in body["rejections"][0]["reason"] and body["error_report"] == f"/api/v1/imports/{run_id}/errors"

    report = client.get(body["error_report"], **auth)
    assert report.status_code == 200 and report["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(report.content.decode())))
    assert rows[1][:2] == ["3", "offence_code"] and "'=HYPERLINK(1)" in rows[1]  # formula-safe, as the page's

    coordinator = partnership.users[Role.COORDINATOR]
    reasons = set(AuditEvent.objects.filter(object_type="import-run", actor=coordinator).values_list("action", "reason"))
    assert ("create", "Custody arrests file queued for import, uploaded through the API") in reasons
    assert ("create", "Custody arrests import uploaded through the API") in reasons
    assert {("view", ""), ("export", "")} <= reasons
    assert not ImportUpload.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_on_the_database_queue_the_run_is_queued_until_the_worker_runs(client, token):
    auth = token(Role.COORDINATOR)
    with override_settings(TASKS=DB_TASKS):
        body = _upload(client, auth).json()
        assert (body["status"], body["rows"], body["began_at"], body["rejections"]) == ("queued", 0, None, [])
        again = _upload(client, auth).json()  # a client's retry: the same run, queued once
        assert again["id"] == body["id"] and ImportRun.objects.count() == 1
        call_command("db_worker", "--queue-name", "feeds", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    done = client.get(f"/api/v1/imports/{body['id']}", **auth).json()
    assert (done["status"], done["rows"], done["imported"], done["rejected"]) == ("finished", 2, 1, 1)
    assert Arrest.objects.count() == 1


@pytest.mark.django_db
def test_a_file_of_the_wrong_type_or_feed_is_a_400_naming_the_field(client, token):
    auth = token(Role.COORDINATOR)
    wrong = _upload(client, auth, data=b"pnc_id\n", name="arrests.txt")
    assert wrong.status_code == 400 and wrong.json()["errors"]["file"] == ["The selected file must be a CSV or XLSX"]
    feed = _upload(client, auth, feed="burglaries")
    assert feed.status_code == 400 and "feed" in feed.json()["errors"]
    assert not ImportRun.objects.exists()


@pytest.mark.django_db
def test_only_the_uploader_sees_a_run_and_only_importers_upload(client, partnership, token, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run_id = _upload(client, token(Role.COORDINATOR)).json()["id"]
    officer = token(Role.POLICE_IOM_OFFICER)
    assert _upload(client, officer).status_code == 403
    assert client.get(f"/api/v1/imports/{run_id}", **officer).status_code in (403, 404)
    chair = token(Role.CHAIR)  # may import, but did not upload this file
    assert client.get(f"/api/v1/imports/{run_id}", **chair).status_code == 404
    assert client.get(f"/api/v1/imports/{run_id}/errors", **chair).status_code == 404
    assert AuditEvent.objects.filter(action="denied", object_type="import-run", actor=partnership.users[Role.CHAIR]).count() == 2
    assert ImportRun.objects.count() == 1
