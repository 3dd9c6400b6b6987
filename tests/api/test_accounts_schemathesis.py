"""Schemathesis on the user account operations (ADR 0045): listing, reading, adding, changing,
disabling, enabling and resetting a sign-in, as a system administrator, with the path naming a real
account, so that generated bodies reach the service: no server error, every status and body as
documented, schema-violating requests refused."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from django.utils import timezone
from hypothesis import HealthCheck, settings
from schemathesis.core.parameters import ParameterLocation

from iomhub.access.models import Role
from iomhub.access.services import api_token_issue

application = get_wsgi_application()
schema = schemathesis.openapi.from_wsgi("/api/v1/schema?format=json", application).include(
    path_regex=r"^/api/v1/users(/\{user_id\}(/(disable|enable|sign-in-reset))?)?$"
)


@pytest.fixture
def world(partnership):
    admin = partnership.users[Role.SYSTEM_ADMIN]
    _, secret = api_token_issue(acting_user=admin, name="schemathesis", scope="read-write", second_factor_at=timezone.now())
    return {"user_id": partnership.users[Role.POLICE_IOM_OFFICER].pk, "token": secret}


@schema.parametrize()
@settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_the_account_operations_answer_as_documented(case, world):
    wrong_path = case.meta is not None and case.meta.is_negative_at(ParameterLocation.PATH)
    if case.path_parameters and "user_id" in case.path_parameters and not wrong_path:
        case.path_parameters["user_id"] = world["user_id"]
    # A username taken, an e-mail address malformed or a role only a system administrator may grant
    # cannot be expressed in JSON Schema: a schema-valid body may still be refused with a documented 400.
    case.call_and_validate(
        headers={"Authorization": f"Bearer {world['token']}"},
        excluded_checks=[schemathesis.checks.positive_data_acceptance],
    )
