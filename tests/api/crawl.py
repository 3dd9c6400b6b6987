"""Walk every GET operation of the schema as a user, with real ids from the database, and probe the
error paths; collect what breaks the schema and which error shapes come back (issue 17)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.test import Client
from django.utils import timezone

from iomhub.access.services import api_token_issue
from tests.api.schema_check import problems, schema_document

# Where the value of each path parameter comes from: a model and how many ids to try.
_SOURCES: dict[str, tuple[str, str]] = {
    "person_id": ("people", "Person"),
    "registration_id": ("cohort", "Registration"),
    "referral_id": ("referrals", "Referral"),
    "transfer_id": ("cohort", "Transfer"),
    "organisation_id": ("access", "Organisation"),
    "user_id": ("access", "User"),
    "token_id": ("access", "ApiToken"),
    "action_id": ("casework", "PlanAction"),
    "involvement_id": ("casework", "AgencyInvolvement"),
    "return_id": ("reporting", "StoredBudgetReturn"),
}
PROBES: list[tuple[str, str, dict[str, str]]] = [
    ("GET", "/api/v1/no-such-thing", {}),
    ("GET", "/api/v1/people/abc", {}),
    ("GET", "/api/v1/people/", {}),
    ("GET", "/api/v1/people/999999999", {}),
    ("DELETE", "/api/v1/people", {}),
    ("GET", "/api/v1/people?q=jordan", {"HTTP_ACCEPT": "text/html"}),
    ("POST", "/api/v1/people", {"CONTENT_TYPE": "text/plain"}),
    ("POST", "/api/v1/people", {"CONTENT_TYPE": "application/json", "body": "{not json"}),
    ("POST", "/api/v1/people", {"CONTENT_TYPE": "application/json", "body": "{}"}),
    ("GET", "/api/v1/people", {}),
    ("GET", "/api/v1/referrals?status=bogus", {}),
    ("GET", "/api/v1/people/{person}/timeline?kind=bogus", {}),
    ("PATCH", "/api/v1/people/{person}", {"CONTENT_TYPE": "application/json", "body": "{}"}),
    ("PATCH", "/api/v1/people/{person}", {"CONTENT_TYPE": "application/json", "body": '{"version": -5, "first_name": 3}'}),
]


@dataclass
class CrawlResult:
    responses: int = 0
    failing: int = 0
    failures: list[str] = field(default_factory=list)
    error_shapes: dict[str, str] = field(default_factory=dict)  # shape -> an example
    timestamps: int = 0
    timestamps_not_utc: list[str] = field(default_factory=list)

    def record(self, method: str, path: str, response: Any) -> None:
        self.responses += 1
        found = problems(method, path, response.status_code, response.get("Content-Type", ""), response.content)
        self.failing += bool(found)
        self.failures += found
        for where, value in timestamps_in(_json_or_none(response)):
            self.timestamps += 1
            if not UTC_TIMESTAMP.fullmatch(value):
                self.timestamps_not_utc.append(f"{method} {path} {where}: {value}")
        if response.status_code >= 400:
            shape = error_shape(response)
            self.error_shapes.setdefault(shape, f"{method} {path} {response.status_code}")


# Anything that looks like a moment in time (a date followed by a time), wherever it is in a body,
# must be in the API's one style: UTC to the second with Z (issue 17).
LOOKS_LIKE_A_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}.*")
UTC_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")


def _json_or_none(response: Any) -> Any:
    if "json" not in response.get("Content-Type", ""):
        return None
    try:
        return json.loads(response.content)
    except ValueError:
        return None


def timestamps_in(body: Any, where: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(body, dict):
        for key, value in body.items():
            yield from timestamps_in(value, f"{where}.{key}")
    elif isinstance(body, list):
        for i, value in enumerate(body):
            yield from timestamps_in(value, f"{where}[{i}]")
    elif isinstance(body, str) and LOOKS_LIKE_A_TIMESTAMP.fullmatch(body):
        yield where or "(body)", body


def error_shape(response: Any) -> str:
    media = response.get("Content-Type", "").split(";")[0]
    try:
        body = json.loads(response.content)
    except ValueError:
        return f"{media}: not JSON"
    if not isinstance(body, dict):
        return f"{media}: {type(body).__name__}"
    if {"type", "title", "status"} <= set(body):
        return f"{media}: problem details"
    if set(body) == {"detail"}:
        return f"{media}: detail"
    if "non_field_errors" in body:
        return f"{media}: non_field_errors"
    if "matches" in body:
        return f"{media}: duplicate matches"
    return f"{media}: field lists"


def ids_for(parameter: str, limit: int) -> list[int]:
    """Ids for a path parameter: the model named by ``_SOURCES``, else the model whose name is the
    parameter's (``meeting_id`` -> ``Meeting``), so a new endpoint is walked too; none: no ids."""
    from django.apps import apps

    if parameter in _SOURCES:
        models = [apps.get_model(*_SOURCES[parameter])]
    else:
        wanted = parameter.removesuffix("_id").replace("_", "")
        models = [m for m in apps.get_models() if m.__name__.lower() == wanted]
    if len(models) != 1:
        return []
    return list(models[0].objects.order_by("pk").values_list("pk", flat=True)[:limit])


def get_paths(limit: int) -> Iterator[str]:
    for template, item in schema_document()["paths"].items():
        if "get" not in item or template in {"/api/v1/schema", "/api/v1/docs"}:
            continue
        names = re.findall(r"\{([^}]+)\}", template)
        if not names:
            yield template.replace("/people", "/people?q=a") if template == "/api/v1/people" else template
            continue
        choices = [ids_for(n, limit) or [1] for n in names]
        for i in range(max(len(c) for c in choices)):
            path = template
            for name, values in zip(names, choices, strict=True):
                path = path.replace("{" + name + "}", str(values[i % len(values)]))
            yield path


def crawl_as(user: Any, result: CrawlResult, *, limit: int = 6) -> None:
    _, secret = api_token_issue(acting_user=user, name="crawl", scope="read-write", second_factor_at=timezone.now())
    client = Client(raise_request_exception=False, HTTP_AUTHORIZATION=f"Bearer {secret}")
    for path in get_paths(limit):
        result.record("GET", path.split("?")[0], client.get(path))
    person = (ids_for("person_id", 1) or [1])[0]
    for method, template, extra in PROBES:
        path = template.replace("{person}", str(person))
        extra = dict(extra)
        body = extra.pop("body", "")
        response = client.generic(method, path, body, content_type=extra.pop("CONTENT_TYPE", "application/json"), **extra)
        result.record(method, path.split("?")[0], response)
