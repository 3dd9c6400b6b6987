"""Limit/offset pagination that refuses malformed values instead of quietly ignoring them."""

from __future__ import annotations

from typing import Any

from rest_framework.exceptions import ValidationError
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request

from iomhub.validation import clean_whole

MAX_LIMIT = 500


class StrictLimitOffsetPagination(LimitOffsetPagination):
    max_limit = MAX_LIMIT

    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> list[Any] | None:
        errors: dict[str, list[str]] = {}
        for name, lower, upper in ((self.limit_query_param, 1, MAX_LIMIT), (self.offset_query_param, 0, None)):
            raw = request.query_params.get(name)
            if raw is not None:  # given, even empty: the one strict reading (ASCII digits; an offset of 18 at most)
                clean_whole(errors, name, raw or " ", f"the {name}", required=True, minimum=lower, maximum=upper)
        if errors:
            raise ValidationError(errors)
        return super().paginate_queryset(queryset, request, view)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1 if parameter["name"] == self.limit_query_param else 0
            if parameter["name"] == self.limit_query_param:
                parameter["schema"]["maximum"] = MAX_LIMIT
        return parameters

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        """DRF's, with ``next``/``previous`` nullable as OpenAPI 3.1 says it (a type list; DRF
        writes 3.0's ``nullable``, which a 3.1 validator ignores)."""
        paginated = super().get_paginated_response_schema(schema)
        for name in ("next", "previous"):
            link = paginated["properties"][name]
            link.pop("nullable", None)
            link["type"] = ["string", "null"]
        paginated["required"] = ["count", "next", "previous", "results"]
        return paginated
