"""The daily jobs, for RQ's cron scheduler when the tasks run on Redis (IOMHUB_TASKS=redis; ADR 0019,
docs/operations.md): ``python -m iomhub rqcron iomhub.config.cron``. Each entry enqueues tasks on
their queues, where the RQ workers run them; nothing about a person is in the schedule or the queue.

With the database queue, cron or the platform's scheduler runs ``python -m iomhub daily`` and
``python -m iomhub retention --enqueue`` instead, which enqueue the same tasks, and ``python -m
iomhub resume_imports`` every five minutes (feed uploads whose worker died, ADR 0041)."""

from rq import cron


def enqueue_notifications() -> list[str]:
    from iomhub.notifications.daily import enqueue_daily

    return enqueue_daily()


def enqueue_retention() -> str:
    from iomhub.operations.tasks import retention_apply

    return retention_apply.enqueue().id


def resume_stalled_imports() -> list[int]:
    from iomhub.feeds.tasks import resume_stalled

    return resume_stalled()


# 06:00 every day (the server's time zone): before the working day, after the overnight feeds.
# Texts queued then wait for the end of the quiet hours (08:00).
cron.register(enqueue_notifications, queue_name="default", cron="0 6 * * *")
cron.register(enqueue_retention, queue_name="default", cron="30 2 * * *")
# Every five minutes: feed uploads whose import stopped part-way (no progress for
# FEED_IMPORT_STALLED_AFTER seconds) are queued again on "feeds" (ADR 0041).
cron.register(resume_stalled_imports, queue_name="default", cron="*/5 * * * *")
