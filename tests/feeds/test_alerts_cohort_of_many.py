"""Who is in the cohort and whom an alert reaches, for all of an import's people at once (``feeds.alerts.in_cohort_of``, ADR 0037
addendum "rows of people on record cheaper"): the same people as ``in_cohort`` asked person by
person, and as written out by hand, at the edges of a registration (started or ended that very day,
ended the day before, starting the day after, registered twice)."""

from __future__ import annotations

import datetime

import pytest

from iomhub.access.models import Role
from iomhub.casework.models import CaseRecord
from iomhub.cohort.models import Registration
from iomhub.feeds.alerts import in_cohort, in_cohort_of, recipients, recipients_of
from tests.factories import PersonFactory, TeamFactory, UserFactory

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


def test_the_recipients_of_many_people_written_out_by_hand(partnership):
    """``recipients_of`` (a case record query for all, the police once per team), against the people
    written out by hand: the lead worker if active and able to see the justice record, then the
    police IOM officers of the person's team, or every police IOM officer when they have no team."""
    p = partnership
    police, probation, housing = p.users[Role.POLICE_IOM_OFFICER], p.users[Role.PROBATION_OFFICER], p.users["housing-worker"]
    other_team = TeamFactory(name="Another IOM team")
    elsewhere = UserFactory(username="police-elsewhere", organisation=police.organisation, team=other_team, roles=[Role.POLICE_IOM_OFFICER])
    UserFactory(username="police-gone", organisation=police.organisation, team=p.team, roles=[Role.POLICE_IOM_OFFICER], is_active=False)
    gone_lead = UserFactory(username="probation-gone", organisation=probation.organisation, team=p.team, roles=[Role.PROBATION_OFFICER])
    gone_lead.is_active = False
    gone_lead.save()
    no_team = PersonFactory(managing_team=None)
    in_other_team = PersonFactory(managing_team=other_team)
    lead_gone = PersonFactory(managing_team=p.team)
    CaseRecord.objects.create(person=p.ordinary, lead_worker=probation)
    CaseRecord.objects.create(person=p.housing_case, lead_worker=housing)  # may not see the justice record
    CaseRecord.objects.create(person=lead_gone, lead_worker=gone_lead)
    people = [p.ordinary, p.housing_case, no_team, in_other_team, lead_gone]
    expected = {
        p.ordinary.pk: [probation, police],
        p.housing_case.pk: [police],
        no_team.pk: [police, elsewhere],
        in_other_team.pk: [elsewhere],
        lead_gone.pk: [police],
    }
    assert expected[no_team.pk] == sorted(expected[no_team.pk], key=lambda u: u.pk)  # by id, as the officers are read
    assert recipients_of(people) == expected
    assert {person.pk: recipients(person) for person in people} == expected
