"""An administrator works the outbox in the browser (issue 11 §6): the failed messages with who each
was for (a person only by the last digits of their number) and why, axe-clean; "Send again" once
the cause is fixed sends it, says so, and it leaves the list."""

from __future__ import annotations

import pytest

from iomhub.access.models import Role
from iomhub.notifications.models import Channel, Notification, NotificationStatus
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_administrator_sends_a_failed_message_again(session, partnership, notify_fake):
    officer = partnership.users[Role.PROBATION_OFFICER]
    officer.email = "po@example.org"
    officer.save()
    mail = Notification.objects.create(
        recipient=officer, subject="Pack ready", body="Open it", status=NotificationStatus.FAILED, attempts=3, error="mailbox full"
    )
    Notification.objects.create(
        person=partnership.ordinary,
        to_number="+447700900123",
        channel=Channel.SMS,
        subject="",
        body="Reminder",
        status=NotificationStatus.FAILED,
        attempts=1,
        error="refused …123",
    )
    session.sign_in(Role.SYSTEM_ADMIN.value, PASSWORD)
    session.go("/notifications/outbox/")
    page = session.page
    table = page.locator("table").inner_text()
    assert "Failed messages, newest first (2)" in table
    assert "Text to a person (…123)" in table and "mailbox full" in table
    assert "7700900123" not in page.content() and "Pack ready" not in page.content()
    session.assert_accessible("outbox with failed messages")
    session.follow(f"button:has-text('Send again message {mail.pk}')")
    assert page.url.endswith("/notifications/outbox/")
    assert f"Message {mail.pk} sent again" in page.locator("main").inner_text()
    assert "Failed messages, newest first (1)" in page.locator("table").inner_text()
    assert "mailbox full" not in page.locator("table").inner_text()
    session.assert_accessible("outbox after sending again")
    assert [m["to"] for m in notify_fake.sent] == ["po@example.org"]
