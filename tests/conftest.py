"""Shared fixtures: a small partnership and a person for each access situation."""

from __future__ import annotations

import pytest

from tests.factories import PartnershipFactory


@pytest.fixture
def partnership(db):
    return PartnershipFactory.build_all()


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
