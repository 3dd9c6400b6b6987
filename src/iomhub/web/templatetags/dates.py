"""The ``date`` filter, quicker for the formats the pages use (a template builtin: settings.TEMPLATES).

Django's ``date`` filter costs about 30 microseconds a date (format lookup, lazy translated month
names, a formatter object per value); the caseload, justice and timeline pages show one to two
hundred dates, a few milliseconds of every request (docs/operations.md, "HTML pages: where the time
went"; ADR 0040). This filter writes the same text for the formats built from the letters below, in
English, and hands everything else (other letters, escapes, a setting's name, no format, another
language, a value that is not a date) to Django's own filter. tests/web/test_date_filter.py checks
that both write the same text.

``govuk_date`` and ``govuk_datetime`` write a date and a moment as GOV.UK's style guide does
("4 December 2026"; "3 December 2026, 2:15am", "…, 9am", "…, midday", "…, midnight", in England's
time), from the same parts; they are filters too.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from functools import lru_cache

from django import template
from django.template.defaultfilters import date as django_date
from django.utils import timezone, translation

register = template.Library()

MONTHS = ("", "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

Part = Callable[[datetime.date], str]
DATE_PARTS: dict[str, Part] = {
    "j": lambda d: str(d.day),
    "d": lambda d: f"{d.day:02d}",
    "F": lambda d: MONTHS[d.month],
    "M": lambda d: MONTHS[d.month][:3],
    "m": lambda d: f"{d.month:02d}",
    "n": lambda d: str(d.month),
    "Y": lambda d: f"{d.year:04d}",
    "l": lambda d: WEEKDAYS[d.weekday()],
    "D": lambda d: WEEKDAYS[d.weekday()][:3],
}
TIME_PARTS: dict[str, Part] = {
    "H": lambda d: f"{d.hour:02d}",  # type: ignore[attr-defined]
    "i": lambda d: f"{d.minute:02d}",  # type: ignore[attr-defined]
    "s": lambda d: f"{d.second:02d}",  # type: ignore[attr-defined]
}


@lru_cache(maxsize=64)
def _plan(fmt: str) -> tuple[tuple[str | Part, ...], bool] | None:
    """The format as literal text and parts, and whether it needs a time; None for a format this
    filter leaves to Django's (a letter it does not know, an escape)."""
    plan: list[str | Part] = []
    needs_time = False
    for char in fmt:
        if char in DATE_PARTS:
            plan.append(DATE_PARTS[char])
        elif char in TIME_PARTS:
            plan.append(TIME_PARTS[char])
            needs_time = True
        elif char.isalpha() or char == "\\":
            return None
        else:
            plan.append(char)
    return tuple(plan), needs_time


def _write(parts: tuple[str | Part, ...], value: datetime.date) -> str:
    return "".join(p if isinstance(p, str) else p(value) for p in parts)


@register.filter(expects_localtime=True, is_safe=False)
def date(value: object, arg: str | None = None) -> str:
    plan = _plan(arg) if arg else None
    if plan is None or not isinstance(value, datetime.date) or not (translation.get_language() or "").startswith("en"):
        return django_date(value, arg)  # type: ignore[arg-type]  # it answers "" for anything else
    parts, needs_time = plan
    if needs_time and not isinstance(value, datetime.datetime):
        return django_date(value, arg)
    return _write(parts, value)


_GOVUK_DATE: tuple[str | Part, ...] = (DATE_PARTS["j"], " ", DATE_PARTS["F"], " ", DATE_PARTS["Y"])  # "j F Y"


@register.filter(is_safe=False)
def govuk_date(day: datetime.date) -> str:
    """ "4 December 2026": the day without a leading zero, the month in full."""
    return _write(_GOVUK_DATE, day)


def govuk_time(moment: datetime.datetime | datetime.time) -> str:
    """ "2:15am", "9am", "12:05pm", "midday", "midnight" (the clock as it reads; no zone)."""
    if (moment.hour, moment.minute) == (0, 0):
        return "midnight"
    if (moment.hour, moment.minute) == (12, 0):
        return "midday"
    hour = moment.hour % 12 or 12
    minutes = f":{moment.minute:02d}" if moment.minute else ""
    return f"{hour}{minutes}{'am' if moment.hour < 12 else 'pm'}"


@register.filter(is_safe=False)
def govuk_datetime(moment: datetime.datetime) -> str:
    """An aware moment in England's time (the current time zone): "3 December 2026, 2:15am"."""
    local = timezone.localtime(moment)
    return f"{govuk_date(local.date())}, {govuk_time(local)}"
