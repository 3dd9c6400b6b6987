"""Keep the test's database connection open while schemathesis calls the WSGI application."""

from __future__ import annotations

from django.core.signals import request_finished, request_started
from django.db import close_old_connections


def quiet_request_signals() -> None:
    """Disconnect ``close_old_connections`` from the request signals. Schemathesis calls the WSGI
    application directly, so the signals fire and the handler closes the connection that holds the
    test's transaction (PostgreSQL fails with "the connection is closed"; in-memory SQLite ignores
    it). Call it again after using Django's test client: each of its requests connects the handler
    back when it ends."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)


def restore_request_signals() -> None:
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)
