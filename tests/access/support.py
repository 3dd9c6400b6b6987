"""Helpers shared by the access tests: reading the audit log around a request, spotting leaks, and the
code an authenticator app would show."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Max
from django.urls import URLPattern, URLResolver, get_resolver
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from iomhub.access.models import AuditEvent


def code_for(device: TOTPDevice, *, offset_steps: int = 0) -> str:
    """The code the device's app shows now (``offset_steps`` 30-second steps later or earlier), as the
    service counts time for this device: its drift is read from the database first. A code accepted
    just after a step boundary stores a drift of -1, so a code reckoned from the drift the test held
    before would be a step ahead of what the service accepts next (the flake seen on 2026-12-07)."""
    if device.pk is not None:
        device.refresh_from_db(fields=["drift", "last_t"])
    value = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift + offset_steps)
    return f"{value:0{device.digits}d}"


def last_event_id() -> int:
    return AuditEvent.objects.aggregate(top=Max("id"))["top"] or 0


def events_since(since: int, **filters: Any) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(id__gt=since, **filters).order_by("id"))


def personal_strings(person: Any) -> list[str]:
    """Text that would give a person away if it appeared in a response."""
    dob = person.date_of_birth
    found = [
        person.first_name,
        f"{person.first_name} {person.last_name}",
        dob.isoformat(),
        dob.strftime("%d/%m/%Y"),
        f"{dob.day} {dob.strftime('%B')} {dob.year}",
    ]
    if person.pnc_id:
        found.append(person.pnc_id)
    return found


def leaked(body: bytes | str, *people: Any) -> list[str]:
    text = body.decode() if isinstance(body, bytes) else body
    return [s for person in people for s in personal_strings(person) if s and s in text]


@dataclass(frozen=True)
class Route:
    route: str  # the full pattern, e.g. "people/<int:person_id>/"
    name: str | None  # namespaced, e.g. "people:summary"
    callback: Any
    default_args: dict[str, Any]


def all_routes(patterns: Any = None, prefix: str = "", namespace: str | None = None) -> Iterator[Route]:
    """Every URL pattern, including those in included URLconfs."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = ":".join(n for n in (namespace, pattern.namespace) if n) or None
            yield from all_routes(pattern.url_patterns, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield Route(prefix + str(pattern.pattern), name, pattern.callback, dict(pattern.default_args))
        else:  # pragma: no cover - Django has only these two kinds
            raise AssertionError(f"unknown URL pattern type {pattern!r}")


_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")


def concrete(route: str, **values: Any) -> str:
    """The URL for a route pattern with its parameters filled in from ``values``."""

    def fill(match: re.Match[str]) -> str:
        name = match.group(2)
        if name not in values:
            raise KeyError(f"no value for <{name}> in {route}")
        return str(values[name])

    return "/" + _PARAM.sub(fill, route)


def parameters(route: str) -> set[str]:
    return {m.group(2) for m in _PARAM.finditer(route)}
