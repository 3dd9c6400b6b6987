"""The candidate list from the screening table (issue 15 §5, ADR 0036): the same list as screening
everyone on the fly, on a dataset recorded through the real services; the table kept current by
each kind of justice event; the access policy still deciding who is listed; and a fixed number of
queries however many candidates there are."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from iomhub import clock
from iomhub.access.models import AuditEvent, Role
from iomhub.cohort import services as cohort_services
from iomhub.cohort.models import Registration
from iomhub.cohort.selectors import candidate_list
from iomhub.justice import screening_table
from iomhub.justice import services as justice
from iomhub.justice.models import Arrest, ScreeningPeriod, ScreeningRebuild
from iomhub.people.models import Address
from tests.factories import PersonFactory
from tests.referrals.factories import make_referral

D = datetime.date
TODAY = D(2026, 6, 30)
DAYS = (TODAY, D(2026, 3, 31), D(2025, 12, 1), D(2026, 9, 30))
LAST_ARREST = D(2026, 6, 1)
BORN = D(1990, 1, 1)


@pytest.fixture(autouse=True)
def fixed_today():
    with clock.frozen(TODAY):
        yield


def arrests(partnership, person, times, last=LAST_ARREST, gap=20, code="28E"):
    police = partnership.users[Role.POLICE_IOM_OFFICER]
    for i in range(times):
        justice.arrest_record(
            acting_user=police,
            person=person,
            arrested_on=last - datetime.timedelta(days=gap * i),
            custody_suite="Northbridge custody suite",
            outcome="charge",
            offence_codes=[code if i == 0 else "105A"],
        )


def person(partnership, name, born=BORN, postcode="SO14 1AA", **extra):
    found = PersonFactory(first_name=name, last_name="Screened", date_of_birth=born, sex="male", managing_team=partnership.team, **extra)
    Address.objects.create(person=found, line_1="1 High Street", postcode=postcode, from_date=D(2020, 1, 1))
    return found


@pytest.fixture
def world(partnership):
    """Candidates of every kind, and people who are not (each recorded through the services)."""
    police = partnership.users[Role.POLICE_IOM_OFFICER]
    cohort_services.team_postcodes_set(acting_user=partnership.users[Role.COORDINATOR], team=partnership.team, postcodes="SO14")
    people = {name: person(partnership, name) for name in ("nine", "six", "five", "burglar", "breach", "registered", "group")}
    people["young"] = person(partnership, "young", born=D(2010, 1, 1))
    people["away"] = person(partnership, "away", postcode="M1 1AA")
    arrests(partnership, people["nine"], 9)
    arrests(partnership, people["six"], 6, last=D(2026, 5, 1), gap=40)
    arrests(partnership, people["five"], 5, code="105A")
    arrests(partnership, people["burglar"], 1, last=D(2026, 2, 2), code="28E")
    arrests(partnership, people["young"], 8)
    arrests(partnership, people["away"], 7)
    arrests(partnership, people["registered"], 10)
    for i in range(12):  # recorded directly: the police officer may not see this person
        Arrest.objects.create(person=partnership.restricted, arrested_on=D(2026, 6, 1) - datetime.timedelta(days=10 * i), outcome="charge")
    arrests(partnership, people["group"], 2, code="105A")
    Registration.objects.create(person=people["registered"], started_on=D(2026, 1, 1), rag="green")
    justice.court_outcome_record(acting_user=police, person=people["breach"], decided_on=D(2025, 11, 1), disposal="suspended")
    justice.warrant_record(acting_user=police, person=people["breach"], kind="breach", issued_on=D(2026, 1, 10))
    arrests(partnership, people["breach"], 1, last=D(2026, 1, 9), code="105A")
    make_referral(by=partnership.users[Role.PROBATION_OFFICER], person=people["group"], status="submitted", priority_groups={"gangs": True})
    return people


def listed(user, day, **kwargs):
    return [(p.pk, s.result.codes, s.ogrs3_percent) for p, s in candidate_list(user=user, as_of=day, **kwargs).rows]


def test_the_list_from_the_table_is_the_list_screened_on_the_fly(partnership, world):
    users = [partnership.users[r] for r in (Role.COORDINATOR, Role.CHAIR)]
    on_the_fly = {(u.pk, day, limit): listed(u, day, limit=limit) for u in users for day in DAYS for limit in (1, 2, 500)}
    assert not screening_table.in_use()
    built = screening_table.rebuild()
    assert screening_table.in_use() and built.periods == ScreeningPeriod.objects.count() > 0
    for (user_pk, day, limit), expected in on_the_fly.items():
        user = next(u for u in users if u.pk == user_pk)
        assert listed(user, day, limit=limit) == expected, (user, day, limit)
    today = [pk for pk, _, _ in on_the_fly[(users[0].pk, TODAY, 500)]]
    assert today == [world[n].pk for n in ("nine", "six", "group", "burglar", "breach")]


def _table() -> list[tuple]:
    return sorted(ScreeningPeriod.objects.values_list("person_id", "starts_on", "ends_on", "arrests_in_year", "last_arrest"))


def _as_rebuilt() -> list[tuple]:
    kept = _table()
    screening_table.rebuild()
    rebuilt = _table()
    assert kept == rebuilt  # what the services kept is what a rebuild works out
    return rebuilt


def test_each_kind_of_justice_event_keeps_the_table_current(partnership, world):
    coordinator, police = partnership.users[Role.COORDINATOR], partnership.users[Role.POLICE_IOM_OFFICER]
    screening_table.rebuild()
    fresh = {n: person(partnership, f"fresh-{n}") for n in ("arrest", "offence", "sentence", "warrant", "order")}

    def on_list(name: str) -> bool:
        return fresh[name].pk in [pk for pk, _, _ in listed(coordinator, TODAY)]

    assert not any(on_list(n) for n in fresh)
    arrests(partnership, fresh["arrest"], 5, code="105A")
    assert not on_list("arrest")
    arrests(partnership, fresh["arrest"], 1, last=D(2026, 6, 20), code="105A")  # the sixth
    assert on_list("arrest")
    justice.offence_record(acting_user=police, person=fresh["offence"], code="34B", committed_on=D(2026, 4, 1))  # robbery
    assert on_list("offence")
    justice.sentence_record(
        acting_user=police, person=fresh["sentence"], sentenced_on=D(2026, 6, 1), offence_committed_on=D(2026, 5, 1), months=4
    )
    assert on_list("sentence")
    justice.court_outcome_record(acting_user=police, person=fresh["warrant"], decided_on=D(2025, 10, 1), disposal="suspended")
    arrests(partnership, fresh["warrant"], 1, last=D(2026, 5, 1), code="105A")
    assert not on_list("warrant")
    justice.warrant_record(acting_user=police, person=fresh["warrant"], kind="breach", issued_on=D(2026, 5, 2))
    assert on_list("warrant")
    justice.warrant_record(acting_user=police, person=fresh["order"], kind="breach", issued_on=D(2026, 5, 2))
    arrests(partnership, fresh["order"], 1, last=D(2026, 5, 1), code="105A")
    assert not on_list("order")
    justice.court_outcome_record(acting_user=police, person=fresh["order"], decided_on=D(2026, 6, 1), disposal="suspended")
    assert on_list("order")
    _as_rebuilt()


def test_the_policy_still_decides_who_is_listed_from_the_table(client, partnership, world):
    screening_table.rebuild()
    restricted = partnership.restricted
    assert ScreeningPeriod.objects.filter(person=restricted).exists()  # in the table, twelve arrests
    coordinator = partnership.users[Role.COORDINATOR]
    client.force_login(coordinator)
    response = client.get("/cohort/candidates/")
    rows = [p.pk for p, _ in response.context["found"].rows]
    assert restricted.pk not in rows and world["registered"].pk not in rows
    assert world["young"].pk not in rows and world["away"].pk not in rows  # youth route; outside the area
    assert "Hidden" not in response.content.decode()
    event = AuditEvent.objects.filter(actor=coordinator, action="search").latest("id")
    assert event.changes["results"] == rows
    client.force_login(partnership.users[Role.PROBATION_OFFICER])  # may not manage the cohort
    assert client.get("/cohort/candidates/").status_code == 403


def test_the_list_from_the_table_makes_as_many_queries_for_many_candidates_as_for_few(partnership, world):
    screening_table.rebuild()
    coordinator = partnership.users[Role.COORDINATOR]

    def queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            found = candidate_list(user=coordinator, as_of=TODAY)
        return len(captured), len(found.rows)

    few, listed_few = queries()
    for i in range(8):
        arrests(partnership, person(partnership, f"more{i}"), 6 + i % 3, code="105A")
    many, listed_many = queries()
    assert (listed_few, listed_many) == (5, 13)
    assert many == few


def test_a_page_of_candidates_and_the_next(client, partnership, world):
    screening_table.rebuild()
    coordinator = partnership.users[Role.COORDINATOR]
    everyone = [pk for pk, _, _ in listed(coordinator, TODAY)]
    assert [pk for pk, _, _ in listed(coordinator, TODAY, limit=4, offset=2)] == everyone[2:4]
    assert candidate_list(user=coordinator, as_of=TODAY, limit=4).more
    assert not candidate_list(user=coordinator, as_of=TODAY, limit=len(everyone)).more


def test_nothing_is_kept_until_the_table_is_first_built(partnership, world):
    assert not ScreeningRebuild.objects.exists() and not ScreeningPeriod.objects.exists()
