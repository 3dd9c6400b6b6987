"""Readiness for a load balancer or orchestrator (issue 13 §1).

``/health`` (``iomhub.web``) says the process answers; ``/ready`` says it can serve: the database
answers and every migration this release knows has been applied. Both are public and say nothing
about the service's data.
"""

from __future__ import annotations

import functools

from django.db import DatabaseError, connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.http import HttpRequest, JsonResponse
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
