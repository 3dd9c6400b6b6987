"""One error format for the whole API: RFC 9457 problem details (issue 17, ADR 0030).

Every error under ``/api/v1`` is ``application/problem+json``::

    {"type": "urn:iomhub:problem:validation", "title": "Invalid request", "status": 400,
     "detail": "Check the fields named in errors: q", "errors": {"q": ["Enter a name ..."]}}

``errors`` maps a field's path (``aliases[0].first_name``) to its messages; messages about the
request as a whole go in ``detail``. A problem may carry extension members (a possible duplicate's
``matches``). DRF's exceptions become problems in :func:`iomhub.access.api_errors.exception_handler`;
whatever else answers an error under ``/api/v1`` (an unknown path, a non-numeric id, Django's own
404/405/500, a view returning an error body itself) is rewritten by :class:`ApiProblemMiddleware`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from django.http import HttpRequest, HttpResponse
from rest_framework import exceptions, status
from rest_framework.settings import api_settings

PROBLEM_JSON = "application/problem+json"
API_PREFIX = "/api/v1/"
ABOUT_BLANK = "about:blank"
VALIDATION = "urn:iomhub:problem:validation"
MALFORMED = "urn:iomhub:problem:malformed-request"
STALE = "urn:iomhub:problem:stale-version"
CONFLICT = "urn:iomhub:problem:conflict"
POSSIBLE_DUPLICATES = "urn:iomhub:problem:possible-duplicates"
# Problem types and what they mean: the schema's ProblemDetails description and docs/api.md list them.
PROBLEM_TYPES = {
    ABOUT_BLANK: "No more than the HTTP status says (title is the status's name)",
    VALIDATION: "The request's fields or query parameters are invalid: errors names each one",
    MALFORMED: "The body is not JSON, too deep, or not a JSON object",
    STALE: "Someone else changed the record since the version you read: nothing was saved",
    CONFLICT: "The request conflicts with the record's state (for example, already referred)",
    POSSIBLE_DUPLICATES: "The person may already be on IOM Hub: matches lists them",
}


class ApiConflict(exceptions.APIException):
    """409: the request conflicts with what is stored. ``errors`` by field, as for a 400;
    ``extensions`` become members of the problem document."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the current state of the record."
    default_code = "conflict"

    def __init__(
        self,
        detail: str | None = None,
        *,
        problem_type: str = CONFLICT,
        errors: dict[str, list[str]] | None = None,
        extensions: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail)
        self.problem_type = problem_type
        self.errors = errors
        self.extensions = extensions or {}


def stale(messages: dict[str, list[str]] | list[str]) -> ApiConflict:
    """The 409 for an edit made on an old version (nothing saved)."""
    errors = messages if isinstance(messages, dict) else {"version": list(messages)}
    return ApiConflict(
        "Someone else changed this since the version you read: nothing was saved. Read it again and reapply your change.",
        problem_type=STALE,
        errors={k: [str(m) for m in v] for k, v in errors.items()},
    )


def encodable(value: Any) -> Any:
    """``value`` with every string in it (keys too, at any depth) made encodable as UTF-8: a lone
    surrogate (JSON's ``"\\ud800"``, which Python reads into a ``str`` but UTF-8 cannot hold) is
    written as the six characters ``\\ud800``. A request may send one in anything a problem
    repeats (an unknown field's name); the renderer would fail on it, and the 400 become a 500."""
    if isinstance(value, str):
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    if isinstance(value, dict):
        return {encodable(k): encodable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [encodable(v) for v in value]
    return value


def problem(
    status_code: int, detail: str | None = None, *, problem_type: str = ABOUT_BLANK, title: str | None = None, **members: Any
) -> dict[str, Any]:
    """The problem document: every string in it encodable (``encodable``), whatever it repeats."""
    phrase = HTTPStatus(status_code).phrase if status_code in HTTPStatus._value2member_map_ else "Error"
    body: dict[str, Any] = {
        "type": problem_type,
        "title": title or phrase,
        "status": status_code,
        "detail": detail or phrase,
    }
    body.update({k: v for k, v in members.items() if v is not None})
    return dict(encodable(body))


def flatten_errors(detail: Any, prefix: str = "") -> tuple[dict[str, list[str]], list[str]]:
    """DRF's nested error detail as ``{"field.path": [messages]}`` plus the messages about the
    request as a whole (top-level ``non_field_errors`` or a bare list)."""
    fields: dict[str, list[str]] = {}
    general: list[str] = []

    def add(path: str, messages: list[str]) -> None:
        if path:
            fields.setdefault(path, []).extend(messages)
        else:
            general.extend(messages)

    def walk(node: Any, path: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if isinstance(key, int):  # DRF gives a list's errors by index
                    walk(value, f"{path}[{key}]")
                elif key == api_settings.NON_FIELD_ERRORS_KEY:
                    walk(value, path)
                else:
                    walk(value, f"{path}.{key}" if path else str(key))
        elif isinstance(node, list | tuple):
            if all(not isinstance(item, dict | list | tuple) for item in node):
                add(path, [str(item) for item in node])
            else:
                for index, item in enumerate(node):
                    if item:
                        walk(item, f"{path}[{index}]")
        elif node is not None:
            add(path, [str(node)])

    walk(detail, prefix)
    return fields, general


def validation_problem(detail: Any, status_code: int = 400) -> dict[str, Any]:
    fields, general = flatten_errors(detail)
    if general:
        text = " ".join(general)
    else:
        text = "Check the fields named in errors: " + ", ".join(fields) if fields else "The request is invalid"
    return problem(status_code, text, problem_type=VALIDATION, title="Invalid request", errors=fields)


def problem_for_exception(exc: exceptions.APIException, status_code: int) -> dict[str, Any]:
    if isinstance(exc, ApiConflict):
        return problem(status_code, str(exc.detail), problem_type=exc.problem_type, errors=exc.errors, **exc.extensions)
    if isinstance(exc, exceptions.ValidationError):
        return validation_problem(exc.detail, status_code)
    if isinstance(exc, exceptions.ParseError):
        return problem(status_code, str(exc.detail), problem_type=MALFORMED, title="Malformed request")
    detail = exc.detail
    if isinstance(detail, dict | list):  # an APIException raised with field errors
        fields, general = flatten_errors(detail)
        return problem(status_code, " ".join(general) or None, errors=fields or None)
    return problem(status_code, str(detail))


def problem_from_body(status_code: int, content: bytes, media: str) -> dict[str, Any]:
    """A problem for an error answered in some other shape (a view's own JSON, Django's HTML)."""
    if media == "application/json":
        try:
            body = json.loads(content)
        except ValueError:
            body = None
        if isinstance(body, dict):
            detail = body.pop("detail", None)
            lists = {k: v for k, v in body.items() if isinstance(v, list) and all(isinstance(m, str) for m in v)}
            if status_code == 400 and detail is None:
                return validation_problem(lists)
            fields, general = flatten_errors(lists)
            extensions = {k: v for k, v in body.items() if k not in lists and k not in {"type", "title", "status"}}
            text = " ".join([str(detail)] if detail else general) or None
            return problem(status_code, text, errors=fields or None, **extensions)
    if status_code == 404:
        return problem(404, "There is no such resource under /api/v1 (check the path, the id and that it has no trailing slash)")
    return problem(status_code)


class ApiProblemMiddleware:
    """Every error answered under ``/api/v1`` leaves as problem+json, whoever produced it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith(API_PREFIX) or response.status_code < 400 or response.streaming:
            return response
        media = (response.get("Content-Type") or "").split(";")[0].strip().lower()
        if media == PROBLEM_JSON:
            return response
        body = problem_from_body(response.status_code, response.content, media)
        rewritten = HttpResponse(json.dumps(body), status=response.status_code, content_type=PROBLEM_JSON)
        for header, value in response.items():
            if header.lower() not in {"content-type", "content-length"}:
                rewritten[header] = value
        rewritten.cookies = response.cookies
        return rewritten
