"""My caseload and the team dashboard over the API (issue 11 §4): the page's selector, policy and
audit; a release date (from the justice record) only for readers who see the justice record."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from iomhub import clock
from iomhub.access.models import Role
from iomhub.access.services import api_token_issue
from iomhub.casework import services as casework
from iomhub.cohort.models import Registration
from tests.access.support import events_since, last_event_id
from tests.justice import factories

START = datetime.date(2026, 1, 5)
TODAY = datetime.date(2026, 6, 15)
DUE = datetime.date(2026, 6, 20)  # within the next 14 days
# A sentence whose release falls within the 12 weeks after TODAY (the fixture checks it does).
RELEASE_SENTENCE = {"sentenced_on": datetime.date(2026, 2, 2), "offence_committed_on": datetime.date(2026, 1, 1), "months": 12}


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

            def get(self, path):
                return client.get(path, **auth)

        return Api()

    return _as


@pytest.fixture
def cases(partnership):
    """Both people on IOM; the probation officer leads the ordinary person; the housing worker owns
    an action on their case; the housing case is serving a sentence with its release ahead."""
    p = partnership
    for person, rag in ((p.ordinary, "amber"), (p.housing_case, "green")):
        registration = Registration.objects.create(person=person, started_on=START, rag=rag)
        registration.rag_history.create(level=rag, changed_on=START, decided_by=p.users[Role.CHAIR], decided_by_name="Chair")
    casework.case_people_set(
        acting_user=p.users[Role.COORDINATOR],
        person=p.ordinary,
        lead_worker=p.users[Role.PROBATION_OFFICER],
        coordinator=p.users[Role.COORDINATOR],
        reason="Allocated at the meeting",
        version=1,
    )
    casework.plan_action_add(
        acting_user=p.users[Role.COORDINATOR],
        person=p.housing_case,
        description="Book a housing options interview",
        agency=p.housing,
        owner=p.users["housing-worker"],
        due_on=DUE,
    )
    sentence = factories.sentence(user=p.users[Role.PROBATION_OFFICER], person=p.housing_case, **RELEASE_SENTENCE)
    assert sentence.effective("release_date") is not None
    assert TODAY <= sentence.effective("release_date") <= TODAY + datetime.timedelta(weeks=12)
    return sentence


def test_the_team_dashboard_gives_the_teams_cases_audited_against_each_person(api, partnership, cases):
    coordinator = api(Role.COORDINATOR)
    since = last_event_id()
    response = coordinator.get("/api/v1/caseload")
    assert response.status_code == 200
    body = response.json()
    assert body["team"] is True and body["as_of"] == "2026-06-15"
    assert {c["person"]["id"]: c["rag"] for c in body["cases"]} == {partnership.ordinary.pk: "amber", partnership.housing_case.pk: "green"}
    assert [p["id"] for p in body["without_lead"]] == [partnership.housing_case.pk]
    assert [(a["description"], a["due_on"]) for a in body["actions_due"]] == [("Book a housing options interview", "2026-06-20")]
    release = cases.effective("release_date").isoformat()
    assert [(r["person"]["id"], r["about"]) for r in body["releases"]] == [(partnership.housing_case.pk, release)]
    search = events_since(since, actor=coordinator.user, action="search", object_type="caseload")
    assert search and set(search[-1].changes["people"]) == {partnership.ordinary.pk, partnership.housing_case.pk}
    for person in (partnership.ordinary, partnership.housing_case):
        assert events_since(since, actor=coordinator.user, action="listed", person_id=person.pk)


def test_a_workers_caseload_is_the_people_they_lead(api, partnership, cases):
    body = api(Role.PROBATION_OFFICER).get("/api/v1/caseload").json()
    assert body["team"] is False
    assert [c["person"]["id"] for c in body["cases"]] == [partnership.ordinary.pk]
    assert body["without_lead"] == [] and body["releases"] == []
    assert api(Role.POLICE_IOM_OFFICER).get("/api/v1/caseload").json()["cases"] == []


def test_a_partner_sees_their_own_action_but_cannot_infer_the_release_from_their_caseload(api, partnership, cases):
    housing = api("housing-worker")  # housing's agreement shares identity, contact and plan: no justice
    since = last_event_id()
    response = housing.get("/api/v1/caseload")
    assert response.status_code == 200
    body = response.json()
    assert [(a["person"]["id"], a["description"]) for a in body["actions_due"]] == [
        (partnership.housing_case.pk, "Book a housing options interview")
    ]
    assert body["releases"] == [] and body["cases"] == []
    text = response.content.decode()
    assert cases.effective("release_date").isoformat() not in text, text
    assert "Release" not in text and "licence" not in text.lower()
    assert events_since(since, actor=housing.user, action="listed", person_id=partnership.housing_case.pk)


@pytest.mark.parametrize("who", [Role.PERFORMANCE_LEAD, Role.SYSTEM_ADMIN, Role.EVALUATOR, "no-role"])
def test_roles_without_people_are_refused_audited(api, partnership, cases, who):
    caller = api(who)
    since = last_event_id()
    response = caller.get("/api/v1/caseload")
    assert response.status_code == 403
    assert events_since(since, actor=caller.user, action="denied")
    assert partnership.ordinary.last_name not in response.content.decode()


def test_the_caseload_matches_the_page(api, client, partnership, cases):
    body = api(Role.COORDINATOR).get("/api/v1/caseload").json()
    client.force_login(partnership.users[Role.COORDINATOR])
    page = client.get("/caseload/").context["caseload"]
    assert [c["registration"] for c in body["cases"]] == [row.registration.pk for row in page.cases]
    assert [a["id"] for a in body["actions_due"]] == [a.pk for a in page.actions_due]
    assert [(r["person"]["id"], r["due"]) for r in body["reviews"]] == [(r.registration.person_id, r.due.isoformat()) for r in page.reviews]
    assert [r["person"]["id"] for r in body["releases"]] == [p.pk for p, _ in page.releases]
