"""The reports as JSON (issue 16): the same selectors as the pages; figures only, no identities."""

from __future__ import annotations

import datetime

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from iomhub import clock
from iomhub.access.policy import Action
from iomhub.access.routes import guarded
from iomhub.reporting import selectors
from iomhub.reporting.params import BadParameter, date_from, report_params, team_id_from
from iomhub.rules._dates import add_months

TEAM = OpenApiParameter("team", int, description="A local team's id; all teams when left out")
REFUSED = OpenApiResponse(description="Not allowed for your role")
BAD = OpenApiResponse(description="A parameter is wrong; the message names it")


def _bad(error: Exception) -> Response:
    return Response({"detail": str(error)}, status=status.HTTP_400_BAD_REQUEST)


@guarded(Action.REPORT_VIEW, api=True)
class OverviewView(APIView):
    @extend_schema(
        operation_id="report_overview",
        summary="Caseload at a glance (figures only)",
        parameters=[TEAM],
        responses={200: dict, 400: BAD, 403: REFUSED},
    )
    def get(self, request: Request) -> Response:
        try:
            report = selectors.overview(user=request.user, team_id=team_id_from(request.query_params.get("team")))  # type: ignore[arg-type]
        except (BadParameter, ValueError) as error:
            return _bad(error)
        return Response(report.as_json())


@guarded(Action.REPORT_VIEW, api=True)
class QuarterlyView(APIView):
    @extend_schema(
        operation_id="report_quarterly",
        summary="The quarterly report (figures only)",
        parameters=[OpenApiParameter("quarter", str, description="For example 2026Q3; the last complete quarter when left out"), TEAM],
        responses={200: dict, 400: BAD, 403: REFUSED},
    )
    def get(self, request: Request) -> Response:
        try:
            params = report_params(request.query_params)
            report = selectors.quarterly(user=request.user, quarter=params.quarter, team_id=params.team_id)  # type: ignore[arg-type]
        except (BadParameter, ValueError) as error:
            return _bad(error)
        return Response(report.as_json())


@guarded(Action.REPORT_VIEW, api=True)
class ReoffendingView(APIView):
    @extend_schema(
        operation_id="report_reoffending",
        summary="Proven reoffending of a registration cohort against the 20% reduction target",
        parameters=[OpenApiParameter("from", datetime.date), OpenApiParameter("to", datetime.date), TEAM],
        responses={200: dict, 400: BAD, 403: REFUSED},
    )
    def get(self, request: Request) -> Response:
        today = clock.today()
        query = request.query_params
        try:
            start = date_from("from", query.get("from"), add_months(today, -30))
            end = date_from("to", query.get("to"), add_months(today, -18) - datetime.timedelta(days=1))
            team_id = team_id_from(query.get("team"))
            report = selectors.proven_reoffending(user=request.user, cohort_from=start, cohort_to=end, team_id=team_id)  # type: ignore[arg-type]
        except (BadParameter, ValueError) as error:
            return _bad(error)
        return Response(report.as_json())
