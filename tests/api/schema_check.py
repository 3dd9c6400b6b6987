"""Check a response of ``/api/v1`` against the published OpenAPI schema, strictly.

For the path and method of the request, the status must be documented, the content type must be
the documented one (errors: ``application/problem+json``), and the body must validate against the
documented schema (types, required properties, nullability, enums, formats). A path the schema
does not know (an unknown URL, a non-numeric id) must answer with a problem document.

Written independently of the server: it reads the schema as a client would, from
``/api/v1/schema``, and validates with ``openapi-schema-validator`` (JSON Schema 2020-12 for
OpenAPI 3.1), not with drf-spectacular.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from typing import Any

from openapi_schema_validator import OAS30Validator, OAS31Validator, oas30_format_checker, oas31_format_checker

API_PREFIX = "/api/v1/"
NOT_CHECKED = {"/api/v1/schema", "/api/v1/docs"}
PROBLEM = "application/problem+json"


@dataclass(frozen=True)
class Operation:
    template: str
    pattern: re.Pattern[str]
    literal_parts: int


@functools.cache
def schema_document() -> dict[str, Any]:
    from django.test import Client

    response = Client().get("/api/v1/schema?format=json")
    assert response.status_code == 200, response.status_code
    return json.loads(response.content)


@functools.cache
def _operations() -> tuple[Operation, ...]:
    found = []
    for template in schema_document()["paths"]:
        regex = "^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$"
        found.append(Operation(template, re.compile(regex), template.count("/") - template.count("{")))
    # The most literal template first: /users/me before /users/{user_id}.
    return tuple(sorted(found, key=lambda o: -o.literal_parts))


def operation_for(path: str) -> str | None:
    for operation in _operations():
        if operation.pattern.match(path):
            return operation.template
    return None


def _validator(schema: dict[str, Any]) -> Any:
    document = schema_document()
    rooted = {**schema, "components": document.get("components", {})}
    if document["openapi"].startswith("3.0"):
        return OAS30Validator(rooted, format_checker=oas30_format_checker)
    return OAS31Validator(rooted, format_checker=oas31_format_checker)


def _media(content_type: str) -> str:
    return content_type.split(";")[0].strip().lower()


def _body_errors(schema: dict[str, Any], body: bytes) -> list[str]:
    try:
        data = json.loads(body)
    except ValueError:
        return ["the body is not JSON"]
    return [f"{'/'.join(map(str, e.absolute_path)) or '(body)'}: {e.message}" for e in _validator(schema).iter_errors(data)]


def problems(method: str, path: str, status: int, content_type: str, body: bytes) -> list[str]:
    """What is wrong with this response according to the schema (nothing: an empty list)."""
    if not path.startswith(API_PREFIX) or path in NOT_CHECKED or method.upper() in {"HEAD", "OPTIONS"}:
        return []
    document = schema_document()
    media = _media(content_type)
    template = operation_for(path)
    operation = document["paths"].get(template, {}).get(method.lower()) if template else None
    if operation is None:
        # Not an operation of the API (unknown path, bad id, wrong method): a problem document.
        if status < 400:
            return [f"{method} {path}: {status} for an undocumented operation"]
        if media != PROBLEM:
            return [f"{method} {path}: {status} answered {media or 'no content type'}, not {PROBLEM}"]
        problem = document.get("components", {}).get("schemas", {}).get("ProblemDetails")
        if problem is None:
            return [f"{method} {path}: the schema has no ProblemDetails component"]
        return [f"{method} {path} {status}: {e}" for e in _body_errors({"$ref": "#/components/schemas/ProblemDetails"}, body)]
    responses = operation.get("responses", {})
    documented = responses.get(str(status)) or responses.get(f"{str(status)[0]}XX") or responses.get("default")
    if documented is None:
        return [f"{method} {template}: status {status} is not documented (documented: {sorted(responses)})"]
    content = documented.get("content")
    if not content:
        return [] if not body else [f"{method} {template} {status}: a body where none is documented"]
    if media not in content:
        return [f"{method} {template} {status}: content type {media or 'none'} is not documented ({sorted(content)})"]
    schema = content[media].get("schema")
    if schema is None:
        return [f"{method} {template} {status}: no schema for {media}"]
    if media != "application/json" and not media.endswith("+json"):
        return []  # a documented download (CSV, a file): its type is checked above, its body is not JSON
    return [f"{method} {template} {status}: {e}" for e in _body_errors(schema, body)]
