"""The API's errors as RFC 9457 problem details (ADR 0030): DRF's exceptions, plus Django's
ValidationError, 404 and 403 from services."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, NoReturn

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from iomhub.access.api_parsers import RequestTooLarge
from iomhub.access.api_problems import PROBLEM_JSON, problem_for_exception

if TYPE_CHECKING:
    from rest_framework.request import Request
    from rest_framework.serializers import BaseSerializer


def field_errors(exc: DjangoValidationError, *, whole: str = "non_field_errors") -> dict[str, list[str]]:
    """A service's ``ValidationError`` by field; messages not about one field go under ``whole``."""
    return exc.message_dict if hasattr(exc, "error_dict") else {whole: exc.messages}


def raise_invalid(exc: DjangoValidationError, *, whole: str = "non_field_errors") -> NoReturn:
    """Answer 400 with the service's messages by field (what ``exception_handler`` would make of
    ``exc``; ``whole`` names where messages about no one field go)."""
    raise exceptions.ValidationError(field_errors(exc, whole=whole)) from exc


@contextmanager
def service_errors(*, whole: str = "non_field_errors") -> Iterator[None]:
    """Around a service call from an API view: its ``ValidationError`` answers 400 by field."""
    try:
        yield
    except DjangoValidationError as exc:
        raise_invalid(exc, whole=whole)


def validated(serializer_class: type[BaseSerializer[Any]], request: Request) -> dict[str, Any]:
    """The request body checked by ``serializer_class`` (400 naming each field otherwise)."""
    body = serializer_class(data=request.data)
    body.is_valid(raise_exception=True)
    return dict(body.validated_data)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, plus Django's ValidationError as a 400 with field-level messages and a body
    over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` as a 413; every answer a problem document."""
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(field_errors(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound("Not found")
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or "Not allowed")
    elif isinstance(exc, RequestDataTooBig):
        exc = RequestTooLarge(f"The request body is larger than {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes")
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, exceptions.APIException):
        response.data = problem_for_exception(exc, response.status_code)
        response.content_type = PROBLEM_JSON
    return response
