"""``python -m iomhub resume_imports``: resume the feed uploads whose import stalled (ADR 0041): begun,
with no progress for ``FEED_IMPORT_STALLED_AFTER`` seconds because their worker died. Each is queued
again for the worker (or stopped, after ``FEED_IMPORT_ATTEMPTS`` workers), with an audit event. For
cron or the platform's scheduler every few minutes with the database queue; on Redis, ``rqcron
iomhub.config.cron`` runs the same job. Safe to run at any time and twice at once."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from iomhub.feeds.tasks import resume_stalled


class Command(BaseCommand):
    help = "Queue again (or stop, after too many attempts) the feed uploads whose import stopped part-way."

    def handle(self, *args: Any, **options: Any) -> None:
        ids = resume_stalled()
        self.stdout.write(f"Resumed {len(ids)} stalled imports" + (f": runs {', '.join(map(str, ids))}" if ids else ""))
