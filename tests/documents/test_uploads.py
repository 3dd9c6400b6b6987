"""Uploads (issue 12 §7): allowed types by content and extension, the size limit, safe names, and
nothing stored when refused; downloads as attachments, never sniffed."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from iomhub.access.models import AuditEvent, Role, Section, SharingAgreement
from iomhub.documents import selectors, services
from iomhub.documents.models import Document
from tests.documents import samples
from tests.documents.conftest import stored_files

pytestmark = pytest.mark.django_db


def _upload(p, name, data, user=Role.PROBATION_OFFICER, person=None, **kw):
    return services.document_upload(
        acting_user=p.users[user], person=person or p.ordinary, upload=SimpleUploadedFile(name, data, content_type="application/pdf"), **kw
    )


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("Court order.pdf", samples.PDF, "application/pdf"),
        ("Letter.DOCX", samples.DOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("Plan.odt", samples.ODT, "application/vnd.oasis.opendocument.text"),
        ("Photo of the tag.png", samples.PNG, "image/png"),
        ("Scan.jpeg", samples.JPEG, "image/jpeg"),
        ("Note.txt", samples.TEXT, "text/plain"),
        ("Déclaration été.pdf", samples.PDF, "application/pdf"),
    ],
)
def test_allowed_files_are_stored_with_their_sniffed_type(partnership, name, data, content_type):
    document = _upload(partnership, name, data)
    assert (document.filename, document.content_type, document.size) == (name, content_type, len(data))
    assert document.title == name.rpartition(".")[0]
    assert name not in document.stored_as  # stored under a random name of our own
    with services.storage().open(document.stored_as, "rb") as handle:
        assert handle.read() == data
    assert AuditEvent.objects.filter(object_type="document", action="create", object_id=str(document.pk)).count() == 1


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("report.pdf", samples.EXE, "content is a application/x-msdownload file, not what its .pdf name says"),
        ("report.docx", samples.PDF, "content is a application/pdf file, not what its .docx name says"),
        ("report.docx", samples.ZIP, "content is a application/zip file"),
        ("program.exe", samples.EXE, "A .exe file cannot be uploaded"),
        ("page.html", b"<html><script>alert(1)</script></html>", "A .html file cannot be uploaded"),
        ("notes.txt", b"\x00\x01binary\xff", "not a file type that can be uploaded"),
        ("report", samples.PDF, "has no extension"),
        ("report\x00.pdf", samples.PDF, "contains control characters"),
        ("report\x1b[31m.pdf", samples.PDF, "contains control characters"),
        ("report\u202efdp.txt", samples.PDF, "contains control characters"),
        ("x" * 196 + ".pdf", samples.PDF, "is 200 characters long: it must be 120 characters or fewer"),
        ("<script>alert(1)<script>.pdf", samples.PDF, "characters that are not allowed (< >)"),
        (".hidden.pdf", samples.PDF, "must not start with a dot"),
        ("empty.pdf", b"", "The file is empty"),
    ],
)
def test_refused_uploads_say_why_and_store_nothing(partnership, name, data, words):
    before = stored_files()
    with pytest.raises(ValidationError) as exc:
        _upload(partnership, name, data)
    messages = exc.value.message_dict["file"]
    assert any(words in m for m in messages), messages
    assert messages[0].endswith("Nothing was stored.")
    assert stored_files() == before
    assert not Document.objects.exists()
    assert AuditEvent.objects.filter(object_type="document", action="denied", outcome="refused").count() == 1


def test_an_oversize_file_is_refused_unread(partnership, settings):
    settings.DOCUMENT_MAX_BYTES = 1024
    before = stored_files()
    with pytest.raises(ValidationError) as exc:
        _upload(partnership, "big.pdf", samples.PDF + b"0" * 1024)
    assert exc.value.message_dict["file"] == [
        f"The file is {len(samples.PDF) // 1024 + 1} KB: it must be 1 KB or smaller. Nothing was stored."
    ]
    assert stored_files() == before and not Document.objects.exists()
    assert _upload(partnership, "small.pdf", samples.PDF[:1024]).size == min(len(samples.PDF), 1024)


def test_a_health_document_is_invisible_without_health(partnership):
    p = partnership
    SharingAgreement.objects.filter(organisation=p.housing).update(sections=[Section.IDENTITY, Section.DOCUMENTS])
    general = _upload(p, "Tenancy.pdf", samples.PDF, person=p.housing_case)
    health = _upload(p, "Drug test certificate.pdf", samples.PDF, person=p.housing_case, kind="health")
    housing = p.users[Role.PARTNER_WORKER]
    _, seen = selectors.documents_for(user=housing, person_id=p.housing_case.pk)
    assert seen == [general]
    _, seen = selectors.documents_for(user=p.users[Role.PROBATION_OFFICER], person_id=p.housing_case.pk)
    assert seen == [health, general]
    with pytest.raises(Http404):  # as if it did not exist
        selectors.document_for(user=housing, person_id=p.housing_case.pk, document_id=health.pk)
    assert AuditEvent.objects.filter(actor=housing, action="denied", person_id=p.housing_case.pk).count() == 1
    with pytest.raises(PermissionDenied):  # nor may they add one
        _upload(p, "Treatment letter.pdf", samples.PDF, user=Role.PARTNER_WORKER, person=p.housing_case, kind="health")
    # the audit log names a health document's events by a type of their own (its section: health)
    assert AuditEvent.objects.filter(object_type="health-document", action="create", object_id=str(health.pk)).count() == 1


def test_documents_need_the_documents_section(partnership):
    p = partnership  # the housing agreement: identity, contact and plan
    with pytest.raises(PermissionDenied):
        selectors.documents_for(user=p.users[Role.PARTNER_WORKER], person_id=p.housing_case.pk)
    with pytest.raises(PermissionDenied):
        _upload(p, "Tenancy.pdf", samples.PDF, user=Role.PARTNER_WORKER, person=p.housing_case)
    assert not Document.objects.exists()


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ("../../etc/passwd.pdf", "contains a folder path"),
        ("..\\..\\boot.pdf", "contains a folder path"),
        ("C:\\Windows\\report.pdf", "contains a folder path"),
        ("report\x00.pdf", "contains control characters"),
        ("x" * 296 + ".pdf", "is 300 characters long: it must be 120 characters or fewer"),
        ("<script>alert(1)</script>.pdf", "contains a folder path"),
        ("<script>alert(1)<script>.pdf", "characters that are not allowed (< >)"),
        ("re|port?.pdf", "characters that are not allowed (? |)"),
    ],
)
def test_hostile_names_as_given_are_refused(raw, words):
    """The name check itself, on names as a client may send them (Django's request parser and
    ``UploadedFile`` already cut a path to its last part, drop unprintable characters and cut a
    name to 255 characters before the service sees it: see the request tests)."""
    from iomhub.documents import checks

    with pytest.raises(checks.Refused) as exc:
        checks.safe_name(raw)
    assert words in str(exc.value)


def test_the_same_file_sent_twice_is_kept_once(partnership):
    """A form sent twice (a double click, back and send again) or the same letter uploaded twice:
    the second is refused, naming the first, and nothing more is stored. The same file as another
    kind of document, or on another person's record, is a record of its own."""
    p = partnership
    files_before = len(stored_files())
    first = _upload(p, "Court order.pdf", samples.PDF, title="Court order")
    with pytest.raises(ValidationError) as refused:
        _upload(p, "Court order (copy).pdf", samples.PDF, title="Court order again")
    message = refused.value.message_dict["file"][0]
    assert "already on their record" in message and "“Court order”" in message and "Nothing was stored" in message
    assert list(Document.objects.filter(person=p.ordinary).values_list("pk", flat=True)) == [first.pk]
    assert len(stored_files()) == files_before + 1
    _upload(p, "Court order.pdf", samples.PDF, kind="health")
    _upload(p, "Court order.pdf", samples.PDF, person=p.housing_case)
    assert Document.objects.count() == 3 and len(stored_files()) == files_before + 3
