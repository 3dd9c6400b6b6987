"""The demo's pathway assessments and plan actions (done, open, overdue, carried over, cancelled),
each action linked to a need of the latest assessment."""

from __future__ import annotations

import datetime
import random
from collections import defaultdict

from faker import Faker

from iomhub.access.models import Organisation, User
from iomhub.casework.models import ActionStatus, PathwayAssessment, PathwayNeed, PathwayRag, PlanAction, PlanActionChange
from iomhub.demo.case_facts import DemoCase, some_days, stamp
from iomhub.demo.staff import DEMO_LEADS, LEAD_ORGS, Staff
from iomhub.demo.texts import ACTIONS, NEEDS, PATHWAY_AGENCY
from iomhub.referrals.models import Pathway


def _rating(rng: random.Random, pathway: str, case: DemoCase) -> str:
    if pathway == Pathway.DRUGS_ALCOHOL and case.drugs:
        return rng.choice([PathwayRag.RED, PathwayRag.RED, PathwayRag.AMBER])
    if pathway == Pathway.DOMESTIC_ABUSE:
        return rng.choices(PathwayRag.values, weights=[1, 2, 7])[0]
    return rng.choices(PathwayRag.values, weights=[3, 4, 3])[0]


BETTER = {PathwayRag.RED: PathwayRag.AMBER, PathwayRag.AMBER: PathwayRag.GREEN, PathwayRag.GREEN: PathwayRag.GREEN}
WORSE = {PathwayRag.GREEN: PathwayRag.AMBER, PathwayRag.AMBER: PathwayRag.RED, PathwayRag.RED: PathwayRag.RED}
Assessed = tuple[PathwayAssessment, list[PathwayNeed]]
Step = tuple[str, datetime.date, datetime.date, str]  # (status, changed on, due, note)


def _assessments(
    cases: list[DemoCase], rng: random.Random, today: datetime.date, batch_size: int
) -> tuple[list[PathwayAssessment], dict[int, Assessed], dict[int, Assessed]]:
    """Pathway assessments at registration, now and then in between, and recently, with their needs;
    returns them with each person's first and latest."""
    assessments: list[PathwayAssessment] = []
    ratings: list[dict[str, str]] = []
    owners: list[DemoCase] = []
    for case in cases:
        assert case.lead is not None
        first_on = min(today, case.started_on + some_days(rng, 0, 10))
        dates = [first_on]
        age = (today - first_on).days
        if age > 240:
            dates.append(first_on + datetime.timedelta(days=age // 2))
        if age > 45:
            dates.append(today - some_days(rng, 2, min(40, age - 30)))
        rating = {p: _rating(rng, p, case) for p in Pathway.values}
        for on in dates:
            if on != first_on:
                rating = {
                    p: BETTER[r] if (x := rng.random()) < 0.4 else WORSE[r] if x > 0.9 else r  # type: ignore[index]
                    for p, r in rating.items()
                }
            assessments.append(
                PathwayAssessment(person=case.person, assessed_on=on, assessed_by=case.lead, assessed_by_name=case.lead.display_name)
            )
            ratings.append(dict(rating))
            owners.append(case)
    made = PathwayAssessment.objects.bulk_create(assessments, batch_size=batch_size)
    needs = []
    for assessment, rating in zip(made, ratings, strict=True):
        for pathway, rag in rating.items():
            need_text, action_text = rng.choice(NEEDS[pathway]) if rag != PathwayRag.GREEN else ("", "")
            needs.append(PathwayNeed(assessment=assessment, pathway=pathway, rag=rag, needs=need_text, actions=action_text))
    made_needs = PathwayNeed.objects.bulk_create(needs, batch_size=batch_size)
    latest: dict[int, Assessed] = {}
    first: dict[int, Assessed] = {}
    for i, assessment in enumerate(made):
        latest[owners[i].person.pk] = (assessment, made_needs[i * len(Pathway) : (i + 1) * len(Pathway)])
        first.setdefault(owners[i].person.pk, latest[owners[i].person.pk])
    return made, first, latest


class _Plan:
    """The plan actions being built, each with its history of changes."""

    def __init__(self, staff: Staff, orgs: dict[str, Organisation], rng: random.Random, fake: Faker, today: datetime.date) -> None:
        self.staff, self.orgs, self.rng, self.fake, self.today = staff, orgs, rng, fake, today
        self.actions: list[PlanAction] = []
        self.history: list[list[Step]] = []

    def add(
        self,
        case: DemoCase,
        need: PathwayNeed | None,
        pathway: str,
        owner: User | None,
        agency: Organisation,
        created: datetime.date,
        due: datetime.date,
        status: str,
        *,
        sentence_plan: bool = False,
    ) -> None:
        rng, today = self.rng, self.today
        steps: list[Step] = [(ActionStatus.OPEN.value, created, due, "Added to the plan")]
        final_due = due
        if status == ActionStatus.DONE:
            steps.append(
                (status, min(today, due - some_days(rng, 0, 5) if due - created > datetime.timedelta(days=6) else due), due, "Done")
            )
        elif status == ActionStatus.CANCELLED:
            steps.append((status, min(today, due), due, "No longer needed: the person moved to supported housing"))
        elif status == ActionStatus.CARRIED_OVER:
            final_due = due + some_days(rng, 14, 42)
            steps.append((status, min(today, due), final_due, "Waiting list: carried over to the next review"))
        assert case.lead is not None
        self.actions.append(
            PlanAction(
                person=case.person,
                description=rng.choice(ACTIONS[pathway]),
                pathway=pathway,
                need=need,
                sentence_plan=sentence_plan,
                agency=agency,
                owner=owner,
                owner_name=owner.display_name if owner is not None else self.fake.name(),
                due_on=final_due,
                status=status,
                version=len(steps),
                created_by=case.lead,
                created_at=stamp(created, 14),
            )
        )
        self.history.append(steps)

    def owner_for(self, case: DemoCase, pathway: str) -> tuple[User | None, Organisation]:
        assert case.lead is not None
        staff, orgs, rng = self.staff, self.orgs, self.rng
        name = PATHWAY_AGENCY.get(pathway)
        if name == "Wessex Drug and Alcohol Service":
            return (case.lead if case.lead_kind == "substance" else staff.demo("substance")), orgs[name]
        if name == "Wessex City Council Housing":
            return (staff.housing if rng.random() < 0.6 else None), orgs[name]
        if name == "DWP Wessex Jobcentres":
            return (staff.dwp if rng.random() < 0.6 else None), orgs[name]
        if name is not None:
            return None, orgs[name]
        return case.lead, orgs[LEAD_ORGS[case.lead_kind]]

    def case_actions(self, case: DemoCase, plans: list[Assessed]) -> None:
        """Actions for the needs of each plan (the first plan's mostly done by now), and the
        sentence plan's action for a supervised case the probation officer leads."""
        rng, today = self.rng, self.today
        for n, (assessment, case_needs) in enumerate(plans):
            wanted = [need for need in case_needs if need.rag != PathwayRag.GREEN]
            rng.shuffle(wanted)
            earlier = n < len(plans) - 1
            for need in wanted[: rng.randint(1, 3) if earlier else rng.randint(2, 4)]:
                owner, agency = self.owner_for(case, need.pathway)
                created = assessment.assessed_on
                due = created + some_days(rng, 10, 75)
                if due < today:
                    weights = [70, 15, 10, 5] if earlier else [45, 35, 15, 5]
                    choices = [ActionStatus.DONE, ActionStatus.OPEN, ActionStatus.CARRIED_OVER, ActionStatus.CANCELLED]
                    status = rng.choices(choices, weights=weights)[0]
                else:
                    status = ActionStatus.OPEN
                self.add(case, need, need.pathway, owner, agency, created, due, status)
        if case.supervised and case.lead_kind == "probation":
            created = max(case.started_on, today - some_days(rng, 20, 60))
            due = created + some_days(rng, 14, 60)
            probation = self.orgs["Probation Service Wessex"]
            self.add(case, None, Pathway.ATTITUDES, case.lead, probation, created, due, ActionStatus.OPEN, sentence_plan=True)

    def one_overdue_each(self) -> None:
        """Every demo worker who owns actions has one overdue to act on."""
        staff, rng, today, actions, history = self.staff, self.rng, self.today, self.actions, self.history
        for user in [*(staff.demo(k) for k in DEMO_LEADS), staff.housing, staff.dwp]:
            mine = [a for a in actions if a.owner_id == user.pk]
            if not mine or any(a.status == ActionStatus.OPEN and a.due_on < today for a in mine):
                continue
            i = actions.index(min(mine, key=lambda a: a.created_at))
            start = min(history[i][0][1], today - datetime.timedelta(days=30))
            due = today - some_days(rng, 2, 20)
            actions[i].created_at = stamp(start, 14)
            actions[i].status, actions[i].due_on, actions[i].version = ActionStatus.OPEN, due, 1
            history[i] = [(ActionStatus.OPEN.value, start, due, "Added to the plan")]


def build_plans(
    cases: list[DemoCase],
    staff: Staff,
    orgs: dict[str, Organisation],
    rng: random.Random,
    fake: Faker,
    today: datetime.date,
    batch_size: int,
) -> tuple[int, int, dict[int, set[str]]]:
    """Pathway assessments (at registration, now and then in between, and recently) and the plan's
    actions linked to the latest needs: done, open, overdue, carried over, now and then cancelled.
    Returns the counts and, by person, the agencies with an action on the plan."""
    made, first, latest = _assessments(cases, rng, today, batch_size)
    plan = _Plan(staff, orgs, rng, fake, today)
    for case in cases:
        plans = [latest[case.person.pk]]
        if first[case.person.pk][0] is not plans[0][0]:
            plans.insert(0, first[case.person.pk])
        plan.case_actions(case, plans)
    plan.one_overdue_each()
    made_actions = PlanAction.objects.bulk_create(plan.actions, batch_size=batch_size)
    agencies: dict[int, set[str]] = defaultdict(set)
    names = {o.pk: o.name for o in orgs.values()}
    for action in made_actions:
        agencies[action.person_id].add(names[action.agency_id])
    changes = [
        PlanActionChange(action=action, status=status, due_on=due, note=note, changed_by=action.created_by, changed_at=stamp(on, 15))
        for action, steps in zip(made_actions, plan.history, strict=True)
        for status, on, due, note in steps
    ]
    PlanActionChange.objects.bulk_create(changes, batch_size=batch_size)
    return len(made), len(made_actions), agencies
