"""Query parameters checked the same way on every endpoint (issue 17): a value outside the allowed
choices is a 400 problem naming the parameter and the values allowed, never quietly ignored."""

from __future__ import annotations

from collections.abc import Iterable

from rest_framework.exceptions import ValidationError
from rest_framework.request import Request


def _refuse(name: str, allowed: list[str]) -> ValidationError:
    return ValidationError({name: [f"Must be one of: {', '.join(allowed)}"]})


def choice(request: Request, name: str, allowed: Iterable[str]) -> str | None:
    """The one value of ``name`` (None when left out); an unknown or empty value is refused."""
    choices = list(allowed)
    values = request.query_params.getlist(name)
    if not values:
        return None
    if len(values) > 1 or values[0] not in choices:
        raise _refuse(name, choices)
    return values[0]


def choices(request: Request, name: str, allowed: Iterable[str]) -> list[str]:
    """Every value of a repeatable ``name`` (``?kind=a&kind=b``); any unknown value is refused."""
    options = list(allowed)
    values = request.query_params.getlist(name)
    if any(v not in options for v in values):
        raise _refuse(name, options)
    return values
