"""Rules of the IOM referral and operational meeting. Pure Python: no Django.

Seed 002 §"Purpose of the Referral and Operational Meeting":

- "The IOM Co-ordinator will take notes of all agreed actions and circulate updated offender
  management plans to attendees via secure email **within 2 days of the meeting**."
  :func:`circulate_plans_by` reads the two days as working days (Monday to Friday, not an England
  and Wales bank holiday): circulation is an office task, and a meeting on a Thursday whose plans were
  due on the Saturday would make every Thursday meeting late by design. The reading is recorded in
  ADR 0009; the bank holidays come from the ``holidays`` library (ADR 0020), which is plain Python.
- "If the allocated officer is unable to attend the meeting they MUST provide a written update to
  the Chair **the day prior to the meeting or at the closest working day to the meeting**."
  :func:`written_update_due` is the last working day before the meeting.
- "All red cases to be discussed and RAG reviewed at each meeting. Amber cases at a minimum to be
  discussed every three months" and "Prison releases ... moved onto the live list 12 weeks prior to
  release": those come from the regime and prompt rules (``iomhub.rules.regime``,
  ``iomhub.rules.prompts``); :data:`AGENDA_ORDER` is the order the agenda takes them in.

England and Wales bank holidays (the ``holidays`` library's ``GB``/``ENG`` calendar, which
includes the substitute days such as "Boxing Day (observed)") are not working days.
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass

import holidays

from iomhub.rules.dates import require_date

CIRCULATE_WITHIN_WORKING_DAYS = 2

# The agenda in the order the seed lists the meeting's business (002 §"Purpose ..."): new referrals
# and their initial RAG, red cases, amber and other reviews due, prison releases and deregistration,
# then transfers in (002 §4: "the case must be heard at the next IOM operational meeting").
AGENDA_ORDER = (
    "referrals",
    "red",
    "reviews",
    "prompts",
    "deregistration-required",
    "reregistration",
    "transfers",
)


@dataclass(frozen=True)
class Deadline:
    due: datetime.date
    breakdown: tuple[str, ...]


@functools.lru_cache(maxsize=256)
def _bank_holidays(year: int) -> frozenset[datetime.date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def bank_holiday(day: datetime.date) -> bool:
    """An England and Wales bank holiday (``holidays`` library, substitute days included)."""
    return day in _bank_holidays(day.year)


def working_day(day: datetime.date) -> bool:
    """Monday to Friday and not an England and Wales bank holiday."""
    return day.weekday() < 5 and not bank_holiday(day)


def circulate_plans_by(*, held_on: datetime.date) -> Deadline:
    """The last day to circulate the updated offender management plans: 2 working days after the
    meeting (002 §2). A meeting held at a weekend counts from the next working day."""
    require_date("held_on", held_on)
    day, counted = held_on, 0
    while counted < CIRCULATE_WITHIN_WORKING_DAYS:
        day += datetime.timedelta(days=1)
        if working_day(day):
            counted += 1
    return Deadline(day, (f"{CIRCULATE_WITHIN_WORKING_DAYS} working days after the meeting on {held_on:%A %-d %B %Y} (002 §2)",))


def written_update_due(*, held_on: datetime.date) -> Deadline:
    """When an allocated officer who cannot attend must send the chair a written update: the day
    before the meeting, or the closest working day before it (002 §2)."""
    require_date("held_on", held_on)
    day = held_on - datetime.timedelta(days=1)
    while not working_day(day):
        day -= datetime.timedelta(days=1)
    why = "the day before the meeting" if day == held_on - datetime.timedelta(days=1) else "the closest working day before the meeting"
    return Deadline(day, (f"{why} (002 §2)",))


def circulated_late(*, held_on: datetime.date, circulated_on: datetime.date) -> bool:
    """True when the plans went out after :func:`circulate_plans_by`; refuses a date before the meeting."""
    require_date("held_on", held_on)
    require_date("circulated_on", circulated_on)
    if circulated_on < held_on:
        raise ValueError(f"circulated_on ({circulated_on}) is before the meeting ({held_on}): plans are circulated after it")
    return circulated_on > circulate_plans_by(held_on=held_on).due
