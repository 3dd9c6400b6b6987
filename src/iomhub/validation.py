"""The one set of checks on what people type (issue 14): text and dates, each adding a message that
names the field to ``errors`` (a ``ValidationError`` dict), so one bad answer never hides another.
Every service uses these; the label is written as the message needs it ("the custody suite")."""

from __future__ import annotations

import datetime
from typing import Any

from iomhub import clock
from iomhub.rules import date_windows
from iomhub.rules.dates import long_date
from iomhub.rules.numbers import NotWhole, whole_number
from iomhub.rules.text_direction import bidi_control

__all__ = [
    "NotWhole",
    "bidi_message",
    "clean_choice",
    "clean_date",
    "clean_text",
    "clean_whole",
    "not_after",
    "posted_version",
    "text_direction_errors",
    "whole_number",
]

# A version posted that is not a whole number: no record has it, so the save is refused as stale
# (nothing saved; the page says the record changed and to look again) rather than made unchecked.
UNREADABLE_VERSION = -1


def _capital(label: str) -> str:
    return f"{label[0].upper()}{label[1:]}"


def clean_text(
    errors: dict[str, list[str]], name: str, value: Any, label: str, *, required: bool, limit: int, collapse: bool = False
) -> str:
    """``value`` stripped (with ``collapse``, every run of spaces and line breaks made one space);
    "Enter ``label``" when required and empty, refused when over ``limit`` characters, holding a
    NUL (which PostgreSQL cannot store) or a text-direction control (``bidi_message``)."""
    found = str(value or "").strip()
    if collapse:
        found = " ".join(found.split())
    if required and not found:
        errors.setdefault(name, []).append(f"Enter {label}")
    elif len(found) > limit:
        errors.setdefault(name, []).append(f"{_capital(label)} must be {limit} characters or fewer")
    elif "\x00" in found:
        errors.setdefault(name, []).append(f"{_capital(label)} contains a character that is not allowed: null characters are refused")
    elif control := bidi_control(found):
        errors.setdefault(name, []).append(bidi_message(label, control))
    return found


def bidi_message(label: str, control: str) -> str:
    """The one message for a text-direction control (``rules.text_direction``) in a field, on the
    pages and the API alike: "The summary contains a control or invisible character (U+202E): type
    it again without it". The words of a name's (``people.validators.name_errors``) and of a feed
    cell's ("Contains a control or invisible character (U+202E)", the report naming the column)."""
    return f"{_capital(label)} contains a control or invisible character ({control}): type it again without it"


def text_direction_errors(errors: dict[str, list[str]], values: dict[str, tuple[Any, str]]) -> None:
    """For text not read by ``clean_text`` (a reason cleaned by its own service, a person's address
    line): ``values`` maps a field to (its value, its label); a value holding a text-direction
    control adds ``bidi_message`` to that field."""
    for name, (value, label) in values.items():
        control = bidi_control(value) if isinstance(value, str) else None
        if control:
            errors.setdefault(name, []).append(bidi_message(label, control))


def clean_whole(
    errors: dict[str, list[str]],
    name: str,
    value: Any,
    label: str,
    *,
    required: bool,
    minimum: int = 0,
    maximum: int | None = None,
) -> int | None:
    """``value`` (text of ASCII digits only, or an ``int``) as a whole number from ``minimum`` to
    ``maximum``, read by ``rules.numbers.whole_number``: "Enter ``label``" when required and empty
    (None or ""), "``Label`` must be a whole number from ..." otherwise; None returned on any
    error. "²", "٣", "-1", "1e3", " 5 " and 5000 digits are all refused, never a crash."""
    if value is None or value == "":
        if required:
            errors.setdefault(name, []).append(f"Enter {label}")
        return None
    try:
        return whole_number(value, minimum=minimum, maximum=maximum)
    except NotWhole as reason:
        errors.setdefault(name, []).append(f"{_capital(label)} {reason}")
        return None


def posted_version(raw: str | None) -> int | None:
    """The record's version a page was read at (its hidden ``version`` field): None when none was
    sent, ``UNREADABLE_VERSION`` (which no record has, so the edit is refused as stale) when it is
    not a whole number ("²", 5000 digits). Before, such a value was read as "none sent" and the
    edit skipped the check that stops one person's change overwriting another's."""
    if raw is None or raw == "":
        return None
    try:
        return whole_number(raw)
    except NotWhole:
        return UNREADABLE_VERSION


def clean_date(
    errors: dict[str, list[str]],
    name: str,
    value: Any,
    label: str,
    *,
    born: datetime.date | None = None,
    future: bool = False,
    within_years: int | None = None,
) -> datetime.date:
    """``value`` if it is a date (a date and time is not): "Enter ``label``" otherwise (and
    ``date.min`` returned); refused when after today (unless ``future``) or before ``born``. A
    ``future`` date with ``within_years`` is refused after ``rules.date_windows.horizon`` ("The due
    date must be within 2 years of today"): today is ``iomhub.clock``'s."""
    if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
        errors.setdefault(name, []).append(f"Enter {label}")
        return datetime.date.min
    if not future and value > clock.today():
        errors.setdefault(name, []).append(f"{_capital(label)} must be today or in the past")
    elif future and within_years is not None and not date_windows.within_years(value, clock.today(), within_years):
        errors.setdefault(name, []).append(f"{_capital(label)} must be within {within_years} years of today")
    if born is not None and value < born:
        errors.setdefault(name, []).append(f"{_capital(label)} must be after the person's date of birth")
    return value


def not_after(errors: dict[str, list[str]], name: str, value: Any, label: str, latest: datetime.date, why: str) -> None:
    """A date ``value`` after ``latest`` adds "``Label`` must be on or before 30 September 2056, ``why``"
    (``why``: "the end of the sentence"); anything not a date is left to the other checks."""
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime) and value > latest:
        errors.setdefault(name, []).append(f"{_capital(label)} must be on or before {long_date(latest)}, {why}")


def clean_choice(
    errors: dict[str, list[str]], name: str, value: Any, choices: Any, label: str, *, required: bool = True, missing: str = ""
) -> str:
    """``value`` as text: "Select ``label``" (or ``missing``) when required and empty, "Select a valid
    ``label``" when it is not one of ``choices`` (a Django ``TextChoices``)."""
    found = str(value or "")
    if not found:
        if required:
            errors.setdefault(name, []).append(missing or f"Select {label}")
        return ""
    if found not in choices.values:
        errors.setdefault(name, []).append(f"Select a valid {label}")
    return found
