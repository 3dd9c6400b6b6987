"""My caseload and the team dashboard (issue 6 §6): for a worker, the people they lead with their
RAG level, the next home visit due under the regime and whether it is overdue, their plan actions
overdue and due, reviews due, releases in the next 12 weeks and arrests in the last 7 days; for the coordinator and chair the
same for everyone they see, plus people without a lead worker and lead workers who no longer fit
the rule.

Everything is read through the selectors that already apply the access policy: the regime and
reviews from ``iomhub.cohort.selectors`` (002 appendix 1, §2; 000 §5.7, §6.4), plan actions and
lead workers from ``iomhub.casework.selectors``, release prompts from
``iomhub.justice.selectors.caseload_prompts`` (seed 002 §2: the live list 12 weeks before release),
recent arrests from ``iomhub.justice.recent`` (seed 002 §3: overnight arrests). Releases and
arrests are the justice record's: for a reader without it, ``justice_shared`` is false and both
lists are empty, and the page says they are not shared rather than "none".
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.paginator import Page, Paginator
from django.db.models import F, Q

from iomhub import clock
from iomhub.access import audit
from iomhub.access.policy import people_filter, team_scope
from iomhub.casework import selectors as casework
from iomhub.casework.models import PlanAction
from iomhub.cohort import selectors as cohort
from iomhub.cohort.models import Registration
from iomhub.justice import recent as justice_recent
from iomhub.justice import selectors as justice
from iomhub.people.models import Person
from iomhub.people.selectors import of_team
from iomhub.rules.prompts import Prompt

if TYPE_CHECKING:
    from iomhub.access.models import User

RELEASE_PROMPTS = frozenset({"live-list"})  # release within 12 weeks (rules.prompts)
ACTIONS_DUE_DAYS = 14
REVIEWS_AHEAD_DAYS = 14
CASES_PER_PAGE = 50  # the cases table, a page at a time (GOV.UK pagination)
LIST_LIMIT = 25  # the lists below it show their first 25 rows, with a link to show every row
# What the page, the API and the regime read of each row (issue 15, ADR 0040 addendum): the person's
# name and no more. A full Person or PlanAction row is ~40 columns, several of them dates and sealed
# fields; the dashboard builds ~700 of them, and building models was the largest part of its CPU.
PERSON_FIELDS = ("person__id", "person__first_name", "person__last_name")
REGISTRATION_FIELDS = ("id", "person_id", "started_on", "ended_on", "rag", "transferred_in_on", *PERSON_FIELDS)
ACTION_FIELDS = (
    "id",
    "person_id",
    "description",
    "agency_id",
    "owner_name",
    "due_on",
    "status",
    "agency__id",
    "agency__name",
    *PERSON_FIELDS,
)


@dataclass(frozen=True)
class CaseRow:
    registration: Registration
    regime: cohort.Regime | None

    @property
    def person(self) -> Person:
        return self.registration.person


@dataclass(frozen=True)
class Caseload:
    as_of: datetime.date
    team: bool
    cases: list[CaseRow]
    overdue_actions: list[PlanAction]
    actions_due: list[PlanAction]
    actions_later: list[PlanAction]  # a worker's own open actions due after the next 14 days
    reviews: list[cohort.ReviewRow]
    releases: list[tuple[Person, Prompt]]
    arrests: list[tuple[Person, justice_recent.RecentArrest]]  # in the last 7 days, newest first
    justice_shared: bool  # may the reader see the justice record (releases and arrests)?
    without_lead: list[Person]
    lead_problems: list[tuple[Person, str]]

    @property
    def visits_overdue(self) -> list[CaseRow]:
        return [c for c in self.cases if c.regime is not None and c.regime.home_visit_overdue]


def cases_page(caseload: Caseload, number: str | int | None) -> Page[CaseRow]:
    """One page of the cases table (``CASES_PER_PAGE`` rows; the first for a missing or bad
    number, the last for one past the end)."""
    return Paginator(caseload.cases, CASES_PER_PAGE).get_page(number)


def _in_team(user: User, prefix: str = "") -> Q:
    """The people of the user's local team (managed by it, or by no team yet, as on the agenda),
    or everyone for a partnership-wide user (``policy.team_scope``; ADR 0013)."""
    scope = team_scope(user)
    return Q() if scope is None else of_team(scope, prefix)


def caseload(*, user: User, as_of: datetime.date | None = None) -> Caseload:
    """The dashboard of ``user`` on ``as_of``: their own cases, or their local team's for the
    coordinator and chair (everyone's for one who is partnership-wide). Audited as one search, and
    against each person shown."""
    today = as_of or clock.today()
    team = bool(user.role_codes & casework.COORDINATING_ROLES)
    # The people the user sees (of their team): the open registrations below are theirs. (A filter on
    # ``registrations__ended_on__isnull`` here joined every registration in the country to the
    # team's people and matched people with none at all: the same rows, read for nothing.)
    people = Person.objects.filter(people_filter(user), _in_team(user)) if team else casework.people_led_by(user)
    # Every open registration of those people with the lead worker's id (one query): the cases are
    # those begun by ``today``; on the team dashboard the same rows say who has no lead worker and
    # whose lead may need changing, which were two more reads of the team's people (~18 ms of
    # PostgreSQL's time for a county team).
    open_registrations = list(
        Registration.objects.filter(person__in=people.values("pk"), ended_on__isnull=True)
        .select_related("person")
        .only(*REGISTRATION_FIELDS)
        .annotate(lead_worker_id=F("person__case_record__lead_worker_id"))
        .order_by("person__last_name", "person__first_name", "pk")
    )
    registrations = [r for r in open_registrations if r.started_on <= today]
    regimes, reviews = (
        # ``registrations`` are current on ``today`` and of people ``user`` sees (``people_filter`` above, or
        # ``people_led_by``, which applies it): the regime needs not read them again.
        cohort.dashboard_regimes(user=user, registrations=registrations, as_of=today, within_days=REVIEWS_AHEAD_DAYS, visible=True)
        if registrations
        else ({}, [])
    )
    cases = [CaseRow(r, regimes.get(r.pk)) for r in registrations]
    person_ids = {r.person_id for r in registrations}
    people_by_id = {r.person_id: r.person for r in registrations}
    action_scope = _in_team(user, "person__") if team else Q()
    releases = []
    arrests = []
    justice_shared = justice.can_see_justice_at_all(user)
    if person_ids and justice_shared:
        releases = [
            (people_by_id[p.person_id], p.prompt)
            for p in justice.caseload_prompts(user=user, as_of=today, person_ids=person_ids, releases_only=True)
            if p.person_id in person_ids and p.prompt.code in RELEASE_PROMPTS
        ]
        arrests = [(people_by_id[a.person_id], a) for a in justice_recent.recent_arrests(user=user, person_ids=person_ids, as_of=today)]
    # The open actions in one query, split by date (two reads of the country's open actions at
    # national scale, ~45 ms of PostgreSQL's time each): the team's due within the next 14 days or
    # overdue; a worker's every one (the ones due later are on their caseload too).
    horizon = today + datetime.timedelta(days=ACTIONS_DUE_DAYS)
    actions = list(
        casework.open_actions(user, due_by=horizon if team else None).filter(action_scope).only(*ACTION_FIELDS).order_by("due_on", "pk")
    )
    result = Caseload(
        as_of=today,
        team=team,
        cases=cases,
        overdue_actions=[a for a in actions if a.due_on < today],
        actions_due=[a for a in actions if today <= a.due_on <= horizon],
        actions_later=[] if team else [a for a in actions if a.due_on > horizon],
        reviews=reviews,
        releases=releases,
        arrests=arrests,
        justice_shared=justice_shared,
        without_lead=[r.person for r in open_registrations if r.lead_worker_id is None] if team else [],
        lead_problems=casework.lead_worker_problems_among(
            {r.person_id: (r.person, r.lead_worker_id) for r in open_registrations if r.lead_worker_id is not None},
            today,
        )
        if team
        else [],
    )
    shown = (
        person_ids
        | {a.person_id for a in result.overdue_actions + result.actions_due + result.actions_later}
        | {p.pk for p in result.without_lead}
    )
    shown |= {p.pk for p, _ in result.lead_problems}
    audit.record_shown(actor=user, person_ids=sorted(shown), object_type="caseload", changes={"as_of": today, "people": sorted(shown)})
    return result
