"""Claiming a once-only key, for a page's token (``iomhub.web.once``) and the API's Idempotency-Key
(``iomhub.access.idempotency``).

``claim`` inserts the key *in flight*; the unique constraint on (scope, key) lets one request of
several simultaneous ones win, whichever database. The winner runs the view and then ``finish``-es
the key (it succeeded: where it led is kept) or ``release``-s it (it failed: the key is free again).
A loser sees the key done (answer as the first did), or still in flight (wait a little, or say it is
being saved). A key in flight for longer than ``ONCE_IN_FLIGHT_STALE_SECONDS`` belonged to a request
that died part-way and is taken over; any key older than ``ONCE_KEY_EXPIRY_HOURS`` is forgotten (taken
over when used again, deleted by ``forget_expired``).
"""

from __future__ import annotations

import datetime
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from iomhub.web.models import OnceKey, OnceState

RUN, DONE, BUSY = "run", "done", "busy"


@dataclass(frozen=True)
class Claim:
    outcome: str  # RUN: this request owns the key; DONE: it was used; BUSY: another request holds it
    row: OnceKey


def expiry() -> datetime.timedelta:
    return datetime.timedelta(hours=getattr(settings, "ONCE_KEY_EXPIRY_HOURS", 24))


def stale_after() -> datetime.timedelta:
    return datetime.timedelta(seconds=getattr(settings, "ONCE_IN_FLIGHT_STALE_SECONDS", 60))


def _take_over(row: OnceKey, fingerprint: str, now: datetime.datetime) -> bool:
    """Start the key afresh for this request, if nobody else did since ``row`` was read."""
    taken = OnceKey.objects.filter(pk=row.pk, state=row.state, started_at=row.started_at).update(
        state=OnceState.IN_FLIGHT, started_at=now, finished_at=None, status=None, location="", resource_id="", fingerprint=fingerprint
    )
    if taken:
        row.state, row.started_at, row.finished_at, row.fingerprint = OnceState.IN_FLIGHT, now, None, fingerprint
        row.status, row.location, row.resource_id = None, "", ""
    return bool(taken)


def claim(scope: str, key: str, fingerprint: str = "") -> Claim:
    for _ in range(5):  # the row may vanish (released) or be taken over between the steps: look again
        now = timezone.now()
        try:
            with transaction.atomic():
                row = OnceKey.objects.create(scope=scope, key=key, fingerprint=fingerprint, started_at=now)
            return Claim(RUN, row)
        except IntegrityError:
            pass
        found = OnceKey.objects.filter(scope=scope, key=key).first()
        if found is None:
            continue
        expired = found.started_at <= now - expiry()
        crashed = found.state == OnceState.IN_FLIGHT and found.started_at <= now - stale_after()
        if expired or crashed:
            if _take_over(found, fingerprint, now):
                return Claim(RUN, found)
            continue
        return Claim(DONE if found.state == OnceState.DONE else BUSY, found)
    raise RuntimeError(f"could not claim a once-only key of {scope}")  # pragma: no cover - five races lost in a row


def finish(row: OnceKey, *, status: int, location: str = "", resource_id: str = "") -> None:
    """The request holding ``row`` succeeded: remember where it led (no body)."""
    OnceKey.objects.filter(pk=row.pk, started_at=row.started_at).update(
        state=OnceState.DONE, finished_at=timezone.now(), status=status, location=location[:2000], resource_id=resource_id[:64]
    )


def release(row: OnceKey) -> None:
    """The request holding ``row`` failed (or stored nothing): the key is free again."""
    OnceKey.objects.filter(pk=row.pk, started_at=row.started_at, state=OnceState.IN_FLIGHT).delete()


def wait_for(row: OnceKey, seconds: float) -> OnceKey | None:
    """Poll the key another request holds until it is done or released (None) or ``seconds`` pass
    (the row as last read, still in flight)."""
    deadline = time.monotonic() + seconds
    current: OnceKey | None = row
    while time.monotonic() < deadline:
        time.sleep(0.05)
        current = OnceKey.objects.filter(pk=row.pk).first()
        if current is None or current.state == OnceState.DONE:
            return current
    return current


def forget_expired(now: datetime.datetime | None = None) -> int:
    """Delete the keys older than the expiry (the daily retention job's step); how many went."""
    cutoff = (now or timezone.now()) - expiry()
    deleted, _ = OnceKey.objects.filter(started_at__lte=cutoff).delete()
    return deleted
