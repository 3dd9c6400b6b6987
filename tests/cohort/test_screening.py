"""Eligibility screening and the candidate list (issue 5 §3-4), through the pages, over real justice
records written through the justice services (``JusticeRecord`` below). The rules themselves are tested in tests/rules/test_eligibility.py;
these check the facts reach them, the evidence is shown, and the policy holds."""

from __future__ import annotations

import datetime

import pytest

from iomhub import clock
from iomhub.access.models import AuditEvent, Role, Team
from iomhub.cohort.models import Registration
from iomhub.justice import services as justice_services
from iomhub.people.models import Address, Person
from iomhub.rules.eligibility import JusticeFacts
from tests.access.support import events_since, last_event_id
from tests.factories import PersonFactory

AS_OF = datetime.date(2026, 6, 30)
D = datetime.date


def arrests(n: int, last: datetime.date = AS_OF, gap: int = 30) -> list[datetime.date]:
    return [last - datetime.timedelta(days=gap * i) for i in range(n)]


@pytest.fixture(autouse=True)
def fixed_today():
    with clock.frozen(AS_OF):
        yield


# An offence code of each neighbourhood-crime category the cases use, and one of none (ONS crime
# hierarchy, ``justice/offence_codes.csv``): arrests are for dangerous driving unless a case says.
CODES = {"burglary": "28A", "robbery": "34B"}
OTHER_CODE = "802"


class JusticeRecord(dict):
    """Person id -> the facts a case states, each written to the person's real justice record through
    the justice services as it is set (arrests, offences, custodial sentences, the MAPPA level) and
    residence as their current address against the postcodes the teams cover; screening then reads
    them through ``justice.selectors.screening_facts`` as in production."""

    def __init__(self, partnership):
        super().__init__()
        self.partnership = partnership

    def __setitem__(self, person_id, facts):
        super().__setitem__(person_id, facts)
        person = Person.objects.get(pk=person_id)
        # A restricted person's record is written by the user named on them (the probation officer).
        officer = self.partnership.users[Role.PROBATION_OFFICER if person.restriction else Role.POLICE_IOM_OFFICER]
        for day in facts.arrest_dates:
            justice_services.arrest_record(
                acting_user=officer,
                person=person,
                arrested_on=day,
                custody_suite="Northbridge",
                outcome="charge",
                offence_codes=[OTHER_CODE],
            )
        for day, category in facts.offences:
            justice_services.offence_record(acting_user=officer, person=person, code=CODES[category], committed_on=day)
        for day, length in facts.custodial_sentences:
            justice_services.sentence_record(
                acting_user=officer, person=person, sentenced_on=day, offence_committed_on=day - datetime.timedelta(days=30), days=length
            )
        if facts.mappa_level is not None:
            justice_services.mappa_record(
                acting_user=self.partnership.users[Role.COORDINATOR],
                person=person,
                level=facts.mappa_level,
                category="2",
                from_date=D(2026, 1, 1),
            )
        if facts.resident_in_area is False:
            Team.objects.filter(pk=self.partnership.team.pk).update(postcodes="NB1")
            Address.objects.create(person=person, line_1="1 Far Road", town="Elsewhere", postcode="ZZ9 9ZZ", from_date=D(2025, 1, 1))

    def update(self, found):
        for person_id, facts in found.items():
            self[person_id] = facts


@pytest.fixture
def justice(partnership):
    """The people's justice records, written as each test states them."""
    return JusticeRecord(partnership)


CASES = {
    "six arrests in the year": (JusticeFacts(arrest_dates=arrests(6)), D(1990, 1, 1), ["six-arrests-12-months"], True),
    "five arrests in the year": (JusticeFacts(arrest_dates=arrests(5)), D(1990, 1, 1), [], False),
    "sixth arrest just outside the window": (
        JusticeFacts(arrest_dates=[*arrests(5), D(2025, 6, 30)]),
        D(1990, 1, 1),
        [],
        False,
    ),
    "sixth arrest on the first day inside the window": (
        JusticeFacts(arrest_dates=[*arrests(5), D(2025, 7, 1)]),
        D(1990, 1, 1),
        ["six-arrests-12-months"],
        True,
    ),
    "burglary in the year": (JusticeFacts(offences=[(D(2026, 3, 1), "burglary")]), D(1990, 1, 1), ["neighbourhood-crime"], True),
    "short custody": (JusticeFacts(custodial_sentences=[(D(2026, 1, 10), 180)]), D(1990, 1, 1), ["short-custody"], True),
    "aged 17: youth route": (JusticeFacts(arrest_dates=arrests(7)), D(2008, 12, 1), ["six-arrests-12-months", "under-18"], False),
    "aged 18 today": (JusticeFacts(arrest_dates=arrests(7)), D(2008, 6, 30), ["six-arrests-12-months"], True),
    "MAPPA level 3: not IOM": (
        JusticeFacts(arrest_dates=arrests(6), mappa_level=3),
        D(1990, 1, 1),
        ["six-arrests-12-months", "mappa-3"],
        False,
    ),
    "MAPPA level 2: dual management": (
        JusticeFacts(arrest_dates=arrests(6), mappa_level=2),
        D(1990, 1, 1),
        ["six-arrests-12-months", "mappa-2-dual"],
        True,
    ),
    "lives outside the area": (
        JusticeFacts(arrest_dates=arrests(6), resident_in_area=False),
        D(1990, 1, 1),
        ["six-arrests-12-months", "outside-area"],
        False,
    ),
}


@pytest.mark.parametrize("facts, dob, codes, eligible", CASES.values(), ids=CASES.keys())
def test_screening_shows_the_criteria_met_with_their_evidence(client, partnership, justice, facts, dob, codes, eligible):
    person = partnership.ordinary
    Person.objects.filter(pk=person.pk).update(date_of_birth=dob)
    justice[person.pk] = facts
    client.force_login(partnership.users[Role.POLICE_IOM_OFFICER])
    response = client.get(f"/cohort/people/{person.pk}/screening/")
    html = response.content.decode()
    assert response.status_code == 200
    assert ("Meets the entry criteria" in html) == eligible
    for code in codes:
        assert code in html
    event = AuditEvent.objects.filter(object_type="screening", person_id=person.pk).latest("id")
    assert event.changes["criteria"] == codes


def test_screening_as_at_an_earlier_date_counts_that_window(client, partnership, justice):
    person = partnership.ordinary
    justice[person.pk] = JusticeFacts(arrest_dates=arrests(6, last=D(2025, 1, 31)))
    client.force_login(partnership.users[Role.POLICE_IOM_OFFICER])
    now = client.get(f"/cohort/people/{person.pk}/screening/").content.decode()
    then = client.get(
        f"/cohort/people/{person.pk}/screening/", {"as_of_day": "31", "as_of_month": "1", "as_of_year": "2025"}
    ).content.decode()
    assert "six-arrests-12-months" not in now
    assert "six-arrests-12-months" in then and "6 arrests" in then


def test_ppo_comes_from_the_registration_with_no_justice_events(client, partnership):
    person = partnership.ordinary
    Registration.objects.create(person=person, started_on=D(2026, 1, 1), rag="amber", ppo=True)
    client.force_login(partnership.users[Role.COORDINATOR])
    html = client.get(f"/cohort/people/{person.pk}/screening/").content.decode()
    # The justice record (issue 4) is installed: the page no longer says it is missing.
    assert "justice record (arrests, offences, sentences) is not available yet" not in html
    assert "prolific and other priority offender" in html


def test_a_bad_as_at_date_is_named(client, partnership):
    client.force_login(partnership.users[Role.POLICE_IOM_OFFICER])
    response = client.get(
        f"/cohort/people/{partnership.ordinary.pk}/screening/", {"as_of_day": "31", "as_of_month": "2", "as_of_year": "2026"}
    )
    assert "Screen as at must be a real date" in response.content.decode()
    assert "govuk-error-summary" in response.content.decode()


def test_screening_needs_the_justice_section(client, partnership, justice):
    user = partnership.users["housing-worker"]  # sees the housing case, but not its justice section
    client.force_login(user)
    since = last_event_id()
    assert client.get(f"/cohort/people/{partnership.housing_case.pk}/screening/").status_code == 403
    assert events_since(since, actor=user, action="denied")
    assert not AuditEvent.objects.filter(object_type="screening").exists()


def test_the_candidate_list_is_exactly_the_unregistered_people_meeting_the_criteria(client, partnership, justice):
    team = partnership.team
    strong = PersonFactory(first_name="Strong", last_name="Candidate", managing_team=team)
    weaker = PersonFactory(first_name="Weaker", last_name="Candidate", managing_team=team)
    burglar = PersonFactory(first_name="Burglar", last_name="Candidate", managing_team=team)
    five = PersonFactory(first_name="Five", last_name="Arrests", managing_team=team)
    on_iom = PersonFactory(first_name="Already", last_name="Registered", managing_team=team)
    youth = PersonFactory(first_name="Young", last_name="Person", date_of_birth=D(2010, 1, 1), managing_team=team)
    justice.update(
        {
            strong.pk: JusticeFacts(arrest_dates=arrests(9)),
            weaker.pk: JusticeFacts(arrest_dates=arrests(6, last=D(2026, 5, 1))),
            burglar.pk: JusticeFacts(arrest_dates=arrests(1), offences=[(D(2026, 4, 4), "robbery")]),
            five.pk: JusticeFacts(arrest_dates=arrests(5)),
            on_iom.pk: JusticeFacts(arrest_dates=arrests(8)),
            youth.pk: JusticeFacts(arrest_dates=arrests(8)),
            partnership.restricted.pk: JusticeFacts(arrest_dates=arrests(10)),
        }
    )
    Registration.objects.create(person=on_iom, started_on=D(2026, 1, 1), rag="green")
    coordinator = partnership.users[Role.COORDINATOR]
    client.force_login(coordinator)
    response = client.get("/cohort/candidates/")
    rows = [person.pk for person, _ in response.context["found"].rows]
    assert rows == [strong.pk, weaker.pk, burglar.pk]  # by arrests in the year, then recency
    html = response.content.decode()
    assert f"/referrals/new/?person={strong.pk}" in html
    assert "Hidden" not in html  # the restricted person is not visible to the coordinator
    event = AuditEvent.objects.filter(actor=coordinator, action="search").latest("id")
    assert event.changes["results"] == rows


def test_the_candidate_list_no_longer_says_the_justice_record_is_missing(client, partnership):
    # The justice record (issue 4) is installed, so the candidate list reads it.
    client.force_login(partnership.users[Role.CHAIR])
    html = client.get("/cohort/candidates/").content.decode()
    assert "needs the justice record" not in html
