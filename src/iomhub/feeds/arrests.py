"""The custody arrests feed (issue 11 §1; ``docs/feeds/arrests.md``): its columns, how a row is
checked beyond who it is about, and how it is recorded.

IOM police officers "conduct daily intelligence and information checks on cohort members … to be
kept up to date with … overnight arrests" (002 §3); the custody suite's record is the source.
An arrest is recorded through ``justice.services.arrest_record``; the natural key person +
``arrested_at`` + custody suite is ``ArrestLink``'s unique constraint.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils import timezone

from iomhub import clock
from iomhub.feeds.alerts import arrest_alerts
from iomhub.feeds.models import ArrestLink
from iomhub.feeds.rows import IDENTITY_MAX_LENGTH, FeedRow, Identity, RowFaults, choice, offence_code, parse_datetime, text_key
from iomhub.feeds.spec import Checked, FeedSpec
from iomhub.justice.models import ArrestOutcome
from iomhub.justice.services import arrest_record

if TYPE_CHECKING:
    from iomhub.access.models import User
    from iomhub.feeds.linkage import Link
    from iomhub.feeds.models import ImportRun

COLUMNS = ("pnc_id", "family_name", "given_name", "date_of_birth", "arrested_at", "custody_suite", "offence_code", "outcome")
MAX_LENGTH = {**IDENTITY_MAX_LENGTH, "arrested_at": 40, "custody_suite": 200, "offence_code": 10, "outcome": 40}
# Outcomes as custody records word them, to the justice record's arrest outcomes.
OUTCOMES = {
    "charged": ArrestOutcome.CHARGE,
    "charge": ArrestOutcome.CHARGE,
    "no further action": ArrestOutcome.NFA,
    "nfa": ArrestOutcome.NFA,
    "caution": ArrestOutcome.CAUTION,
    "cautioned": ArrestOutcome.CAUTION,
    "released under investigation": ArrestOutcome.RUI,
    "rui": ArrestOutcome.RUI,
    "bailed": ArrestOutcome.BAIL,
    "bail": ArrestOutcome.BAIL,
}
OUTCOME_WORDING = "Charged, No further action, Caution, Released under investigation or Bailed"
_OUTCOME_VALUES = {word: str(outcome) for word, outcome in OUTCOMES.items()}  # as ``choice`` answers, made once
# The date an arrest time says in its own offset is within two days of its date in any time zone
# (offsets are under a day either way): an arrest two days or more after the date of birth by it is
# not before the birth in England, without asking Django's current time zone (a context variable) a row.
_TWO_DAYS = datetime.timedelta(days=2)


def suite_key(suite: str) -> str:
    return text_key(suite)


def _before_birth(arrested_at: datetime.datetime, born: datetime.date) -> bool:
    """Whether the arrest's date in England is before the birth. Two days or more before it by the
    time's own offset is, without moving the time to England's zone: a time near the start of the
    calendar (year 1, the earliest ``fromisoformat`` reads) has no date in another zone to move to
    (``OverflowError``), nor a date two days before it. Every date of birth is 1900 or later."""
    return arrested_at.date() < born - _TWO_DAYS or timezone.localdate(arrested_at) < born


def check(clean: dict[str, str], found: RowFaults, who: Identity | None, catalogue: frozenset[str]) -> Checked | None:
    found.at = "arrested_at"
    arrested_at, why = parse_datetime(clean["arrested_at"])
    if arrested_at is None:
        found.add("arrested_at", why)
    elif arrested_at > clock.now():
        found.add("arrested_at", f"{clean['arrested_at']} is in the future")
    elif who is not None and arrested_at.date() < who.date_of_birth + _TWO_DAYS and _before_birth(arrested_at, who.date_of_birth):
        found.add("arrested_at", f"{clean['arrested_at']} is before the date of birth")
    found.at = ""
    code = offence_code(clean, "offence_code", found, catalogue)
    outcome = choice(clean, "outcome", found, _OUTCOME_VALUES, OUTCOME_WORDING)
    if found.faults or arrested_at is None:
        return None
    suite = " ".join(clean["custody_suite"].split())
    utc = arrested_at if arrested_at.tzinfo is datetime.UTC else arrested_at.astimezone(datetime.UTC)
    key = (utc.isoformat(), suite_key(suite))
    facts = {"arrested_at": arrested_at, "custody_suite": suite, "offence_code": code, "outcome": outcome}
    return key, facts, (code, outcome)


def record(row: FeedRow, link: Link, run: ImportRun, acting_user: User) -> bool:
    """Record the arrest for the linked person: True if recorded, False if already there."""
    facts = row.facts
    person = link.person
    existing = ArrestLink.objects.filter(person=person, arrested_at=facts["arrested_at"], suite_key=row.key[1]).first()
    if existing is not None:
        if existing.outcome != facts["outcome"] or existing.offence_code != facts["offence_code"]:
            raise ValidationError(
                {
                    "outcome": [
                        f"This arrest is already recorded (import {existing.run_id}, line {existing.line}) with offence "
                        f"{existing.offence_code} and outcome {ArrestOutcome(existing.outcome).label}; the file says "
                        f"{facts['offence_code']} and {row.values.get('outcome', '').strip()}. Correct it on the person's Justice tab."
                    ]
                }
            )
        return False
    arrest = arrest_record(
        acting_user=acting_user,
        person=person,
        arrested_on=timezone.localdate(facts["arrested_at"]),
        custody_suite=facts["custody_suite"],
        outcome=facts["outcome"],
        offence_codes=[facts["offence_code"]],
    )
    ArrestLink.objects.create(
        person=person,
        arrested_at=facts["arrested_at"],
        suite_key=row.key[1],
        arrest=arrest,
        outcome=facts["outcome"],
        offence_code=facts["offence_code"],
        method=link.method,
        agreed=list(link.agreed),
        run=run,
        line=row.line,
        row_key=row.row_key,
    )
    return True


SPEC = FeedSpec(
    feed="arrests",
    title="custody arrests",
    doc="docs/feeds/arrests.md",
    columns=COLUMNS,
    may_be_blank=frozenset({"pnc_id"}),  # identity columns other than names and date of birth (issue 11 §1)
    max_length=MAX_LENGTH,
    dates=frozenset({"date_of_birth"}),
    check=check,
    record=record,
    service_columns={
        "arrested_on": "arrested_at",
        "custody_suite": "custody_suite",
        "outcome": "outcome",
        "offence_codes": "offence_code",
    },
    duplicate_words="the same person, arrest time and custody suite",
    help_text="Overnight arrests from the custody suites (002 §3).",
    after_import=arrest_alerts,
)
