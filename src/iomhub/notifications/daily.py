"""The notifications' daily jobs (issue 11 §5-7, ADR 0019): what the scheduler enqueues once a day on
whichever task backend is configured (``python -m iomhub daily`` from cron, or ``rqcron
iomhub.config.cron`` on Redis). Each is a task taking no personal data; the worker runs it. (The
retention run is the operations app's daily job: ``retention --enqueue``, also in ``config.cron``.)"""

from __future__ import annotations

from typing import Any


def daily_tasks() -> list[Any]:
    from iomhub.notifications.tasks import actions_due_notify, appointment_reminders, retry_failed

    return [appointment_reminders, actions_due_notify, retry_failed]


def enqueue_daily() -> list[str]:
    """Enqueue every daily task; returns the ids of the task results."""
    return [task.enqueue().id for task in daily_tasks()]
