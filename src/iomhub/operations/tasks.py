"""Background work of the operations app (ADR 0019): the retention run (issue 13 §3, ADR 0021).

``retention_apply`` is enqueued by the scheduler once a day (``python -m iomhub retention --enqueue``
from cron or the platform's scheduler; django-tasks has no scheduler of its own) and run by the
worker; it takes no arguments and carries no personal data in the queue.
"""

from __future__ import annotations

from django_tasks import task

from iomhub.operations import retention
from iomhub.web import once_store

# The key under which the task reports the once-only submission keys it forgot (not a retention rule:
# a key names no one, and is kept only to stop a double submission; iomhub.web.once).
ONCE_KEYS = "once-only keys"


@task()
def retention_apply() -> dict[str, int]:
    """Apply every retention rule as of today, then forget the once-only submission keys older than
    their 24 hours (housekeeping, run by the same daily job); returns the count removed per kind."""
    counts = retention.apply().counts()
    counts[ONCE_KEYS] = once_store.forget_expired()
    return counts
