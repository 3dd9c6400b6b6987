"""The timeline of contacts and events over the JSON API: the same selectors, services, policy and
audit as the pages (issue 6)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from iomhub.access import api_params
from iomhub.access.api_errors import service_errors, validated
from iomhub.access.api_fields import StrictCharField
from iomhub.access.models import Section, User
from iomhub.access.policy import Action
from iomhub.access.routes import guarded
from iomhub.casework import selectors, services
from iomhub.casework.api_common import FIELD_ERRORS, REFUSALS
from iomhub.casework.models import DrugResult, EntryKind, EntryOutcome, Substance, TimelineEntry
from iomhub.casework.selectors import person_for_change
from iomhub.people.api import StrictSerializer


class TimelineEntrySerializer(serializers.ModelSerializer[TimelineEntry]):
    substances_tested = serializers.ListField(child=serializers.ChoiceField(choices=Substance.choices), read_only=True)
    positive_for = serializers.ListField(child=serializers.ChoiceField(choices=Substance.choices), read_only=True)
    health_withheld = serializers.SerializerMethodField(help_text="True: a drug test's substances and results are not shared with you")

    def get_health_withheld(self, obj: TimelineEntry) -> bool:
        return bool(getattr(obj, "health_withheld", False))

    def to_representation(self, instance: TimelineEntry) -> dict[str, Any]:
        data: dict[str, Any] = super().to_representation(instance)
        if data.get("health_withheld"):  # left out, not emptied: withheld is not "none found"
            for name in selectors.DRUG_TEST_HEALTH_FIELDS:
                data.pop(name, None)
        return data

    class Meta:
        model = TimelineEntry
        fields = [
            "id",
            "kind",
            "outcome",
            "occurred_on",
            "summary",
            "organisation",
            "substances_tested",
            "drug_result",
            "positive_for",
            "health_withheld",
            "recorded_by_name",
            "force_number",
        ]


class TimelineWriteSerializer(StrictSerializer):
    kind = serializers.ChoiceField(choices=EntryKind.choices)
    outcome = serializers.ChoiceField(choices=[("", "Default"), *EntryOutcome.choices], required=False, default="")
    occurred_on = serializers.DateField()
    summary = StrictCharField(max_length=5000, required=False, allow_blank=True, default="")
    drug_result = serializers.ChoiceField(choices=[("", "None"), *DrugResult.choices], required=False, default="")
    substances_tested = serializers.ListField(
        child=serializers.ChoiceField(choices=Substance.choices), required=False, default=list, max_length=20
    )
    positive_for = serializers.ListField(
        child=serializers.ChoiceField(choices=Substance.choices), required=False, default=list, max_length=20
    )
    force_number = StrictCharField(
        max_length=20, required=False, allow_blank=True, default="", help_text="The recording officer's force number (002 appendix 2)"
    )


@guarded(Action.PERSON_VIEW, personal_data=True, api=True)
class TimelineView(APIView):
    @extend_schema(
        operation_id="timeline_list",
        summary="The timeline, newest first (intelligence notes only for the police)",
        parameters=[OpenApiParameter("kind", str, many=True, enum=EntryKind.values, required=False)],
        responses={200: TimelineEntrySerializer(many=True), **REFUSALS},
    )
    def get(self, request: Request, person_id: int) -> Response:
        kinds = api_params.choices(request, "kind", EntryKind.values)
        _, entries = selectors.timeline_for(user=request.user, person_id=person_id, kinds=kinds or None)  # type: ignore[arg-type]
        return Response(TimelineEntrySerializer(entries, many=True).data)

    @extend_schema(
        operation_id="timeline_create",
        summary="Record a contact or event, or book an appointment ahead",
        request=TimelineWriteSerializer,
        responses={201: TimelineEntrySerializer, **FIELD_ERRORS},
    )
    def post(self, request: Request, person_id: int) -> Response:
        user: User = request.user  # type: ignore[assignment]
        person = person_for_change(user=user, person_id=person_id, section=Section.TIMELINE)
        data = validated(TimelineWriteSerializer, request)
        with service_errors():
            entry = services.timeline_record(acting_user=user, person=person, **data)
        return Response(TimelineEntrySerializer(entry).data, status=status.HTTP_201_CREATED)
