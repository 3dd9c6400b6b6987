"""Keeping the screening table (``ScreeningPeriod``, ADR 0036) current.

The justice services call :func:`refresh` for the person whose record they changed, in the same
transaction (arrests, offences, court outcomes, warrants, sentences); :func:`rebuild` works the whole
table out again (``python -m iomhub rebuild_screening``: after a bulk load, a merge of two people's
records or a change to the offence catalogue). Until the first rebuild the table is not in use
(:func:`in_use` is False), refreshing does nothing and the candidate list screens on the fly.

The facts are the ones ``justice.selectors.screening_facts`` reads (arrests, offences with their
neighbourhood-crime category, sentences with a length in days, breach warrants, community and
suspended sentence orders), over the whole record rather than up to one day; the periods come from
``iomhub.rules.screening_periods``.
"""

from __future__ import annotations

import datetime
import time
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet

from iomhub.justice.models import Arrest, CourtOutcome, Disposal, Offence, Sentence, Warrant
from iomhub.justice.screening_models import ScreeningPeriod, ScreeningRebuild
from iomhub.rules.dates import add_months
from iomhub.rules.screening_periods import periods

BATCH = 2000  # people worked out at a time by a rebuild


def in_use() -> bool:
    """Whether the table has been built (and so is kept current and read)."""
    return ScreeningRebuild.objects.exists()


def periods_on(day: datetime.date) -> QuerySet[ScreeningPeriod]:
    """The periods that hold ``day``: one per person who may be a candidate on it."""
    return ScreeningPeriod.objects.filter(starts_on__lte=day, ends_on__gte=day)


def _records(person_ids: list[int]) -> dict[int, dict[str, list[Any]]]:
    """Each person's facts for ``rules.screening_periods.periods``: five queries."""
    found: dict[int, dict[str, list[Any]]] = defaultdict(
        lambda: {"arrest_dates": [], "offences": [], "custodial_sentences": [], "breach_warrants": [], "orders": []}
    )
    for pid, day in Arrest.objects.filter(person_id__in=person_ids).values_list("person_id", "arrested_on"):
        found[pid]["arrest_dates"].append(day)
    offences = Offence.objects.filter(person_id__in=person_ids).values_list("person_id", "committed_on", "code__neighbourhood_crime")
    for pid, day, category in offences:
        found[pid]["offences"].append((day, category or "other"))
    sentences = Sentence.objects.filter(person_id__in=person_ids, length_days__isnull=False)
    for pid, day, length in sentences.values_list("person_id", "sentenced_on", "length_days"):
        found[pid]["custodial_sentences"].append((day, length))
    for pid, day in Warrant.objects.filter(person_id__in=person_ids, kind=Warrant.Kind.BREACH).values_list("person_id", "issued_on"):
        found[pid]["breach_warrants"].append(day)
    orders = CourtOutcome.objects.filter(person_id__in=person_ids, disposal__in=[Disposal.COMMUNITY, Disposal.SUSPENDED])
    for pid, day in orders.values_list("person_id", "decided_on"):
        found[pid]["orders"].append(day)
    return found


def _work_out(person_ids: list[int]) -> list[ScreeningPeriod]:
    return [
        ScreeningPeriod(
            person_id=pid, starts_on=p.starts_on, ends_on=p.ends_on, arrests_in_year=p.arrests_in_year, last_arrest=p.last_arrest
        )
        for pid, record in sorted(_records(person_ids).items())
        for p in periods(**record)
    ]


def refresh(person_ids: Iterable[int]) -> None:
    """Work out again the periods of ``person_ids`` (their justice record has just changed), while
    the table is in use. Called by the justice services inside their transaction."""
    ids = sorted(set(person_ids))
    if not ids or not in_use():
        return
    with transaction.atomic():
        ScreeningPeriod.objects.filter(person_id__in=ids).delete()
        ScreeningPeriod.objects.bulk_create(_work_out(ids))


def _people_with_events() -> list[int]:
    ids: set[int] = set(Arrest.objects.values_list("person_id", flat=True).distinct())
    ids |= set(Offence.objects.values_list("person_id", flat=True).distinct())
    ids |= set(Sentence.objects.filter(length_days__isnull=False).values_list("person_id", flat=True).distinct())
    ids |= set(
        Warrant.objects.filter(Q(kind=Warrant.Kind.BREACH)).values_list("person_id", flat=True).distinct()
    )  # breach with an order: both needed, so one of the two suffices here
    return sorted(ids)


def rebuild() -> ScreeningRebuild:
    """The whole table worked out again from the justice record, in one transaction (the candidate
    list reads the old table until it commits). Recorded as a ``ScreeningRebuild``."""
    started = time.perf_counter()
    people = _people_with_events()
    made = 0
    with transaction.atomic():
        ScreeningPeriod.objects.all().delete()
        for i in range(0, len(people), BATCH):
            made += len(ScreeningPeriod.objects.bulk_create(_work_out(people[i : i + BATCH]), batch_size=BATCH))
        return ScreeningRebuild.objects.create(people=len(people), periods=made, seconds=round(time.perf_counter() - started, 2))


def with_recent_events(person_ids: Iterable[int], as_of: datetime.date) -> set[int]:
    """Of ``person_ids``, those with an arrest, offence or sentence in the twelve months up to
    ``as_of``: the population the candidate list screens (``screening_facts(person_ids=None)``)."""
    ids = sorted(set(person_ids))
    year_ago = add_months(as_of, -12)
    found: set[int] = set(
        Arrest.objects.filter(person_id__in=ids, arrested_on__gt=year_ago, arrested_on__lte=as_of).values_list("person_id", flat=True)
    )
    found |= set(
        Offence.objects.filter(person_id__in=ids, committed_on__gt=year_ago, committed_on__lte=as_of).values_list("person_id", flat=True)
    )
    found |= set(
        Sentence.objects.filter(person_id__in=ids, sentenced_on__gt=year_ago, sentenced_on__lte=as_of).values_list("person_id", flat=True)
    )
    return found
