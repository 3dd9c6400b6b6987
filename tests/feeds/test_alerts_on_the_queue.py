"""The same alert flow with the tasks in-process and on the Redis-backed queue (issue 11 §7, ADR
0019): an overnight arrest imported, the alerts queued in the outbox and sent by the send task.
In-process, they are sent when the import commits; on Redis (django-tasks-rq), nothing is sent
until a worker runs (here an RQ worker in burst mode, in the test), and then the outbox ends exactly
as in-process: the same recipients, subjects, bodies and statuses."""

from __future__ import annotations

import datetime

import pytest
from django.test import override_settings

from iomhub.access.models import Role
from iomhub.casework.models import CaseRecord
from iomhub.cohort.models import Registration
from iomhub.feeds.services import arrests_import
from iomhub.notifications import providers
from iomhub.notifications.models import Notification
from tests.feeds.conftest import csv_file, row

pytestmark = pytest.mark.django_db

RQ_TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default", "feeds", "reports", "notifications"]}}


@pytest.fixture
def outbox(request):
    fake = providers.FakeProvider()
    providers.use(fake)
    request.addfinalizer(lambda: providers.use(None))
    return fake


@pytest.fixture
def redis_queue():
    import django_rq
    from redis.exceptions import ConnectionError as RedisDown

    queue = django_rq.get_queue("notifications")
    try:
        queue.connection.ping()
    except RedisDown:
        pytest.skip("Redis is not running at REDIS_URL (it is on CI)")
    queue.empty()
    yield queue
    queue.empty()


def _flow(partnership, coordinator, capture):
    p = partnership
    Registration.objects.create(person=p.ordinary, started_on=datetime.date(2026, 1, 5), rag="red")
    CaseRecord.objects.create(person=p.ordinary, lead_worker=p.users[Role.PROBATION_OFFICER])
    for user in p.users.values():
        user.email = f"{user.username}@example.org"
        user.save()
    data = csv_file(row(family_name="Example", given_name="Jordan", date_of_birth="1990-05-17", arrested_at="2026-08-31T23:15"))
    with capture(execute=True):
        run = arrests_import(acting_user=coordinator, data=data, file_name="overnight.csv")
    assert run.imported == 1


def _outbox_state():
    return sorted(
        (n.recipient.username, n.subject, n.body, n.attachment, n.status, n.attempts)
        for n in Notification.objects.select_related("recipient")
    )


def test_in_process_the_alerts_are_sent_when_the_import_commits(partnership, coordinator, outbox, django_capture_on_commit_callbacks):
    _flow(partnership, coordinator, django_capture_on_commit_callbacks)
    state = _outbox_state()
    assert [(s[0], s[4]) for s in state] == sorted(
        [(partnership.users[Role.POLICE_IOM_OFFICER].username, "sent"), (partnership.users[Role.PROBATION_OFFICER].username, "sent")]
    )
    assert len(outbox.sent) == 2


def test_on_the_redis_queue_a_worker_sends_them_and_the_outbox_ends_the_same(
    partnership, coordinator, outbox, redis_queue, django_capture_on_commit_callbacks
):
    from django_tasks_rq.backend import Job
    from rq import SimpleWorker

    with override_settings(TASKS=RQ_TASKS):
        _flow(partnership, coordinator, django_capture_on_commit_callbacks)
        queued = _outbox_state()
        assert [s[4] for s in queued] == ["queued", "queued"]  # on the queue, not sent in-process
        assert outbox.sent == []
        assert redis_queue.count == 2
        SimpleWorker([redis_queue], connection=redis_queue.connection, job_class=Job).work(burst=True)
    state = _outbox_state()
    assert [(s[0], s[4], s[5]) for s in state] == sorted(
        [(partnership.users[Role.POLICE_IOM_OFFICER].username, "sent", 1), (partnership.users[Role.PROBATION_OFFICER].username, "sent", 1)]
    )
    assert len(outbox.sent) == 2
    assert redis_queue.count == 0
