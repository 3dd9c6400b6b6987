"""Timestamps in one style across the JSON API (issue 17): UTC, to the second, with ``Z``
(``2026-07-01T09:30:00Z``, RFC 3339).

DRF writes a ``DateTimeField`` in the *current* time zone (Europe/London: ``+01:00`` in summer,
``Z`` in winter) with microseconds when there are any, so one API answered in three styles. Its
settings cannot say "UTC" (``DATETIME_FORMAT`` is a strftime pattern applied after the conversion
to local time), and activating UTC for API requests would move ``timezone.localdate()``, which the
services use for "today". So every ``DateTimeField`` (declared, or made by a ``ModelSerializer``
from a model field) is written in UTC here, once, at start-up (``AccessConfig.ready``); reading
timestamps (input) is unchanged.
"""

from __future__ import annotations

import datetime
from typing import Any

from rest_framework import ISO_8601, serializers
from rest_framework.settings import api_settings

UTC_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def utc_timestamp(value: datetime.datetime) -> str:
    """The API's one style for a moment in time. A naive value is taken to be UTC already."""
    if value.tzinfo is not None:
        value = value.astimezone(datetime.UTC)
    return value.strftime(UTC_FORMAT)


_drf_to_representation = serializers.DateTimeField.to_representation


def _to_representation(self: serializers.DateTimeField, value: Any) -> Any:
    output_format = getattr(self, "format", api_settings.DATETIME_FORMAT)
    if isinstance(value, datetime.datetime) and output_format is not None and output_format.lower() == ISO_8601:
        return utc_timestamp(value)
    return _drf_to_representation(self, value)


def write_timestamps_in_utc() -> None:
    serializers.DateTimeField.to_representation = _to_representation  # type: ignore[method-assign,assignment]
