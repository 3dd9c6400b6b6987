"""Who delivers a notification (ADR 0020). A provider takes the recipient's address, the subject and
the body and returns its own reference, or raises :class:`DeliveryFailed`. ``IOMHUB_NOTIFY_PROVIDER``
chooses: ``log`` (the default: written to the service log, as sent) or ``notify`` (GOV.UK Notify
through ``notifications-python-client``, :class:`NotifyProvider`); the tests use :class:`FakeProvider`,
and GOV.UK Notify's own client is tested against a local stand-in for its HTTP API."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Protocol

from django.conf import settings

log = logging.getLogger("iomhub.notifications")


class DeliveryFailed(Exception):
    """The provider refused or could not take the message."""


class Provider(Protocol):
    def send(self, *, to: str, subject: str, body: str) -> str: ...

    def send_sms(self, *, to: str, body: str) -> str: ...


class LogProvider:
    """Writes that a message went, never its body (which a later provider will deliver)."""

    def send(self, *, to: str, subject: str, body: str) -> str:
        if not to:
            raise DeliveryFailed("the recipient has no e-mail address")
        log.info("notification to a user: %s", subject)
        return "log"

    def send_sms(self, *, to: str, body: str) -> str:
        if not to:
            raise DeliveryFailed("no mobile number")
        log.info("text message to a person")
        return "log"


@dataclass
class FakeProvider:
    """For tests: keeps what it was given; ``fail_for`` addresses are refused."""

    sent: list[dict[str, str]] = field(default_factory=list)
    fail_for: set[str] = field(default_factory=set)

    def send(self, *, to: str, subject: str, body: str) -> str:
        if to in self.fail_for or not to:
            raise DeliveryFailed(f"refused {to or 'an empty address'}")
        self.sent.append({"to": to, "subject": subject, "body": body})
        return f"fake-{len(self.sent)}"

    def send_sms(self, *, to: str, body: str) -> str:
        if to in self.fail_for or not to:
            raise DeliveryFailed(f"refused {to or 'an empty number'}")
        self.sent.append({"to": to, "subject": "", "body": body})
        return f"fake-{len(self.sent)}"


class NotifyProvider:
    """GOV.UK Notify (``notifications-python-client``), when ``IOMHUB_NOTIFY_PROVIDER=notify``:
    ``NOTIFY_API_KEY`` and the template ids ``NOTIFY_EMAIL_TEMPLATE`` / ``NOTIFY_SMS_TEMPLATE`` (each a
    template of one placeholder, ``((body))``, and ``((subject))`` for e-mail). A refusal (HTTP 4xx or
    5xx) or no answer at all is :class:`DeliveryFailed`, so the outbox keeps the message as failed to retry."""

    def __init__(self) -> None:
        from notifications_python_client.notifications import NotificationsAPIClient

        self.client = NotificationsAPIClient(  # type: ignore[no-untyped-call]  # the client has no annotations
            settings.NOTIFY_API_KEY, base_url=getattr(settings, "NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk"), timeout=10
        )

    def send(self, *, to: str, subject: str, body: str) -> str:
        from notifications_python_client.errors import APIError

        try:
            sent = self.client.send_email_notification(  # type: ignore[no-untyped-call]
                email_address=to,
                template_id=getattr(settings, "NOTIFY_EMAIL_TEMPLATE", ""),
                personalisation={"subject": subject, "body": body},
            )
        except APIError as exc:
            raise DeliveryFailed(f"GOV.UK Notify refused the e-mail ({exc.status_code})") from exc
        return str(sent["id"])

    def send_sms(self, *, to: str, body: str) -> str:
        from notifications_python_client.errors import APIError

        try:
            sent = self.client.send_sms_notification(  # type: ignore[no-untyped-call]
                phone_number=to, template_id=getattr(settings, "NOTIFY_SMS_TEMPLATE", ""), personalisation={"body": body}
            )
        except APIError as exc:
            raise DeliveryFailed(f"GOV.UK Notify refused the text ({exc.status_code})") from exc
        return str(sent["id"])


_override: Provider | None = None


def provider() -> Provider:
    if _override is not None:
        return _override
    name = getattr(settings, "IOMHUB_NOTIFY_PROVIDER", "log")
    if name == "log":
        return LogProvider()
    if name == "notify":
        return NotifyProvider()
    raise DeliveryFailed(f"unknown notification provider {name!r}")


def use(replacement: Provider | None) -> None:
    """Tests put a fake provider at the world's edge (and ``use(None)`` takes it away)."""
    global _override
    _override = replacement
