"""The candidate list (issue 5 §4; issue 15 §5): people not on IOM who meet the entry criteria on a
day, strongest evidence first, among the people the user may see.

Two ways to the same list (ADR 0036):
- **From the screening table** (``justice.ScreeningPeriod``, once built): the people whose justice
  record meets a criterion on the day, visible to the user and not on IOM, come back from one query
  already in the order of the first two ranking keys (arrests in the year, the latest arrest). Only
  the head of that order is screened with the rules (``screening.screen_people``: exclusions, the
  user's view of referrals and addresses), a batch at a time, until the list is full and nobody
  further down could rank inside it. People whose only criterion is a priority group on a referral
  are screened as well, whatever their place.
- **On the fly** (before the table is first built): everyone with a justice event in the year is
  screened (``screening.justice_facts``), as before.
Both rank with ``screening.top_candidates``; a test checks they agree on a factory dataset.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import F, Q, QuerySet

from iomhub.access import audit
from iomhub.access.errors import deny
from iomhub.access.policy import Action, decide, people_filter
from iomhub.cohort.models import Registration
from iomhub.cohort.screening import Screening, justice_facts, rank_key, screen_people, top_candidates

if TYPE_CHECKING:
    from iomhub.access.models import User
    from iomhub.people.models import Person
    from iomhub.referrals.selectors import Standing

WINDOW = 1000  # rows of the table's order read at a time (three numbers each), by the index in that order (justice_screening_rank)
BATCH = (100, 1000)  # people screened at a time from the table's order: twice the list, within these bounds


@dataclass(frozen=True)
class Candidates:
    available: bool  # False while the justice record is not there to screen against
    rows: list[tuple[Person, Screening]]
    # Who is already referred (or on IOM), by person id: shown instead of "Refer" (issue 18 §4).
    standing: dict[int, Standing] = field(default_factory=dict)
    more: bool = False  # there are candidates after ``rows`` (the next page)


def candidate_list(*, user: User, as_of: datetime.date, limit: int = 500, offset: int = 0) -> Candidates:
    """People not on IOM who meet the entry criteria on ``as_of``, strongest evidence first
    (issue 5 §4: arrests in the year, the latest arrest, then OGRS3), among the people the user may
    see: the ``offset``-th to the ``limit``-th (a page). Facts in bulk: a fixed number of queries
    for a given ``limit``. Audited as a search listing the people returned."""
    from iomhub.justice import screening_table
    from iomhub.referrals.selectors import standing_of

    decision = decide(user, Action.COHORT_MANAGE)
    if not decision:
        deny(user=user, action=Action.COHORT_MANAGE, reason=decision.reason, object_type="person")
    available = justice_facts([], as_of) is not None
    ranked: list[tuple[Person, Screening]] = []
    if available:
        read = _from_table if screening_table.in_use() else _on_the_fly
        ranked = read(user, as_of, limit + 1)
    rows = ranked[offset:limit]
    standing = standing_of(user=user, person_ids=[p.pk for p, _ in rows])
    audit.record_shown(
        actor=user,
        person_ids=[p.pk for p, _ in rows],
        object_type="person",
        changes={"purpose": "IOM candidate list", "as_of": as_of, "results": [p.pk for p, _ in rows], "referred": sorted(standing)},
    )
    return Candidates(available=available, rows=rows, standing=standing, more=len(ranked) > limit)


def _candidates_visible(user: User) -> QuerySet[Person]:
    """The people ``user`` sees (the policy's filter) who are not on IOM: the list's universe."""
    from iomhub.people.models import Person

    registered = Registration.objects.filter(ended_on__isnull=True).values("person_id")
    return Person.objects.filter(people_filter(user)).exclude(pk__in=registered)


def _on_the_fly(user: User, as_of: datetime.date, limit: int) -> list[tuple[Person, Screening]]:
    """Everyone with a justice event in the year screened with the rules, then ranked."""
    facts = justice_facts(None, as_of) or {}
    people = list(_candidates_visible(user).filter(pk__in=list(facts)))
    by_id = {p.pk: p for p in people}
    eligible = screen_people(people, as_of, user=user, read=facts, eligible_only=True, ogrs3=False)
    return [(by_id[s.person_id], s) for s in top_candidates(eligible, by_id, limit=limit)]


def _evidence(arrests: int, last: datetime.date | None) -> tuple[int, int]:
    """The first two keys of ``screening.rank_key`` (smaller ranks first)."""
    return (-arrests, -(last.toordinal() if last else 0))


def _from_table(user: User, as_of: datetime.date, limit: int) -> list[tuple[Person, Screening]]:
    """The head of the screening table's order, screened with the rules a batch at a time."""
    from iomhub.justice import screening_table

    visible = _candidates_visible(user)
    # Everyone's periods in order (a range scan and a top-N sort); who the user sees and who is on IOM
    # is checked a batch at a time by id (a join to the policy's filter over every person took seconds
    # at 500,000 people).
    ordered = (
        screening_table.periods_on(as_of)
        .order_by("-arrests_in_year", F("last_arrest").desc(nulls_last=True), "person_id")
        .values_list("person_id", "arrests_in_year", "last_arrest")
    )
    by_id: dict[int, Person] = {}
    eligible: list[Screening] = []

    def screen(ids: Sequence[int]) -> None:
        people = list(visible.filter(pk__in=sorted(screening_table.with_recent_events(ids, as_of) - set(by_id))))
        by_id.update({p.pk: p for p in people})
        eligible.extend(screen_people(people, as_of, user=user, eligible_only=True, ogrs3=False))

    screen(_priority_group_people(as_of))
    offset, size = 0, min(max(2 * limit, BATCH[0]), BATCH[1])
    read: list[tuple[int, int, datetime.date | None]] = []  # the order read ahead, WINDOW rows a query
    while True:
        if offset + size > len(read) and len(read) % WINDOW == 0:
            read += ordered[len(read) : len(read) + WINDOW]
        batch = read[offset : offset + size]
        offset += size
        if not batch or (len(eligible) >= limit and _evidence(batch[0][1], batch[0][2]) > _cut(eligible, limit)):
            break
        screen([pid for pid, _, _ in batch])
    return [(by_id[s.person_id], s) for s in top_candidates(eligible, by_id, limit=limit)]


def _cut(eligible: Sequence[Screening], limit: int) -> tuple[float, ...]:
    """The evidence of the ``limit``-th candidate so far: nobody with weaker evidence can rank inside."""
    return sorted(rank_key(s)[:2] for s in eligible)[limit - 1]


def _priority_group_people(as_of: datetime.date) -> list[int]:
    """People not on IOM placed in a priority group by a submitted referral (referred on or before
    ``as_of``): a criterion the justice record does not hold (002 appendix 2). Who of them the user
    sees, and which referrals count for them, is decided when they are screened (``_own_facts``)."""
    from iomhub.referrals.models import Referral

    submitted = (
        Referral.objects.filter(person__isnull=False)
        .exclude(person__in=Registration.objects.filter(ended_on__isnull=True).values("person_id"))
        .exclude(status=Referral.Status.DRAFT)
        .filter(Q(submitted_at__isnull=True) | Q(submitted_at__date__lte=as_of))
        .values_list("person_id", "priority_groups")
    )
    return sorted({pid for pid, groups in submitted if pid is not None and any(v is True for v in (groups or {}).values())})
