"""``python -m iomhub rebuild_screening`` (ADR 0036; issue 15 §4): the table it writes, on a generated
population recorded on the real tables, is exactly ``rules.screening_periods.periods`` of each
person's whole justice record, read here independently of the rebuild; rebuilding again changes
nothing; a period with no arrest keeps its empty latest arrest (the PostgreSQL bulk insert writes
NULL, not a date)."""

from __future__ import annotations

import datetime
import io

from django.core.management import call_command

from iomhub.access.models import Role
from iomhub.justice import services as justice
from iomhub.justice.models import Arrest, CourtOutcome, Offence, ScreeningPeriod, ScreeningRebuild, Sentence, Warrant
from iomhub.rules.screening_periods import periods
from tests.cohort.test_screening_read import TODAY, fixed_today, population  # noqa: F401 - fixtures
from tests.factories import PersonFactory


def expected(ids):
    rows = []
    for pid in sorted(ids):
        record = {
            "arrest_dates": list(Arrest.objects.filter(person_id=pid).values_list("arrested_on", flat=True)),
            "offences": [
                (d, c or "other") for d, c in Offence.objects.filter(person_id=pid).values_list("committed_on", "code__neighbourhood_crime")
            ],
            "custodial_sentences": list(
                Sentence.objects.filter(person_id=pid, length_days__isnull=False).values_list("sentenced_on", "length_days")
            ),
            "breach_warrants": list(Warrant.objects.filter(person_id=pid, kind="breach").values_list("issued_on", flat=True)),
            "orders": list(
                CourtOutcome.objects.filter(person_id=pid, disposal__in=["community-order", "suspended"]).values_list(
                    "decided_on", flat=True
                )
            ),
        }
        rows += [(pid, p.starts_on, p.ends_on, p.arrests_in_year, p.last_arrest) for p in periods(**record)]
    return rows


def table():
    return list(
        ScreeningPeriod.objects.order_by("person_id", "starts_on").values_list(
            "person_id", "starts_on", "ends_on", "arrests_in_year", "last_arrest"
        )
    )


def test_the_rebuild_writes_each_persons_periods_of_their_whole_record(partnership, population):  # noqa: F811
    served = PersonFactory(date_of_birth=datetime.date(1980, 1, 1), managing_team=partnership.team)  # a short sentence, no arrest
    justice.sentence_record(
        acting_user=partnership.users[Role.POLICE_IOM_OFFICER],
        person=served,
        sentenced_on=TODAY - datetime.timedelta(days=30),
        offence_committed_on=TODAY - datetime.timedelta(days=90),
        months=4,
    )
    out = io.StringIO()
    call_command("rebuild_screening", stdout=out)
    found = table()
    assert found == expected([p.pk for p in population] + [served.pk])
    assert len({row[0] for row in found}) >= 10
    assert (served.pk, TODAY - datetime.timedelta(days=30)) in {(row[0], row[1]) for row in found if row[4] is None}
    done = ScreeningRebuild.objects.get()
    assert done.periods == len(found) and done.people >= len({row[0] for row in found})
    assert f"{done.periods} periods for {done.people} people" in out.getvalue()
    call_command("rebuild_screening", stdout=io.StringIO())
    assert table() == found
