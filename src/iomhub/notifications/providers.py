"""Who delivers a notification (ADR 0020). A provider takes the recipient's address, the subject and
the body and returns its own reference, or raises :class:`DeliveryFailed`. GOV.UK Notify is a
further provider behind ``IOMHUB_NOTIFY_PROVIDER`` when it is wired; until then the outbox keeps the
messages (``log``: written to the service log, as sent) and the tests use :class:`FakeProvider`."""

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


class LogProvider:
    """Writes that a message went, never its body (which a later provider will deliver)."""

    def send(self, *, to: str, subject: str, body: str) -> str:
        if not to:
            raise DeliveryFailed("the recipient has no e-mail address")
        log.info("notification to a user: %s", subject)
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


_override: Provider | None = None


def provider() -> Provider:
    if _override is not None:
        return _override
    name = getattr(settings, "IOMHUB_NOTIFY_PROVIDER", "log")
    if name == "log":
        return LogProvider()
    raise DeliveryFailed(f"unknown notification provider {name!r}")


def use(replacement: Provider | None) -> None:
    """Tests put a fake provider at the world's edge (and ``use(None)`` takes it away)."""
    global _override
    _override = replacement
