"""Every change to a person's documents: authorise, check, store, audit.

A document is stored through Django's storage API (``STORAGES["documents"]``, a directory under
var/ with no public URL) under a random name; the name the person gave is kept only as the
download name, after ``checks.safe_name``. An upload is checked completely (size, name, type by
content and extension) before anything is written; a refused upload leaves nothing stored and its
refusal is audited.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.db import transaction
from django.utils import timezone

from iomhub.access import audit
from iomhub.access.models import AuditAction, Section
from iomhub.access.refusals import require_person_change
from iomhub.documents import checks
from iomhub.documents.models import Document, DocumentKind
from iomhub.people.models import Person
from iomhub.validation import clean_text

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from iomhub.access.models import User


def storage() -> Storage:
    """The documents' storage (``STORAGES["documents"]``)."""
    return storages["documents"]


def sections_of(kind: str) -> tuple[str, ...]:
    return (Section.DOCUMENTS, Section.HEALTH) if kind == DocumentKind.HEALTH else (Section.DOCUMENTS,)


def audit_type(kind: str) -> str:
    """A health document's events are of their own type, which names no model: the audit viewer
    then takes their section from the event (health), not from ``Document.SECTIONS`` (documents)."""
    return "health-document" if kind == DocumentKind.HEALTH else Document.AUDIT_TYPE


def authorise(user: User, person: Person, kind: str) -> None:
    """Refuse (audited) unless ``user`` may change the documents (and, for a health document, the
    health section) of ``person``'s record."""
    require_person_change(user, person, *sections_of(kind), name_section=True)


def _refused(user: User, person: Person, message: str, field: str = "file") -> ValidationError:
    audit.record(
        actor=user,
        action=AuditAction.DENIED,
        object_type="document",
        person_id=person.pk,
        outcome="refused",
        reason=f"upload refused: {message}"[:500],
        changes={"section": Section.DOCUMENTS},
    )
    return ValidationError({field: [f"{message}. Nothing was stored."]})


def _read(upload: UploadedFile, limit: int) -> bytes:
    """At most ``limit`` + 1 bytes of the upload (a larger one is refused without reading it all)."""
    upload.seek(0)
    chunks, total = [], 0
    for chunk in upload.chunks():
        chunks.append(chunk)
        total += len(chunk)
        if total > limit:
            break
    return b"".join(chunks)[: limit + 1]


def document_upload(
    *, acting_user: User, person: Person, upload: UploadedFile | None, title: str = "", kind: str = DocumentKind.GENERAL
) -> Document:
    """Store an uploaded file on ``person``'s record, after checking it; refused with a message
    naming the problem (and nothing stored) otherwise."""
    kind = str(kind or DocumentKind.GENERAL)
    if kind not in DocumentKind.values:
        raise ValidationError({"kind": ["Select whether the document is about the person's health"]})
    authorise(acting_user, person, kind)
    if upload is None:
        raise ValidationError({"file": ["Choose a file to upload"]})
    limit = settings.DOCUMENT_MAX_BYTES
    size = upload.size or 0
    data = b"" if size > limit else _read(upload, limit)  # an oversize file is refused unread
    try:
        checked = checks.check(upload.name or "", max(size, len(data)), data[:8192], data, limit)
    except checks.Refused as exc:
        raise _refused(acting_user, person, str(exc)) from None
    errors: dict[str, list[str]] = {}
    title = clean_text(errors, "title", title, "the title", required=False, limit=200) or checked.filename.rpartition(".")[0][:200]
    if errors:
        raise ValidationError(errors)
    return _store(acting_user, person, data, checked, title, kind, generated=False, source="", once=True)


def _day(document: Document) -> str:
    local = timezone.localtime(document.uploaded_at)
    return f"{local.day} {local:%B %Y}"


def _already_uploaded(person: Person, kind: str, digest: str) -> Document | None:
    """The same file uploaded to ``person``'s record before, as the same kind of document: a form sent
    twice (a double click, the browser's back and send again) or the same letter uploaded twice.
    Only the same kind is compared, so a general upload never learns of a health document the
    uploader may not see."""
    return Document.objects.filter(person=person, kind=kind, sha256=digest, generated=False).order_by("uploaded_at", "pk").first()


def _refuse_a_second_copy(person: Person, kind: str, digest: str) -> None:
    """Refused if the same file is on ``person``'s record already as ``kind``: checked with the
    person's row locked, so two posts of one form cannot both pass."""
    Person.objects.select_for_update().filter(pk=person.pk).first()
    earlier = _already_uploaded(person, kind, digest)
    if earlier is not None:
        message = f"This file is already on their record: “{earlier.title}”, uploaded on {_day(earlier)}. Nothing was stored."
        raise ValidationError({"file": [message]})


def document_store_generated(
    *, acting_user: User, person: Person, data: bytes, filename: str, title: str, kind: str, source: str
) -> Document:
    """Keep a document IOM Hub made (a progress report as PDF) on ``person``'s record."""
    authorise(acting_user, person, kind)
    checked = checks.Checked(filename=filename, extension=filename.rpartition(".")[2], content_type="application/pdf")
    return _store(acting_user, person, data, checked, title, kind, generated=True, source=source)


def _store(
    user: User,
    person: Person,
    data: bytes,
    checked: checks.Checked,
    title: str,
    kind: str,
    *,
    generated: bool,
    source: str,
    once: bool = False,
) -> Document:
    """Keep ``data`` and its row, in a transaction of its own. ``once``: refused if the same file is
    on the record already as this kind (``_refuse_a_second_copy``), checked before anything is
    written, so a refused file never reaches the storage. The file is written inside the
    transaction and removed if anything after it fails (the row, the audit event, the commit). A
    caller's transaction around this one is not watched: its rollback would leave the file with no
    row (no caller has one; the pages, the API and the progress reports call this outside any)."""
    digest = hashlib.sha256(data).hexdigest()
    saved: str | None = None
    try:
        with transaction.atomic():
            if once:
                _refuse_a_second_copy(person, kind, digest)
            saved = storage().save(f"{person.pk}/{secrets.token_hex(16)}.{checked.extension}", ContentFile(data))
            document = Document.objects.create(
                person=person,
                kind=kind,
                title=title,
                filename=checked.filename,
                content_type=checked.content_type,
                size=len(data),
                sha256=digest,
                stored_as=saved,
                generated=generated,
                source=source,
                uploaded_by=user,
                uploaded_by_name=user.display_name,
            )
            audit.record(
                actor=user,
                action=AuditAction.CREATE,
                object_type=audit_type(kind),
                object_id=document.pk,
                person_id=person.pk,
                changes={"section": sections_of(kind)[-1], "title": title, "filename": checked.filename, "size": len(data), "kind": kind},
            )
    except BaseException:
        if saved is not None:
            storage().delete(saved)  # the row was not kept: keep no orphan file
        raise
    return document
