"""The OpenAPI schema, generated once per process and kept.

The schema describes the API, not anyone's data (``SERVE_PUBLIC``: it is the same for every
reader), and only changes when the code does. drf-spectacular generates it afresh on every
request, which costs seconds, and its first generation in a process is not thread-safe: two
requests at once were seen to fail with a 500 (``'NoneType' object has no attribute
'startswith'`` in ``drf_spectacular.plumbing._load_class``, while it loads its extensions). So
the first request generates it under a lock and every later one is served from memory.

Only the generation is kept, by the view's generator (drf-spectacular's documented
``generator_class``): the view itself is drf-spectacular's, so the version, the format and the
``Content-Disposition`` header are worked out as it does, on every request.
"""

from __future__ import annotations

import threading
from typing import Any

from django.utils import translation
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.views import SpectacularAPIView
from rest_framework.request import Request

_lock = threading.Lock()
_schemas: dict[tuple[str | None, str | None], dict[str, Any]] = {}
generations = 0  # how many times this process has generated a schema; read by its test


class KeptSchemaGenerator(SchemaGenerator):
    """drf-spectacular's generator, generating each version's schema (in each language) once per
    process, under the lock, and handing back the one kept after that."""

    def get_schema(self, request: Request | None = None, public: bool = False) -> dict[str, Any]:
        global generations
        key = (self.api_version, translation.get_language())
        with _lock:
            if key not in _schemas:
                _schemas[key] = super().get_schema(request=request, public=public)  # type: ignore[no-untyped-call]
                generations += 1
        return _schemas[key]


class CachedSchemaView(SpectacularAPIView):
    generator_class = KeptSchemaGenerator


def forget() -> None:
    """Drop the kept schemas, so the next request generates them again (used by its test)."""
    with _lock:
        _schemas.clear()
