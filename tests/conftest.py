"""Shared fixtures: a small partnership and a person for each access situation."""

from __future__ import annotations

import pytest

from tests.factories import PartnershipFactory


@pytest.fixture
def partnership(db):
    return PartnershipFactory.build_all()


@pytest.fixture
def api_auth(partnership):
    """``api_auth(role)``: the headers of a read-write API token of that partnership user."""
    from django.utils import timezone

    from iomhub.access.services import api_token_issue

    def _for(role: str) -> dict[str, str]:
        _, secret = api_token_issue(acting_user=partnership.users[role], name="tests", scope="read-write", second_factor_at=timezone.now())
        return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    return _for


@pytest.fixture
def notify_fake():
    """The notification provider, the edge of the world, replaced by the fake that keeps what it is given."""
    from iomhub.notifications import providers

    provider = providers.FakeProvider()
    providers.use(provider)
    yield provider
    providers.use(None)


@pytest.fixture
def audit_events():
    """Read the audit log (newest first) without going through the app."""
    from iomhub.access.models import AuditEvent

    def _events(**filters):
        return list(AuditEvent.objects.filter(**filters).order_by("-id"))

    return _events


def _flush_with_audit_triggers_suspended():
    """Transactional tests (the browser tests) empty every table afterwards; the audit log's
    append-only triggers refuse that, so they are lifted for the flush alone and put back."""
    from django.db import connections
    from django.test import TransactionTestCase

    from iomhub.access import audit_triggers

    original = TransactionTestCase._fixture_teardown
    if getattr(original, "_iomhub_wrapped", False):
        return

    def _fixture_teardown(self):
        with audit_triggers.suspended(connections["default"]):
            original(self)

    _fixture_teardown._iomhub_wrapped = True
    TransactionTestCase._fixture_teardown = _fixture_teardown


_flush_with_audit_triggers_suspended()
