"""The API's JSON parser with limits: a body larger than ``DATA_UPLOAD_MAX_MEMORY_SIZE`` is a 413
and JSON nested deeper than ``MAX_DEPTH`` a 400, both in the API's JSON error shape, before the
standard library's recursive decoder could run out of stack (issue 9 §8)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from io import BytesIO
from typing import Any

from django.conf import settings
from rest_framework import exceptions, status
from rest_framework.parsers import JSONParser

MAX_DEPTH = 32
# Strings (whose brackets do not count) or a bracket.
_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "too_large"


def nesting_depth_exceeds(text: str, limit: int = MAX_DEPTH) -> bool:
    depth = 0
    for match in _TOKENS.finditer(text):
        token = match.group()
        if token in ("[", "{"):
            depth += 1
            if depth > limit:
                return True
        elif token in ("]", "}"):
            depth -= 1
    return False


class BoundedJSONParser(JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Mapping[str, Any] | None = None) -> Any:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 2_621_440
        request = (parser_context or {}).get("request")
        declared = request.META.get("CONTENT_LENGTH") if request is not None else None
        if declared and str(declared).isdigit() and int(declared) > limit:
            raise RequestTooLarge(f"The request body is larger than {limit} bytes")
        body = stream.read(limit + 1) if stream is not None else b""
        if len(body) > limit:
            raise RequestTooLarge(f"The request body is larger than {limit} bytes")
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = body.decode(encoding)
        except UnicodeDecodeError as exc:
            raise exceptions.ParseError(f"JSON parse error - {exc}") from None
        if nesting_depth_exceeds(text):
            raise exceptions.ParseError(f"JSON parse error - nested deeper than {MAX_DEPTH} levels")
        return super().parse(BytesIO(body), media_type, parser_context)
