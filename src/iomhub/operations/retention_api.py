"""Retention rules over the JSON API, for the information governance lead (issue 13 §3, ADR 0021):
the list, one rule, and changing it with PUT. The service validates and audits."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from iomhub.access.api_times import utc_timestamp
from iomhub.access.policy import Action
from iomhub.access.routes import guarded
from iomhub.operations import retention_rules
from iomhub.operations.models import RecordType, RetentionRule
from iomhub.rules.retention import MAX_MONTHS


class RetentionRuleSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(read_only=True)
    record_type = serializers.ChoiceField(choices=RecordType.choices, read_only=True)
    record_type_label = serializers.CharField(read_only=True)
    period_months = serializers.IntegerField(min_value=1, max_value=MAX_MONTHS)
    enabled = serializers.BooleanField()
    starts = serializers.CharField(read_only=True, help_text="When a record's period starts")
    basis = serializers.CharField(help_text="Why records of this kind are kept this long")
    updated_at = serializers.DateTimeField(read_only=True)
    updated_by = serializers.CharField(read_only=True, allow_null=True, help_text="Username of who last changed it")


def _body(rule: RetentionRule) -> dict[str, Any]:
    return {
        "id": rule.pk,
        "record_type": rule.record_type,
        "record_type_label": rule.get_record_type_display(),
        "period_months": rule.period_months,
        "enabled": rule.enabled,
        "starts": rule.starts,
        "basis": rule.basis,
        "updated_at": utc_timestamp(rule.updated_at),
        "updated_by": rule.updated_by.get_username() if rule.updated_by else None,
    }


@guarded(Action.RETENTION_MANAGE, api=True)
class RetentionRulesView(APIView):
    @extend_schema(operation_id="retention_rules_list", responses={200: RetentionRuleSerializer(many=True)})
    def get(self, request: Request) -> Response:
        return Response([_body(rule) for rule in retention_rules.rule_list(user=request.user)])  # type: ignore[arg-type]


@guarded(Action.RETENTION_MANAGE, api=True)
class RetentionRuleView(APIView):
    @extend_schema(
        operation_id="retention_rule_read", responses={200: RetentionRuleSerializer, 404: OpenApiResponse(description="Not found")}
    )
    def get(self, request: Request, rule_id: int) -> Response:
        return Response(_body(retention_rules.rule_get(user=request.user, rule_id=rule_id)))  # type: ignore[arg-type]

    @extend_schema(
        operation_id="retention_rule_set",
        request=RetentionRuleSerializer,
        responses={
            200: RetentionRuleSerializer,
            400: OpenApiResponse(description="Invalid"),
            404: OpenApiResponse(description="Not found"),
        },
    )
    def put(self, request: Request, rule_id: int) -> Response:
        rule = retention_rules.rule_get(user=request.user, rule_id=rule_id)  # type: ignore[arg-type]
        incoming = RetentionRuleSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        saved = retention_rules.rule_set(
            acting_user=request.user,  # type: ignore[arg-type]
            rule=rule,
            period_months=data["period_months"],
            enabled=data["enabled"],
            basis=data["basis"],
        )
        return Response(_body(retention_rules.rule_get(user=request.user, rule_id=saved.pk)))  # type: ignore[arg-type]
