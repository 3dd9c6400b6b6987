"""``python -m iomhub daily``: enqueue the daily jobs (``iomhub.notifications.daily``) on the configured task
backend, for cron or the platform's scheduler (with the database queue; on Redis, ``rqcron
iomhub.config.cron`` does the same). The worker runs them."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from iomhub.notifications.daily import enqueue_daily


class Command(BaseCommand):
    help = "Enqueue the daily jobs of the notifications: appointment reminders, actions falling due, failed sends again."

    def handle(self, *args: Any, **options: Any) -> None:
        ids = enqueue_daily()
        self.stdout.write(f"Enqueued {len(ids)} daily jobs")
