"""The API's error shape: DRF's, plus Django's ValidationError, 404 and 403 from services."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from iomhub.access.api_parsers import RequestTooLarge


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, plus Django's ValidationError as a 400 with field-level messages and a body
    over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` as a 413, both in JSON."""
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound("Not found")
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or "Not allowed")
    elif isinstance(exc, RequestDataTooBig):
        exc = RequestTooLarge(f"The request body is larger than {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes")
    return drf_exception_handler(exc, context)


def document_common_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """drf-spectacular hook: every operation can answer 401 (no or bad token) and 403 (the access
    policy refuses); every operation that takes query parameters can answer 400."""
    common = {
        "401": {"description": "Not signed in, or the API token is missing, invalid or revoked"},
        "403": {"description": "The access policy does not allow this (the refusal is audited)"},
    }
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            responses = operation.setdefault("responses", {})
            for code, response in common.items():
                responses.setdefault(code, response)
            if any(p.get("in") == "query" for p in operation.get("parameters", [])):
                responses.setdefault("400", {"description": "A query parameter is invalid (the message names it)"})
    return result
