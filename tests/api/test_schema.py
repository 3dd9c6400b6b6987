"""The OpenAPI schema is valid, and every documented operation answers as documented for every role
(schemathesis generates requests from the schema and checks status codes, content types and
response bodies against it), on a person whose optional fields are filled and on one whose are
empty (issue 17)."""

from __future__ import annotations

import datetime
import json
import re

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, settings

from iomhub.access.models import Role
from iomhub.access.services import api_token_issue
from iomhub.cohort.models import Registration
from iomhub.referrals.models import Pathway
from tests.api.crawl import UTC_TIMESTAMP, ids_for, timestamps_in
from tests.api.quiet import quiet_request_signals
from tests.api.schema_metrics import measure
from tests.justice import factories

application = get_wsgi_application()
schema = schemathesis.openapi.from_wsgi("/api/v1/schema?format=json", application)
# Every role the partnership has, and a user with none; each generated request is sent as each.
USERS = [*Role.values, "dwp-worker", "no-role"]
EXAMPLES = 2  # generated per operation, each sent as every role: deterministic and inside CI's budget
# The response checks (cheap: nothing re-sent) for every role; the first role of each request also
# gets the checks that re-send it (ignored authentication, negative data rejected, ...).
RESPONSE_CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_schema_conformance,
    schemathesis.checks.response_headers_conformance,
]
SEEN = {"cases": 0}


def test_the_schema_is_valid_openapi_3(client, db):
    response = client.get("/api/v1/schema?format=json")
    assert response.status_code == 200
    document = json.loads(response.content)
    validate = pytest.importorskip("openapi_spec_validator").validate
    validate(document)  # raises on any violation of the OpenAPI specification
    assert document["openapi"].startswith("3.")
    paths = set(document["paths"])
    assert {"/api/v1/people", "/api/v1/people/{person_id}", "/api/v1/organisations", "/api/v1/users"} <= paths


def test_a_generated_client_can_type_everything(client, db):
    """Nothing in the schema is "any value" or "any object", and every error has a body (the
    closing counts of issue 17, by tests/api/schema_metrics.py)."""
    found = measure(json.loads(client.get("/api/v1/schema?format=json").content))
    assert found == {"untyped_responses": [], "untyped_properties": [], "bodiless_errors": []}


def _fill(p) -> None:
    """The ordinary person with the optional parts of their record filled (through the API, as a
    client would); the housing case keeps them empty."""
    Registration.objects.create(person=p.ordinary, started_on=datetime.date(2026, 1, 5), rag="amber")
    web = Client()
    web.force_login(p.users[Role.COORDINATOR])
    base = f"/api/v1/people/{p.ordinary.pk}"
    made = [
        web.post(
            f"{base}/case/people",
            {
                "version": 1,
                "lead_worker": p.users[Role.PROBATION_OFFICER].pk,
                "coordinator": p.users[Role.COORDINATOR].pk,
                "reason": "Panel",
            },
            content_type="application/json",
        ),
        web.post(
            f"{base}/case/safeguarding",
            {
                "version": 2,
                "parental_status": "not-a-parent",
                "lives_with_children": "no",
                "safeguarding": "none-known",
                "notes": "Checked",
            },
            content_type="application/json",
        ),
        web.post(
            f"{base}/timeline",
            {"kind": "home-visit", "occurred_on": "2026-08-03", "summary": "Seen at home", "force_number": "1234"},
            content_type="application/json",
        ),
        web.post(
            f"{base}/plan-actions",
            {
                "description": "Register with a GP",
                "agency": p.police.pk,
                "due_on": "2026-12-31",
                "owner_name": "A. Worker",
                "pathway": "health",
            },
            content_type="application/json",
        ),
        web.post(
            f"{base}/pathway-assessments",
            {"assessed_on": "2026-08-01", "ratings": {k: {"rag": "amber", "needs": "Some", "actions": "Plan"} for k in Pathway.values}},
            content_type="application/json",
        ),
    ]
    assert [r.status_code for r in made] == [200, 200, 201, 201, 201], [r.content for r in made]
    factories.sentence(user=p.users[Role.PROBATION_OFFICER], person=p.ordinary)
    factories.arrest(user=p.users[Role.POLICE_IOM_OFFICER], person=p.ordinary)


@pytest.fixture
def world(partnership):
    _fill(partnership)
    tokens = {}
    for name in USERS:
        _, tokens[name] = api_token_issue(
            acting_user=partnership.users[name], name="schemathesis", scope="read-write", second_factor_at=timezone.now()
        )
    quiet_request_signals()  # _fill's test-client requests put close_old_connections back
    return {"tokens": tokens, "people": [partnership.ordinary.pk, partnership.housing_case.pk]}


def _timestamps_in_utc(response) -> None:
    """Every timestamp-looking value of a JSON answer is UTC to the second with Z (issue 17)."""
    try:
        body = json.loads(response.content)
    except ValueError:
        return
    wrong = [f"{where}: {value}" for where, value in timestamps_in(body) if not UTC_TIMESTAMP.fullmatch(value)]
    assert not wrong, wrong


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_every_operation_answers_as_documented_for_every_role(case, world):
    # Real ids in the path, so generated bodies reach the services rather than stopping at a 404:
    # each request goes to the person with the optional fields filled and, as the next role, to the
    # one with them empty; other ids are the first of their kind.
    # The coverage phase's many boundary cases go as one role each, in turn; generated cases as every role.
    names = re.findall(r"\{([^}]+)\}", case.operation.path)
    fixed = {n: (ids_for(n, 1) or [1])[0] for n in names if n != "person_id"}
    SEEN["cases"] += 1
    coverage = case.meta is not None and case.meta.phase.name.value == "coverage"
    users = [USERS[SEEN["cases"] % len(USERS)]] if coverage else USERS
    negative = case.meta is not None and case.meta.generation.mode.value == "negative"
    for i, name in enumerate(users):
        if names and not negative:  # a negative case's path stays as generated (it may be what is wrong)
            case.path_parameters = {**(case.path_parameters or {}), **fixed}
            if "person_id" in names:
                case.path_parameters["person_id"] = world["people"][i % 2]
        # Check characters (PNC, NHS), real postcodes and real dates cannot be expressed in JSON
        # Schema, so a schema-valid body may still be refused with a documented 400 naming the
        # field; every other stock check applies (no 5xx, documented status codes and content
        # types, response bodies match the schema, schema-violating requests refused).
        headers = {"Authorization": f"Bearer {world['tokens'][name]}"}
        if i == 0:
            response = case.call_and_validate(headers=headers, excluded_checks=[schemathesis.checks.positive_data_acceptance])
        else:
            response = case.call(headers=headers)
            case.validate_response(response, checks=RESPONSE_CHECKS, headers=headers)
        _timestamps_in_utc(response)
