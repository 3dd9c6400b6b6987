"""drf-spectacular post-processing (ADR 0030): every operation documents the problem documents it
can answer, and the security schemes are listed once, for the whole API; enum values a code
generator would give one name are named (``x-enum-varnames``).

Done here, over the generated schema, rather than on each view, so an endpoint added tomorrow is
documented the same way without anyone remembering to.
"""

from __future__ import annotations

import re
from typing import Any

from iomhub.access.api_problems import PROBLEM_JSON, PROBLEM_TYPES

PROBLEM_REF = {"$ref": "#/components/schemas/ProblemDetails"}
PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "title": "ProblemDetails",
    "description": "An error, as RFC 9457 problem details. Problem types: "
    + "; ".join(f"{uri}: {meaning}" for uri, meaning in PROBLEM_TYPES.items()),
    "properties": {
        "type": {"type": "string", "format": "uri", "description": "The problem type (see above)"},
        "title": {"type": "string", "description": "A short summary of the problem type"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599, "description": "The HTTP status code"},
        "detail": {"type": "string", "description": "What went wrong with this request, for a person to read"},
        "errors": {
            "type": "object",
            "description": "Messages by field path (for example aliases[0].first_name); messages about the whole request are in detail",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
    "required": ["type", "title", "status", "detail"],
}
SECURITY: list[dict[str, list[str]]] = [{"ApiToken": []}, {"cookieAuth": []}]
COMMON = {
    "401": "Not signed in, or the API token is missing, invalid, expired or revoked",
    "403": "The access policy does not allow this (the refusal is audited)",
    "406": "The Accept header asks for something other than JSON",
}
WITH_BODY = {
    "400": "The body or a query parameter is invalid: errors names each field",
    "413": "The request body is too large",
    "415": "The body is not application/json",
}


def _problem_response(description: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"description": description, "content": {PROBLEM_JSON: {"schema": schema or PROBLEM_REF}}}


def _as_problem(response: dict[str, Any]) -> dict[str, Any]:
    content = response.get("content") or {}
    schema = next((media["schema"] for media in content.values() if media.get("schema")), None)
    return _problem_response(response.get("description", ""), schema)


def _document_operation(path: str, method: str, operation: dict[str, Any]) -> None:
    responses = operation.setdefault("responses", {})
    wanted = dict(COMMON)
    if "{" in path:
        wanted["404"] = "Not found, or not visible to you"
    if "requestBody" in operation:
        wanted.update(WITH_BODY)
    elif any(p.get("in") == "query" for p in operation.get("parameters", [])):
        wanted["400"] = "A query parameter is invalid: errors names it and, for a choice, the values allowed"
    for code, description in wanted.items():
        responses.setdefault(code, {"description": description})
    for code, response in list(responses.items()):
        if code[0] in "45":
            responses[code] = _as_problem(response)
    security = operation.get("security")
    if security is not None:
        unique = [s for i, s in enumerate(security) if s not in security[:i]]
        if unique == SECURITY or not unique:
            operation.pop("security")
        else:
            operation["security"] = unique


def _member_name(value: str) -> str:
    """A code generator's name for an enum value: ``SDS+`` -> ``SDS_PLUS``, ``home-visit`` ->
    ``HOME_VISIT``, ``""`` -> ``BLANK``."""
    name = re.sub(r"[^0-9A-Za-z]+", "_", value.replace("+", "_plus")).strip("_").upper()
    if not name:
        return "BLANK"
    return f"VALUE_{name}" if name[0].isdigit() else name


def name_enum_members(schemas: dict[str, Any]) -> None:
    """Give an enum's values member names (``x-enum-varnames``, read by openapi-python-client and
    openapi-generator) where a generator's own naming, which drops punctuation, would give two
    values one name: ``SDS`` and ``SDS+`` both became ``SDS`` and the generated client could not
    create a sentence (issue 17)."""
    for schema in schemas.values():
        values = schema.get("enum")
        if not values or not all(isinstance(v, str) for v in values):
            continue
        dropped = [re.sub(r"[^0-9A-Za-z]+", "_", v).strip("_").upper() for v in values]
        if len(set(dropped)) < len(dropped):
            names = [_member_name(v) for v in values]
            if len(set(names)) == len(names):
                schema["x-enum-varnames"] = names


def document_problems(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """drf-spectacular hook (see the module's docstring)."""
    result.setdefault("components", {}).setdefault("schemas", {})["ProblemDetails"] = PROBLEM_SCHEMA
    name_enum_members(result["components"]["schemas"])
    result["security"] = SECURITY
    for path, path_item in result.get("paths", {}).items():
        for method, operation in path_item.items():
            if re.fullmatch(r"get|put|post|patch|delete", method):
                _document_operation(path, method, operation)
    return result
