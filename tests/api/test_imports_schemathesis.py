"""Schemathesis on the feed-import operations (issue 11 §1, §7; ADR 0041) and the review queue's
(issue 11 §3), with the path naming a run the token's user uploaded and a row waiting for review
(so generated requests reach them, not a 404): no server error, every status, content type and
body as documented, schema-violating requests refused."""

from __future__ import annotations

import datetime

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from django.utils import timezone
from hypothesis import HealthCheck, settings

from iomhub.access.models import Role
from iomhub.access.services import api_token_issue
from iomhub.feeds.models import LinkReview
from iomhub.feeds.tasks import import_upload
from iomhub.feeds.uploads import upload_enqueue
from tests.factories import PersonFactory
from tests.feeds.conftest import csv_file, row

application = get_wsgi_application()
schema = schemathesis.openapi.from_wsgi("/api/v1/schema?format=json", application).include(path_regex=r"^/api/v1/(imports|link-reviews)")


@pytest.fixture
def world(partnership):
    """A run the coordinator uploaded and the worker imported (a good row, a rejected one, and one
    sent to review: Jordan Example born 1991 may be either Jordan Example on record), and the
    coordinator's token."""
    coordinator = partnership.users[Role.COORDINATOR]
    PersonFactory(first_name="Jordan", last_name="Example", date_of_birth=datetime.date(1992, 5, 17))
    data = csv_file(
        row(),
        row(arrested_at="2026-08-29T10:00", offence_code="99Z"),
        row(family_name="Example", given_name="Jordan", date_of_birth="1991-05-17"),
    )
    run = upload_enqueue(acting_user=coordinator, feed="arrests", data=data, file_name="overnight.csv", via="api")
    import_upload.call(run.pk)
    review = LinkReview.objects.get(run=run)
    _, secret = api_token_issue(acting_user=coordinator, name="schemathesis", scope="read-write", second_factor_at=timezone.now())
    return {"import_run_id": run.pk, "link_review_id": review.pk, "token": secret}


@schema.parametrize()
@settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_the_import_operations_answer_as_documented(case, world):
    negative = case.meta is not None and case.meta.generation.mode.value == "negative"
    for name in ("import_run_id", "link_review_id"):
        if case.path_parameters and name in case.path_parameters and not negative:
            # A negative case's path stays as generated: it may be what is wrong (as tests/api/test_schema.py).
            case.path_parameters[name] = world[name]
    # A generated file is rarely a feed's CSV: a schema-valid upload may be refused with a
    # documented 400 naming the file.
    case.call_and_validate(
        headers={"Authorization": f"Bearer {world['token']}"},
        excluded_checks=[schemathesis.checks.positive_data_acceptance],
    )
