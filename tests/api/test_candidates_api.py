"""The candidate list and a person's screening over the API (issue 11 §4): the pages' selectors,
policy and audit; the evidence (arrests) never reaches anyone who may not see the justice record."""

from __future__ import annotations

import datetime
import json

import pytest
from django.utils import timezone

from iomhub import clock
from iomhub.access.models import Role, Section, SharingAgreement
from iomhub.access.services import api_token_issue
from tests.access.support import events_since, last_event_id
from tests.justice import factories

TODAY = datetime.date(2026, 9, 1)
# Six arrests in the twelve months to TODAY (000 §5.7: six or more is an entry criterion), for an
# offence (38, proceeds of crime) that is no neighbourhood crime, so the arrests are the only criterion.
ARRESTS = [datetime.date(2026, m, 3) for m in (3, 4, 5, 6, 7, 8)]


@pytest.fixture(autouse=True)
def fixed_today():
    with clock.frozen(TODAY):
        yield


@pytest.fixture
def api(client, partnership):
    def _as(who):
        _, secret = api_token_issue(acting_user=partnership.users[who], name="tests", scope="read-write", second_factor_at=timezone.now())
        auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

        class Api:
            user = partnership.users[who]

            def get(self, path, **params):
                return client.get(path, params, **auth)

        return Api()

    return _as


@pytest.fixture
def arrested(partnership):
    """The housing worker's case, arrested six times (recorded through the justice service)."""
    officer = partnership.users[Role.POLICE_IOM_OFFICER]
    for day in ARRESTS:
        factories.arrest(user=officer, person=partnership.housing_case, arrested_on=day, offence_codes=["38"])
    factories.arrest(user=officer, person=partnership.ordinary, arrested_on=ARRESTS[-1], offence_codes=["38"])
    return partnership.housing_case


def test_the_coordinator_gets_the_candidates_with_their_evidence_audited_against_each(api, partnership, arrested):
    coordinator = api(Role.COORDINATOR)
    since = last_event_id()
    response = coordinator.get("/api/v1/candidates")
    assert response.status_code == 200
    body = response.json()
    assert body["as_of"] == "2026-09-01" and body["available"] is True
    [candidate] = body["candidates"]  # one arrest is not enough for the ordinary person
    assert candidate["person"]["id"] == arrested.pk and candidate["arrests_in_year"] == 6
    assert candidate["last_arrest"] == "2026-08-03" and candidate["standing"] is None
    assert "six-arrests-12-months" in [c["code"] for c in candidate["criteria"]]
    search = events_since(since, actor=coordinator.user, action="search", object_type="person")
    assert search and search[-1].changes["purpose"] == "IOM candidate list"
    assert events_since(since, actor=coordinator.user, action="listed", person_id=arrested.pk)


def test_the_candidates_on_a_date_before_the_arrests_are_none(api, arrested):
    body = api(Role.CHAIR).get("/api/v1/candidates", as_of="2026-03-01").json()
    assert body["as_of"] == "2026-03-01" and body["candidates"] == []


@pytest.mark.parametrize("value", ["2026-13-01", "yesterday", "1850-01-01", "20260901", ""])
def test_a_bad_date_is_a_problem_naming_as_of(api, arrested, value):
    response = api(Role.COORDINATOR).get("/api/v1/candidates", as_of=value)
    assert response.status_code == 400 and "as_of" in response.json()["errors"]


@pytest.mark.parametrize("value", ["0", "-1", "x", "1.5", "10001", "\u0661"])  # the last: a digit to str.isdigit, not to us
def test_a_bad_page_is_a_problem_naming_page(api, arrested, value):
    response = api(Role.COORDINATOR).get("/api/v1/candidates", page=value)
    assert response.status_code == 400 and "page" in response.json()["errors"]


def test_the_candidates_come_fifty_a_page_as_on_the_page(api, client, partnership):
    from tests.factories import PersonFactory

    officer = partnership.users[Role.POLICE_IOM_OFFICER]
    people = [PersonFactory(first_name=f"Candidate{i}", last_name="Paged", managing_team=partnership.team) for i in range(51)]
    for i, person in enumerate(people):
        # One more arrest for each earlier person: the order is known (more arrests first).
        for day in range(6 + (len(people) - i)):
            factories.arrest(
                user=officer, person=person, arrested_on=datetime.date(2026, 8, 1) - datetime.timedelta(days=day), offence_codes=["38"]
            )
    coordinator = api(Role.COORDINATOR)
    first = coordinator.get("/api/v1/candidates").json()
    second = coordinator.get("/api/v1/candidates", page="2").json()
    assert (first["page"], first["more"], len(first["candidates"])) == (1, True, 50)
    assert (second["page"], second["more"], len(second["candidates"])) == (2, False, 1)
    assert [c["person"]["id"] for c in first["candidates"] + second["candidates"]] == [p.pk for p in people]
    client.force_login(partnership.users[Role.COORDINATOR])
    page_two = client.get("/cohort/candidates/", {"page": "2"}).context["rows"]
    assert [c["person"]["id"] for c in second["candidates"]] == [person.pk for person, _, _ in page_two]


@pytest.mark.parametrize("who", [Role.PROBATION_OFFICER, Role.POLICE_IOM_OFFICER, "housing-worker", Role.PERFORMANCE_LEAD])
def test_the_candidate_list_is_the_coordinators_and_chairs_only(api, arrested, who):
    caller = api(who)
    since = last_event_id()
    response = caller.get("/api/v1/candidates")
    assert response.status_code == 403
    assert events_since(since, actor=caller.user, action="denied")
    assert "2026-08-03" not in response.content.decode() and arrested.last_name not in response.content.decode()


def test_the_candidate_list_matches_the_page(api, client, partnership, arrested):
    factories.arrest(
        user=partnership.users[Role.POLICE_IOM_OFFICER], person=partnership.ordinary, arrested_on=ARRESTS[0], offence_codes=["38"]
    )
    for day in ARRESTS[1:5]:
        factories.arrest(
            user=partnership.users[Role.POLICE_IOM_OFFICER], person=partnership.ordinary, arrested_on=day, offence_codes=["38"]
        )
    body = api(Role.COORDINATOR).get("/api/v1/candidates").json()
    client.force_login(partnership.users[Role.COORDINATOR])
    page = client.get("/cohort/candidates/")
    assert [c["person"]["id"] for c in body["candidates"]] == [person.pk for person, _, _ in page.context["rows"]]
    assert len(body["candidates"]) == 2


def test_a_persons_screening_gives_each_criterion_with_its_evidence_audited(api, partnership, arrested):
    officer = api(Role.PROBATION_OFFICER)
    since = last_event_id()
    response = officer.get(f"/api/v1/people/{arrested.pk}/screening")
    assert response.status_code == 200
    body = response.json()
    assert body["eligible"] is True and body["arrests_in_year"] == 6 and body["person"] == arrested.pk
    assert "six-arrests-12-months" in [c["code"] for c in body["criteria"]]
    assert events_since(since, actor=officer.user, action="view", object_type="screening", person_id=arrested.pk)
    before = officer.get(f"/api/v1/people/{arrested.pk}/screening", as_of="2026-03-01").json()
    assert before["eligible"] is False and before["arrests_in_year"] == 0


def test_screening_before_the_person_was_born_is_a_problem_naming_as_of(api, arrested):
    response = api(Role.PROBATION_OFFICER).get(f"/api/v1/people/{arrested.pk}/screening", as_of="1950-01-01")
    assert response.status_code == 400 and "date of birth" in response.json()["errors"]["as_of"][0]


def test_a_partner_without_the_justice_section_cannot_infer_the_arrests_from_screening(api, partnership, arrested):
    housing = api("housing-worker")  # involved with the person; the agreement shares no justice
    since = last_event_id()
    response = housing.get(f"/api/v1/people/{arrested.pk}/screening")
    assert response.status_code == 403
    assert events_since(since, actor=housing.user, action="denied", person_id=arrested.pk)
    assert not events_since(since, actor=housing.user, action="view")
    text = response.content.decode()
    assert "arrest" not in text.lower() and "eligible" not in text and "2026-08-03" not in text


def test_a_partner_sharing_justice_sees_the_screening_and_a_hidden_person_is_404_like_a_missing_one(api, partnership, arrested):
    SharingAgreement.objects.filter(organisation=partnership.housing).update(sections=[Section.IDENTITY, Section.JUSTICE])
    housing = api("housing-worker")
    body = housing.get(f"/api/v1/people/{arrested.pk}/screening").json()
    assert body["eligible"] is True and body["residence"] == "Not known: addresses are not shared with you"
    hidden = housing.get(f"/api/v1/people/{partnership.ordinary.pk}/screening")
    missing = housing.get("/api/v1/people/99999999/screening")
    assert hidden.status_code == missing.status_code == 404 and hidden.json() == missing.json()


def test_the_screening_matches_the_page(api, client, partnership, arrested):
    body = api(Role.POLICE_IOM_OFFICER).get(f"/api/v1/people/{arrested.pk}/screening").json()
    client.force_login(partnership.users[Role.POLICE_IOM_OFFICER])
    page = client.get(f"/cohort/people/{arrested.pk}/screening/").context["screening"]
    assert body["criteria"] == [{"code": c.code, "evidence": c.evidence} for c in page.result.criteria]
    assert body["eligible"] == page.result.eligible and body["residence"] == page.residence
    assert json.dumps(body["breakdown"]) == json.dumps(list(page.result.breakdown))
