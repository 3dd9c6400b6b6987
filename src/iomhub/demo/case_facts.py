"""What the demo knows of each case while it builds the cohort: the sentences, who leads it, its RAG
history (Prison from the sentence date, Red Alert from a warrant, changes at monthly meetings) and
whether a home visit is overdue."""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field

from django.utils import timezone

from iomhub.access.models import User
from iomhub.cohort.models import Registration
from iomhub.demo.staff import DEMO_LEADS, Staff
from iomhub.demo.texts import OTHER_AREAS
from iomhub.people.models import Person
from iomhub.referrals.models import RagLevel
from iomhub.rules import regime


@dataclass
class DemoSentence:
    sentenced_on: datetime.date
    months: int
    release: datetime.date | None
    expiry: datetime.date | None
    tused: datetime.date | None


@dataclass
class DemoCase:
    person: Person
    started_on: datetime.date
    arrests: int = 0
    neighbourhood: bool = False
    custody: DemoSentence | None = None  # serving now
    released: DemoSentence | None = None  # released since the registration started
    supervised: bool = False
    wanted_on: datetime.date | None = None
    drugs: bool = False
    lead_kind: str = "police"
    lead: User | None = None
    levels: list[tuple[datetime.date, str, str]] = field(default_factory=list)  # (from, level, why)
    transferred_in_on: datetime.date | None = None
    overdue: bool = False
    registration: Registration | None = None
    police: User | None = None  # the police officer who visits

    @property
    def rag(self) -> str:
        return self.levels[-1][1]

    def effective(self, today: datetime.date) -> str:
        return regime.effective_rag(assessed_rag=self.rag, transferred_in_on=self.transferred_in_on, today=today)


def stamp(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def some_days(rng: random.Random, low: int, high: int) -> datetime.timedelta:
    return datetime.timedelta(days=rng.randint(low, high))


def levels(case: DemoCase, rng: random.Random, today: datetime.date) -> None:
    """The RAG history: Prison from the sentence date, Red Alert from the warrant, otherwise a level
    by the evidence, now and then changed at a monthly meeting."""
    start = case.started_on
    weights = [45, 35, 20] if case.arrests >= 4 else [25, 45, 30]
    level = rng.choices([RagLevel.RED, RagLevel.AMBER, RagLevel.GREEN], weights=weights)[0]
    first = rng.choice([RagLevel.RED, RagLevel.AMBER])
    if case.custody is not None:
        if case.custody.sentenced_on > start:
            case.levels = [(start, first, "Initial classification at adoption")]
            case.levels.append((case.custody.sentenced_on, RagLevel.PRISON, f"Sentenced to {case.custody.months} months' custody"))
        else:
            case.levels = [(start, RagLevel.PRISON, "Adopted in custody: pre-release planning")]
        return
    if case.wanted_on is not None:
        if case.wanted_on > start:
            case.levels = [(start, first, "Initial classification at adoption")]
            case.levels.append((case.wanted_on, RagLevel.RED_ALERT, "Warrant issued: wanted for arrest"))
        else:
            case.levels = [(start, RagLevel.RED_ALERT, "Wanted on a warrant at adoption")]
        return
    released = case.released
    if released is not None and released.release is not None:
        case.levels = [
            (start, first, "Initial classification at adoption"),
            (released.sentenced_on, RagLevel.PRISON, f"Sentenced to {released.months} months' custody"),
            (released.release, level, "Released on licence: back on the live list"),
        ]
        return
    age = (today - start).days
    if age < 56 and rng.random() < 0.1:
        case.transferred_in_on = start
        case.levels = [(start, level, f"Transferred in from {rng.choice(OTHER_AREAS)}: managed as Red for the first 8 weeks")]
        return
    if age > 90 and rng.random() < 0.45:
        was = rng.choice([lv for lv in (RagLevel.RED, RagLevel.AMBER, RagLevel.GREEN) if lv != level])
        moved = start + datetime.timedelta(days=rng.randint(30, age - 14))
        why = "Re-offending and missed appointments" if was != RagLevel.RED and level == RagLevel.RED else "Engaging well with the plan"
        case.levels = [(start, was, "Initial classification at adoption"), (moved, level, why)]
        return
    case.levels = [(start, level, "Initial classification at adoption")]


def visit_interval(level: str, today: datetime.date) -> int | None:
    """Days from one home visit to the next under the RAG regime (``iomhub.rules.regime``), or None
    where the level has no home-visit regime (Red Alert, Prison)."""
    due = regime.next_home_visit_due(rag=level, rag_since=today, last_home_visit=None)
    return None if due is None else (due - today).days


def make_worth_showing(cases: list[DemoCase], staff: Staff, rng: random.Random, today: datetime.date) -> None:
    """Which home visits are overdue (about a third of Red and Amber, some Green), making sure every
    demo lead worker has a Red or Amber case with a visit overdue to act on."""
    for case in cases:
        level = case.effective(today)
        days = visit_interval(level, today)
        if days is None or (today - case.started_on).days <= days + 1:
            continue
        case.overdue = rng.random() < (0.15 if level == RagLevel.GREEN else 0.33)
    for kind in DEMO_LEADS:
        mine = [c for c in cases if c.lead == staff.demo(kind) and c.custody is None and c.wanted_on is None]
        old = [c for c in mine if (today - c.started_on).days > 20]
        if not old:
            continue
        live = [c for c in old if c.effective(today) in (RagLevel.RED, RagLevel.AMBER)]
        if not live:
            case = old[0]
            start, _, why = case.levels[-1]
            level = RagLevel.RED if len(case.levels) > 1 and case.levels[-2][1] == RagLevel.AMBER else RagLevel.AMBER
            case.levels[-1] = (start, level, why)
            live = [case]
        if not any(c.overdue for c in live):
            live[0].overdue = True
