"""For the caseload dashboard (no audit per call; they read only people the user sees, through
``people_filter``):
- ``people_led_by(user)``, ``people_without_lead(user)``;
- ``overdue_actions(user, as_of)`` and ``actions_due(user, as_of, within_days)`` — an owner sees
  their own; the coordinator and chair see every visible person's;
- ``appointments_ahead(user, as_of, within_days)``;
- ``safeguarding_completeness(user)`` — the 000 §7.2.1 measure over registered people;
- ``lead_worker_problems(user, as_of)`` — people led by a disabled account, and supervised people
  whose lead is not a probation officer (their sentences read at once, ``services.supervised_people``);
and ``held_by(user_id)``, the work an account holds (``access.holdings``).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, F, Func, IntegerField, OuterRef, Q, QuerySet, Subquery

from iomhub import clock
from iomhub.access.models import Role, Section
from iomhub.access.policy import people_filter, sections_for
from iomhub.access.projection import lens_of
from iomhub.casework.models import OPEN_STATUSES, CaseRecord, EntryOutcome, PlanAction, TimelineEntry
from iomhub.casework.selectors.plan import plan_actions_shown
from iomhub.casework.selectors.timeline import visible_entries
from iomhub.people.models import Person
from iomhub.rules.casework import Completeness, lead_worker_problem

if TYPE_CHECKING:
    from iomhub.access.models import User


COORDINATING_ROLES = frozenset({Role.COORDINATOR, Role.CHAIR})


def held_by(user_id: int) -> list[str]:
    """The work an account holds (``access.holdings``): cases it leads or coordinates and plan actions
    it owns that are still open, as counts (no one named). A leaver's page lists them to hand on.
    A case counts while its person is on IOM (an open registration, begun or due to begin): the case
    record of someone who has left keeps the name of their last lead worker, which is history, not
    work to hand on. One query: the three counts are subqueries of the account's own row."""
    from iomhub.access.models import User

    cases = CaseRecord.objects.filter(Exists(_open_registrations().filter(person=OuterRef("person_id"))))
    texts = ["Lead worker on {n} case{s}", "Case coordinator on {n} case{s}", "Owner of {n} open plan action{s}"]
    found = (
        User.objects.filter(pk=user_id)
        .values_list(
            _count(cases.filter(lead_worker_id=user_id)),
            _count(cases.filter(coordinator_id=user_id)),
            _count(PlanAction.objects.filter(owner_id=user_id, status__in=OPEN_STATUSES)),
        )
        .first()
    )
    return [text.format(n=f"{n:,}", s="" if n == 1 else "s") for n, text in zip(found or (), texts, strict=False) if n]


def _count(rows: QuerySet[Any]) -> Subquery:
    """How many ``rows`` there are, as a subquery: COUNT with no GROUP BY is one row, 0 for none."""
    return Subquery(rows.order_by().values(n=Func(F("pk"), function="COUNT", output_field=IntegerField())))


def _open_registrations() -> QuerySet[Any]:
    from iomhub.cohort.models import Registration

    return Registration.objects.filter(ended_on__isnull=True)


def _registered() -> Exists:
    """Has an open registration (a reverse-join filter on ``ended_on__isnull`` would also match
    people with no registration at all)."""
    return Exists(_open_registrations().filter(person=OuterRef("pk")))


def people_led_by(user: User) -> QuerySet[Person]:
    return Person.objects.filter(people_filter(user), case_record__lead_worker=user)


def people_without_lead(user: User) -> QuerySet[Person]:
    """Registered people (open registration) the user sees who have no lead worker."""
    return Person.objects.filter(people_filter(user), _registered()).exclude(case_record__lead_worker__isnull=False)


def _actions_for(user: User) -> QuerySet[PlanAction]:
    """Open actions on people the user sees: the owner's own, or every one for the coordinator and
    chair; none for a reader the plan is not shared with (an action's words are the plan's); of
    them, those the reader may see (``plan_actions_shown``)."""
    if Section.PLAN not in sections_for(user):
        return PlanAction.objects.none()
    actions = PlanAction.objects.filter(person__in=Person.objects.filter(people_filter(user)), status__in=OPEN_STATUSES)
    if user.role_codes & COORDINATING_ROLES:
        return plan_actions_shown(actions, user=user, lens=lens_of(user))
    return plan_actions_shown(actions.filter(owner=user), user=user, lens=lens_of(user))


def open_actions(user: User, due_by: datetime.date | None = None) -> QuerySet[PlanAction]:
    """Open or carried-over actions (due by ``due_by``, or whenever): the owner's own, or every
    visible one for the coordinator and chair. The dashboard reads its overdue, due and later
    actions in this one query and splits them by date."""
    actions = _actions_for(user)
    if due_by is not None:
        actions = actions.filter(due_on__lte=due_by)
    return actions.select_related("person", "agency")


def overdue_actions(user: User, as_of: datetime.date | None = None) -> QuerySet[PlanAction]:
    """Open or carried-over actions past their due date: the owner's own, or every visible one for
    the coordinator and chair."""
    return _actions_for(user).filter(due_on__lt=as_of or clock.today()).select_related("person", "agency")


def actions_due(user: User, as_of: datetime.date | None = None, within_days: int = 14) -> QuerySet[PlanAction]:
    today = as_of or clock.today()
    return (
        _actions_for(user)
        .filter(due_on__gte=today, due_on__lte=today + datetime.timedelta(days=within_days))
        .select_related("person", "agency")
    )


def actions_later(user: User, as_of: datetime.date | None = None, after_days: int = 14) -> QuerySet[PlanAction]:
    """Open actions due after the next ``after_days``: a worker's own, so every action given to them
    is on their caseload (issue 18 §3)."""
    today = as_of or clock.today()
    return _actions_for(user).filter(due_on__gt=today + datetime.timedelta(days=after_days)).select_related("person", "agency")


def appointments_ahead(user: User, as_of: datetime.date | None = None, within_days: int = 14) -> QuerySet[TimelineEntry]:
    today = as_of or clock.today()
    return visible_entries(
        user,
        TimelineEntry.objects.filter(
            person__in=Person.objects.filter(people_filter(user)),
            outcome=EntryOutcome.BOOKED,
            occurred_on__gte=today,
            occurred_on__lte=today + datetime.timedelta(days=within_days),
        ),
    ).select_related("person")


def safeguarding_completeness(user: User | None = None, person_ids: list[int] | None = None) -> Completeness:
    """How many registered people (open registration) have parental status and safeguarding
    completed (000 §7.2.1: mandatory, 100% completeness). ``user`` limits it to people they see;
    ``person_ids`` to a given set (e.g. a team's caseload). Counts only: no identities."""
    people = Person.objects.filter(_registered())
    if user is not None:
        people = people.filter(people_filter(user))
    if person_ids is not None:
        people = people.filter(pk__in=person_ids)
    complete = Q()
    for name in CaseRecord.SAFEGUARDING_FIELDS:
        complete &= ~Q(**{f"case_record__{name}": ""}) & Q(**{f"case_record__{name}__isnull": False})
    return Completeness(total=people.count(), complete=people.filter(complete).count())


def lead_worker_problems(user: User, as_of: datetime.date | None = None, *, within: Q | None = None) -> list[tuple[Person, str]]:
    """Registered people the user sees (of ``within``, a filter on Person: the coordinator's team)
    whose lead worker no longer fits the rule: their account disabled (a leaver), or the person on
    licence or supervision now (e.g. released since allocation) but led by someone who is not a
    probation officer (002 §3, §5), by id. The rule is
    ``lead_worker_problems_among``'s; this reads who leads whom for it."""
    led = (
        Person.objects.filter(people_filter(user), _registered(), within or Q(), case_record__lead_worker__isnull=False)
        .annotate(lead_id=F("case_record__lead_worker_id"))
        .only("id", "first_name", "last_name")
        .order_by("pk")
    )
    return lead_worker_problems_among({person.pk: (person, person.lead_id) for person in led}, as_of)


def lead_worker_problems_among(led: Mapping[int, tuple[Person, int]], as_of: datetime.date | None = None) -> list[tuple[Person, str]]:
    """``lead_worker_problems`` for people the caller has read (through ``people_filter``, each with
    an open registration): ``led`` maps each person's id to the person and their lead worker's id,
    in the order to show them. The team dashboard's path: who leads whom came with its registrations,
    so what is left is which lead workers are probation officers or disabled (one query) and who is
    supervised (one more; none when no one has a lead worker)."""
    from iomhub.access.models import RoleAssignment, User
    from iomhub.casework.services import supervised_people

    if not led:
        return []
    leads = sorted({lead for _, lead in led.values()})
    officer = Exists(RoleAssignment.objects.filter(user=OuterRef("pk"), role=Role.PROBATION_OFFICER))
    found = list(User.objects.filter(pk__in=leads).annotate(officer=officer).values_list("pk", "is_active", "officer"))
    officers = {pk for pk, _, is_officer in found if is_officer}
    disabled = {pk for pk, active, _ in found if not active}
    candidates = [pid for pid, (_, lead) in led.items() if lead not in officers and lead not in disabled]
    supervised = supervised_people(candidates, as_of or clock.today()) if candidates else set()
    problems = {
        "disabled": lead_worker_problem(supervised=False, lead_is_probation_officer=False, lead_can_sign_in=False),
        "supervised": lead_worker_problem(supervised=True, lead_is_probation_officer=False),
    }
    return [
        (person, problems["disabled"] if lead in disabled else problems["supervised"])
        for pid, (person, lead) in led.items()
        if lead in disabled or pid in supervised
    ]
