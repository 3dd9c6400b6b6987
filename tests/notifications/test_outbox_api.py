"""The outbox over the JSON API (issue 11 §6): what the outbox page lists and does, with the same
policy and audit. An administrator sees the failed messages only (newest first, paged), who each was
for without a person's name or number, and sends one again once; nothing of what a message says
(its subject, body or kind) reaches the list, since it would tell of a person's record."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from iomhub.access.models import AuditEvent, Role
from iomhub.notifications.models import Channel, Notification, NotificationStatus

pytestmark = pytest.mark.django_db

SECRET_SUBJECT = "Red Alert: Jordan Exemplar wanted"
SECRET_BODY = "Arrested overnight at Central custody for burglary"


@pytest.fixture
def outbox(partnership):
    """Four messages written as the send task leaves them: a failed e-mail to an officer, a failed
    text to a person (older), one sent and one still queued."""
    p = partnership
    officer = p.users[Role.PROBATION_OFFICER]
    officer.first_name, officer.last_name = "Pat", "Officer"
    officer.save()
    now = timezone.now()
    common = {"subject": SECRET_SUBJECT, "body": SECRET_BODY, "kind": "red-alert"}
    text = Notification.objects.create(
        person=p.ordinary,
        to_number="+447700900123",
        channel=Channel.SMS,
        status=NotificationStatus.FAILED,
        attempts=3,
        error="refused …123",
        created_at=now - datetime.timedelta(hours=2),
        **common,
    )
    mail = Notification.objects.create(
        recipient=officer,
        status=NotificationStatus.FAILED,
        attempts=1,
        error="GOV.UK Notify refused the e-mail (400)",
        created_at=now,
        **common,
    )
    Notification.objects.create(recipient=officer, status=NotificationStatus.SENT, attempts=1, **common)
    Notification.objects.create(recipient=officer, status=NotificationStatus.QUEUED, **common)
    return {"text": text, "mail": mail, "officer": officer}


def test_an_administrator_lists_the_failed_messages_newest_first_and_nothing_they_say(client, partnership, outbox, api_auth):
    response = client.get("/api/v1/outbox", **api_auth(Role.SYSTEM_ADMIN))
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [(m["id"], m["channel"], m["to"], m["recipient"], m["attempts"], m["status"]) for m in body["results"]] == [
        (outbox["mail"].pk, "email", "Pat Officer", outbox["officer"].pk, 1, "failed"),
        (outbox["text"].pk, "sms", "Text to a person (…123)", None, 3, "failed"),
    ]
    assert body["results"][0]["reason"] == "GOV.UK Notify refused the e-mail (400)"
    text = response.content.decode()
    for secret in ("Jordan", "Exemplar", "wanted", "burglary", "red-alert", "7700900123", partnership.ordinary.last_name):
        assert secret not in text, secret


def test_the_list_is_paged_and_refuses_a_malformed_page(client, outbox, api_auth):
    headers = api_auth(Role.IG_LEAD)
    first = client.get("/api/v1/outbox?limit=1", **headers).json()
    second = client.get("/api/v1/outbox?limit=1&offset=1", **headers).json()
    assert (first["count"], [m["id"] for m in first["results"]], [m["id"] for m in second["results"]]) == (
        2,
        [outbox["mail"].pk],
        [outbox["text"].pk],
    )
    assert first["next"] and second["next"] is None
    bad = client.get("/api/v1/outbox?limit=many", **headers)
    assert bad.status_code == 400 and "limit" in bad.content.decode()


def test_a_failed_message_is_sent_again_once_and_audited(
    client, partnership, outbox, api_auth, notify_fake, django_capture_on_commit_callbacks
):
    mail = outbox["mail"]
    outbox["officer"].email = "po@example.org"
    outbox["officer"].save()
    admin = partnership.users[Role.SYSTEM_ADMIN]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/api/v1/outbox/{mail.pk}/retry", **api_auth(Role.SYSTEM_ADMIN))
    assert response.status_code == 202, response.content
    mail.refresh_from_db()
    assert (mail.status, mail.attempts, mail.error) == (NotificationStatus.SENT, 2, "")
    assert notify_fake.sent == [{"to": "po@example.org", "subject": SECRET_SUBJECT, "body": SECRET_BODY}]
    event = AuditEvent.objects.filter(actor=admin, object_type="notification", object_id=str(mail.pk)).get()
    assert (event.action, event.changes) == ("change", {"retry": True})
    # Sent now: a second "send again" (a double click, a client's retry) finds no failed message.
    again = client.post(f"/api/v1/outbox/{mail.pk}/retry", **api_auth(Role.SYSTEM_ADMIN))
    assert again.status_code == 404 and len(notify_fake.sent) == 1
    assert client.get("/api/v1/outbox", **api_auth(Role.SYSTEM_ADMIN)).json()["count"] == 1


def test_a_message_that_is_not_failed_cannot_be_sent_again(client, outbox, api_auth, notify_fake):
    queued = Notification.objects.get(status=NotificationStatus.QUEUED)
    sent = Notification.objects.get(status=NotificationStatus.SENT)
    for note in (queued, sent):
        assert client.post(f"/api/v1/outbox/{note.pk}/retry", **api_auth(Role.SYSTEM_ADMIN)).status_code == 404
    assert client.post("/api/v1/outbox/999999/retry", **api_auth(Role.SYSTEM_ADMIN)).status_code == 404
    assert notify_fake.sent == []


@pytest.mark.parametrize(
    "role", [Role.POLICE_IOM_OFFICER, Role.PROBATION_OFFICER, Role.PARTNER_WORKER, Role.PERFORMANCE_LEAD, Role.EVALUATOR]
)
def test_a_role_that_may_not_list_users_gets_nothing_and_is_refused_audited(client, partnership, outbox, api_auth, notify_fake, role):
    user = partnership.users[role]
    listed = client.get("/api/v1/outbox", **api_auth(role))
    retried = client.post(f"/api/v1/outbox/{outbox['mail'].pk}/retry", **api_auth(role))
    assert (listed.status_code, retried.status_code) == (403, 403)
    assert "refused" not in listed.content.decode() and "Officer" not in listed.content.decode()
    assert AuditEvent.objects.filter(actor=user, action="denied").count() == 2
    outbox["mail"].refresh_from_db()
    assert (outbox["mail"].status, notify_fake.sent) == (NotificationStatus.FAILED, [])


def test_the_outbox_page_pages_past_its_first_hundred(client, partnership):
    officer = partnership.users[Role.PROBATION_OFFICER]
    start = timezone.now()
    Notification.objects.bulk_create(
        Notification(
            recipient=officer,
            subject="S",
            body="B",
            status=NotificationStatus.FAILED,
            attempts=1,
            error=f"reason number {i:03d}",
            created_at=start - datetime.timedelta(minutes=i),
        )
        for i in range(101)
    )
    client.force_login(partnership.users[Role.SYSTEM_ADMIN])
    first = client.get("/notifications/outbox/").content.decode()
    second = client.get("/notifications/outbox/?page=2").content.decode()
    assert "(101)" in first and "reason number 000" in first and "reason number 099" in first and "reason number 100" not in first
    assert "reason number 100" in second and "reason number 099" not in second
    assert 'rel="next"' in first and 'rel="prev"' in second
