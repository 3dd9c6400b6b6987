"""The risk management plan's actions and the pathway needs assessments over the JSON API: the same
selectors, services, policy and audit as the pages (issue 6)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from iomhub.access.api_errors import raise_invalid, service_errors, validated
from iomhub.access.api_fields import StrictBooleanField, StrictCharField, StrictIntegerField
from iomhub.access.models import Section, User
from iomhub.access.policy import Action
from iomhub.access.routes import guarded
from iomhub.casework import selectors, services
from iomhub.casework.api_common import (
    FIELD_ERRORS,
    MAX_ID,
    REFUSALS,
    WRITE_ERRORS,
    organisation_or_400,
    raise_stale,
    user_or_400,
)
from iomhub.casework.models import ActionStatus, PathwayAssessment, PathwayRag, PlanAction
from iomhub.casework.selectors import person_for_change
from iomhub.people.api import StrictSerializer
from iomhub.people.services import StaleEdit
from iomhub.referrals.models import Pathway


class PlanActionHistorySerializer(serializers.Serializer[Any]):
    status = serializers.ChoiceField(choices=ActionStatus.choices)
    due_on = serializers.DateField()
    note = serializers.CharField(allow_blank=True)
    by = serializers.CharField(help_text="Username of who moved the action on")
    at = serializers.DateTimeField()


class PlanActionSerializer(serializers.ModelSerializer[PlanAction]):
    history = serializers.SerializerMethodField()

    class Meta:
        model = PlanAction
        fields = [
            "id",
            "description",
            "pathway",
            "need",
            "sentence_plan",
            "agency",
            "owner",
            "owner_name",
            "due_on",
            "status",
            "version",
            "history",
        ]

    @extend_schema_field(PlanActionHistorySerializer(many=True))
    def get_history(self, obj: PlanAction) -> list[dict[str, Any]]:
        rows = [
            {"status": h.status, "due_on": h.due_on, "note": h.note, "by": h.changed_by.get_username(), "at": h.changed_at}
            for h in obj.history.all()
        ]
        return PlanActionHistorySerializer(rows, many=True).data  # type: ignore[return-value]


class PlanActionWriteSerializer(StrictSerializer):
    """A new action. Someone is responsible: give `owner` (a worker of the `agency`; the action then
    shows on their caseload) or, for someone without an account, `owner_name`; with neither the
    action is refused (400, on `owner`). An agency not involved in the case is involved in the same
    step with `involve_agency` (the coordinator or chair, under a sharing agreement in force); a
    worker who cannot open the person's record is refused as owner."""

    description = StrictCharField(max_length=5000)
    agency = StrictIntegerField(min_value=1, max_value=MAX_ID, help_text="Organisation id")
    owner = StrictIntegerField(
        min_value=1,
        max_value=MAX_ID,
        required=False,
        allow_null=True,
        default=None,
        help_text="User id of a worker of the agency; required unless owner_name is given",
    )
    owner_name = StrictCharField(
        max_length=200,
        required=False,
        allow_blank=True,
        default="",
        help_text="The person responsible when they have no account; ignored when owner is given (their name is used)",
    )
    involve_agency = StrictBooleanField(
        required=False, default=False, help_text="Involve the agency in the case first, if it is not involved yet"
    )
    due_on = serializers.DateField()
    pathway = serializers.ChoiceField(choices=[("", "None"), *Pathway.choices], required=False, default="")
    sentence_plan = StrictBooleanField(required=False, default=False)


class PlanActionUpdateSerializer(StrictSerializer):
    version = StrictIntegerField(min_value=0, max_value=MAX_ID, help_text="The version you read")
    status = serializers.ChoiceField(choices=ActionStatus.choices)
    note = StrictCharField(max_length=5000, required=False, allow_blank=True, default="")
    due_on = serializers.DateField(required=False, allow_null=True, default=None)


@guarded(Action.PERSON_VIEW, personal_data=True, api=True)
class PlanActionsView(APIView):
    @extend_schema(
        operation_id="plan_actions_list",
        summary="The risk management plan's actions",
        responses={200: PlanActionSerializer(many=True), **REFUSALS},
    )
    def get(self, request: Request, person_id: int) -> Response:
        actions = selectors.plan_for(user=request.user, person_id=person_id)  # type: ignore[arg-type]
        return Response(PlanActionSerializer(actions, many=True).data)

    @extend_schema(
        operation_id="plan_actions_create",
        summary="Add an action to the plan",
        request=PlanActionWriteSerializer,
        responses={201: PlanActionSerializer, **WRITE_ERRORS},
    )
    def post(self, request: Request, person_id: int) -> Response:
        user: User = request.user  # type: ignore[assignment]
        person = person_for_change(user=user, person_id=person_id, section=Section.PLAN)
        data = validated(PlanActionWriteSerializer, request)
        data["agency"] = organisation_or_400(data["agency"], "agency")
        data["owner"] = user_or_400(data["owner"], "owner")
        with service_errors():
            action = services.plan_action_add(acting_user=user, person=person, **data)
        return Response(PlanActionSerializer(action).data, status=status.HTTP_201_CREATED)


@guarded(Action.PERSON_CHANGE, personal_data=True, api=True)
class PlanActionView(APIView):
    @extend_schema(
        operation_id="plan_action_read", summary="One plan action with its history", responses={200: PlanActionSerializer, **REFUSALS}
    )
    def get(self, request: Request, person_id: int, action_id: int) -> Response:
        from iomhub.people.selectors import person_get_for

        person = person_get_for(user=request.user, person_id=person_id, section=Section.PLAN)  # type: ignore[arg-type]
        return Response(PlanActionSerializer(selectors.plan_action_for(user=request.user, person=person, action_id=action_id)).data)  # type: ignore[arg-type]

    @extend_schema(
        operation_id="plan_action_update",
        summary="Move an action on: done, carried over (new due date), cancelled",
        request=PlanActionUpdateSerializer,
        responses={200: PlanActionSerializer, **WRITE_ERRORS},
    )
    def post(self, request: Request, person_id: int, action_id: int) -> Response:
        user: User = request.user  # type: ignore[assignment]
        person = person_for_change(user=user, person_id=person_id, section=Section.PLAN)
        action = selectors.plan_action_for(user=user, person=person, action_id=action_id)
        body = PlanActionUpdateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            action = services.plan_action_update(acting_user=user, action=action, **body.validated_data)
        except StaleEdit as exc:
            raise_stale(exc)
        except ValidationError as exc:
            raise_invalid(exc)
        return Response(PlanActionSerializer(action).data)


class RatingSerializer(StrictSerializer):
    rag = serializers.ChoiceField(choices=PathwayRag.choices)
    needs = StrictCharField(max_length=5000, required=False, allow_blank=True, default="")
    actions = StrictCharField(max_length=5000, required=False, allow_blank=True, default="")


class AssessmentWriteSerializer(StrictSerializer):
    assessed_on = serializers.DateField()
    ratings = serializers.DictField(child=RatingSerializer(), help_text="One entry per pathway: " + ", ".join(Pathway.values))


class PathwayNeedSerializer(serializers.Serializer[Any]):
    pathway = serializers.ChoiceField(choices=Pathway.choices)
    rag = serializers.ChoiceField(choices=PathwayRag.choices)
    needs = serializers.CharField(allow_blank=True)
    actions = serializers.CharField(allow_blank=True)


class PathwayAssessmentSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    assessed_on = serializers.DateField()
    assessed_by = serializers.CharField(source="assessed_by_name", help_text="Who assessed, by name")
    needs = PathwayNeedSerializer(many=True, source="needs.all")


class PathwayRagChangeSerializer(serializers.Serializer[Any]):
    pathway = serializers.ChoiceField(choices=Pathway.choices)
    first = serializers.IntegerField(help_text="First rating: Red 3, Amber 2, Green 1")
    latest = serializers.IntegerField(help_text="Latest rating, on the same scale")
    change = serializers.IntegerField(help_text="Latest minus first: negative is an improvement")


class PathwayAssessmentsSerializer(serializers.Serializer[Any]):
    assessments = PathwayAssessmentSerializer(many=True, help_text="Newest first")
    change = PathwayRagChangeSerializer(many=True, help_text="Each pathway's change from first to latest assessment")


@guarded(Action.PERSON_VIEW, personal_data=True, api=True)
class AssessmentsView(APIView):
    @extend_schema(
        operation_id="pathway_assessments_list",
        summary="Pathway needs assessments and first-to-latest change",
        responses={200: PathwayAssessmentsSerializer, **REFUSALS},
    )
    def get(self, request: Request, person_id: int) -> Response:
        _, found, changes = selectors.assessments_for(user=request.user, person_id=person_id)  # type: ignore[arg-type]
        return Response(PathwayAssessmentsSerializer({"assessments": found, "change": changes}).data)

    @extend_schema(
        operation_id="pathway_assessments_create",
        summary="Assess needs on all nine pathways",
        request=AssessmentWriteSerializer,
        responses={201: PathwayAssessmentSerializer, **FIELD_ERRORS},
    )
    def post(self, request: Request, person_id: int) -> Response:
        user: User = request.user  # type: ignore[assignment]
        person = person_for_change(user=user, person_id=person_id, section=Section.ASSESSMENTS)
        data = validated(AssessmentWriteSerializer, request)
        with service_errors():
            assessment: PathwayAssessment = services.pathway_assessment_record(acting_user=user, person=person, **data)
        return Response(PathwayAssessmentSerializer(assessment).data, status=status.HTTP_201_CREATED)
