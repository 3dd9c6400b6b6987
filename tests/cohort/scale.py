"""A cohort of any size with everything the dashboard, the regime, reviews, the deregistration rules
and the candidate list read per person, for the tests that pin their query counts: the count for 3
people must be the count for 30 (a per-person query would add 27)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from iomhub.access.models import Role
from iomhub.casework.models import CaseRecord, DrugResult, EntryKind, EntryOutcome, TimelineEntry
from iomhub.cohort.models import Registration
from iomhub.justice.models import Arrest, MappaManagement
from tests.factories import PersonFactory
from tests.justice import factories as justice

TODAY = datetime.date(2026, 6, 15)
START = datetime.date(2026, 1, 5)
RAGS = ("red", "amber", "green", "prison", "red-alert")


def add_registered(p: Any, count: int) -> list[Registration]:
    """``count`` registered people in ``p``'s team, each with a RAG history and a review, home visits,
    an office appointment, a drug test and intelligence on the timeline, a lead worker who is not a
    probation officer, a sentence they are on licence from (or, every third, a 6-year sentence being
    served) and, every fourth, MAPPA level 3."""
    chair, police = p.users[Role.CHAIR], p.users[Role.POLICE_IOM_OFFICER]
    made = []
    for i in range(count):
        person = PersonFactory(managing_team=p.team)
        rag = RAGS[i % len(RAGS)]
        registration = Registration.objects.create(person=person, started_on=START, rag=rag)
        registration.rag_history.create(level=rag, changed_on=START, decided_by=chair, decided_by_name="Chair")
        registration.reviews.create(
            reviewed_on=datetime.date(2026, 3, 2), outcome="retain", notes="Engaging", reviewed_by=chair, reviewed_by_name="Chair"
        )
        entries = [
            (EntryKind.HOME_VISIT, EntryOutcome.ATTENDED, datetime.date(2026, 5, 1 + i % 20), ""),
            (EntryKind.JOINT_VISIT, EntryOutcome.ATTENDED, datetime.date(2026, 6, 1), ""),
            (EntryKind.OFFICE, EntryOutcome.FAILED if i % 2 else EntryOutcome.ATTENDED, datetime.date(2026, 4, 7), ""),
            (EntryKind.DRUG_TEST, EntryOutcome.DONE, datetime.date(2026, 4, 8), DrugResult.NEGATIVE),
            (EntryKind.INTELLIGENCE, EntryOutcome.DONE, datetime.date(2026, 2, 9), ""),
        ]
        TimelineEntry.objects.bulk_create(
            TimelineEntry(person=person, kind=k, outcome=o, occurred_on=on, drug_result=r, recorded_by=police, recorded_by_name="Officer")
            for k, o, on, r in entries
        )
        CaseRecord.objects.create(person=person, lead_worker=police)
        if i % 3 == 0:
            justice.sentence(user=p.users[Role.PROBATION_OFFICER], person=person, sentenced_on=datetime.date(2026, 2, 2), months=0, years=6)
        else:
            justice.sentence(
                user=p.users[Role.PROBATION_OFFICER],
                person=person,
                sentenced_on=datetime.date(2025, 9, 1),
                offence_committed_on=datetime.date(2025, 8, 1),
                months=4,
            )
        if i % 4 == 0:
            MappaManagement.objects.create(person=person, level=3, category="1", from_date=START, recorded_by_name="MAPPA coordinator")
        made.append(registration)
    return made


def add_candidates(p: Any, count: int) -> list[Any]:
    """``count`` people off the scheme with six arrests in the last year (an entry criterion)."""
    made = []
    for i in range(count):
        person = PersonFactory(managing_team=p.team)
        Arrest.objects.bulk_create(
            Arrest(
                person=person, arrested_on=TODAY - datetime.timedelta(days=20 * n + i % 7), custody_suite="Northbridge", outcome="charge"
            )
            for n in range(6)
        )
        made.append(person)
    return made


def queries(call: Any) -> tuple[int, Any]:
    """How many queries ``call()`` makes, and what it returns."""
    with CaptureQueriesContext(connection) as captured:
        result = call()
    return len(captured.captured_queries), result
