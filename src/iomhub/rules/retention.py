"""How long each kind of record is kept, and when a record's time is up. Pure Python: no Django.

The seeds say nothing about retention periods: 000 §5.10 asks for systems "compliant with the Data
Protection Act" (storage limitation: personal data kept no longer than necessary) and an identified
Information Governance Lead; the brief makes retention the IG lead's. The partnership's periods are
therefore data the IG lead edits (``operations.RetentionRule``); :data:`DEFAULT_PERIODS` are the
starting values the service is installed with, each chosen and justified in ADR 0021.

A period is whole calendar months counted back from today: a record whose clock started on
``cutoff(today, months)`` or later is kept; one whose clock started before it is past its period.
Counting back from the 31st into a shorter month lands on that month's last day.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from iomhub.rules.dates import add_months, require_date

MAX_MONTHS = 1200  # a hundred years: anything longer is a typing mistake


@dataclass(frozen=True)
class DefaultPeriod:
    months: int
    starts: str  # when the record's clock starts, in words
    basis: str  # why this period


# ADR 0021 gives the reasoning; the IG lead can change each (audited).
DEFAULT_PERIODS: dict[str, DefaultPeriod] = {
    "candidate": DefaultPeriod(
        24,
        "the last time anything was recorded about the person (their record changed, an arrest, a referral)",
        "Never registered on IOM: the candidate list screens a year of arrests (002 eligibility); a second year "
        "covers a referral made late. After that the partnership has no purpose for the record.",
    ),
    "closed-case": DefaultPeriod(
        84,
        "the end of the person's last IOM registration (and nothing recorded about them since)",
        "IOM case closed: six years (the limitation period for a claim about how the case was handled) plus one "
        "year for a re-referral or complaint to be raised; matches the common probation practice of seven years.",
    ),
    "intelligence": DefaultPeriod(
        72,
        "the date of the intelligence note",
        "Police intelligence: reviewed at six years, as the Authorised Professional Practice on information "
        "management (MoPI) asks of most intelligence; the force's own system keeps its master copy.",
    ),
    "audit": DefaultPeriod(
        84,
        "the time of the audit event",
        "Audit log: kept as long as the longest record it accounts for (seven years), so a subject access "
        "request or complaint about a closed case can still be answered with who looked at it.",
    ),
}


def cutoff(today: datetime.date, months: int) -> datetime.date:
    """The earliest start date still within ``months`` of ``today``."""
    today = require_date("today", today)
    if not 1 <= months <= MAX_MONTHS:
        raise ValueError(f"A retention period must be between 1 and {MAX_MONTHS} months, not {months}")
    return add_months(today, -months)


def is_past(started: datetime.date, today: datetime.date, months: int) -> bool:
    """Whether a record whose clock started on ``started`` has outlived a period of ``months``."""
    return require_date("started", started) < cutoff(today, months)
