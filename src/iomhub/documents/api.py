"""A person's documents over the JSON API: list, upload (multipart/form-data) and download, with the
same selectors, services, policy and audit as the Documents tab."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from iomhub.access.api_errors import service_errors, validated
from iomhub.access.api_fields import StrictCharField
from iomhub.access.models import Section, User
from iomhub.access.policy import Action
from iomhub.access.routes import guarded
from iomhub.documents import selectors, services
from iomhub.documents.models import Document, DocumentKind
from iomhub.documents.views import download_response
from iomhub.people.api import StrictSerializer
from iomhub.people.selectors import person_get_for

REFUSALS: dict[int, Any] = {
    403: OpenApiResponse(description="Not allowed (for example, documents are not shared with you)"),
    404: OpenApiResponse(description="Not found or not visible to you"),
}


class DocumentSerializer(serializers.ModelSerializer[Document]):
    kind = serializers.ChoiceField(choices=DocumentKind.choices)
    download = serializers.SerializerMethodField(help_text="Where to download the file")

    def get_download(self, obj: Document) -> str:
        return f"/api/v1/people/{obj.person_id}/documents/{obj.pk}/file"

    class Meta:
        model = Document
        fields = [
            "id",
            "kind",
            "title",
            "filename",
            "content_type",
            "size",
            "sha256",
            "generated",
            "uploaded_by_name",
            "uploaded_at",
            "download",
        ]


class DocumentUploadSerializer(StrictSerializer):
    file = serializers.FileField(help_text="PDF, .docx, .odt, PNG, JPEG or plain text; checked by its content")
    title = StrictCharField(max_length=200, required=False, allow_blank=True, default="")
    kind = serializers.ChoiceField(choices=DocumentKind.choices, required=False, default=DocumentKind.GENERAL)


@guarded(Action.PERSON_VIEW, personal_data=True, api=True)
class DocumentsView(APIView):
    parser_classes = [MultiPartParser]

    @extend_schema(
        operation_id="documents_list",
        summary="The person's documents you may see, newest first",
        responses={200: DocumentSerializer(many=True), **REFUSALS},
    )
    def get(self, request: Request, person_id: int) -> Response:
        _, found = selectors.documents_for(user=request.user, person_id=person_id)  # type: ignore[arg-type]
        return Response(DocumentSerializer(found, many=True).data)

    @extend_schema(
        operation_id="documents_upload",
        summary="Upload a document (multipart/form-data); refused with a message naming the problem, and nothing stored, "
        "for a wrong type, an oversize file or an unsafe file name",
        request={"multipart/form-data": DocumentUploadSerializer},
        responses={201: DocumentSerializer, 400: OpenApiResponse(description="Field-level errors"), **REFUSALS},
    )
    def post(self, request: Request, person_id: int) -> Response:
        user: User = request.user  # type: ignore[assignment]
        person = person_get_for(user=user, person_id=person_id, section=Section.DOCUMENTS)
        data = validated(DocumentUploadSerializer, request)
        with service_errors(whole="file"):
            document = services.document_upload(
                acting_user=user, person=person, upload=data["file"], title=data["title"], kind=data["kind"]
            )
        return Response(DocumentSerializer(document).data, status=status.HTTP_201_CREATED)


@guarded(Action.PERSON_VIEW, personal_data=True, api=True)
class DocumentView(APIView):
    @extend_schema(operation_id="document_read", summary="One document's details", responses={200: DocumentSerializer, **REFUSALS})
    def get(self, request: Request, person_id: int, document_id: int) -> Response:
        _, document = selectors.document_for(user=request.user, person_id=person_id, document_id=document_id)  # type: ignore[arg-type]
        return Response(DocumentSerializer(document).data)


@guarded(Action.PERSON_VIEW, personal_data=True, api=True)
class DocumentFileView(APIView):
    @extend_schema(
        operation_id="document_download",
        summary="Download the file (as an attachment, never sniffed)",
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, **REFUSALS},
    )
    def get(self, request: Request, person_id: int, document_id: int) -> FileResponse:
        return download_response(document_id, person_id, request.user)
