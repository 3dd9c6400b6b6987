"""``iomhub.db_triggers``: a set of triggers lifted for a block comes back after it, also when the
block fails; an unknown database is refused by name. Shown on the audit log's append-only rule."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from iomhub.access import audit_triggers
from iomhub.access.models import AuditEvent
from iomhub.db_triggers import Triggers

pytestmark = pytest.mark.django_db


def _event() -> AuditEvent:
    return AuditEvent.objects.create(action="search", object_type="person", route="/")


def _refused(event: AuditEvent) -> bool:
    try:
        with transaction.atomic(), connection.cursor() as cursor:  # the database's rule, not the model's
            cursor.execute("UPDATE access_auditevent SET route = %s WHERE id = %s", ["/changed", event.pk])
    except DatabaseError:
        return True
    return False


def test_suspended_lifts_the_rule_for_the_block_only():
    event = _event()
    assert _refused(event)
    with audit_triggers.suspended(connection):
        assert not _refused(event)
    assert _refused(event)


def test_the_rule_comes_back_when_the_block_fails():
    event = _event()
    with pytest.raises(RuntimeError), audit_triggers.suspended(connection):
        raise RuntimeError("stopped part-way")
    assert _refused(event)


def test_an_unknown_database_is_refused_by_name():
    class Elsewhere:
        vendor = "oracle"

    with pytest.raises(RuntimeError, match="No demo trigger for database oracle"):
        Triggers("demo", postgresql=([], []), sqlite=([], [])).install(Elsewhere())
