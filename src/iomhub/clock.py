"""The one clock. Every rule and job takes "today" from here, so tests can set it.

``clock.today()`` is the calendar date in the service's time zone (Europe/London), which is what
every rule in the seeds counts in (a Red home visit "within 7 days" means calendar days in
England). Tests use ``clock.frozen(date_or_datetime)``.
"""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Iterator

from django.utils import timezone

_frozen: datetime.datetime | None = None


def now() -> datetime.datetime:
    return _frozen if _frozen is not None else timezone.now()


def today() -> datetime.date:
    return timezone.localdate(now())


@contextlib.contextmanager
def frozen(at: datetime.date | datetime.datetime) -> Iterator[None]:
    global _frozen
    previous = _frozen
    if not isinstance(at, datetime.datetime):
        at = datetime.datetime.combine(at, datetime.time(12, 0))
    _frozen = at if timezone.is_aware(at) else timezone.make_aware(at)
    try:
        yield
    finally:
        _frozen = previous
