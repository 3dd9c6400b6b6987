"""The Documents tab and /api/v1/people/<id>/documents through HTTP: a hostile name as the browser
sends it, the download's headers, and the same refusals through the API."""

import pytest

from iomhub.access.models import AuditEvent, Role, Section, SharingAgreement
from iomhub.documents.models import Document
from tests.documents import samples
from tests.documents.conftest import stored_files

pytestmark = pytest.mark.django_db
BOUNDARY = "----iomhubtestboundary"


def _multipart(filename: str, data: bytes, **fields: str) -> bytes:
    """A multipart body written by hand, so the file name reaches the server exactly as given."""
    parts = [f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode() for name, value in fields.items()]
    head = f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\nContent-Type: application/pdf\r\n\r\n'
    return b"".join(parts) + head.encode("utf-8", "surrogateescape") + data + f"\r\n--{BOUNDARY}--\r\n".encode()


def _post(client, url, filename, data, **fields):
    return client.generic("POST", url, _multipart(filename, data, **fields), content_type=f"multipart/form-data; boundary={BOUNDARY}")


@pytest.fixture
def officer(client, partnership):
    client.force_login(partnership.users[Role.PROBATION_OFFICER])
    return client


def test_upload_list_and_download_through_the_pages(officer, partnership):
    pid = partnership.ordinary.pk
    response = _post(officer, f"/people/{pid}/documents/new/", "Court letter.pdf", samples.PDF, kind="general", title="")
    assert response.status_code == 302, response.content.decode()[:2000]
    document = Document.objects.get()
    page = officer.get(f"/people/{pid}/documents/").content.decode()
    assert "Court letter" in page and "Court letter.pdf" in page
    download = officer.get(f"/people/{pid}/documents/{document.pk}/")
    assert download.status_code == 200
    assert download["Content-Disposition"] == 'attachment; filename="Court letter.pdf"'
    assert download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == samples.PDF
    assert AuditEvent.objects.filter(object_type="document", action="export", object_id=str(document.pk)).count() == 1


def test_a_path_in_the_name_is_cut_to_its_last_part_and_the_message_says_so(officer, partnership):
    pid = partnership.ordinary.pk
    response = _post(officer, f"/people/{pid}/documents/new/", "../../../etc/passwd.pdf", samples.PDF, kind="general", title="")
    assert response.status_code == 302
    document = Document.objects.get()
    assert document.filename == "passwd.pdf"
    assert document.stored_as.startswith(f"{pid}/") and ".." not in document.stored_as
    page = officer.get(response["Location"]).content.decode()
    assert "uploaded as passwd.pdf" in page


@pytest.mark.parametrize(
    ("filename", "data", "words"),
    [
        ("<script>alert(1)</script>.pdf", samples.PDF, "characters that are not allowed (&gt;)"),
        ("x" * 296 + ".pdf", samples.PDF, "is 255 characters long: it must be 120 characters or fewer"),
        ("report.pdf", samples.EXE, "not what its .pdf name says"),
    ],
)
def test_refused_uploads_through_the_page(officer, partnership, filename, data, words):
    before = stored_files()
    pid = partnership.ordinary.pk
    response = _post(officer, f"/people/{pid}/documents/new/", filename, data, kind="general", title="")
    page = response.content.decode()
    assert response.status_code == 400
    assert words in page and "Nothing was stored." in page
    assert 'class="govuk-error-summary' in page
    assert stored_files() == before and not Document.objects.exists()


def test_the_api_uploads_refuses_and_downloads_alike(client, partnership, settings):
    client.force_login(partnership.users[Role.PROBATION_OFFICER])
    pid = partnership.ordinary.pk
    response = _post(client, f"/api/v1/people/{pid}/documents", "Scan.png", samples.PNG, kind="health", title="Test certificate")
    assert response.status_code == 201, response.content
    made = response.json()
    assert (made["kind"], made["title"], made["filename"], made["content_type"]) == ("health", "Test certificate", "Scan.png", "image/png")
    listed = client.get(f"/api/v1/people/{pid}/documents").json()
    assert [d["id"] for d in listed] == [made["id"]]
    download = client.get(made["download"])
    assert download.status_code == 200 and download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Disposition"] == 'attachment; filename="Scan.png"'
    settings.DOCUMENT_MAX_BYTES = 10
    refused = _post(client, f"/api/v1/people/{pid}/documents", "Scan.png", samples.PNG)
    assert refused.status_code == 400
    assert "must be 10 bytes or smaller. Nothing was stored." in refused.content.decode()
    assert Document.objects.count() == 1


def test_a_partner_without_health_learns_nothing_of_a_health_document(client, partnership):
    p = partnership
    SharingAgreement.objects.filter(organisation=p.housing).update(sections=[Section.IDENTITY, Section.DOCUMENTS])
    client.force_login(p.users[Role.PROBATION_OFFICER])
    health = _post(client, f"/api/v1/people/{p.housing_case.pk}/documents", "Treatment letter.pdf", samples.PDF, kind="health").json()
    client.force_login(p.users[Role.PARTNER_WORKER])
    page = client.get(f"/people/{p.housing_case.pk}/documents/").content.decode()
    assert "Treatment letter" not in page and "No documents." in page
    assert client.get(f"/api/v1/people/{p.housing_case.pk}/documents").json() == []
    assert client.get(f"/api/v1/people/{p.housing_case.pk}/documents/{health['id']}").status_code == 404
    assert client.get(f"/api/v1/people/{p.housing_case.pk}/documents/{health['id']}/file").status_code == 404
    assert client.get(f"/people/{p.housing_case.pk}/documents/{health['id']}/").status_code == 404
    assert AuditEvent.objects.filter(actor=p.users[Role.PARTNER_WORKER], action="denied").count() == 3
