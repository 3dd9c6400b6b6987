"""The report selectors read in a fixed number of queries, however many people are on the
caseload (the dataset's handful, then 30 more with registrations, custody, warrants and recalls)."""

from __future__ import annotations

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from iomhub.access.models import Role
from iomhub.cohort.models import Registration
from iomhub.justice.models import CustodyEpisode, Warrant
from iomhub.reporting import selectors
from iomhub.rules.quarters import Quarter
from tests.factories import PersonFactory
from tests.reporting.dataset import AS_OF, QUARTER, build


def queries(call) -> int:
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured.captured_queries)


def test_quarterly_and_overview_queries_do_not_grow_with_the_caseload(partnership):
    data = build(partnership)
    user = partnership.users[Role.COORDINATOR]

    def both():
        selectors.quarterly(user=user, quarter=Quarter.parse(QUARTER), team_id=data.team_a.pk, people=True)  # counted afresh
        selectors.overview(user=user, team_id=data.team_a.pk, as_of=AS_OF)

    both()  # once first: look-ups cached for the process are not part of the count
    few = queries(both)
    for i in range(30):
        person = PersonFactory(managing_team=data.team_a)
        Registration.objects.create(person=person, started_on=datetime.date(2026, 5, 1) + datetime.timedelta(days=i), rag="red")
        CustodyEpisode.objects.create(person=person, kind="remand", prison="HMP Example", started_on=datetime.date(2026, 9, 1))
        Warrant.objects.create(person=person, kind=Warrant.Kind.BREACH, issued_on=datetime.date(2026, 8, 1))
    assert queries(both) == few
