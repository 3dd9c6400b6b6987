"""The Documents tab: the list, an upload, a download. Thin: parse, call a selector or service, render."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from iomhub.access.http import AuthedRequest
from iomhub.access.models import Section
from iomhub.access.policy import Action, can
from iomhub.access.routes import guarded
from iomhub.documents import selectors, services
from iomhub.documents.checks import _size
from iomhub.documents.forms import UploadForm
from iomhub.documents.models import DocumentKind
from iomhub.people.pages import person_context
from iomhub.people.selectors import person_get_for
from iomhub.web.forms import apply_errors


def download_response(document_id: int, person_id: int, user: object) -> FileResponse:
    """The file as an attachment: its own content type, never sniffed, sandboxed if opened."""
    document, handle = selectors.document_file(user=user, person_id=person_id, document_id=document_id)  # type: ignore[arg-type]
    response = FileResponse(handle, as_attachment=True, filename=document.filename, content_type=document.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


@guarded(Action.PERSON_VIEW, personal_data=True)
@require_http_methods(["GET"])
def documents(request: AuthedRequest, person_id: int) -> HttpResponse:
    person, found = selectors.documents_for(user=request.user, person_id=person_id)
    ctx = person_context(request, person, "documents")
    ctx.update(documents=found, may_upload=can(request.user, Action.PERSON_CHANGE, person, section=Section.DOCUMENTS))
    return render(request, "documents/documents.html", ctx)


@guarded(Action.PERSON_CHANGE, personal_data=True)
@require_http_methods(["GET", "POST"])
def upload(request: AuthedRequest, person_id: int) -> HttpResponse:
    person = person_get_for(user=request.user, person_id=person_id, section=Section.DOCUMENTS)
    services.authorise(request.user, person, DocumentKind.GENERAL)
    health = can(request.user, Action.PERSON_CHANGE, person, section=Section.HEALTH)
    form = UploadForm(request.POST or None, request.FILES or None, health=health)
    if request.method == "POST" and form.is_valid():
        try:
            document = services.document_upload(
                acting_user=request.user,
                person=person,
                upload=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
                kind=form.cleaned_data.get("kind") or DocumentKind.GENERAL,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            # Django's request parser keeps only the last part of a name sent with a folder path and
            # drops unprintable characters: the message names the file as it was kept.
            messages.success(request, f"{document.title} uploaded as {document.filename}")
            return redirect("people:documents:list", person_id=person.pk)
    return render(
        request,
        "documents/upload.html",
        {
            "form": form,
            "person": person,
            "title": f"Upload a document for {person.full_name}",
            "max_size": _size(settings.DOCUMENT_MAX_BYTES),
        },
        status=400 if form.errors else 200,
    )


@guarded(Action.PERSON_VIEW, personal_data=True)
@require_http_methods(["GET"])
def download(request: AuthedRequest, person_id: int, document_id: int) -> HttpResponse | FileResponse:
    return download_response(document_id, person_id, request.user)
