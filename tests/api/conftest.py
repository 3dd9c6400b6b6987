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
    """Django's own test client disconnects ``close_old_connections`` for the same reason; do the
    same for schemathesis's direct WSGI calls and put it back afterwards."""
    from tests.api.quiet import quiet_request_signals, restore_request_signals

    quiet_request_signals()
    yield
    restore_request_signals()


@pytest.fixture(autouse=True)
def _every_api_response_matches_the_schema(request, monkeypatch):
    """Every response an API test receives through Django's test client (or DRF's, a subclass) is
    checked against the published schema for its path, method and status (issue 17): a test that
    gets a response breaking the schema fails, whatever else it asserts. Generic, so an endpoint
    added tomorrow is covered without anyone remembering to."""
    from django.test.client import Client

    from tests.api.schema_check import problems

    if getattr(request.module, "COLLECTS_SCHEMA_FAILURES", False):
        return  # the module gathers every failure itself and reports them all at once
    original = Client.request

    def checked(self, **environ):
        response = original(self, **environ)
        found = problems(
            environ.get("REQUEST_METHOD", "GET"),
            environ.get("PATH_INFO", ""),
            response.status_code,
            response.get("Content-Type", ""),
            b"" if response.streaming else response.content,
        )
        assert not found, "The response breaks the API schema:\n" + "\n".join(found)
        return response

    monkeypatch.setattr(Client, "request", checked)
