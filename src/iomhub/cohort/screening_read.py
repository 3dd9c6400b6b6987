"""The justice facts screening can use on a day, read for many people at once (issue 15 §4).

``justice.selectors.screening_facts`` reads a person's whole justice record up to a day (the
candidate list and the reports cut it to other days after). Screening a batch of people on one
day needs only ``rules.eligibility.relevant_facts`` of it: the arrests in the rolling year and the
latest before them, neighbourhood-crime offences in the year, sentences that may be short custody
served on the day, breach warrants in the year while an order has been made, and the MAPPA level in
force. :func:`facts_on` reads exactly that, each table narrowed in the database by a window that
holds every row the rule can count (a superset: arrests and offences in the year, sentences begun
less than ``SHORT_CUSTODY_REACH`` before the day), and the rule's own ``relevant_facts`` cuts the
few sentences read to the exact part. A test compares it with ``relevant_facts`` of the whole record on
generated records at many days (tests/cohort/test_screening_read.py).

People are passed as a list of ids. On PostgreSQL the list is one array parameter
(``iomhub.pg_arrays.one_of``: ``= ANY(%s)``), not one parameter per person: building and quoting 5,000
parameters per query cost more than the queries. The caller has authorised the people and audits
its own read.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Max, Q, QuerySet

from iomhub.justice.models import Arrest, CourtOutcome, Disposal, MappaManagement, Offence, Sentence, Warrant
from iomhub.pg_arrays import Ids, one_of
from iomhub.rules.eligibility import (
    ARREST_THRESHOLD,
    NEIGHBOURHOOD_CRIME,
    SHORT_CUSTODY_LONGEST,
    SHORT_CUSTODY_REACH,
    JusticeFacts,
    may_be_eligible,
    serving_short_custody,
    year_before,
)

if TYPE_CHECKING:
    from iomhub.access.models import User


def of_people(queryset: QuerySet[Any], batch: Sequence[int]) -> Iterator[Any]:
    """The rows of ``queryset`` (a table with ``person_id``) of the people in ``batch`` (sorted ids):
    one array parameter on PostgreSQL (``iomhub.pg_arrays.one_of``), with the batch's first and
    last id as bounds the planner can use on the person index (a batch of neighbouring ids reads
    only their rows)."""
    if not batch:
        return iter(())
    bounded = queryset.filter(person_id__gte=batch[0], person_id__lte=batch[-1])
    return one_of(bounded, "person_id", batch if isinstance(batch, Ids) else Ids(batch))


def facts_on(person_ids: Iterable[int], as_of: datetime.date) -> dict[int, JusticeFacts]:
    """``relevant_facts`` of each person's justice record on ``as_of``, for the people in
    ``person_ids`` that have any (the others have none the rule can use). Seven queries, however
    many people; the rows read are those of the rolling year, not the whole history."""
    batch = person_ids if isinstance(person_ids, Ids) else Ids(person_ids)
    start = year_before(as_of)
    arrests: dict[int, list[datetime.date]] = defaultdict(list)
    in_year = Arrest.objects.filter(arrested_on__gt=start, arrested_on__lte=as_of).order_by()
    for pid, day in of_people(in_year.values_list("person_id", "arrested_on"), batch):
        arrests[pid].append(day)
    # The latest arrest before the year ranks candidates (its second key): one date a person.
    before = Arrest.objects.filter(arrested_on__lte=start).order_by().values("person_id").annotate(last=Max("arrested_on"))
    for pid, day in of_people(before.values_list("person_id", "last"), batch):
        arrests[pid].append(day)
    offences: dict[int, list[tuple[datetime.date, str]]] = defaultdict(list)
    crimes = Offence.objects.filter(
        committed_on__gt=start, committed_on__lte=as_of, code__neighbourhood_crime__in=NEIGHBOURHOOD_CRIME
    ).order_by()
    for pid, day, category in of_people(crimes.values_list("person_id", "committed_on", "code__neighbourhood_crime"), batch):
        offences[pid].append((day, category))
    custodial: dict[int, list[tuple[datetime.date, int]]] = defaultdict(list)
    sentences = Sentence.objects.filter(
        sentenced_on__gt=as_of - SHORT_CUSTODY_REACH, sentenced_on__lte=as_of, length_days__gte=1
    ).order_by()
    for pid, day, length in of_people(sentences.values_list("person_id", "sentenced_on", "length_days"), batch):
        if length is not None:  # always, by the filter: for the type checker
            custodial[pid].append((day, length))
    warrants = Warrant.objects.filter(kind=Warrant.Kind.BREACH, issued_on__gt=start, issued_on__lte=as_of).order_by()
    breached = set(of_people(warrants.values_list("person_id", flat=True), batch))
    orders = CourtOutcome.objects.filter(disposal__in=[Disposal.COMMUNITY, Disposal.SUSPENDED], decided_on__lte=as_of).order_by()
    on_order = set(of_people(orders.values_list("person_id", flat=True), Ids(breached)))
    mappa = _mappa_levels(batch, as_of)
    # The rows read are already the relevant ones, but for sentences (read by a wider window) and
    # order: this is ``relevant_facts`` of the whole record (the test compares the two).
    found: dict[int, JusticeFacts] = {}
    for pid in sorted(set(arrests) | set(offences) | set(custodial) | (breached & on_order) | {p for p, level in mappa.items() if level}):
        served = custodial.get(pid)
        found[pid] = JusticeFacts(
            arrest_dates=tuple(sorted(arrests[pid])) if pid in arrests else (),
            offences=tuple(sorted(offences[pid])) if pid in offences else (),
            custodial_sentences=tuple(sorted((d, n) for d, n in served if serving_short_custody(d, n, as_of))) if served else (),
            community_order_non_compliance=pid in breached and pid in on_order,
            mappa_level=mappa.get(pid),
        )
    return found


def _mappa_levels(batch: Sequence[int], as_of: datetime.date) -> dict[int, int | None]:
    """The level of each person's MAPPA record in force on ``as_of`` (None when management had
    ended): the latest record from on or before the day, as ``justice.selectors.mappa_levels``."""
    found: dict[int, int | None] = {}
    records = MappaManagement.objects.filter(from_date__lte=as_of).order_by("person_id", "from_date", "id")
    for pid, _day, _id, level in sorted(of_people(records.values_list("person_id", "from_date", "id", "level"), batch)):
        found[pid] = level
    return found


def may_qualify(person_ids: Iterable[int], as_of: datetime.date) -> Ids:
    """Of ``person_ids``, those ``rules.eligibility.may_be_eligible`` keeps on ``as_of``: everyone
    the rule could find eligible, and usually few more (issue 15 §4). The database counts and
    narrows (six arrests in the rolling year, a neighbourhood-crime offence in it, a sentence of at
    most ``SHORT_CUSTODY_LONGEST`` days begun within ``SHORT_CUSTODY_REACH``, a breach warrant in the
    year, a current PPO registration, a submitted referral with a group ticked Y); the pure rule
    decides on what it read. Six queries, however many people; the caller screens those kept with
    the rule itself. A test checks on generated records that nobody eligible is left out
    (tests/cohort/test_screening_read.py)."""
    batch = person_ids if isinstance(person_ids, Ids) else Ids(person_ids)
    start = year_before(as_of)
    in_year = Arrest.objects.filter(arrested_on__gt=start, arrested_on__lte=as_of).order_by().values("person_id")
    many = in_year.annotate(n=Count("id")).filter(n__gte=ARREST_THRESHOLD)
    arrests = dict(of_people(many.values_list("person_id", "n"), batch))
    crimes = Offence.objects.filter(committed_on__gt=start, committed_on__lte=as_of, code__neighbourhood_crime__in=NEIGHBOURHOOD_CRIME)
    crime = set(of_people(crimes.order_by().values_list("person_id", flat=True), batch))
    sentences: dict[int, list[tuple[datetime.date, int]]] = defaultdict(list)
    short = Sentence.objects.filter(
        sentenced_on__gt=as_of - SHORT_CUSTODY_REACH, sentenced_on__lte=as_of, length_days__gte=1, length_days__lte=SHORT_CUSTODY_LONGEST
    ).order_by()
    for pid, day, length in of_people(short.values_list("person_id", "sentenced_on", "length_days"), batch):
        sentences[pid].append((day, length))
    warrants = Warrant.objects.filter(kind=Warrant.Kind.BREACH, issued_on__gt=start, issued_on__lte=as_of).order_by()
    breached = set(of_people(warrants.values_list("person_id", flat=True), batch))
    ppo = ppo_people(batch)
    grouped = {pid for pid, groups in priority_groups(batch, as_of, None).items() if groups}
    return Ids(
        pid
        for pid in set(arrests) | crime | set(sentences) | breached | ppo | grouped
        if may_be_eligible(
            as_of=as_of,
            arrests_in_year=arrests.get(pid, 0),
            neighbourhood_crime_in_year=pid in crime,
            custodial_sentences=sentences.get(pid, ()),
            breach_warrant_in_year=pid in breached,
            ppo=pid in ppo,
            priority_groups=pid in grouped,
        )
    )


def ppo_people(batch: Ids) -> set[int]:
    """Those of ``batch`` on IOM now as a prolific and priority offender (002 appendix 2)."""
    from iomhub.cohort.models import Registration

    return set(
        of_people(Registration.objects.filter(ended_on__isnull=True, ppo=True).order_by().values_list("person_id", flat=True), batch)
    )


def priority_groups(batch: Ids, as_of: datetime.date, user: User | None) -> dict[int, set[str]]:
    """The priority groups answered Y on each person's submitted referrals (referred on or before
    ``as_of``); with ``user``, only the referrals that user may see."""
    from iomhub.access.policy import Action, can
    from iomhub.referrals.models import PriorityGroup, Referral

    submitted = Referral.objects.exclude(status=Referral.Status.DRAFT).filter(
        Q(submitted_at__isnull=True) | Q(submitted_at__date__lte=as_of)
    )
    known = set(PriorityGroup.values)
    groups: dict[int, set[str]] = {}
    rows: Iterable[tuple[int | None, Any]]
    if user is None:  # internal use: every referral counts, so no referral needs to be a model instance
        rows = of_people(submitted.order_by().values_list("person_id", "priority_groups"), batch)
    else:
        rows = (
            (r.person_id, r.priority_groups)
            for r in of_people(submitted.select_related("person"), batch)
            if can(user, Action.REFERRAL_VIEW, r)
        )
    for pid, ticked in rows:
        if pid is None:
            continue
        groups.setdefault(pid, set()).update(g for g, yes in (ticked or {}).items() if yes is True and g in known)
    return groups
