"""Who is in the cohort, for all of an import's people at once (``feeds.alerts.in_cohort_of``, ADR 0037
addendum "rows of people on record cheaper"): the same people as ``in_cohort`` asked person by
person, and as written out by hand, at the edges of a registration (started or ended that very day,
ended the day before, starting the day after, registered twice)."""

from __future__ import annotations

import datetime

import pytest

from iomhub.cohort.models import Registration
from iomhub.feeds.alerts import in_cohort, in_cohort_of
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

D = datetime.date
DAY = D(2026, 9, 1)


def test_the_cohort_of_many_people_is_each_person_in_the_cohort(partnership):
    spans = {
        "ongoing": [(D(2026, 1, 5), None)],
        "started today": [(DAY, None)],
        "ends today": [(D(2025, 1, 1), DAY)],
        "ended yesterday": [(D(2025, 1, 1), DAY - datetime.timedelta(days=1))],
        "starts tomorrow": [(DAY + datetime.timedelta(days=1), None)],
        "ended then again": [(D(2024, 1, 1), D(2024, 6, 1)), (D(2026, 8, 1), None)],
        "ended twice": [(D(2024, 1, 1), D(2024, 6, 1)), (D(2025, 1, 1), D(2025, 6, 1))],
        "never": [],
    }
    people = {name: PersonFactory() for name in spans}
    for name, registrations in spans.items():
        for started, ended in registrations:
            Registration.objects.create(person=people[name], started_on=started, ended_on=ended, rag="green")
    ids = [p.pk for p in people.values()]
    expected = {people[n].pk for n in ("ongoing", "started today", "ends today", "ended then again")}
    assert in_cohort_of(ids, DAY) == expected
    assert {p.pk for p in people.values() if in_cohort(p, DAY)} == expected
    assert in_cohort_of([people["ongoing"].pk, people["never"].pk], DAY) == {people["ongoing"].pk}
    assert in_cohort_of([], DAY) == set()
