"""Give each schemathesis-generated test its own node id.

Under pytest 9, every test that ``schema.parametrize()`` generates gets the function's bare node id
(``test_schema.py::test_every_operation_answers_as_documented``) even though its name carries the
operation. pytest-xdist schedules by node id, so with ``-n`` (as ``make test`` runs) the duplicates
collapsed into one and all but one API operation went untested while the run still passed.
"""

from __future__ import annotations

import pytest


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        label = getattr(item, "operation_label", None)
        if label and not item.nodeid.endswith(f"[{label}]"):
            item._id = item._id.with_params(label)  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def _keep_the_test_connection_open():
    """Schemathesis calls the WSGI application directly, so Django's request signals fire and
    ``close_old_connections`` closes the connection that holds the test's transaction (PostgreSQL
    fails with "the connection is closed"; in-memory SQLite ignores it). Django's own test client
    disconnects the handler for the same reason; do the same here and put it back afterwards."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)
