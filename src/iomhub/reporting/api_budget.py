"""Budget returns over the JSON API (issue 16 §5, ADR 0031): upload a filled template (base64 in
JSON, like every other body of the API), list and read the returns kept. The same policy as the
budget page (the report roles), audited; a return with a problem is refused naming each row and
column, and the same file is not stored twice (409)."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from iomhub.access.api_fields import StrictCharField
from iomhub.access.api_problems import ApiConflict
from iomhub.access.models import User
from iomhub.access.policy import Action
from iomhub.access.routes import guarded
from iomhub.people.api import StrictSerializer
from iomhub.reporting import budget, budget_store
from iomhub.reporting.models import StoredBudgetReturn
from iomhub.rules import budget as budget_rules

LABELS = {line.key: line for line in budget_rules.LINES}


class BudgetReturnUploadSerializer(StrictSerializer):
    filename = StrictCharField(max_length=200, help_text="The spreadsheet's name, for people to recognise it")
    content_base64 = StrictCharField(
        help_text="The filled template (XLSX, from /reports/budget/template.xlsx), base64-encoded; "
        f"at most {budget.MAX_BYTES // 1_000_000} MB once decoded, and the request body within the API's size limit"
    )


class BudgetLineSerializer(serializers.Serializer[Any]):
    key = serializers.CharField(help_text="The line's key (column A of the template)")
    section = serializers.ChoiceField(choices=[("income", "Income: contract value"), ("expenditure", "Expenditure: actual costs")])
    item = serializers.CharField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True, help_text="Pounds; null when left blank")
    staff = serializers.IntegerField(allow_null=True, help_text="Number of staff, on the lines that ask")
    specify = serializers.CharField(allow_blank=True)


class BudgetReturnSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    uploaded_by = serializers.CharField(help_text="Username of who uploaded it")
    uploaded_at = serializers.DateTimeField()
    filename = serializers.CharField()
    organisation = serializers.CharField(allow_blank=True)
    period = serializers.CharField(allow_blank=True, help_text="Monthly, Quarterly, Biannual or Annual; blank when not given")
    dates = serializers.CharField(allow_blank=True)
    lines = BudgetLineSerializer(many=True, help_text="Every line of the template, in its order (amount null where left blank)")
    income_total = serializers.DecimalField(max_digits=14, decimal_places=2)
    expenditure_total = serializers.DecimalField(max_digits=14, decimal_places=2)


def _item(key: str) -> str:
    line = LABELS[key]
    return (f"{budget_rules.GROUPS[line.group]}: " if line.group else "") + line.label


def budget_return_json(stored: StoredBudgetReturn) -> dict[str, Any]:
    # In the template's order, not the stored JSON's (PostgreSQL's jsonb orders keys its own way).
    lines = [
        {"key": line.key, "section": line.section, "item": _item(line.key), **stored.lines[line.key]}
        for line in budget_rules.LINES
        if line.key in stored.lines
    ]
    found = {
        "id": stored.pk,
        "uploaded_by": stored.uploaded_by.get_username(),
        "uploaded_at": stored.uploaded_at,
        "filename": stored.filename,
        "organisation": stored.organisation,
        "period": stored.period,
        "dates": stored.dates,
        "lines": lines,
        "income_total": stored.income_total,
        "expenditure_total": stored.expenditure_total,
    }
    return BudgetReturnSerializer(found).data


def _decoded(text: str) -> bytes:
    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValidationError({"content_base64": ["is not base64"]}) from exc
    if not data:
        raise ValidationError({"content_base64": ["is empty: send the filled template"]})
    return data


def _problems(problems: list[budget_rules.Problem]) -> ValidationError:
    errors: dict[str, list[str]] = {}
    for p in problems:
        where = "content_base64" if p.row == 0 else f"rows[{p.row}].{p.column}"
        errors.setdefault(where, []).append(str(p))
    return ValidationError(errors)


@guarded(Action.REPORT_VIEW, api=True)
class BudgetReturnsView(APIView):
    @extend_schema(
        operation_id="budget_returns_list",
        summary="The budget returns kept, newest first (money only, no person's data)",
        responses={200: BudgetReturnSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        returns = budget_store.budget_returns_for(user=request.user)  # type: ignore[arg-type]
        return Response([budget_return_json(r) for r in returns])

    @extend_schema(
        operation_id="budget_returns_create",
        summary="Upload a filled budget template (000 appendix 7): kept when every row reads cleanly",
        request=BudgetReturnUploadSerializer,
        responses={
            201: BudgetReturnSerializer,
            400: OpenApiResponse(description="Not read: errors names each row and column (rows[12].Amount (£)); nothing stored"),
            409: OpenApiResponse(description="The same file was stored already; detail names the return"),
        },
    )
    def post(self, request: Request) -> Response:
        user: User = request.user  # type: ignore[assignment]
        body = BudgetReturnUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = _decoded(body.validated_data["content_base64"])
        try:
            stored = budget_store.budget_return_store(acting_user=user, filename=body.validated_data["filename"], data=data)
        except budget_store.BudgetReturnProblems as exc:
            raise _problems(exc.problems) from exc
        except budget_store.AlreadyStored as exc:
            raise ApiConflict(str(exc), errors={"content_base64": [str(exc)]}) from exc
        return Response(budget_return_json(stored), status=status.HTTP_201_CREATED)


@guarded(Action.REPORT_VIEW, api=True)
class BudgetReturnView(APIView):
    @extend_schema(operation_id="budget_return_read", summary="One budget return kept", responses={200: BudgetReturnSerializer})
    def get(self, request: Request, return_id: int) -> Response:
        return Response(budget_return_json(budget_store.budget_return_for(user=request.user, return_id=return_id)))  # type: ignore[arg-type]
