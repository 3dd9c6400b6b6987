"""A strict validator finds no response of any endpoint, for any role, that breaks the schema
(issue 17): every GET operation of /api/v1/schema is walked as each role with real ids, on the
demo partnership (optional fields filled, the way a busy case is) and on the test partnership
(optional fields empty, a case just begun), and the error paths are probed."""

from __future__ import annotations

import pytest

from iomhub.access.models import Role, User
from tests.api.crawl import CrawlResult, crawl_as

COLLECTS_SCHEMA_FAILURES = True  # every failure of the walk is listed, not only the first


def _one_user_per_role() -> dict[str, User]:
    found: dict[str, User] = {}
    for user in User.objects.filter(is_active=True).prefetch_related("role_assignments").order_by("pk"):
        for assignment in user.role_assignments.all():
            found.setdefault(assignment.role, user)
    return found


def _crawl_every_role() -> CrawlResult:
    users = _one_user_per_role()
    assert set(users) == set(Role.values), set(Role.values) - set(users)
    result = CrawlResult()
    for user in users.values():
        crawl_as(user, result)
    return result


@pytest.mark.django_db
def test_every_role_gets_schema_valid_responses_on_the_demo_partnership():
    from iomhub.demo import load_demo

    load_demo(people=80)
    result = _crawl_every_role()
    assert result.responses > 500
    assert not result.failures, "\n".join(sorted(set(result.failures))[:40])
    assert result.timestamps > 50, result.timestamps  # the check below has something to check
    assert not result.timestamps_not_utc, "\n".join(result.timestamps_not_utc[:40])
    assert set(result.error_shapes) == {"application/problem+json: problem details"}, result.error_shapes


def test_every_role_gets_schema_valid_responses_when_optional_fields_are_empty(partnership):
    result = _crawl_every_role()
    assert not result.failures, "\n".join(sorted(set(result.failures))[:40])
    assert not result.timestamps_not_utc, "\n".join(result.timestamps_not_utc[:40])
    assert set(result.error_shapes) == {"application/problem+json: problem details"}, result.error_shapes
