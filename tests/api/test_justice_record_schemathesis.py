"""Schemathesis on the justice record, screening, candidate and caseload operations (issue 11 §4)
with the path naming a person who is there and visible (and one of their warrants; an arrest keyed
by hand and one from the custody arrests feed, with its source), so generated
bodies reach the services rather than stopping at a 404: no server error, every status and body as
documented, schema-violating requests refused."""

from __future__ import annotations

import datetime

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from django.utils import timezone
from hypothesis import HealthCheck, settings
from schemathesis.core.parameters import ParameterLocation

from iomhub import clock
from iomhub.access.models import Role
from iomhub.access.services import api_token_issue
from tests.justice import factories

application = get_wsgi_application()
schema = schemathesis.openapi.from_wsgi("/api/v1/schema?format=json", application).include(
    path_regex=r"/justice/(arrests|offences|outcomes|custody|warrants|mappa)|/screening$|/candidates$|/caseload$"
)


@pytest.fixture
def world(partnership):
    """The ordinary person with an arrest and an outstanding warrant; the coordinator's token (who
    may do everything these operations offer: read, record, list candidates, the team dashboard)."""
    from iomhub.feeds.services import arrests_import
    from iomhub.justice import services
    from tests.feeds.conftest import csv_file, row

    coordinator = partnership.users[Role.COORDINATOR]
    with clock.frozen(datetime.date(2026, 9, 1)):
        factories.arrest(user=coordinator, person=partnership.ordinary)
        # and one from the custody arrests feed, so the answers carry a source object (issue 11 §3)
        person = partnership.ordinary
        fed = row(pnc_id=person.pnc_id, family_name=person.last_name, given_name=person.first_name, date_of_birth="1990-05-17")
        assert arrests_import(acting_user=coordinator, data=csv_file(fed), file_name="feed.csv").imported == 1
        warrant = services.warrant_record(
            acting_user=coordinator, person=partnership.ordinary, kind="arrest", issued_on=datetime.date(2026, 8, 2)
        )
    _, secret = api_token_issue(acting_user=coordinator, name="schemathesis", scope="read-write", second_factor_at=timezone.now())
    return {"person_id": partnership.ordinary.pk, "warrant_id": warrant.pk, "token": secret}


@schema.parametrize()
@settings(max_examples=30, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_the_justice_record_operations_answer_as_documented_for_a_real_person(case, world):
    wrong_path = case.meta is not None and case.meta.is_negative_at(ParameterLocation.PATH)
    for name in ("person_id", "warrant_id"):
        if case.path_parameters and name in case.path_parameters and not wrong_path:
            # A path generated wrong stays as generated: it is what must be refused, and a real id
            # put in its place would make schemathesis expect a refusal of a valid request. Any
            # other case (a wrong body included) names the real person, so it reaches the services.
            case.path_parameters[name] = world[name]
    # Offence codes, real dates and the record's own rules cannot be expressed in JSON Schema, so a
    # schema-valid body may still be refused with a documented 400 naming the field.
    case.call_and_validate(
        headers={"Authorization": f"Bearer {world['token']}"},
        excluded_checks=[schemathesis.checks.positive_data_acceptance],
    )
