"""Eligibility screening and the candidate list (issue 5 §3-4), through the pages, with the justice
record stood in by a fake of the adapter contract in ``iomhub.cohort.screening`` (the justice app,
issue 4, provides the real one). The rules themselves are tested in tests/rules/test_eligibility.py;
these check the facts reach them, the evidence is shown, and the policy holds."""

from __future__ import annotations

import datetime

import pytest

from iomhub import clock
from iomhub.access.models import AuditEvent, Role
from iomhub.cohort import screening
from iomhub.cohort.models import Registration
from iomhub.people.models import Person
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


@pytest.fixture
def justice(monkeypatch):
    """A stand-in justice record: person id -> JusticeFacts."""
    facts: dict[int, JusticeFacts] = {}

    def screening_facts(*, person_ids, as_of):
        year_ago = D(as_of.year - 1, as_of.month, as_of.day)
        if person_ids is None:
            return {pk: f for pk, f in facts.items() if any(year_ago < d <= as_of for d in f.arrest_dates) or f.offences}
        return {pk: facts[pk] for pk in person_ids if pk in facts}

    monkeypatch.setattr(screening, "_load_justice_facts", lambda: screening_facts)
    return facts


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
