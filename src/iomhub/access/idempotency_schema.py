"""drf-spectacular post-processing for the ``Idempotency-Key`` header (``iomhub.access.idempotency``):
every POST operation documents the header, the answers it adds (409, 422, 400 for a bad key) and
the replayed success (``Idempotent-Replayed: true`` and a short body pointing at the resource, since
no response body is kept). Over the generated schema, as ``api_schema.document_problems``, so a POST
added tomorrow is documented without anyone remembering to."""

from __future__ import annotations

from typing import Any

from iomhub.access.api_problems import PROBLEM_JSON
from iomhub.access.idempotency import HEADER, KEY_IN_USE, KEY_REUSED, LONGEST, REPLAYED

REPLAY_REF = {"$ref": "#/components/schemas/IdempotentReplay"}
REPLAY_SCHEMA: dict[str, Any] = {
    "type": "object",
    "title": "IdempotentReplay",
    "description": f"The answer to a POST sent again with the same {HEADER} and body (header {REPLAYED}: true): "
    "the first request's status and Location, and where the resource is; the first answer's body is not kept.",
    "properties": {
        "id": {"type": ["integer", "string", "null"], "description": "The id of the resource the first request created, if it gave one"},
        "location": {"type": ["string", "null"], "description": "The first answer's Location header, if it had one"},
        "detail": {"type": "string", "description": "That the request was not run again"},
    },
    "required": ["id", "location", "detail"],
    "additionalProperties": False,
}
PARAMETER: dict[str, Any] = {
    "name": HEADER,
    "in": "header",
    "required": False,
    "description": (
        "Optional (draft-ietf-httpapi-idempotency-key-header): a unique key for this request, as a "
        'Structured Field string ("...") or bare, 1 to 255 characters. Sent again with the same body '
        f"by the same API token (or signed-in account) within 24 hours, the request is not run again: "
        f"the first answer's status and Location are returned with {REPLAYED}: true and a short body "
        "(IdempotentReplay) pointing at the resource, since no response body is kept (it may hold "
        "personal data). The same key with a different body: 422; while the first is still running: "
        "409. A request that fails keeps nothing, so its key may be sent again."
    ),
    "schema": {"type": "string", "minLength": 1, "maxLength": LONGEST + 2},
}
PROBLEMS = {
    "400": "The body, a query parameter or the Idempotency-Key header is invalid: errors names each",
    "409": f"A request with this {HEADER} is still being processed ({KEY_IN_USE}), or the request conflicts with the record",
    "422": f"This {HEADER} was used before for a different request ({KEY_REUSED})",
}
TYPES = (
    f" {KEY_REUSED}: the Idempotency-Key was used for another request; {KEY_IN_USE}: a request with the Idempotency-Key is still running."
)


def _problem(description: str) -> dict[str, Any]:
    return {"description": description, "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/ProblemDetails"}}}}


def _document(operation: dict[str, Any]) -> None:
    parameters = operation.setdefault("parameters", [])
    if not any(p.get("name") == HEADER and p.get("in") == "header" for p in parameters):
        parameters.append(PARAMETER)
    responses = operation.setdefault("responses", {})
    for code, description in PROBLEMS.items():
        if code not in responses:
            responses[code] = _problem(description)
    for code, response in responses.items():
        if not code.startswith("2"):
            continue
        response.setdefault("headers", {})[REPLAYED] = {
            "description": f"true when this is the answer to a request sent again with the same {HEADER}",
            "schema": {"type": "string", "enum": ["true"]},
        }
        media = (response.get("content") or {}).get("application/json")
        if media and media.get("schema") and REPLAY_REF not in media["schema"].get("anyOf", []):
            media["schema"] = {"anyOf": [media["schema"], REPLAY_REF]}


def document_idempotency(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """drf-spectacular hook (see the module's docstring); after ``api_schema.document_problems``."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["IdempotentReplay"] = REPLAY_SCHEMA
    if "ProblemDetails" in schemas and KEY_REUSED not in schemas["ProblemDetails"].get("description", ""):
        schemas["ProblemDetails"] = {**schemas["ProblemDetails"], "description": schemas["ProblemDetails"]["description"] + TYPES}
    for path_item in result.get("paths", {}).values():
        operation = path_item.get("post")
        if isinstance(operation, dict):
            _document(operation)
    return result
