"""The OpenAPI schema, generated once per process and kept.

The schema describes the API, not anyone's data (``SERVE_PUBLIC``: it is the same for every
reader), and only changes when the code does. drf-spectacular generates it afresh on every
request, which costs seconds, and its first generation in a process is not thread-safe: two
requests at once were seen to fail with a 500 (``'NoneType' object has no attribute
'startswith'`` in ``drf_spectacular.plumbing._load_class``, while it loads its extensions). So
the first request generates it under a lock and every later one is served from memory.
"""

from __future__ import annotations

import threading
from typing import Any

from django.utils import translation
from drf_spectacular.views import SpectacularAPIView
from rest_framework.request import Request
from rest_framework.response import Response

_lock = threading.Lock()
_schemas: dict[tuple[str | None, str | None], dict[str, Any]] = {}
generations = 0  # how many times this process has generated a schema; read by its test


class CachedSchemaView(SpectacularAPIView):
    def _get_schema_response(self, request: Request) -> Response:
        global generations
        version = self.api_version or request.version or self._get_version_parameter(request)  # type: ignore[no-untyped-call]
        key = (version, translation.get_language())
        with _lock:
            if key not in _schemas:
                generator = self.generator_class(urlconf=self.urlconf, api_version=version, patterns=self.patterns)
                _schemas[key] = generator.get_schema(request=request, public=self.serve_public)  # type: ignore[no-untyped-call]
                generations += 1
        return Response(
            data=_schemas[key],
            headers={"Content-Disposition": f'inline; filename="{self._get_filename(request, version)}"'},  # type: ignore[no-untyped-call]
        )


def forget() -> None:
    """Drop the kept schemas, so the next request generates them again (used by its test)."""
    with _lock:
        _schemas.clear()
