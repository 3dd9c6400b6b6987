"""Every read of a person's documents: fetched, authorised and audited.

The Documents tab needs the documents section; a health document needs the health section too,
and without it the reader is told nothing of it (not its name, not that it exists: it is left out
of the list and its count, and asking for it answers as for a document that does not exist, the
attempt audited).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import Http404

from iomhub.access import audit
from iomhub.access.models import AuditAction, Section
from iomhub.access.policy import Action, decide
from iomhub.access.projection import lens_for
from iomhub.access.refusals import require_person_view
from iomhub.documents.models import Document, DocumentKind
from iomhub.documents.services import audit_type, storage
from iomhub.people.selectors import person_get_for

if TYPE_CHECKING:
    from django.core.files import File

    from iomhub.access.models import User
    from iomhub.people.models import Person


def _visible(user: User, person: Person) -> list[Document]:
    found = Document.objects.filter(person=person)
    if not lens_for(user, person).sees(Section.HEALTH):
        found = found.exclude(kind=DocumentKind.HEALTH)
    return list(found)


def documents_for(*, user: User, person_id: int | str) -> tuple[Person, list[Document]]:
    """The documents ``user`` may see, newest first (the read audited as a view of documents)."""
    person = person_get_for(user=user, person_id=person_id, section=Section.DOCUMENTS)
    return person, _visible(user, person)


def document_for(*, user: User, person_id: int | str, document_id: int | str) -> tuple[Person, Document]:
    """One document, when ``user`` may see it; a health document without the health section is
    refused as not found (audited)."""
    person = person_get_for(user=user, person_id=person_id, section=Section.DOCUMENTS, audit_read=False)
    try:
        document = Document.objects.get(pk=int(document_id), person=person)
    except (Document.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404("No such document") from None
    decision = decide(user, Action.PERSON_VIEW, person, section=Section.DOCUMENTS)
    if document.kind == DocumentKind.HEALTH:
        require_person_view(user, person, Section.HEALTH, what="a health document", not_found=True)
    audit.record_read(
        actor=user,
        decision=decision,
        object_type=audit_type(document.kind),
        object_id=document.pk,
        person_id=person.pk,
        changes={"section": Section.HEALTH if document.kind == DocumentKind.HEALTH else Section.DOCUMENTS},
    )
    return person, document


def document_file(*, user: User, person_id: int | str, document_id: int | str) -> tuple[Document, File]:  # type: ignore[type-arg]
    """The stored file of a document ``user`` may see, for download (audited as an export)."""
    person, document = document_for(user=user, person_id=person_id, document_id=document_id)
    audit.record(
        actor=user,
        action=AuditAction.EXPORT,
        object_type=audit_type(document.kind),
        object_id=document.pk,
        person_id=person.pk,
        changes={"section": Section.HEALTH if document.kind == DocumentKind.HEALTH else Section.DOCUMENTS, "format": document.content_type},
    )
    return document, storage().open(document.stored_as, "rb")
