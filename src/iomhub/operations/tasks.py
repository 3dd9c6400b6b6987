"""Background work of the operations app (ADR 0019): the retention run (issue 13 §3, ADR 0021).

``retention_apply`` is enqueued by the scheduler once a day (``python -m iomhub retention --enqueue``
from cron or the platform's scheduler; django-tasks has no scheduler of its own) and run by the
worker; it takes no arguments and carries no personal data in the queue.
"""

from __future__ import annotations

from django_tasks import task

from iomhub.operations import retention


@task()
def retention_apply() -> dict[str, int]:
    """Apply every retention rule as of today; returns the count removed per kind of record."""
    return retention.apply().counts()
