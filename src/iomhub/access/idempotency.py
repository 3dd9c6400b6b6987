"""The API's ``Idempotency-Key`` request header on POST (draft-ietf-httpapi-idempotency-key-header-07;
ADR: nothing stored twice on a double submission; docs/api.md, "Retrying a POST").

A client that sends a POST with ``Idempotency-Key: "<key>"`` (a Structured Field string; a bare token
is accepted too) may send it again, after a timeout say, without the record being stored twice:

* the key belongs to the credential that sent it (the API token, or the signed-in account for a
  session): another token's same key is another key;
* the first request runs; if it succeeds (2xx) its status, its Location and the created resource's
  ``id`` are kept with the SHA-256 of its path and body, for ``ONCE_KEY_EXPIRY_HOURS`` (24). No body
  is kept: it may hold personal data;
* the same key with the same path and body again does not run: it answers the same status with
  ``Idempotent-Replayed: true``, the same Location, and a short body pointing at the resource
  (``{"id": ..., "location": ..., "detail": ...}``);
* the same key with another body or path: 422 problem; the first still running: 409 problem;
* an empty key, or one over 255 characters: 400 problem naming the header;
* a request that fails (4xx, 5xx) keeps nothing: the key may be sent again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

from iomhub.access.api_problems import API_PREFIX, PROBLEM_JSON, VALIDATION, problem
from iomhub.access.models import ApiToken
from iomhub.web import once_store

HEADER = "Idempotency-Key"
META_KEY = "HTTP_IDEMPOTENCY_KEY"
REPLAYED = "Idempotent-Replayed"
LONGEST = 255
KEY_REUSED = "urn:iomhub:problem:idempotency-key-reused"
KEY_IN_USE = "urn:iomhub:problem:idempotency-key-in-use"


def _problem(status_code: int, detail: str, **members: Any) -> HttpResponse:
    return HttpResponse(json.dumps(problem(status_code, detail, **members)), status=status_code, content_type=PROBLEM_JSON)


def key_of(raw: str) -> str:
    """The key a header value names: a Structured Field string's content, or the bare value."""
    value = raw.strip()
    if len(value) >= 2 and value.startswith('"') and value.endswith('"'):
        value = value[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    return value


def scope_of(request: HttpRequest) -> str | None:
    """Whose key: the bearer token (by its digest, as stored), else the session's account; None
    when neither (the request is refused by authentication anyway)."""
    auth = request.META.get("HTTP_AUTHORIZATION", "").split()
    if len(auth) == 2 and auth[0].lower() == "bearer":
        return f"api:token:{ApiToken.digest_of(auth[1])}"
    if auth:
        return None
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"api:account:{user.pk}"
    return None


def fingerprint_of(request: HttpRequest) -> str:
    """SHA-256 of the path and the body (a body too large to read whole: its length and type)."""
    digest = hashlib.sha256(request.path.encode("utf-8", "backslashreplace") + b"\n")
    length = int(request.META.get("CONTENT_LENGTH") or 0)
    if length > (settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 2_621_440):
        digest.update(f"{length} {request.META.get('CONTENT_TYPE', '')}".encode("utf-8", "backslashreplace"))
    else:
        digest.update(request.body)
    return digest.hexdigest()


def _resource_id(response: HttpResponse) -> str:
    """The created resource's ``id`` from a JSON answer (read, never kept beyond the id)."""
    media = (response.get("Content-Type") or "").split(";")[0].strip().lower()
    if media != "application/json" or response.streaming:
        return ""
    try:
        body = json.loads(response.content)
    except ValueError:
        return ""
    found = body.get("id") if isinstance(body, dict) else None
    return str(found) if isinstance(found, int | str) and not isinstance(found, bool) else ""


def _replay(status: int, location: str, resource_id: str) -> HttpResponse:
    response: HttpResponse
    if status == 204:
        response = HttpResponse(status=204)
        response[REPLAYED] = "true"
        return response
    body = {
        "id": int(resource_id) if resource_id.isdigit() else (resource_id or None),
        "location": location or None,
        "detail": "Already done: this request was sent before with the same Idempotency-Key, so it was not run again.",
    }
    response = JsonResponse(body, status=status)
    response[REPLAYED] = "true"
    if location:
        response["Location"] = location
    return response


class IdempotencyKeyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method != "POST" or not request.path.startswith(API_PREFIX) or META_KEY not in request.META:
            return self.get_response(request)
        key = key_of(request.META[META_KEY])
        if not key or len(key) > LONGEST:
            why = "is empty" if not key else f"is {len(key)} characters long: at most {LONGEST}"
            return _problem(
                400,
                f"The {HEADER} header {why}.",
                problem_type=VALIDATION,
                title="Invalid request",
                errors={HEADER: [f"The {HEADER} header {why}."]},
            )
        scope = scope_of(request)
        if scope is None:
            return self.get_response(request)
        fingerprint = fingerprint_of(request)
        claim = once_store.claim(scope, key, fingerprint)
        if claim.outcome != once_store.RUN and claim.row.fingerprint != fingerprint:
            return _problem(
                422,
                f"This {HEADER} was used for a different request (another body or path): send a new key for a new request.",
                problem_type=KEY_REUSED,
                title="Idempotency key reused",
            )
        if claim.outcome == once_store.BUSY:
            return _problem(
                409,
                f"A request with this {HEADER} is still being processed: retry later with the same key.",
                problem_type=KEY_IN_USE,
                title="Request in progress",
            )
        if claim.outcome == once_store.DONE:
            row = claim.row
            return _replay(row.status or 200, row.location, row.resource_id)
        try:
            response = self.get_response(request)
        except BaseException:
            once_store.release(claim.row)
            raise
        if 200 <= response.status_code < 300:
            once_store.finish(
                claim.row, status=response.status_code, location=response.get("Location", ""), resource_id=_resource_id(response)
            )
        else:
            once_store.release(claim.row)
        return response
