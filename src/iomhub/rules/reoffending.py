"""Proven reoffending: the binary rate and the frequency, on the Ministry of Justice measure.

Source: MoJ Proven Re-offending Statistics (quarterly bulletins; instruments.md §5.1): a proven
reoffence is "any offence committed in a one year follow-up period that leads to a court
conviction, caution, reprimand or warning in the one year follow-up or within a further six month
waiting period". Seed 004 asks for reoffending before and after IOM.

Conventions (instruments.md §5.1, [I], as the rules issue fixes them): the earliest index event per
person counts; an offence counts when index_date <= offence_date <= index_date + 12 months - 1 day
and proven_date <= index_date + 18 months - 1 day. With ``as_of``, people whose waiting period has
not ended by then are left out of the cohort and counted in ``not_yet_measurable``.
"""

from __future__ import annotations

import datetime
from collections.abc import Hashable, Iterable
from dataclasses import dataclass

from iomhub.rules.dates import add_months, require_date


@dataclass(frozen=True, slots=True)
class ReoffendingResult:
    cohort: int
    reoffenders: int
    reoffences: int
    rate: float | None
    per_reoffender: float | None
    per_offender: float | None
    not_yet_measurable: int
    breakdown: tuple[str, ...]


def follow_up_end(index_date: datetime.date) -> datetime.date:
    return add_months(index_date, 12) - datetime.timedelta(days=1)


def waiting_period_end(index_date: datetime.date) -> datetime.date:
    return add_months(index_date, 18) - datetime.timedelta(days=1)


def proven_reoffending(
    *,
    index_events: Iterable[tuple[Hashable, datetime.date]],
    proven_offences: Iterable[tuple[Hashable, datetime.date, datetime.date]],
    as_of: datetime.date | None = None,
) -> ReoffendingResult:
    if as_of is not None:
        require_date("as_of", as_of)
    index: dict[Hashable, datetime.date] = {}
    for i, event in enumerate(index_events):
        if not isinstance(event, tuple) or len(event) != 2:
            raise ValueError(f"index_events[{i}] must be a (person_id, index_date) pair, not {event!r}")
        person, day = event
        require_date(f"index_events[{i}] date", day)
        if person not in index or day < index[person]:
            index[person] = day
    pending = {p for p, d in index.items() if as_of is not None and waiting_period_end(d) >= as_of}
    cohort = {p: d for p, d in index.items() if p not in pending}
    counts: dict[Hashable, int] = {}
    for i, offence in enumerate(proven_offences):
        if not isinstance(offence, tuple) or len(offence) != 3:
            raise ValueError(f"proven_offences[{i}] must be a (person_id, offence_date, proven_date) triple, not {offence!r}")
        person, offence_date, proven_date = offence
        require_date(f"proven_offences[{i}] offence date", offence_date)
        require_date(f"proven_offences[{i}] proven date", proven_date)
        if proven_date < offence_date:
            raise ValueError(f"proven_offences[{i}]: proven date {proven_date} is before the offence date {offence_date}")
        start = cohort.get(person)
        if start is None:
            continue
        if start <= offence_date <= follow_up_end(start) and proven_date <= waiting_period_end(start):
            counts[person] = counts.get(person, 0) + 1
    reoffenders = len(counts)
    reoffences = sum(counts.values())
    size = len(cohort)
    return ReoffendingResult(
        cohort=size,
        reoffenders=reoffenders,
        reoffences=reoffences,
        rate=reoffenders / size if size else None,
        per_reoffender=reoffences / reoffenders if reoffenders else None,
        per_offender=reoffences / size if size else None,
        not_yet_measurable=len(pending),
        breakdown=(
            "12-month follow-up from the earliest index date; proven within a further 6 months (MoJ proven reoffending measure)",
            *((f"{len(pending)} people still in their waiting period on {as_of}",) if pending else ()),
        ),
    )
