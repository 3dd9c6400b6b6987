"""Feed imports over the JSON API (issue 11 §1 and §7; ADR 0041): upload a file to be imported in
the background, follow its run (status, rows done, counts, the first rejected rows) and download
its error report; the same checks, policy and audit as the upload pages (``feeds.uploads``,
``feeds.selectors.run_get_for``: a run is its uploader's, anyone else gets 404)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from iomhub.access import api_params
from iomhub.access.api_errors import validated
from iomhub.access.models import User
from iomhub.access.policy import Action
from iomhub.access.routes import guarded
from iomhub.feeds import selectors
from iomhub.feeds.forms import first_bytes
from iomhub.feeds.models import Feed, ImportRun, Rejection, RunStatus
from iomhub.feeds.uploads import upload_enqueue, upload_problem
from iomhub.feeds.views import error_report_response
from iomhub.people.api import StrictSerializer

REFUSALS: dict[int, Any] = {
    403: OpenApiResponse(description="Not allowed: imports are the coordinators' and chairs'"),
    404: OpenApiResponse(description="No such import run, or not one you uploaded"),
}
SHOWN_REJECTIONS = 50


@extend_schema_field(
    {"type": "string", "enum": RunStatus.values, "description": "; ".join(f"{v}: {label}" for v, label in RunStatus.choices)}
)
class RunStatusField(serializers.ReadOnlyField):
    pass


class ImportRejectionSerializer(serializers.ModelSerializer[Rejection]):
    column = serializers.CharField(help_text="The file's column at fault; empty for the whole row")

    class Meta:
        model = Rejection
        fields = ["line", "column", "reason"]


class ImportRunSerializer(serializers.ModelSerializer[ImportRun]):
    status = RunStatusField(
        help_text="queued, importing, then finished, refused (nothing read) or stopped (a fault); stalled: its import stopped "
        "part-way with no progress for a few minutes, and it is queued again automatically (resumed_at)"
    )
    total = serializers.IntegerField(allow_null=True, read_only=True, help_text="Rows in the file once read (exact when over)")
    rejections = serializers.SerializerMethodField(
        help_text=f"The first {SHOWN_REJECTIONS} problems, by line, once the run is over (read the run itself: empty in the list of runs)"
    )
    error_report = serializers.SerializerMethodField(help_text="Where to download every rejected row (CSV)")

    class Meta:
        model = ImportRun
        fields = [
            "id",
            "feed",
            "file_name",
            "sha256",
            "status",
            "queued_at",
            "began_at",
            "finished_at",
            "heartbeat_at",
            "attempts",
            "resumed_at",
            "total",
            "rows",
            "imported",
            "unchanged",
            "rejected",
            "review",
            "refused",
            "fault",
            "rejections",
            "error_report",
        ]
        read_only_fields = fields

    @extend_schema_field(ImportRejectionSerializer(many=True))
    def get_rejections(self, obj: ImportRun) -> list[dict[str, Any]]:
        if not obj.over or self.context.get("listed"):  # the list is the upload page's: no row of any file
            return []
        return list(ImportRejectionSerializer(obj.rejections.all()[:SHOWN_REJECTIONS], many=True).data)

    def get_error_report(self, obj: ImportRun) -> str:
        return f"/api/v1/imports/{obj.pk}/errors"


class ImportUploadSerializer(StrictSerializer):
    feed = serializers.ChoiceField(choices=Feed.choices, help_text="Which feed the file is (docs/feeds/)")
    file = serializers.FileField(help_text="CSV (UTF-8) or XLSX with the feed's columns; at most 200 MB")

    def validate_file(self, upload: Any) -> Any:
        problem = upload_problem(upload.name or "", upload.size or 0, first_bytes(upload))
        if problem:
            raise serializers.ValidationError(problem)
        return upload


@guarded(Action.COHORT_MANAGE, api=True)  # as the upload page: what it returns is read through the run's routes
@extend_schema_view(
    get=extend_schema(
        operation_id="import_runs_list",
        summary="The import runs you uploaded, newest first (file name, status, counts), as the upload page's latest imports",
        parameters=[OpenApiParameter("feed", str, enum=Feed.values, required=False, description="Only imports of this feed")],
        responses={
            200: ImportRunSerializer(many=True),
            400: OpenApiResponse(description="A query parameter is invalid"),
            403: REFUSALS[403],
        },
    )
)
class ImportsView(generics.ListAPIView[ImportRun]):
    parser_classes = [MultiPartParser]
    serializer_class = ImportRunSerializer

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "listed": True}

    def get_queryset(self) -> QuerySet[ImportRun]:
        return selectors.runs_for(user=self.request.user, feed=api_params.choice(self.request, "feed", Feed.values))  # type: ignore[arg-type]

    @extend_schema(
        operation_id="import_upload",
        summary="Upload a feed file (multipart/form-data) to be imported in the background; follow the run returned "
        "(the same file sent again while it is still queued or importing is that run, queued once)",
        request={"multipart/form-data": ImportUploadSerializer},
        responses={202: ImportRunSerializer, 400: OpenApiResponse(description="Field-level errors"), 403: REFUSALS[403]},
    )
    def post(self, request: Request) -> Response:
        user: User = request.user  # type: ignore[assignment]
        data = validated(ImportUploadSerializer, request)
        upload = data["file"]
        run = upload_enqueue(acting_user=user, feed=data["feed"], data=upload.read(), file_name=upload.name or "upload", via="api")
        body = ImportRunSerializer(run).data
        return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": f"/api/v1/imports/{run.pk}"})


@guarded(Action.COHORT_MANAGE, personal_data=True, api=True)
class ImportView(APIView):
    @extend_schema(
        operation_id="import_run",
        summary="An import run you uploaded: its status, rows done and counts, and once over the first rejected rows",
        responses={200: ImportRunSerializer, **REFUSALS},
    )
    def get(self, request: Request, import_run_id: int) -> Response:
        run = selectors.run_get_for(user=request.user, run_id=import_run_id)  # type: ignore[arg-type]
        return Response(ImportRunSerializer(run).data)


@guarded(Action.COHORT_MANAGE, personal_data=True, api=True)
class ImportErrorsView(APIView):
    @extend_schema(
        operation_id="import_run_errors",
        summary="The run's error report: every rejected row with its line, column, reason and values (CSV, formula-safe)",
        responses={(200, "text/csv"): OpenApiTypes.STR, **REFUSALS},
    )
    def get(self, request: Request, import_run_id: int) -> HttpResponse:
        return error_report_response(selectors.run_get_for(user=request.user, run_id=import_run_id, export=True))  # type: ignore[arg-type]
