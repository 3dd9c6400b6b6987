"""When and what IOM Hub may send to a person (issue 11 §6): "mobile phone reminders for
appointments" (000 §12.1), sent only to someone who agreed to them, never in quiet hours, and
worded so that whoever sees the phone learns nothing of an offence or of which agency is involved.
Pure Python: no Django."""

from __future__ import annotations

import datetime
import re

QUIET_FROM = datetime.time(20, 0)  # no text from 20:00 …
QUIET_UNTIL = datetime.time(8, 0)  # … until 08:00, local time
APPOINTMENT_KINDS = ("office-appointment", "home-visit", "joint-visit")  # booked ahead with the person (not in prison)
# Words a reminder must never carry: offences, the justice system, the agencies by name or kind.
FORBIDDEN = re.compile(
    r"\b(offen[cs]\w*|crim\w*|arrest\w*|convict\w*|court|prison|probation|police|custody|licen[cs]e|sentence\w*|"
    r"iom|integrated offender|drug\w*|alcohol|mappa|warrant\w*|recall\w*|bail\w*|charge\w*)\b",
    re.IGNORECASE,
)


def in_quiet_hours(at: datetime.datetime) -> bool:
    """``at`` is local (naive or aware, read as wall-clock time)."""
    t = at.time()
    return t >= QUIET_FROM or t < QUIET_UNTIL


def next_allowed(at: datetime.datetime) -> datetime.datetime:
    """``at`` itself outside quiet hours, else the end of the quiet hours (08:00 that or the next day)."""
    if not in_quiet_hours(at):
        return at
    day = at.date() if at.time() < QUIET_UNTIL else at.date() + datetime.timedelta(days=1)
    return at.replace(year=day.year, month=day.month, day=day.day, hour=QUIET_UNTIL.hour, minute=0, second=0, microsecond=0)


def appointment_reminder(on: datetime.date) -> str:
    """The reminder's text: the day only. No name of the service, the worker, an offence or a place."""
    return (
        f"Reminder: you have an appointment on {on:%A} {on.day} {on:%B}. "
        "If you cannot make it, please ring the number you were given. Reply STOP to stop these reminders."
    )


def safe_for_a_phone(text: str) -> bool:
    """No word of an offence, the justice system or an agency (``FORBIDDEN``)."""
    return FORBIDDEN.search(text) is None


def normalise_uk_mobile(value: str) -> str:
    """A UK mobile number as +447… (07…, 447…, +44 7… with any spacing); else ValueError."""
    digits = re.sub(r"[\s()-]", "", value or "")
    if digits.startswith("+44"):
        digits = "0" + digits[3:]
    elif digits.startswith("44"):
        digits = "0" + digits[2:]
    if not re.fullmatch(r"07\d{9}", digits):
        raise ValueError("Enter a UK mobile number, like 07700 900123")
    return "+44" + digits[1:]
