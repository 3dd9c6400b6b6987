"""Queries per page stay constant in the size of what the page shows (issue 15 §3): a person's pages
and their API reads make as many queries for 30 timeline entries and 30 arrests as for 3, the
search page for 30 people found as for 3, the quarterly report for 30 registered people as for 3.
(The team dashboard, a worker's caseload, the candidate list and the meeting agenda are pinned the
same way in tests/casework/test_dashboard_queries.py, tests/cohort/test_query_counts.py and
tests/meetings/test_agenda_queries.py.) Counts, never times: ``make bench`` measures the time."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from iomhub import clock
from iomhub.access.models import Role
from iomhub.access.services import api_token_issue
from iomhub.casework.models import CaseRecord, EntryKind, EntryOutcome, TimelineEntry
from iomhub.cohort.models import Registration
from iomhub.rules.quarters import Quarter
from tests.cohort.scale import TODAY, add_registered, queries
from tests.factories import PersonFactory
from tests.justice import factories as justice

pytestmark = pytest.mark.django_db

PERSON_PAGES = ["/people/{id}/", "/people/{id}/timeline/", "/people/{id}/justice/"]
PERSON_API = ["/api/v1/people/{id}", "/api/v1/people/{id}/case", "/api/v1/people/{id}/timeline", "/api/v1/people/{id}/justice"]


def grow(person, user, start: int, count: int) -> None:
    """``count`` more timeline entries (home visits, office appointments, intelligence) and arrests
    (each with its offence) for ``person``, numbered from ``start``."""
    kinds = [
        (EntryKind.HOME_VISIT, EntryOutcome.ATTENDED),
        (EntryKind.OFFICE, EntryOutcome.FAILED),
        (EntryKind.INTELLIGENCE, EntryOutcome.DONE),
    ]
    TimelineEntry.objects.bulk_create(
        TimelineEntry(
            person=person,
            kind=kinds[n % 3][0],
            outcome=kinds[n % 3][1],
            occurred_on=TODAY - datetime.timedelta(days=n + 1),
            summary=f"Entry number {n}",
            recorded_by=user,
            recorded_by_name="Officer",
        )
        for n in range(start, start + count)
    )
    for n in range(start, start + count):
        justice.arrest(user=user, person=person, arrested_on=TODAY - datetime.timedelta(days=2 * n + 1))


def registered(p):
    person = p.ordinary
    Registration.objects.create(person=person, started_on=datetime.date(2026, 1, 5), rag="amber")
    CaseRecord.objects.create(person=person, lead_worker=p.users[Role.POLICE_IOM_OFFICER])
    return person


def constant(get, person, officer) -> tuple[int, int, bytes, bytes]:
    """(queries with 3 entries, with 30, the page with 3, with 30)."""
    grow(person, officer, 0, 3)
    get()  # the session and the user, once
    few, small = queries(get)
    assert small.status_code == 200, small.content[:300]
    grow(person, officer, 3, 27)
    many, large = queries(get)
    assert large.status_code == 200
    return few, many, small.content, large.content


@pytest.mark.parametrize("path", PERSON_PAGES)
def test_a_person_page_makes_as_many_queries_for_30_entries_and_arrests_as_for_3(client, partnership, path):
    p = partnership
    officer = p.users[Role.POLICE_IOM_OFFICER]
    client.force_login(officer)
    with clock.frozen(TODAY):
        person = registered(p)
        url = path.format(id=person.pk)
        few, many, small, large = constant(lambda: client.get(url), person, officer)
    assert many == few, f"{url}: {few} queries with 3 entries and arrests, {many} with 30"
    if "timeline" in path:
        assert b"Entry number 2" in small and b"Entry number 29" in large  # the page shows what grew


@pytest.mark.parametrize("path", PERSON_API)
def test_an_api_read_makes_as_many_queries_for_30_entries_and_arrests_as_for_3(client, partnership, path):
    p = partnership
    officer = p.users[Role.POLICE_IOM_OFFICER]
    _, secret = api_token_issue(acting_user=officer, name="tests", second_factor_at=timezone.now())
    with clock.frozen(TODAY):
        person = registered(p)
        url = path.format(id=person.pk)
        few, many, small, large = constant(lambda: client.get(url, HTTP_AUTHORIZATION=f"Bearer {secret}"), person, officer)
    assert many == few, f"{url}: {few} queries with 3 entries and arrests, {many} with 30"
    if path.endswith("/timeline"):
        assert b"Entry number 29" in large and b"Entry number 29" not in small


def test_the_search_page_makes_as_many_queries_for_30_people_found_as_for_3(client, partnership):
    p = partnership
    client.force_login(p.users[Role.POLICE_IOM_OFFICER])

    def add(count: int) -> None:
        for _ in range(count):
            PersonFactory(last_name="Queryson", managing_team=p.team)

    add(3)
    client.get("/people/", {"q": "queryson"})
    few, small = queries(lambda: client.get("/people/", {"q": "queryson"}))
    add(27)
    many, large = queries(lambda: client.get("/people/", {"q": "queryson"}))
    assert small.status_code == large.status_code == 200
    assert large.content.lower().count(b"queryson") > small.content.lower().count(b"queryson")
    assert many == few


def test_the_quarterly_report_page_makes_as_many_queries_for_30_registered_as_for_3(client, partnership):
    p = partnership
    client.force_login(p.users[Role.PERFORMANCE_LEAD])
    quarter = str(Quarter.containing(TODAY).previous())

    def page() -> Any:
        return client.get("/reports/quarterly/", {"quarter": quarter})

    with clock.frozen(TODAY):
        page()  # once first: look-ups cached for the process are not part of the count
        add_registered(p, 3)
        few, small = queries(page)  # counted: the first read after a write (ADR 0042)
        stored_few, _ = queries(page)  # read back as stored
        add_registered(p, 27)
        many, large = queries(page)
        stored_many, _ = queries(page)
    assert small.status_code == large.status_code == 200
    assert many == few
    assert stored_many == stored_few < few
