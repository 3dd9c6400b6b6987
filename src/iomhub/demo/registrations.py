"""The demo's registrations: open ones with their RAG history, adoption checklist and reviews, and
past ones that ended with a deregistration (reasons, exit plan, removal checklist)."""

from __future__ import annotations

import datetime
import random
from typing import Any

from iomhub.access.models import User
from iomhub.cohort.models import ChecklistEntry, ChecklistItem, Deregistration, RagChange, Registration, RemovalEntry, RemovalItem, Review
from iomhub.demo.case_facts import DemoCase, some_days, stamp
from iomhub.demo.staff import Staff
from iomhub.demo.texts import EXIT_PLANS
from iomhub.people.models import Person
from iomhub.referrals.models import RagLevel, Referral
from iomhub.rules.dates import add_months

PastRegistration = tuple[Person, datetime.date, datetime.date, str, list[str], bool]  # person, from, to, reasons, rules, required
REVIEW_NOTES = [
    "Still offending; retain at the current level",
    "Engaging with treatment but risk remains; retain",
    "Progress on housing; retain and review in three months",
]


def meeting(on: datetime.date) -> str:
    return f"Referral and operational meeting, {on:%B %Y}"


def _registration_rows(
    cases: list[DemoCase], past: list[PastRegistration], referrals: dict[int, Referral], rng: random.Random
) -> list[Registration]:
    open_rows = []
    for case in cases:
        ppo = case.arrests >= 5 and rng.random() < 0.5
        da = rng.random() < 0.12
        open_rows.append(
            Registration(
                person=case.person,
                referral=referrals.get(case.person.pk),
                started_on=case.started_on,
                rag=case.rag,
                neighbourhood_crime=case.neighbourhood,
                domestic_abuse=da,
                ppo=ppo,
                strand="Fixed" if ppo or case.neighbourhood else rng.choice(["Flex", "Flex", "Free"]),
                transferred_in_on=case.transferred_in_on,
                other_forum="MARAC" if da and rng.random() < 0.5 else "",
                created_at=stamp(case.started_on, 16),
            )
        )
    ended_rows = [
        Registration(
            person=person,
            started_on=start,
            ended_on=end,
            end_reason=f"Deregistered: {reasons}",
            rag=RagLevel.PRISON if required else RagLevel.GREEN,
            neighbourhood_crime=rng.random() < 0.6,
            strand="Flex",
            created_at=stamp(start, 16),
        )
        for person, start, end, reasons, _, required in past
    ]
    return open_rows + ended_rows


class _History:
    """The rows each registration has: RAG changes, checklist ticks, reviews and deregistrations."""

    def __init__(self, staff: Staff, rng: random.Random, today: datetime.date) -> None:
        self.chair, self.coordinator, self.rng, self.today = staff.chair, staff.coordinator, rng, today
        self.changes: list[RagChange] = []
        self.ticks: list[ChecklistEntry] = []
        self.reviews: list[Review] = []
        self.deregistrations: list[Deregistration] = []

    def change(self, reg: Registration, level: str, on: datetime.date, why: str, by: User, **extra: Any) -> None:
        self.changes.append(
            RagChange(registration=reg, level=level, changed_on=on, reason=why, decided_by=by, decided_by_name=by.display_name, **extra)
        )

    def open_case(self, case: DemoCase, reg: Registration) -> None:
        for on, level, why in case.levels:
            decider = self.chair if on == case.started_on or level == RagLevel.RED_ALERT else self.coordinator
            held = meeting(on) if level not in (RagLevel.PRISON, RagLevel.RED_ALERT) else ""
            self.change(reg, level, on, why, decider, meeting=held, recorded_at=stamp(on, 17))
        self._checklist(case, reg)
        self._reviews(case, reg)

    def _checklist(self, case: DemoCase, reg: Registration) -> None:
        rng, today, coordinator = self.rng, self.today, self.coordinator
        age = (today - case.started_on).days
        outstanding = set()
        if age < 60:
            outstanding = set(rng.sample(ChecklistItem.values, rng.randint(1, 4)))
        elif rng.random() < 0.15:
            outstanding = {rng.choice([ChecklistItem.PNC_MARKER, ChecklistItem.SOCIAL_SERVICES])}
        for item in ChecklistItem.values:
            if item in outstanding:
                self.ticks.append(ChecklistEntry(registration=reg, item=item))
                continue
            done = min(today, case.started_on + some_days(rng, 0, 14))
            na = item == ChecklistItem.SOCIAL_SERVICES and rng.random() < 0.5
            self.ticks.append(
                ChecklistEntry(
                    registration=reg,
                    item=item,
                    done_on=None if na else done,
                    done_by="" if na else coordinator.display_name,
                    not_applicable=na,
                    recorded_by=coordinator,
                    recorded_at=stamp(done, 12),
                )
            )

    def _reviews(self, case: DemoCase, reg: Registration) -> None:
        rng, today = self.rng, self.today
        review_days: set[datetime.date] = set()
        due = add_months(case.started_on, 6)
        while due <= today:
            if due < today - datetime.timedelta(days=60) or rng.random() < 0.8:
                review_days.add(due)
            due = add_months(due, 3)
        if case.effective(today) in (RagLevel.RED, RagLevel.RED_ALERT) and rng.random() < 0.7:
            review_days.add(max(case.levels[-1][0], today - some_days(rng, 0, 6)))
        for on in sorted(review_days):
            self.reviews.append(
                Review(
                    registration=reg,
                    reviewed_on=on,
                    meeting=meeting(on),
                    outcome=Review.Outcome.RETAIN,
                    notes=rng.choice(REVIEW_NOTES),
                    reviewed_by=self.chair,
                    reviewed_by_name=self.chair.display_name,
                    recorded_at=stamp(on, 17),
                )
            )

    def ended(self, reg: Registration, start: datetime.date, end: datetime.date, reasons: str, rules: list[str], required: bool) -> None:
        rng, chair, coordinator = self.rng, self.chair, self.coordinator
        first = RagLevel.RED if required else rng.choice([RagLevel.AMBER, RagLevel.RED])
        self.change(reg, first, start, "Initial classification", chair)
        moved = start + datetime.timedelta(days=max(0, (end - start).days // 2))
        self.change(reg, reg.rag, moved, "Sentenced to custody" if required else "Engaging well", coordinator, meeting=meeting(moved))
        for item in ChecklistItem.values:
            self.ticks.append(
                ChecklistEntry(
                    registration=reg,
                    item=item,
                    done_on=start,
                    done_by=coordinator.display_name,
                    recorded_by=coordinator,
                    recorded_at=stamp(start, 12),
                )
            )
        plan, supported_by = EXIT_PLANS[rng.randrange(len(EXIT_PLANS))]
        self.deregistrations.append(
            Deregistration(
                registration=reg,
                approved_on=end,
                meeting=meeting(end),
                reasons=reasons,
                exit_plan="Custody: the offender manager brings the case back 12 months before release" if required else plan,
                supported_by="Probation Service Wessex" if required else supported_by,
                required_by=rules if required else [],
                suggested_by=[] if required else rules,
                approved_by=chair,
                approved_by_name=chair.display_name,
                recorded_at=stamp(end, 17),
            )
        )


def _removals(deregistrations: list[Deregistration], staff: Staff, rng: random.Random, today: datetime.date) -> list[RemovalEntry]:
    """The removal checklist of each deregistration: done, but the PNC marker of recent ones still on."""
    coordinator = staff.coordinator
    removals = []
    for record in deregistrations:
        recent = (today - record.approved_on).days < 30
        for item in RemovalItem.values:
            if recent and item == RemovalItem.PNC_MARKER:
                removals.append(RemovalEntry(deregistration=record, item=item))
                continue
            done = min(today, record.approved_on + some_days(rng, 0, 10))
            removals.append(
                RemovalEntry(
                    deregistration=record,
                    item=item,
                    done_on=done,
                    done_by=coordinator.display_name,
                    recorded_by=coordinator,
                    recorded_at=stamp(done, 12),
                )
            )
    return removals


def build_registrations(
    cases: list[DemoCase],
    past: list[PastRegistration],
    referrals: dict[int, Referral],
    staff: Staff,
    rng: random.Random,
    today: datetime.date,
    batch_size: int,
) -> int:
    """The open registrations of the cases and the past ones (returns how many past ones)."""
    made = Registration.objects.bulk_create(_registration_rows(cases, past, referrals, rng), batch_size=batch_size)
    history = _History(staff, rng, today)
    for case, registration in zip(cases, made, strict=False):
        case.registration = registration
        history.open_case(case, registration)
    ended = made[len(cases) :]
    for reg, (_, start, end, reasons, rules, required) in zip(ended, past, strict=True):
        history.ended(reg, start, end, reasons, rules, required)
    RagChange.objects.bulk_create(history.changes, batch_size=batch_size)
    ChecklistEntry.objects.bulk_create(history.ticks, batch_size=batch_size)
    Review.objects.bulk_create(history.reviews, batch_size=batch_size)
    made_deregistrations = Deregistration.objects.bulk_create(history.deregistrations, batch_size=batch_size)
    RemovalEntry.objects.bulk_create(_removals(made_deregistrations, staff, rng, today), batch_size=batch_size)
    return len(ended)
