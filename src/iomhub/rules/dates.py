"""Calendar arithmetic the rules share (standard library only).

"One calendar month after 31 January" is the last day of February: the same day next month, or
that month's last day when it has no such day (the convention of PSI 5.5 and of the seeds).
"""

from __future__ import annotations

import calendar
import datetime


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` calendar months later (or earlier), clamped to the month's last day."""
    total = day.year * 12 + (day.month - 1) + months
    year, month = divmod(total, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    return datetime.date(year, month, min(day.day, last))


def long_date(day: datetime.date) -> str:
    """A date as GOV.UK writes it to people: "5 December 2026" (no leading zero, no ISO)."""
    return f"{day.day} {day:%B %Y}"


def last_day_of_month(day: datetime.date) -> datetime.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def whole_years_between(start: datetime.date, end: datetime.date) -> int:
    """Completed years from ``start`` to ``end`` (an age on a date)."""
    years = end.year - start.year
    if (end.month, end.day) < (start.month, start.day):
        years -= 1
    return years


def require_date(name: str, value: object) -> datetime.date:
    if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
        raise ValueError(f"{name} must be a date, not {value!r}")
    return value


def require_int(name: str, value: object, *, minimum: int | None = None, maximum: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name} must be a whole number, not {value!r}")
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be {minimum} or more, not {value}")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be {maximum} or less, not {value}")
    return value
