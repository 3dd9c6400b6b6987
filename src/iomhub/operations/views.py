"""Readiness for a load balancer or orchestrator (issue 13 §1).

``/health`` (``iomhub.web``) says the process answers; ``/ready`` says it can serve: the database
answers and every migration this release knows has been applied. Both are public and say nothing
about the service's data.
"""

from __future__ import annotations

import functools
import sys

from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.template.loader import render_to_string
from django.views.decorators.http import require_http_methods

from iomhub.access.routes import public


@functools.cache
def _known_migrations() -> frozenset[tuple[str, str]]:
    """The migrations this release ships, read from disk once per process."""
    return frozenset(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)


@public
@require_http_methods(["GET"])
def ready(request: HttpRequest) -> JsonResponse:
    connection = connections["default"]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        pending = _known_migrations() - set(MigrationRecorder(connection).applied_migrations())
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "not answering"}, status=503)
    if pending:
        return JsonResponse({"status": "unavailable", "database": "migrations not applied"}, status=503)
    return JsonResponse({"status": "ready"})


# The database errors that mean "the database is not answering" rather than "this request is wrong":
# a connection refused, lost or terminated mid-request (OperationalError, InterfaceError).
UNAVAILABLE = (OperationalError, InterfaceError)


def server_error(request: HttpRequest) -> HttpResponse:
    """Django's 500 handler (``handler500``), called inside the ``except`` of any view or middleware
    (issue 13 §7b): when the exception is the database going away, answer a clean 503 with
    Retry-After — a page, or problem+json under /api/ — rendered without touching the database;
    anything else is the ordinary 500. The request's transaction has been rolled back, so nothing
    was half-written; the next request reconnects (``CONN_HEALTH_CHECKS``)."""
    error = sys.exc_info()[1]
    if isinstance(error, UNAVAILABLE):
        for connection in connections.all(initialized_only=True):
            connection.close_if_unusable_or_obsolete()
        if request.path.startswith("/api/"):
            response: HttpResponse = JsonResponse(
                {
                    "type": "urn:iomhub:problem:unavailable",
                    "title": "Service unavailable",
                    "status": 503,
                    "detail": "The database is not answering. Nothing was saved by this request: try again in a minute.",
                },
                status=503,
                content_type="application/problem+json",
            )
        else:
            response = HttpResponse(render_to_string("operations/unavailable.html"), status=503)
        response["Retry-After"] = "30"
        response["Cache-Control"] = "no-store"
        return response
    return HttpResponseServerError(render_to_string("operations/server_error.html"))
