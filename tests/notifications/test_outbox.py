"""The notification outbox (ADR 0020): queued in the caller's transaction, sent once by the task
through the provider, a refusal kept as failed with its reason; nothing sent for a rolled-back write."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from iomhub.access.models import Role
from iomhub.notifications.models import Notification
from iomhub.notifications.services import notification_queue
from iomhub.notifications.tasks import send_notification

pytestmark = pytest.mark.django_db


def test_a_queued_notification_is_sent_once_when_the_write_commits(partnership, notify_fake, django_capture_on_commit_callbacks):
    coordinator, officer = partnership.users[Role.COORDINATOR], partnership.users[Role.PROBATION_OFFICER]
    officer.email = "po@example.org"
    officer.save()
    with django_capture_on_commit_callbacks(execute=True):
        note = notification_queue(acting_user=coordinator, recipient=officer, subject="Minutes ready", body="Open them", attachment="/m/1/")
    note.refresh_from_db()
    assert (note.status, note.attempts, note.provider_reference) == ("sent", 1, "fake-1")
    assert notify_fake.sent == [{"to": "po@example.org", "subject": "Minutes ready", "body": "Open them"}]
    send_notification.call(note.pk)  # a second run sends nothing more
    assert len(notify_fake.sent) == 1


def test_a_refused_message_is_kept_as_failed_with_the_reason(partnership, notify_fake, django_capture_on_commit_callbacks):
    officer = partnership.users[Role.PROBATION_OFFICER]
    officer.email = "bounce@example.org"
    officer.save()
    notify_fake.fail_for.add("bounce@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        note = notification_queue(acting_user=partnership.users[Role.COORDINATOR], recipient=officer, subject="S", body="B")
    note.refresh_from_db()
    assert note.status == "failed" and "bounce@example.org" in note.error and notify_fake.sent == []


def test_nothing_is_sent_for_a_rolled_back_write(partnership, notify_fake, django_capture_on_commit_callbacks):
    officer = partnership.users[Role.PROBATION_OFFICER]
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        notification_queue(acting_user=partnership.users[Role.COORDINATOR], recipient=officer, subject="S", body="B")
        raise RuntimeError("rolled back")
    assert not Notification.objects.exists() and notify_fake.sent == []


def test_bad_input_names_the_field(partnership):
    with pytest.raises(ValidationError) as caught:
        notification_queue(
            acting_user=partnership.users[Role.COORDINATOR],
            recipient=partnership.users[Role.CHAIR],
            subject="",
            body="",
            attachment="http://x",
        )
    assert set(caught.value.message_dict) == {"subject", "body", "attachment"}
