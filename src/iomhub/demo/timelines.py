"""The demo's timelines: home visits by the RAG regime (some overdue), office appointments, bookings
ahead, drug tests, prison visits, intelligence notes (police only) and the odd phone call."""

from __future__ import annotations

import datetime
import random
from typing import Any

from iomhub.access.models import Organisation, User
from iomhub.casework.models import DrugResult, EntryKind, EntryOutcome, Substance, TimelineEntry
from iomhub.demo.case_facts import DemoCase, some_days, stamp, visit_interval
from iomhub.demo.staff import Staff
from iomhub.demo.texts import INTELLIGENCE
from iomhub.interventions.services import drug_tests_from_entries
from iomhub.rules import regime

TIMELINE_DAYS = 120  # how far back the timeline of a long registration goes


class _Timeline:
    """The timeline entries being built for the cohort."""

    def __init__(self, staff: Staff, orgs: dict[str, Organisation], rng: random.Random, today: datetime.date) -> None:
        self.staff, self.rng, self.today = staff, rng, today
        self.police, self.treatment = orgs["Wessex Police"], orgs["Wessex Drug and Alcohol Service"]
        self.entries: list[TimelineEntry] = []

    def entry(
        self, case: DemoCase, kind: str, on: datetime.date, by: User, outcome: str = EntryOutcome.DONE, summary: str = "", **extra: Any
    ) -> None:
        self.entries.append(
            TimelineEntry(
                person=case.person,
                kind=kind,
                outcome=outcome,
                occurred_on=on,
                summary=summary,
                organisation=by.organisation,
                recorded_by=by,
                recorded_by_name=by.display_name,
                recorded_at=stamp(min(on, self.today), 17),
                **extra,
            )
        )

    def case(self, case: DemoCase) -> None:
        assert case.lead is not None and case.police is not None
        rng, today = self.rng, self.today
        start = max(case.started_on, today - datetime.timedelta(days=TIMELINE_DAYS))
        interval = visit_interval(case.effective(today), today)
        if interval is not None:
            self.home_visits(case, start, interval)
        if case.custody is not None:
            self.in_custody(case, start)
            return
        if case.wanted_on is not None:
            for _ in range(rng.randint(1, 3)):
                on = max(case.wanted_on, today - some_days(rng, 0, 20))
                self.entry(case, EntryKind.OUTREACH, on, case.police, EntryOutcome.NO_REPLY, "Not at the address; wanted")
        if case.supervised or case.lead_kind == "probation":
            self.office(case, start)
        if case.drugs:
            self.drug_tests(case, start)
        if rng.random() < 0.65 or case.wanted_on is not None:
            self.intelligence(case, start)
        for _ in range(rng.randint(0, 2)):
            on = start + datetime.timedelta(days=rng.randint(0, max(0, (today - start).days)))
            self.entry(case, rng.choice([EntryKind.PHONE, EntryKind.TEXT]), on, case.lead, summary="Reminder of the next appointment")

    def home_visits(self, case: DemoCase, start: datetime.date, interval: int) -> None:
        """Visits back from the last one at the regime's interval (some overdue), the odd no reply,
        an attempt since the last for some overdue ones, and most with the next one booked."""
        rng, today, police = self.rng, self.today, case.police
        assert police is not None
        age = (today - case.started_on).days
        if case.overdue:
            last: datetime.date | None = today - datetime.timedelta(days=min(age, interval + rng.randint(2, 12)))
        elif age < interval and rng.random() < 0.4:
            last = None  # not visited yet, and not due yet
        else:
            last = today - datetime.timedelta(days=rng.randint(0, min(age, interval - 3)))
        day = last
        while day is not None and day >= start:
            kind = EntryKind.JOINT_VISIT if rng.random() < 0.15 else EntryKind.HOME_VISIT
            summary = rng.choice(["Seen at home; no concerns", "Seen with partner; address checked", ""])
            self.entry(case, kind, day, police, EntryOutcome.ATTENDED, summary)
            if rng.random() < 0.15 and day - datetime.timedelta(days=2) >= start:
                self.entry(
                    case, EntryKind.HOME_VISIT, day - datetime.timedelta(days=2), police, EntryOutcome.NO_REPLY, "No reply; card left"
                )
            day -= datetime.timedelta(days=interval - rng.randint(0, 2) if interval < 30 else rng.randint(26, 30))
        if case.overdue and last is not None and rng.random() < 0.6 and last + datetime.timedelta(days=1) < today:
            on = last + datetime.timedelta(days=rng.randint(1, (today - last).days - 1))
            outcome = rng.choice([EntryOutcome.NO_REPLY, EntryOutcome.REFUSED])
            self.entry(case, EntryKind.HOME_VISIT, on, police, outcome, "Not seen at the address")
        if rng.random() < 0.65:
            on = today + datetime.timedelta(days=rng.randint(1, min(interval, 10)))
            self.entry(case, EntryKind.HOME_VISIT, on, police, EntryOutcome.BOOKED)

    def in_custody(self, case: DemoCase, start: datetime.date) -> None:
        """Prison visits (one booked) and, within pre-release planning, the planning assessment."""
        rng, today, lead, custody = self.rng, self.today, case.lead, case.custody
        assert lead is not None and custody is not None
        day = max(start, custody.sentenced_on) + some_days(rng, 7, 20)
        while day <= today:
            self.entry(case, EntryKind.PRISON_VISIT, day, lead, EntryOutcome.ATTENDED, "Sentence plan reviewed at HMP Wessex")
            day += some_days(rng, 25, 40)
        self.entry(case, EntryKind.PRISON_VISIT, today + some_days(rng, 3, 20), lead, EntryOutcome.BOOKED)
        release = custody.release
        if release is not None and regime.pre_release_planning_from(release_date=release) <= today:
            on = today - some_days(rng, 0, 10)
            self.entry(case, EntryKind.ASSESSMENT, on, lead, summary="Pre-release planning: accommodation and treatment on release")

    def office(self, case: DemoCase, start: datetime.date) -> None:
        rng, today, lead = self.rng, self.today, case.lead
        assert lead is not None
        day = start + some_days(rng, 0, 6)
        while day <= today:
            outcome = rng.choices([EntryOutcome.ATTENDED, EntryOutcome.FAILED, EntryOutcome.REARRANGED], weights=[80, 12, 8])[0]
            summary = {
                EntryOutcome.FAILED: "Did not attend; warning letter sent",
                EntryOutcome.REARRANGED: "Rearranged: hospital appointment",
            }.get(outcome, "Supervision session")
            self.entry(case, EntryKind.OFFICE, day, lead, outcome, summary)
            day += some_days(rng, 7, 14)
        self.entry(case, EntryKind.OFFICE, today + some_days(rng, 1, 10), lead, EntryOutcome.BOOKED)

    def drug_tests(self, case: DemoCase, start: datetime.date) -> None:
        rng, today = self.rng, self.today
        tester = case.lead if case.lead_kind == "substance" else self.staff.demo("substance")
        assert tester is not None
        day = start + some_days(rng, 0, 14)
        while day <= today:
            tested = sorted(rng.sample(SUBSTANCES_TESTED, rng.randint(2, 3)))
            result = rng.choices([DrugResult.NEGATIVE, DrugResult.POSITIVE, DrugResult.REFUSED], weights=[55, 35, 10])[0]
            positive = sorted(rng.sample(tested, rng.randint(1, len(tested)))) if result == DrugResult.POSITIVE else []
            self.entries.append(
                TimelineEntry(
                    person=case.person,
                    kind=EntryKind.DRUG_TEST,
                    outcome=EntryOutcome.DONE,
                    occurred_on=day,
                    organisation=self.treatment,
                    substances_tested=[str(s) for s in tested],
                    drug_result=result,
                    positive_for=[str(s) for s in positive],
                    recorded_by=tester,
                    recorded_by_name=tester.display_name,
                    recorded_at=stamp(day, 15),
                )
            )
            day += some_days(rng, 14, 28)

    def intelligence(self, case: DemoCase, start: datetime.date) -> None:
        rng, today, police = self.rng, self.today, case.police
        assert police is not None
        for _ in range(rng.randint(1, 4)):
            on = start + datetime.timedelta(days=rng.randint(0, max(0, (today - start).days)))
            self.entries.append(
                TimelineEntry(
                    person=case.person,
                    kind=EntryKind.INTELLIGENCE,
                    occurred_on=on,
                    summary=rng.choice(INTELLIGENCE),
                    organisation=self.police,
                    recorded_by=police,
                    recorded_by_name=police.display_name,
                    recorded_at=stamp(on, 18),
                )
            )


SUBSTANCES_TESTED = [Substance.OPIATES, Substance.COCAINE, Substance.CANNABIS, Substance.BENZODIAZEPINES, Substance.SPICE]


def build_timelines(
    cases: list[DemoCase], staff: Staff, orgs: dict[str, Organisation], rng: random.Random, today: datetime.date, batch_size: int
) -> int:
    """Home visits by the regime (some overdue), office appointments, appointments booked ahead,
    drug tests, prison visits, intelligence notes (police only) and the odd phone call."""
    timeline = _Timeline(staff, orgs, rng, today)
    for case in cases:
        timeline.case(case)
    TimelineEntry.objects.bulk_create(timeline.entries, batch_size=batch_size)
    drug_tests_from_entries(timeline.entries)  # each drug test has its record (ADR 0024)
    return len(timeline.entries)
