"""Screening's facts from the real records (issue 5 §3-4; ADR 0008), no stand-ins: the MAPPA level
from the person's MAPPA record on the justice record, residence from the current address against the
postcodes the local teams cover, OGRS3 from the justice record (ranking candidates), priority groups
from a submitted referral; and the area page where the coordinator sets the postcodes."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from iomhub import clock
from iomhub.access.models import AuditEvent, Role
from iomhub.cohort import services as cohort_services
from iomhub.cohort.selectors import candidate_list, screening_for_person
from iomhub.justice import services as justice
from iomhub.people.models import Address, Person
from tests.access.support import events_since, last_event_id
from tests.factories import PersonFactory
from tests.referrals.factories import make_referral

D = datetime.date
TODAY = D(2026, 6, 30)


@pytest.fixture(autouse=True)
def fixed_today():
    with clock.frozen(TODAY):
        yield


@pytest.fixture
def area(partnership):
    team = partnership.team
    cohort_services.team_postcodes_set(acting_user=partnership.users[Role.COORDINATOR], team=team, postcodes="so14, BH")
    return team


def arrested(partnership, person, times, last=None):
    last = last or D(2026, 6, 1)
    police = partnership.users[Role.POLICE_IOM_OFFICER]
    for i in range(times):
        justice.arrest_record(
            acting_user=police,
            person=person,
            arrested_on=last - datetime.timedelta(days=20 * i),
            custody_suite="Northbridge custody suite",
            outcome="charge",
            offence_codes=["28E"],
        )


def lives_at(person, postcode, *, no_fixed_abode=False, since=None):
    since = since or D(2025, 1, 1)
    Address.objects.create(person=person, line_1="1 High Street", postcode=postcode, from_date=since, no_fixed_abode=no_fixed_abode)


def codes(partnership, person, role=Role.COORDINATOR):
    return screening_for_person(user=partnership.users[role], person=person, as_of=TODAY)


@pytest.mark.parametrize(
    "level, route, eligible",
    [(2, "mappa-2-dual", True), (3, "mappa-3", False)],
    ids=["MAPPA 2: dual management, still eligible", "MAPPA 3: not IOM-managed"],
)
def test_the_mappa_level_comes_from_the_persons_mappa_record(partnership, area, level, route, eligible):
    person = partnership.ordinary
    arrested(partnership, person, 6)
    assert "mappa" not in " ".join(codes(partnership, person).result.codes)
    justice.mappa_record(
        acting_user=partnership.users[Role.PROBATION_OFFICER], person=person, level=level, category="2", from_date=D(2026, 5, 1)
    )
    found = codes(partnership, person)
    assert route in found.result.codes and found.result.eligible is eligible
    assert found.facts.mappa_level == level


@pytest.mark.parametrize(
    "address, resident, outside, says",
    [
        (("SO14 3AB", False), True, False, "Lives in the area: current address SO14 3AB (SO14, "),
        (("BH8 1AA", False), True, False, "(BH, "),
        (("GU51 1AA", False), False, True, "Lives outside the area: current address GU51 1AA"),
        (("", True), None, False, "Not known: no fixed abode"),
        (("", False), None, False, "Not known: the current address has no postcode"),
        (None, None, False, "Not known: no current address recorded"),
    ],
    ids=["inside (district)", "inside (whole area)", "outside", "no fixed abode", "no postcode", "no address"],
)
def test_residence_is_the_current_address_against_the_teams_postcodes(client, partnership, area, address, resident, outside, says):
    person = partnership.ordinary
    arrested(partnership, person, 6)
    lives_at(person, "GU51 1AA", since=D(2020, 1, 1))  # an old address outside the area: not current
    Address.objects.filter(person=person).update(to_date=D(2024, 12, 31))
    if address is not None:
        lives_at(person, address[0], no_fixed_abode=address[1])
    found = codes(partnership, person)
    assert found.facts.resident_in_area is resident
    assert ("outside-area" in found.result.codes) is outside
    assert found.result.eligible is not outside  # not known is not evidence: still eligible
    assert says in found.residence
    event = AuditEvent.objects.filter(object_type="screening", person_id=person.pk).latest("id")
    assert event.changes["residence"] == found.residence
    client.force_login(partnership.users[Role.COORDINATOR])
    assert says in client.get(f"/cohort/people/{person.pk}/screening/").content.decode()


def test_without_an_area_set_nobody_is_outside(partnership):
    person = partnership.ordinary
    arrested(partnership, person, 6)
    lives_at(person, "GU51 1AA")
    found = codes(partnership, person)
    assert found.facts.resident_in_area is None and found.result.eligible
    assert "postcodes the local teams cover are not set" in found.residence


def convict(partnership, person, day, code="46"):
    police = partnership.users[Role.POLICE_IOM_OFFICER]
    offence = justice.offence_record(acting_user=police, person=person, code=code, committed_on=day - datetime.timedelta(days=30))
    justice.court_outcome_record(
        acting_user=police, person=person, decided_on=day, disposal="fine", offence_ids=[offence.pk], fine_pounds=100
    )


def test_candidates_with_the_same_arrests_are_ranked_by_ogrs3(client, partnership, area):
    team = partnership.team
    low = PersonFactory(first_name="Low", last_name="Risk", date_of_birth=D(1970, 1, 1), sex="male", managing_team=team)
    high = PersonFactory(first_name="High", last_name="Risk", date_of_birth=D(2000, 1, 1), sex="male", managing_team=team)
    unknown = PersonFactory(first_name="No", last_name="Convictions", date_of_birth=D(1990, 1, 1), sex="male", managing_team=team)
    more = PersonFactory(first_name="More", last_name="Arrests", date_of_birth=D(1970, 1, 1), sex="male", managing_team=team)
    for person in (low, high, unknown, more):
        lives_at(person, "SO14 1AA")
        arrested(partnership, person, 7 if person is more else 6)
    convict(partnership, low, D(2026, 2, 1))
    for day in (D(2019, 1, 1), D(2021, 1, 1), D(2023, 1, 1), D(2026, 2, 1)):
        convict(partnership, high, day)
    listed = candidate_list(user=partnership.users[Role.COORDINATOR], as_of=TODAY)
    rows = [p.pk for p, _ in listed.rows]
    assert rows == [more.pk, high.pk, low.pk, unknown.pk]
    by_pk = {p.pk: s for p, s in listed.rows}
    assert by_pk[high.pk].facts.ogrs3_two_year > by_pk[low.pk].facts.ogrs3_two_year
    assert by_pk[unknown.pk].ogrs3_percent is None
    client.force_login(partnership.users[Role.COORDINATOR])
    html = client.get("/cohort/candidates/").content.decode()
    assert f"{by_pk[high.pk].ogrs3_percent}%" in html


def test_the_candidate_list_reads_in_bulk_not_per_person(partnership, area):
    def queries_for(n):
        for i in range(n):
            person = PersonFactory(first_name=f"Bulk{i}", last_name="Candidate", sex="male", managing_team=partnership.team)
            lives_at(person, "SO14 1AA")
            arrested(partnership, person, 6)
            convict(partnership, person, D(2026, 2, 1))
        with CaptureQueriesContext(connection) as captured:
            found = candidate_list(user=partnership.users[Role.COORDINATOR], as_of=TODAY)
        return len(captured), len(found.rows)

    few, listed_few = queries_for(2)
    many, listed_many = queries_for(6)
    assert (listed_few, listed_many) == (2, 8)
    assert many == few


def test_a_submitted_referrals_priority_groups_are_a_criterion(partnership):
    person = partnership.ordinary
    assert not codes(partnership, person).result.eligible
    make_referral(by=partnership.users[Role.PROBATION_OFFICER], person=person, status="draft", priority_groups={"gangs": True})
    assert "priority-group" not in codes(partnership, person).result.codes  # a draft is not a referral yet
    make_referral(
        by=partnership.users[Role.PROBATION_OFFICER],
        person=person,
        priority_groups={"gangs": True, "domestic-violence": True, "cse": False, "mappa-1": True},
    )
    found = codes(partnership, person)
    [criterion] = [c for c in found.result.criteria if c.code == "priority-group"]
    assert criterion.evidence == "referred in the priority groups: Domestic violence perpetrators; Gangs; MAPPA 1 (002 appendix 2)"
    assert found.facts.mappa_level == 1 and found.result.eligible
    # A MAPPA record on the justice record is the one source: it wins over the referral's tick.
    justice.mappa_record(
        acting_user=partnership.users[Role.PROBATION_OFFICER], person=person, level=3, category="1", from_date=D(2026, 6, 1)
    )
    assert not codes(partnership, person).result.eligible


def test_the_coordinator_sets_the_teams_postcodes_and_others_may_not(client, partnership):
    team = partnership.team
    coordinator = partnership.users[Role.COORDINATOR]
    client.force_login(coordinator)
    assert "No postcodes set" in client.get("/cohort/area/").content.decode()
    bad = client.post(f"/cohort/area/teams/{team.pk}/", {"postcodes": "SO14, SO14 3AB"})
    assert "govuk-error-summary" in bad.content.decode() and "not a postcode area" in bad.content.decode()
    since = last_event_id()
    assert client.post(f"/cohort/area/teams/{team.pk}/", {"postcodes": "so14 so15,bh"}).status_code == 302
    team.refresh_from_db()
    assert team.postcodes == "SO14, SO15, BH"
    [event] = events_since(since, actor=coordinator, action="change")
    assert event.object_type == "team" and event.changes["postcodes"] == {"before": "", "after": "SO14, SO15, BH"}
    assert "SO14, SO15, BH" in client.get("/cohort/area/").content.decode()
    assert client.get("/cohort/area/teams/999999/").status_code == 404
    client.force_login(partnership.users[Role.POLICE_IOM_OFFICER])
    assert client.get("/cohort/area/").status_code == 403
    assert client.post(f"/cohort/area/teams/{team.pk}/", {"postcodes": "GU"}).status_code == 403
    team.refresh_from_db()
    assert team.postcodes == "SO14, SO15, BH"
    assert Person.objects.exists()
