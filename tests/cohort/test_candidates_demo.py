"""Issue 5 done-when: "Candidate list on the demo data lists exactly the unregistered people meeting
the criteria". The demo partnership is loaded; the list the coordinator sees is compared with the
rules (``iomhub.rules.eligibility.screen``) applied independently to every person's raw justice
rows, less the people on IOM now and the people the coordinator may not see."""

from __future__ import annotations

import datetime
from collections import defaultdict

import pytest

from iomhub import clock
from iomhub.access.models import User
from iomhub.cohort.models import Registration
from iomhub.cohort.selectors import candidate_list
from iomhub.demo import load_demo
from iomhub.justice.models import Arrest, CourtOutcome, Disposal, Offence, Sentence, Warrant
from iomhub.people.models import Person
from iomhub.rules import eligibility
from iomhub.rules._dates import add_months

AS_OF = datetime.date(2026, 11, 1)  # the demo's justice records are built up to this day


def expected_candidates(as_of: datetime.date) -> set[int]:
    """Every demo person screened from their raw rows: nothing shared with the candidate list's code
    but the rules themselves."""
    arrests: dict[int, list[datetime.date]] = defaultdict(list)
    for pid, day in Arrest.objects.filter(arrested_on__lte=as_of).values_list("person_id", "arrested_on"):
        arrests[pid].append(day)
    offences: dict[int, list[tuple[datetime.date, str]]] = defaultdict(list)
    for pid, day, category in Offence.objects.filter(committed_on__lte=as_of).values_list(
        "person_id", "committed_on", "code__neighbourhood_crime"
    ):
        offences[pid].append((day, category or "other"))
    custody: dict[int, list[tuple[datetime.date, int]]] = defaultdict(list)
    for pid, day, length in Sentence.objects.filter(sentenced_on__lte=as_of, length_days__isnull=False).values_list(
        "person_id", "sentenced_on", "length_days"
    ):
        custody[pid].append((day, length))
    year_ago = add_months(as_of, -12)
    breached = set(Warrant.objects.filter(kind="breach", issued_on__gt=year_ago, issued_on__lte=as_of).values_list("person_id", flat=True))
    on_order = set(CourtOutcome.objects.filter(disposal__in=[Disposal.COMMUNITY, Disposal.SUSPENDED]).values_list("person_id", flat=True))
    on_iom = set(Registration.objects.filter(ended_on__isnull=True).values_list("person_id", flat=True))
    ppo = set(Registration.objects.filter(ended_on__isnull=True, ppo=True).values_list("person_id", flat=True))
    found = set()
    for person in Person.objects.filter(restriction="", merged_into__isnull=True):
        if person.pk in on_iom or person.date_of_birth > as_of:
            continue
        result = eligibility.screen(
            as_of=as_of,
            date_of_birth=person.date_of_birth,
            arrest_dates=arrests[person.pk],
            offences=offences[person.pk],
            custodial_sentences=custody[person.pk],
            ppo=person.pk in ppo,
            community_order_non_compliance=person.pk in breached and person.pk in on_order,
        )
        if result.eligible:
            found.add(person.pk)
    return found


@pytest.mark.django_db
def test_the_candidate_list_on_the_demo_is_exactly_the_unregistered_people_meeting_the_criteria():
    load_demo(people=300)
    coordinator = User.objects.get(username="coordinator")
    eligible_before = expected_candidates(AS_OF)
    assert len(eligible_before) >= 5, "the demo must give some people who meet the criteria"
    # Two of them go on IOM: they must leave the list.
    registered = sorted(eligible_before)[:2]
    for pk in registered:
        Registration.objects.create(person_id=pk, started_on=datetime.date(2026, 10, 1), rag="amber")

    with clock.frozen(AS_OF):
        listed = candidate_list(user=coordinator, as_of=AS_OF)

    expected = expected_candidates(AS_OF)
    assert expected == eligible_before - set(registered)
    assert listed.available
    assert {person.pk for person, _ in listed.rows} == expected
    assert all(s.result.eligible for _, s in listed.rows)
    # Ranked by evidence: arrests in the year never increase down the list.
    counts = [s.arrests_in_year for _, s in listed.rows]
    assert counts == sorted(counts, reverse=True)
