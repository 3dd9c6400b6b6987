"""Every read of a case goes through here: authorised by the one policy and audited.

For the caseload dashboard and the RAG regime (no audit per call; they read only people the user
sees, through ``people_filter``):
- ``last_home_visit(person_id=, as_of=)`` — the last attended home visit (the contract in
  ``iomhub.cohort.evidence``), and ``deregistration_facts(person_id=, since=, as_of=)``; each is
  the one-person case of its bulk read, ``last_home_visits`` and ``deregistration_facts_many``
  (one query however many people: the dashboard, reviews due and the agenda);
- ``people_led_by(user)``, ``people_without_lead(user)``;
- ``overdue_actions(user, as_of)`` and ``actions_due(user, as_of, within_days)`` — an owner sees
  their own; the coordinator and chair see every visible person's;
- ``appointments_ahead(user, as_of, within_days)``;
- ``safeguarding_completeness(user)`` — the 000 §7.2.1 measure over registered people;
- ``lead_worker_problems(user, as_of)`` — people led by a disabled account, and supervised people
  whose lead is not a probation officer (their sentences read at once, ``services.supervised_people``).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, F, Max, OuterRef, Q, QuerySet
from django.http import Http404

from iomhub import clock
from iomhub.access.errors import deny
from iomhub.access.models import Organisation, Role, Section
from iomhub.access.policy import Action, can, decide, people_filter, sections_for, sees_intelligence
from iomhub.access.projection import Lens, lens_for, lens_of_sections, section_of
from iomhub.access.refusals import require_person_change
from iomhub.casework.models import (
    OPEN_STATUSES,
    RAG_SCORE,
    AgencyInvolvement,
    CaseChange,
    CaseRecord,
    DrugResult,
    EntryKind,
    EntryOutcome,
    PathwayAssessment,
    PathwayNeed,
    PlanAction,
    TimelineEntry,
    agency_section,
    health_agency,
)
from iomhub.people import selectors as people_selectors
from iomhub.people.models import Person
from iomhub.people.selectors import person_get_for
from iomhub.rules.casework import Completeness, assessed_risk_fallen, first_and_latest_change, lead_worker_problem
from iomhub.rules.numbers import NotWhole, whole_number

if TYPE_CHECKING:
    from iomhub.access.models import User

COORDINATING_ROLES = frozenset({Role.COORDINATOR, Role.CHAIR})


@dataclass
class CaseView:
    person: Person
    record: CaseRecord | None
    involvements: list[AgencyInvolvement] = field(default_factory=list)
    history: list[CaseChange] = field(default_factory=list)
    may_manage: bool = False
    may_change: bool = False
    safeguarding_shared: bool = False

    @property
    def version(self) -> int:
        return self.record.version if self.record else 1


def case_for(*, user: User, person_id: int | str) -> CaseView:
    """Who is on the case, the agencies with their contacts, safeguarding, and the history
    (section ``plan``; refused and audited like any other section)."""
    person = person_get_for(user=user, person_id=person_id, section=Section.PLAN)
    record = CaseRecord.objects.select_related("lead_worker", "coordinator").filter(person=person).first()
    lens = lens_for(user, person)
    involvements = (
        AgencyInvolvement.objects.filter(person=person)
        .select_related("organisation")
        .prefetch_related("contacts")
        .order_by("ended_on", "organisation__name")
    )
    history = CaseChange.objects.filter(case=record).select_related("changed_by") if record else []
    return CaseView(
        person=person,
        record=record,
        # Projected (issue 9 finding 9): a health agency's involvement only with the health section,
        # safeguarding and its history only with the safeguarding section.
        involvements=[i for i in involvements if lens.sees(i.section)],
        history=[h for h in history if lens.sees(section_of(CaseRecord, h.field))],
        safeguarding_shared=lens.sees(Section.SAFEGUARDING),
        may_manage=can(user, Action.PERSON_CHANGE, person, section=Section.PLAN) and can(user, Action.COHORT_MANAGE),
        may_change=can(user, Action.PERSON_CHANGE, person, section=Section.PLAN),
    )


def agencies_involved(*, person: Person) -> list[AgencyInvolvement]:
    """The agencies involved in ``person``'s case now (the caller has authorised the person): the
    choice of who keeps supporting them under an exit plan."""
    return list(
        AgencyInvolvement.objects.filter(person=person, ended_on__isnull=True).select_related("organisation").order_by("organisation__name")
    )


def agencies_involved_by_name(*, person: Person) -> list[tuple[int, str]]:
    """``agencies_involved`` as (organisation id, name): the exit plan's choice on the deregistration
    page (installed in ``cohort.agencies`` by ``CaseworkConfig.ready``)."""
    return [(i.organisation_id, i.organisation.name) for i in agencies_involved(person=person)]


def held_by(user_id: int) -> list[str]:
    """The work an account holds (``access.holdings``): cases it leads or coordinates and plan actions
    it owns that are still open, as counts (no one named). A leaver's page lists them to hand on.
    A case counts while its person is on IOM (an open registration, begun or due to begin): the case
    record of someone who has left keeps the name of their last lead worker, which is history, not
    work to hand on."""
    cases = CaseRecord.objects.filter(Exists(_open_registrations().filter(person=OuterRef("person_id"))))
    counts = [
        (cases.filter(lead_worker_id=user_id).count(), "Lead worker on {n} case{s}"),
        (cases.filter(coordinator_id=user_id).count(), "Case coordinator on {n} case{s}"),
        (PlanAction.objects.filter(owner_id=user_id, status__in=OPEN_STATUSES).count(), "Owner of {n} open plan action{s}"),
    ]
    return [text.format(n=f"{n:,}", s="" if n == 1 else "s") for n, text in counts if n]


def involved_with(organisation_id: int) -> QuerySet[AgencyInvolvement, int]:
    """The people ``organisation_id`` is involved with now, as ``person_id`` values: the policy's
    reader of involvements (installed in ``access.subjects`` by ``CaseworkConfig.ready``)."""
    return AgencyInvolvement.objects.filter(organisation_id=organisation_id, ended_on__isnull=True).values_list("person_id", flat=True)


def case_record_or_new(*, person: Person) -> CaseRecord:
    """``person``'s case record, or a new one not stored until saved (the caller has authorised the person)."""
    return CaseRecord.objects.filter(person=person).first() or CaseRecord(person=person)


def active_organisation(raw: str | None, among: QuerySet[Organisation] | None = None) -> Organisation | None:
    """The active organisation with the id typed (a chooser's value), of ``among`` where given
    (e.g. ``agencies_for_actions``), or None for anything else."""
    found = Organisation.objects.filter(active=True) if among is None else among
    try:
        return found.filter(pk=whole_number(raw or "", minimum=1)).first()
    except NotWhole:
        return None


def agencies_for_actions(lens: Lens) -> QuerySet[Organisation]:
    """The agencies a reader may give a plan action to (the page's choice): every active one, but a
    health, mental-health or treatment agency only with the health section. An action given to one
    is health (``PlanAction.sections``): its author would not see it, and offering it would say
    whether that agency is involved in the case, which is health too (ADR 0010 §3). A worker
    without health who needs such an agency's help for someone asks the coordinator."""
    active = Organisation.objects.filter(active=True).order_by("name")
    return active if lens.sees(Section.HEALTH) else active.exclude(health_agency())


def leads_case(*, person: Person, user: User) -> bool:
    """Whether ``user`` is ``person``'s lead worker (the caller has authorised the person)."""
    return CaseRecord.objects.filter(person=person, lead_worker=user).exists()


def involvement_for(*, person: Person, involvement_id: int | str) -> AgencyInvolvement:
    """One of ``person``'s agency involvements (the caller has authorised the person); 404 otherwise."""
    try:
        return AgencyInvolvement.objects.select_related("organisation", "person").get(pk=int(involvement_id), person=person)
    except (AgencyInvolvement.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404("No such agency") from None


def plan_actions_shown(actions: QuerySet[PlanAction], *, user: User, lens: Lens) -> QuerySet[PlanAction]:
    """The actions of ``actions`` that ``user``, reading through ``lens``, may see: with the plan
    section, every one but those given to a health, mental-health or treatment agency, which need
    the health section too (``PlanAction.sections``, from the rule that makes that agency's
    involvement health); their own whatever the sections (the owner works for that agency).

    The one filter every reader of plan actions applies (the Plan tab and API, the dashboard, the
    meeting's pack and record sheet); ``plan_action_shown`` is the same for one action read.
    ``lens`` is the reader's for the people of ``actions`` (``lens_for``), or their
    ``sections_for`` where ``people_filter`` has decided who they see."""
    if lens.sees(Section.PLAN, Section.HEALTH):
        return actions
    own = Q(owner_id=user.pk)
    return actions.filter(~health_agency("agency__") | own) if lens.sees(Section.PLAN) else actions.filter(own)


def plan_action_shown(action: PlanAction, *, user: User, lens: Lens) -> bool:
    """``plan_actions_shown`` for one action (its agency read)."""
    return action.owner_id == user.pk or lens.sees(*action.sections)


def _lens_of(user: User) -> Lens:
    """The lens of ``user`` for a person the caller has already decided they see (``lens_for`` gives
    the same sections, break-glass included, after deciding it again)."""
    return lens_of_sections(sections_for(user))


def plan_for(*, user: User, person_id: int | str) -> list[PlanAction]:
    """The plan's actions ``user`` may see (``plan_actions_shown``)."""
    person = person_get_for(user=user, person_id=person_id, section=Section.PLAN)
    actions = PlanAction.objects.filter(person=person).select_related("agency", "owner", "need").prefetch_related("history__changed_by")
    return list(plan_actions_shown(actions, user=user, lens=_lens_of(user)))


def plan_action_for(*, user: User, person: Person, action_id: int | str) -> PlanAction:
    """One of ``person``'s plan actions that ``user`` may see (the caller has authorised the
    person); 404 otherwise, for an action hidden from them as for none."""
    actions = plan_actions_shown(PlanAction.objects.filter(person=person), user=user, lens=_lens_of(user))
    try:
        return actions.select_related("person", "agency").get(pk=int(action_id))
    except (PlanAction.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404("No such action") from None


@dataclass(frozen=True)
class PathwayChange:
    pathway: str
    first: int
    latest: int
    change: int


def assessments_for(*, user: User, person_id: int | str) -> tuple[Person, list[PathwayAssessment], list[PathwayChange]]:
    """The pathway needs assessments, newest first, and each pathway's first-to-latest change."""
    person = person_get_for(user=user, person_id=person_id, section=Section.ASSESSMENTS)
    assessments = list(PathwayAssessment.objects.filter(person=person).prefetch_related("needs"))
    return person, assessments, pathway_changes(assessments)


def pathway_changes(assessments: list[PathwayAssessment]) -> list[PathwayChange]:
    by_pathway: dict[str, list[tuple[datetime.date, int]]] = {}
    for a in assessments:
        for n in a.needs.all():
            by_pathway.setdefault(n.pathway, []).append((a.assessed_on, RAG_SCORE[n.rag]))  # type: ignore[index]
    changes = []
    for pathway, ratings in by_pathway.items():
        found = first_and_latest_change(ratings)
        if found:
            changes.append(PathwayChange(pathway, *found))
    return changes


def timeline_for(
    *,
    user: User,
    person_id: int | str,
    kinds: list[str] | None = None,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> tuple[Person, list[TimelineEntry]]:
    """The timeline, newest first, filtered; intelligence notes only for those who see intelligence."""
    person = person_get_for(user=user, person_id=person_id, section=Section.TIMELINE)
    entries = _visible_entries(user, TimelineEntry.objects.filter(person=person))
    if kinds:
        entries = entries.filter(kind__in=kinds)
    if since:
        entries = entries.filter(occurred_on__gte=since)
    if until:
        entries = entries.filter(occurred_on__lte=until)
    return person, project_entries(lens_for(user, person), list(entries.select_related("organisation")))


# A drug test's substances and results: the fields of a timeline entry in the health section.
DRUG_TEST_HEALTH_FIELDS = tuple(name for name, section in TimelineEntry.SECTIONS.items() if section == Section.HEALTH)


def project_entries(lens: Lens, entries: list[TimelineEntry]) -> list[TimelineEntry]:
    """Timeline entries as ``lens`` may read them: a drug test's substances and results belong to
    the health section (``TimelineEntry.SECTIONS``), so without it they are cleared on these
    read-only copies and ``health_withheld`` says so (issue 9 finding 9). The author's
    organisation, when it is a health, mental-health or treatment agency, says that agency works
    with the person, which is health (``agency_section``): without health it is left out, and the
    entry reads as one whose author has no organisation (the name stays; the entry is the timeline's)."""
    for entry in entries:
        if entry.organisation is not None and not lens.sees(agency_section(entry.organisation.kind)):
            entry.organisation = None
        withheld = not lens.sees(Section.HEALTH) and entry.kind == EntryKind.DRUG_TEST
        entry.health_withheld = withheld  # type: ignore[attr-defined]
        if withheld:
            for name in DRUG_TEST_HEALTH_FIELDS:
                setattr(entry, name, type(getattr(entry, name))())
    return entries


def _visible_entries(user: User, entries: QuerySet[TimelineEntry]) -> QuerySet[TimelineEntry]:
    return entries if sees_intelligence(user) else entries.exclude(kind=EntryKind.INTELLIGENCE)


def timeline_entry_for(*, user: User, person: Person, entry_id: int | str) -> TimelineEntry:
    try:
        return _visible_entries(user, TimelineEntry.objects.filter(person=person)).get(pk=int(entry_id))
    except (TimelineEntry.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404("No such entry") from None


# ---------------------------------------------------------------- for the dashboard and the regime


def last_home_visit(*, person_id: int, as_of: datetime.date | None = None) -> datetime.date | None:
    """The last home visit that took place (attended, alone or as a joint visit) on or before
    ``as_of``; None when there has been none. The one-person case of ``last_home_visits``."""
    return last_home_visits(person_ids=[person_id], as_of=as_of).get(person_id)


def last_home_visits(*, person_ids: Sequence[int], as_of: datetime.date | None = None) -> dict[int, datetime.date]:
    """The last home visit of each of ``person_ids`` (as ``last_home_visit``), for those who have had
    one: one query, the latest date grouped by person."""
    found = (
        TimelineEntry.objects.filter(
            person_id__in=list(person_ids),
            kind__in=[EntryKind.HOME_VISIT, EntryKind.JOINT_VISIT],
            outcome=EntryOutcome.ATTENDED,
            occurred_on__lte=as_of or clock.today(),
        )
        .order_by()
        .values("person_id")
        .annotate(last=Max("occurred_on"))
        .values_list("person_id", "last")
    )
    return dict(found)


def deregistration_facts(*, person_id: int, since: datetime.date, as_of: datetime.date) -> dict[str, Any]:
    """The timeline's evidence for 002 §2's suggestions (the ``CaseworkFacts`` names of
    ``iomhub.cohort.evidence``). The one-person case of ``deregistration_facts_many``."""
    return deregistration_facts_many(since={person_id: since}, as_of=as_of)[person_id]


def deregistration_facts_many(*, since: Mapping[int, datetime.date], as_of: datetime.date) -> dict[int, dict[str, Any]]:
    """``deregistration_facts`` for each person id of ``since`` (person id to the start of their
    registration), from ``since`` to ``as_of``: the timelines read in one query."""
    entries: dict[int, list[tuple[str, str, datetime.date, str]]] = {pid: [] for pid in since}
    if since:
        rows = (
            TimelineEntry.objects.filter(person_id__in=list(since), occurred_on__gte=min(since.values()), occurred_on__lte=as_of)
            .order_by("person_id", "occurred_on", "pk")
            .values_list("person_id", "kind", "outcome", "occurred_on", "drug_result")
        )
        for pid, kind, outcome, occurred_on, drug_result in rows:
            if occurred_on >= since[pid]:
                entries[pid].append((kind, outcome, occurred_on, drug_result))
    risk = _risk_fallen_many(since, as_of)
    return {pid: {**_deregistration_facts(found), **risk.get(pid, {})} for pid, found in entries.items()}


def _risk_fallen_many(since: Mapping[int, datetime.date], as_of: datetime.date) -> dict[int, dict[str, Any]]:
    """ "Assessed risk has fallen" (002 §2) from each person's needs assessments (issue 18 §6): the
    needs score at registration against the latest (``rules.casework.assessed_risk_fallen``), in one
    query. A derived fact of the assessments section (``cohort.advice.RULE_SECTIONS``)."""
    scores: dict[int, dict[int, tuple[datetime.date, int]]] = {}
    if since:
        for pid, assessment_id, assessed_on, rag in (
            PathwayNeed.objects.filter(assessment__person_id__in=list(since), assessment__assessed_on__lte=as_of)
            .order_by("assessment__assessed_on", "assessment_id")
            .values_list("assessment__person_id", "assessment_id", "assessment__assessed_on", "rag")
        ):
            on, total = scores.setdefault(pid, {}).get(assessment_id, (assessed_on, 0))
            scores[pid][assessment_id] = (on, total + RAG_SCORE.get(rag, 0))  # type: ignore[call-overload]
    found: dict[int, dict[str, Any]] = {}
    for pid, by_assessment in scores.items():
        result = assessed_risk_fallen(by_assessment.values(), registered_on=since[pid], as_of=as_of)
        if result is not None:
            found[pid] = {"risk_fallen": result[0], "risk_evidence": result[1]}
    return found


def _deregistration_facts(entries: list[tuple[str, str, datetime.date, str]]) -> dict[str, Any]:
    """The facts from one person's timeline entries over the registration, oldest first, as
    (kind, outcome, occurred on, drug result)."""
    if not entries:
        return {}  # an empty timeline is no evidence either way: every suggestion stays "not known"
    last_intel = max((on for kind, _, on, _ in entries if kind == EntryKind.INTELLIGENCE), default=None)
    tests = [result for kind, outcome, _, result in entries if kind == EntryKind.DRUG_TEST and outcome != EntryOutcome.BOOKED]
    appointments = [
        outcome
        for kind, outcome, _, _ in entries
        if kind in (EntryKind.OFFICE, EntryKind.HOME_VISIT) and outcome not in (EntryOutcome.BOOKED, EntryOutcome.REARRANGED)
    ]
    due = len(appointments)
    return {
        "intelligence_known": True,
        "last_intelligence_on": last_intel,
        "drug_test_results": [r != DrugResult.NEGATIVE for r in tests] if tests else None,
        "appointments_kept": sum(1 for o in appointments if o == EntryOutcome.ATTENDED) if due else None,
        "appointments_due": due or None,
    }


def person_for_change(*, user: User, person_id: int | str, section: str, manage: bool = False) -> Person:
    """The person, if ``user`` may change ``section`` (and manage the case); refused (audited)
    before any form is shown. The read is audited as a view of ``section``.

    Without ``manage`` this is ``people.selectors.person_for_change``. With it, the manage check
    falls between the change check and the audited read (a refused manager is not recorded as having
    viewed the record), so the same steps are taken here with the manage refusal in between."""
    if not manage:
        return people_selectors.person_for_change(user=user, person_id=person_id, section=section)
    person = person_get_for(user=user, person_id=person_id, audit_read=False)
    require_person_change(user, person, section)
    decision = decide(user, Action.COHORT_MANAGE)
    if not decision:
        deny(user=user, action=Action.PERSON_CHANGE, reason=decision.reason, object_type="person", object_id=person.pk, person_id=person.pk)
    return person_get_for(user=user, person_id=person_id, section=section)


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
        return plan_actions_shown(actions, user=user, lens=_lens_of(user))
    return plan_actions_shown(actions.filter(owner=user), user=user, lens=_lens_of(user))


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
    return _visible_entries(
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


def own_force_number(user: User) -> str:
    """The force number ``user`` gave on their latest timeline entry, to offer again on the next
    (their own number, not a person's data)."""
    found = (
        TimelineEntry.objects.filter(recorded_by=user)
        .exclude(force_number="")
        .order_by("-recorded_at", "-pk")
        .values_list("force_number", flat=True)
        .first()
    )
    return found or ""
