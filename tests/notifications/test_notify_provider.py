"""GOV.UK Notify through its own Python client (ADR 0020), against a local stand-in for Notify's HTTP
API: the edge of the world, faked only where the network would begin. The client, its signed token,
its request bodies and the outbox around it are the real ones."""

from __future__ import annotations

import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest

from iomhub.access.models import Role
from iomhub.notifications import providers
from iomhub.notifications.services import notification_queue

pytestmark = pytest.mark.django_db

SERVICE_ID = str(uuid.UUID(int=0x5E57))
SECRET = str(uuid.UUID(int=0xC0FFEE))
EMAIL_TEMPLATE = str(uuid.UUID(int=1))
SMS_TEMPLATE = str(uuid.UUID(int=2))


class StandIn(BaseHTTPRequestHandler):
    """Answers POST /v2/notifications/{email,sms} as Notify does: 201 with the notification's id, or
    the status and error body the test asks for."""

    received: list[dict] = []
    refuse_with: int | None = None

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        token = self.headers["Authorization"].removeprefix("Bearer ")
        claims = jwt.decode(token, SECRET, algorithms=["HS256"])
        type(self).received.append({"path": self.path, "body": body, "iss": claims["iss"]})
        if type(self).refuse_with:
            status, answer = (
                type(self).refuse_with,
                {"status_code": type(self).refuse_with, "errors": [{"error": "BadRequestError", "message": "no"}]},
            )
        else:
            status, answer = 201, {"id": f"notify-{len(type(self).received)}"}
        data = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def notify(settings):
    StandIn.received, StandIn.refuse_with = [], None
    server = ThreadingHTTPServer(("127.0.0.1", 0), StandIn)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.IOMHUB_NOTIFY_PROVIDER = "notify"
    settings.NOTIFY_API_KEY = f"iomhub_test-{SERVICE_ID}-{SECRET}"
    settings.NOTIFY_EMAIL_TEMPLATE, settings.NOTIFY_SMS_TEMPLATE = EMAIL_TEMPLATE, SMS_TEMPLATE
    settings.NOTIFY_BASE_URL = f"http://127.0.0.1:{server.server_address[1]}"
    yield StandIn
    server.shutdown()
    server.server_close()


def test_an_email_goes_to_notify_signed_for_the_service_with_the_template(notify):
    reference = providers.provider().send(to="po@example.org", subject="Minutes ready", body="Open them")
    assert reference == "notify-1"
    [sent] = notify.received
    assert sent["path"] == "/v2/notifications/email" and sent["iss"] == SERVICE_ID
    assert sent["body"]["email_address"] == "po@example.org" and sent["body"]["template_id"] == EMAIL_TEMPLATE
    assert sent["body"]["personalisation"] == {"subject": "Minutes ready", "body": "Open them"}


def test_a_text_goes_to_notify_with_the_sms_template(notify):
    assert providers.provider().send_sms(to="07700900123", body="Appointment tomorrow 10:00") == "notify-1"
    [sent] = notify.received
    assert sent["path"] == "/v2/notifications/sms" and sent["body"]["phone_number"] == "07700900123"
    assert sent["body"]["template_id"] == SMS_TEMPLATE and sent["body"]["personalisation"] == {"body": "Appointment tomorrow 10:00"}


def test_the_outbox_keeps_notifys_reference_and_a_refusal_as_failed(partnership, notify, django_capture_on_commit_callbacks):
    officer = partnership.users[Role.PROBATION_OFFICER]
    officer.email = "po@example.org"
    officer.save()
    coordinator = partnership.users[Role.COORDINATOR]
    with django_capture_on_commit_callbacks(execute=True):
        sent = notification_queue(acting_user=coordinator, recipient=officer, subject="S", body="B")
    notify.refuse_with = 400
    with django_capture_on_commit_callbacks(execute=True):
        refused = notification_queue(acting_user=coordinator, recipient=officer, subject="S2", body="B2")
    sent.refresh_from_db()
    refused.refresh_from_db()
    assert (sent.status, sent.provider_reference) == ("sent", "notify-1")
    assert refused.status == "failed" and "400" in refused.error and refused.provider_reference == ""
    assert len(notify.received) == 2


def test_no_answer_from_notify_is_a_failed_delivery_not_a_crash(settings, notify):
    settings.NOTIFY_BASE_URL = "http://127.0.0.1:9"  # nothing listens on the discard port
    with pytest.raises(providers.DeliveryFailed):
        providers.provider().send(to="po@example.org", subject="S", body="B")
