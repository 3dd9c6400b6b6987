"""Subject access over the JSON API, for the information governance lead (issue 13 §4, ADR 0022):
the requests, a new one, one request, its pack (review or release version) and a decision on one
item. The service (``operations.subject_access``) authorises, validates and audits."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from iomhub.access.policy import Action
from iomhub.access.routes import guarded
from iomhub.operations import subject_access as sa
from iomhub.operations.models import SarStatus, SubjectAccessRequest


class SubjectAccessDecisionSerializer(serializers.Serializer[Any]):
    decision = serializers.ChoiceField(choices=sa.DECISIONS)
    reason = serializers.CharField(allow_blank=True)
    by = serializers.CharField()
    at = serializers.CharField()


class SubjectAccessRequestSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(read_only=True)
    person = serializers.IntegerField(help_text="The person's record number")
    received_on = serializers.DateField()
    due_on = serializers.DateField(read_only=True, help_text="One calendar month after receipt, plus any extension")
    requester = serializers.CharField(help_text="The person, or who acts for them")
    status = serializers.ChoiceField(choices=SarStatus.choices, read_only=True)
    extended_by_months = serializers.IntegerField(read_only=True)
    responded_on = serializers.DateField(read_only=True, allow_null=True)
    decisions = serializers.DictField(child=SubjectAccessDecisionSerializer(), read_only=True, help_text="By item key")


class SubjectAccessRecordSerializer(serializers.Serializer[Any]):
    key = serializers.CharField(help_text="app_label.model:id")
    model = serializers.CharField()
    kind = serializers.CharField()
    values = serializers.DictField(child=serializers.CharField(), help_text="Each field shown, by its name")
    marks = serializers.ListField(child=serializers.ChoiceField(choices=[sa.INTELLIGENCE, sa.THIRD_PARTY]))
    decision = SubjectAccessDecisionSerializer(allow_null=True)


class SubjectAccessViewerSerializer(serializers.Serializer[Any]):
    at = serializers.CharField()
    who = serializers.CharField()
    name = serializers.CharField()
    organisation = serializers.CharField()
    action = serializers.CharField()
    record = serializers.CharField()
    reason = serializers.CharField()


class SubjectAccessPackRequestSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    person = serializers.IntegerField()
    received_on = serializers.DateField()
    due_on = serializers.DateField()
    status = serializers.ChoiceField(choices=SarStatus.choices)
    requester = serializers.CharField()


class SubjectAccessPackSerializer(serializers.Serializer[Any]):
    request = SubjectAccessPackRequestSerializer()
    version = serializers.ChoiceField(choices=["review", "release"])
    generated_at = serializers.CharField()
    records = SubjectAccessRecordSerializer(many=True)
    viewers = SubjectAccessViewerSerializer(many=True)


class SubjectAccessDecideSerializer(serializers.Serializer[Any]):
    key = serializers.CharField(help_text="The item's key in the pack, app_label.model:id")
    decision = serializers.ChoiceField(choices=sa.DECISIONS)
    reason = serializers.CharField(allow_blank=True, required=False, default="", help_text="Required to withhold")


def _body(sar: SubjectAccessRequest) -> dict[str, Any]:
    return {
        "id": sar.pk,
        "person": sar.person_id,
        "received_on": sar.received_on.isoformat(),
        "due_on": sar.due_on.isoformat(),
        "requester": sar.requester,
        "status": sar.status,
        "extended_by_months": sar.extended_by_months,
        "responded_on": sar.responded_on.isoformat() if sar.responded_on else None,
        "decisions": sar.decisions,
    }


@guarded(Action.SUBJECT_ACCESS, api=True)
class RequestsView(APIView):
    @extend_schema(operation_id="subject_access_requests_list", responses={200: SubjectAccessRequestSerializer(many=True)})
    def get(self, request: Request) -> Response:
        return Response([_body(sar) for sar in sa.sar_list(user=request.user)])  # type: ignore[arg-type]

    @extend_schema(
        operation_id="subject_access_requests_create",
        request=SubjectAccessRequestSerializer,
        responses={201: SubjectAccessRequestSerializer, 400: OpenApiResponse(description="Invalid")},
    )
    def post(self, request: Request) -> Response:
        sa.may_handle(request.user)  # type: ignore[arg-type]
        incoming = SubjectAccessRequestSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        sar = sa.sar_create(
            acting_user=request.user,  # type: ignore[arg-type]
            person_id=data["person"],
            received_on=data["received_on"],
            requester=data["requester"],
        )
        return Response(_body(sar), status=201)


@guarded(Action.SUBJECT_ACCESS, personal_data=True, api=True)
class RequestView(APIView):
    @extend_schema(
        operation_id="subject_access_request_read",
        responses={200: SubjectAccessRequestSerializer, 404: OpenApiResponse(description="Not found")},
    )
    def get(self, request: Request, sar_id: int) -> Response:
        return Response(_body(sa.sar_read(user=request.user, sar_id=sar_id)))  # type: ignore[arg-type]


@guarded(Action.SUBJECT_ACCESS, personal_data=True, api=True)
class PackView(APIView):
    @extend_schema(
        operation_id="subject_access_pack",
        parameters=[OpenApiParameter("version", str, enum=["review", "release"], required=False)],
        responses={
            200: SubjectAccessPackSerializer,
            400: OpenApiResponse(description="Release asked for before every marked item is decided"),
            404: OpenApiResponse(description="Not found"),
        },
    )
    def get(self, request: Request, sar_id: int) -> Response:
        sar = sa.sar_get(user=request.user, sar_id=sar_id)  # type: ignore[arg-type]
        release = request.query_params.get("version") == "release"
        pack = sa.build_pack(acting_user=request.user, sar=sar, release=release, fmt="api")  # type: ignore[arg-type]
        return Response(sa.pack_json(pack))


@guarded(Action.SUBJECT_ACCESS, api=True)
class DecisionsView(APIView):
    @extend_schema(
        operation_id="subject_access_decide",
        request=SubjectAccessDecideSerializer,
        responses={
            200: SubjectAccessRequestSerializer,
            400: OpenApiResponse(description="Invalid"),
            404: OpenApiResponse(description="Not found"),
        },
    )
    def post(self, request: Request, sar_id: int) -> Response:
        sar = sa.sar_get(user=request.user, sar_id=sar_id)  # type: ignore[arg-type]
        incoming = SubjectAccessDecideSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        sar = sa.sar_decide(acting_user=request.user, sar=sar, key=data["key"], decision=data["decision"], reason=data["reason"])  # type: ignore[arg-type]
        return Response(_body(sar))
