"""The reports as JSON (issue 16): the same selectors as the pages; figures only, no identities."""

from __future__ import annotations

import datetime
from typing import Any

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from iomhub import clock
from iomhub.access.api_fields import StrictCharField
from iomhub.access.policy import Action
from iomhub.access.routes import guarded
from iomhub.reporting import selectors
from iomhub.reporting.api_schemas import ComparisonSerializer, ReoffendingSerializer, ReportSerializer
from iomhub.reporting.params import BadParameter, date_from, report_params, team_id_from
from iomhub.rules.dates import add_months

TEAM = OpenApiParameter("team", int, description="A local team's id; all teams when left out")
REFUSED = OpenApiResponse(description="Not allowed for your role")
BAD = OpenApiResponse(description="A parameter is wrong; the message names it")


def _no_empty_dates(request: Request) -> None:
    """``from=`` given but empty is not a date (the schema says so): a 400, not the default period."""
    for name in ("from", "to"):
        if name in request.query_params and not request.query_params[name]:
            raise BadParameter(f"{name} must be a date like 2026-04-01")


def _bad(error: Exception) -> Response:
    return Response({"detail": str(error)}, status=status.HTTP_400_BAD_REQUEST)


@guarded(Action.REPORT_VIEW, api=True)
class OverviewView(APIView):
    @extend_schema(
        operation_id="report_overview",
        summary="Caseload at a glance (figures only)",
        parameters=[TEAM],
        responses={200: ReportSerializer, 400: BAD, 403: REFUSED},
    )
    def get(self, request: Request) -> Response:
        try:
            report = selectors.overview(user=request.user, team_id=team_id_from(request.query_params.get("team")))  # type: ignore[arg-type]
        except (BadParameter, ValueError) as error:
            return _bad(error)
        return Response(ReportSerializer(report.as_json()).data)


@guarded(Action.REPORT_VIEW, api=True)
class QuarterlyView(APIView):
    @extend_schema(
        operation_id="report_quarterly",
        summary="The quarterly report (figures only)",
        parameters=[OpenApiParameter("quarter", str, description="For example 2026Q3; the last complete quarter when left out"), TEAM],
        responses={200: ReportSerializer, 400: BAD, 403: REFUSED},
    )
    def get(self, request: Request) -> Response:
        try:
            params = report_params(request.query_params)
            report = selectors.quarterly(user=request.user, quarter=params.quarter, team_id=params.team_id)  # type: ignore[arg-type]
        except (BadParameter, ValueError) as error:
            return _bad(error)
        return Response(ReportSerializer(report.as_json()).data)


@guarded(Action.REPORT_VIEW, api=True)
class ReoffendingView(APIView):
    @extend_schema(
        operation_id="report_reoffending",
        summary="Proven reoffending of a registration cohort against the 20% reduction target",
        parameters=[OpenApiParameter("from", datetime.date), OpenApiParameter("to", datetime.date), TEAM],
        responses={200: ReoffendingSerializer, 400: BAD, 403: REFUSED},
    )
    def get(self, request: Request) -> Response:
        today = clock.today()
        query = request.query_params
        try:
            _no_empty_dates(request)
            start = date_from("from", query.get("from"), add_months(today, -30))
            end = date_from("to", query.get("to"), add_months(today, -18) - datetime.timedelta(days=1))
            team_id = team_id_from(query.get("team"))
            report = selectors.proven_reoffending(user=request.user, cohort_from=start, cohort_to=end, team_id=team_id)  # type: ignore[arg-type]
        except (BadParameter, ValueError) as error:
            return _bad(error)
        return Response(ReoffendingSerializer(report.as_json()).data)


@guarded(Action.REPORT_VIEW, api=True)
class ComparisonView(APIView):
    @extend_schema(
        operation_id="report_comparison",
        summary="Matched comparison of a registration cohort with people screened but not registered (figures only)",
        parameters=[OpenApiParameter("from", datetime.date), OpenApiParameter("to", datetime.date), TEAM],
        responses={200: ComparisonSerializer, 400: BAD, 403: REFUSED},
    )
    def get(self, request: Request) -> Response:
        today = clock.today()
        query = request.query_params
        try:
            _no_empty_dates(request)
            start = date_from("from", query.get("from"), add_months(today, -30))
            end = date_from("to", query.get("to"), add_months(today, -18) - datetime.timedelta(days=1))
            team_id = team_id_from(query.get("team"))
            report = selectors.matched_comparison_report(user=request.user, cohort_from=start, cohort_to=end, team_id=team_id)  # type: ignore[arg-type]
        except (BadParameter, ValueError) as error:
            return _bad(error)
        return Response(ComparisonSerializer(report.as_json()).data)


class RunRequestSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=["quarterly-pdf", "quarterly-xlsx", "comparison-json"])
    quarter = StrictCharField(required=False, allow_blank=True, help_text="For a quarterly report, for example 2026Q3")
    team = StrictCharField(required=False, allow_blank=True, help_text="A local team's id; all teams when left out")
    from_ = StrictCharField(required=False, allow_blank=True, help_text="For the comparison: registered from (2024-04-01)")
    to = StrictCharField(required=False, allow_blank=True, help_text="For the comparison: registered up to")


class RunSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    params = serializers.DictField(child=serializers.CharField(allow_null=True, allow_blank=True))
    status = serializers.ChoiceField(choices=["queued", "running", "done", "failed"])
    progress = serializers.IntegerField(min_value=0, max_value=100)
    stage = serializers.CharField(allow_blank=True)
    error = serializers.CharField(allow_blank=True)
    filename = serializers.CharField(allow_blank=True)
    download = serializers.CharField(allow_null=True, help_text="The file's address when the run is done")


def _run_json(run: Any) -> dict[str, Any]:
    return {
        "id": run.pk,
        "kind": run.kind,
        "params": {k: None if v is None else str(v) for k, v in run.params.items()},
        "status": run.status,
        "progress": run.progress,
        "stage": run.stage,
        "error": run.error,
        "filename": run.filename,
        "download": f"/reports/runs/{run.pk}/download" if run.status == "done" else None,
    }


@guarded(Action.REPORT_VIEW, api=True)
class RunsView(APIView):
    @extend_schema(
        operation_id="report_run_create",
        summary="Make a long report in the background; follow it at its address",
        request=RunRequestSerializer,
        responses={201: RunSerializer, 400: BAD, 403: REFUSED},
    )
    def post(self, request: Request) -> Response:
        from iomhub.reporting import runs

        given = RunRequestSerializer(data=request.data)
        given.is_valid(raise_exception=True)  # a list or an object where text is asked for is a 400 naming the field
        body = {("from" if k == "from_" else k): str(v) for k, v in given.validated_data.items()}
        try:
            run = runs.start_run(user=request.user, kind=body.get("kind", ""), query=body)  # type: ignore[arg-type]
        except (BadParameter, ValueError) as error:
            return _bad(error)
        return Response(RunSerializer(_run_json(run)).data, status=status.HTTP_201_CREATED)


@guarded(Action.REPORT_VIEW, api=True)
class RunView(APIView):
    @extend_schema(
        operation_id="report_run",
        summary="A report being made in the background: status, progress and, when done, the download",
        responses={200: RunSerializer, 403: REFUSED, 404: OpenApiResponse(description="Not a run you asked for")},
    )
    def get(self, request: Request, run_id: int) -> Response:
        from iomhub.reporting import runs

        return Response(RunSerializer(_run_json(runs.run_for(user=request.user, run_id=run_id))).data)  # type: ignore[arg-type]
