"""``justice.screening_table.refresh`` writes only what changed (ADR 0037 addendum, "rows of people on
record cheaper"), and the table ends as the rule makes it from each person's whole record: periods
no longer worked out deleted (a duplicate too), missing ones added, the others kept as they are
(their rows, ids and all), and people not refreshed left alone. The oracle is the rule applied to
each person's record read one person at a time with the ORM (not the table's own reads)."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from iomhub import clock
from iomhub.access.models import Role
from iomhub.justice import screening_table
from iomhub.justice import services as justice
from iomhub.justice.models import Arrest, ScreeningPeriod
from tests.factories import PersonFactory
from tests.justice.test_arrests_record_many import _periods_read_person_by_person

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2026, 6, 30)


@pytest.fixture(autouse=True)
def fixed_today():
    with clock.frozen(TODAY):
        yield


@pytest.fixture
def people(partnership):
    police = partnership.users[Role.POLICE_IOM_OFFICER]
    found = [PersonFactory(managing_team=partnership.team, date_of_birth=D(1990, 1, 1)) for _ in range(4)]
    for person in found:
        for i in range(7):  # spread over two years: several periods each
            justice.arrest_record(
                acting_user=police,
                person=person,
                arrested_on=D(2026, 5, 1) - datetime.timedelta(days=70 * i),
                custody_suite="Northbridge custody suite",
                outcome="charge",
                offence_codes=["105A" if i % 2 else "28C"],
            )
    screening_table.rebuild()
    return found


def _held(person_ids):
    return {
        row[0]: row[1:]
        for row in ScreeningPeriod.objects.filter(person_id__in=person_ids).values_list(
            "pk", "person_id", "starts_on", "ends_on", "arrests_in_year", "last_arrest"
        )
    }


def test_the_table_ends_as_the_rule_makes_it_and_unchanged_periods_keep_their_rows(people):
    arrested, duplicated, missing, untouched = (p.pk for p in people)
    assert len(_held([arrested])) >= 2  # the oracle has periods worth keeping
    # A new arrest recorded behind the table's back (its periods now out of date) ...
    Arrest.objects.create(person_id=arrested, arrested_on=D(2026, 6, 20), custody_suite="Eastgate", outcome="charge")
    # ... a period held twice, one held no more, and a stray row of someone not refreshed.
    copied = ScreeningPeriod.objects.filter(person_id=duplicated).order_by("starts_on").first()
    ScreeningPeriod.objects.create(
        person_id=duplicated,
        starts_on=copied.starts_on,
        ends_on=copied.ends_on,
        arrests_in_year=copied.arrests_in_year,
        last_arrest=copied.last_arrest,
    )
    ScreeningPeriod.objects.filter(person_id=missing).order_by("starts_on").first().delete()
    stray = ScreeningPeriod.objects.create(person_id=untouched, starts_on=D(2001, 1, 1), ends_on=D(2001, 2, 1), arrests_in_year=9)
    before = _held([arrested, duplicated, missing])
    twice = {pk for pk, period in before.items() if period == before[copied.pk]}
    assert len(twice) == 2

    screening_table.refresh([arrested, duplicated, missing])

    refreshed = [arrested, duplicated, missing]
    table = sorted(
        ScreeningPeriod.objects.filter(person_id__in=refreshed).values_list(
            *(f for f in ("person_id", "starts_on", "ends_on", "arrests_in_year", "last_arrest"))
        )
    )
    assert table == _periods_read_person_by_person(refreshed)
    assert ScreeningPeriod.objects.filter(pk=stray.pk).exists()  # not refreshed: left alone
    after = _held(refreshed)
    # The periods the new arrest did not change are the same rows as before it.
    kept = {pk for pk, period in before.items() if pk not in twice and period in set(after.values())}
    assert kept and kept <= set(after)
    assert {pk for pk, period in before.items() if period[0] == arrested} - after.keys()  # some replaced: the new arrest's
    assert len(twice & after.keys()) == 1  # one of the two rows of the period held twice kept, the other deleted
    assert [pk for pk, period in after.items() if period[0] == missing and pk not in before]  # the missing one added


def test_nothing_changed_nothing_written(people):
    ids = [p.pk for p in people]
    before = _held(ids)
    with CaptureQueriesContext(connection) as queries:
        screening_table.refresh(ids)
    assert _held(ids) == before
    written = [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith(("INSERT", "DELETE", "UPDATE"))]
    assert written == []
