"""Every person shown is audited against that person (issue 9 §8, finding 16): search results,
caseloads, agendas and the Red Alert list write one ``listed`` event per person shown, with the
person's id, in one insert per list; so the person's viewers (the IG lead's export) include
everyone who saw them in a list. The screening page with an impossible "as at" date still shows
who the person is, and audits that read."""

from __future__ import annotations

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from iomhub.access.models import Role
from iomhub.cohort.models import Registration
from iomhub.meetings.models import Meeting
from tests.access.support import events_since, last_event_id


def _inserts(queries) -> int:
    return sum(1 for q in queries if q["sql"].lstrip().upper().startswith("INSERT") and "access_auditevent" in q["sql"])


def test_search_results_are_audited_against_each_person_in_one_insert(client, partnership):
    officer = partnership.users[Role.POLICE_IOM_OFFICER]
    client.force_login(officer)
    since = last_event_id()
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/people/", {"q": "e"})  # Jordan Example and Casey Sample
    assert response.status_code == 200
    shown = {p.pk for p in response.context["results"]}
    assert len(shown) >= 2
    listed = events_since(since, action="listed")
    assert {e.person_id for e in listed} == shown
    assert all(e.actor == officer for e in listed)
    assert _inserts(queries.captured_queries) == 1
    # The API's search too.
    since = last_event_id()
    api = client.get("/api/v1/people", {"q": "Jordan"})
    assert (
        {e.person_id for e in events_since(since, action="listed")} == {r["id"] for r in api.json()["results"]} == {partnership.ordinary.pk}
    )


def test_a_person_seen_in_a_list_is_among_their_viewers(client, partnership):
    client.force_login(partnership.users[Role.POLICE_IOM_OFFICER])
    client.get("/people/", {"q": "Jordan"})
    client.force_login(partnership.users[Role.IG_LEAD])
    csv_text = client.get(f"/audit/people/{partnership.ordinary.pk}/viewers.csv").content.decode()
    assert "police-iom-officer" in csv_text and "listed" in csv_text


def test_the_red_alert_list_is_audited_against_each_person(client, partnership):
    Registration.objects.create(person=partnership.ordinary, started_on=datetime.date(2026, 1, 5), rag="red-alert")
    Registration.objects.create(person=partnership.housing_case, started_on=datetime.date(2026, 1, 5), rag="red-alert")
    client.force_login(partnership.users["housing-worker"])
    since = last_event_id()
    assert client.get("/cohort/red-alerts/").status_code == 200
    assert {e.person_id for e in events_since(since, action="listed")} == {partnership.housing_case.pk}  # only whom they see
    client.force_login(partnership.users[Role.POLICE_IOM_OFFICER])
    since = last_event_id()
    assert client.get("/api/v1/red-alerts").status_code == 200
    assert {e.person_id for e in events_since(since, action="listed")} == {partnership.ordinary.pk, partnership.housing_case.pk}


def test_the_team_caseload_is_audited_against_each_person(client, partnership):
    Registration.objects.create(person=partnership.ordinary, started_on=datetime.date(2026, 1, 5), rag="amber")
    Registration.objects.create(person=partnership.housing_case, started_on=datetime.date(2026, 1, 5), rag="red")
    client.force_login(partnership.users[Role.COORDINATOR])
    since = last_event_id()
    assert client.get("/caseload/").status_code == 200
    listed = events_since(since, action="listed", object_type="caseload")
    assert {e.person_id for e in listed} == {partnership.ordinary.pk, partnership.housing_case.pk}


def test_the_agenda_is_audited_against_each_person_on_it(client, partnership):
    Registration.objects.create(person=partnership.ordinary, started_on=datetime.date(2026, 1, 5), rag="red")
    meeting = Meeting.objects.create(
        team=partnership.team, held_on=datetime.date(2026, 2, 5), location="Northbridge", created_by=partnership.users[Role.COORDINATOR]
    )
    client.force_login(partnership.users[Role.COORDINATOR])
    since = last_event_id()
    assert client.get(f"/meetings/{meeting.pk}/").status_code == 200
    listed = events_since(since, action="listed", object_type="meeting-agenda")
    assert partnership.ordinary.pk in {e.person_id for e in listed}


def test_screening_with_an_impossible_date_names_the_problem_and_audits_what_it_shows(client, partnership):
    client.force_login(partnership.users[Role.POLICE_IOM_OFFICER])
    person = partnership.ordinary
    for query in (
        {"as_of_day": "31", "as_of_month": "2", "as_of_year": "2026"},
        {"as_of_day": "1", "as_of_month": "1", "as_of_year": "1900"},
    ):
        since = last_event_id()
        response = client.get(f"/cohort/people/{person.pk}/screening/", query)
        assert response.status_code == 200
        body = response.content.decode()
        assert "govuk-error-summary" in body
        assert "Meets the entry criteria" not in body and "Does not meet the entry criteria" not in body
        if person.first_name in body:  # whatever the page shows of the person is audited against them
            assert events_since(since, action="view", person_id=person.pk), query


def test_the_referral_list_is_audited_against_each_person_on_record(client, partnership):
    from tests.referrals.factories import make_referral

    make_referral(by=partnership.users[Role.POLICE_IOM_OFFICER], person=partnership.ordinary)
    make_referral(by=partnership.users[Role.POLICE_IOM_OFFICER], last_name="Newcomer")  # nobody on record yet
    client.force_login(partnership.users[Role.COORDINATOR])
    since = last_event_id()
    assert client.get("/referrals/").status_code == 200
    assert [e.person_id for e in events_since(since, action="listed")] == [partnership.ordinary.pk]


def test_a_listed_event_carries_the_request_and_the_purpose_as_the_search_does(client, partnership):
    """``record_shown`` writes its rows in one statement on PostgreSQL (ADR 0040 addendum): every
    column as an event written one at a time would have, the search first, then each person once, in
    the order listed."""
    Registration.objects.create(person=partnership.ordinary, started_on=datetime.date(2026, 1, 5), rag="amber")
    Registration.objects.create(person=partnership.housing_case, started_on=datetime.date(2026, 1, 5), rag="red")
    coordinator = partnership.users[Role.COORDINATOR]
    client.force_login(coordinator)
    since = last_event_id()
    request_id = "3f2b8c1e-0a4d-4c55-9a7e-5b1d2c3e4f50"
    response = client.get("/caseload/", REMOTE_ADDR="203.0.113.7", HTTP_USER_AGENT="Audit test/1.0", headers={"X-Request-ID": request_id})
    assert response.status_code == 200
    events = sorted(events_since(since, object_type="caseload"), key=lambda e: e.pk)
    search, listed = events[0], events[1:]
    assert search.action == "search" and search.person_id is None and search.object_id == ""
    assert search.changes["people"] == sorted([partnership.ordinary.pk, partnership.housing_case.pk])
    assert [e.person_id for e in listed] == sorted([partnership.ordinary.pk, partnership.housing_case.pk])
    for e in events:
        assert (e.actor, e.actor_username, e.ip_address, e.user_agent, e.request_id, e.route, e.outcome, e.reason) == (
            coordinator,
            coordinator.username,
            "203.0.113.7",
            "Audit test/1.0",
            request_id,
            "/caseload/",
            "ok",
            "",
        )
        assert e.occurred_at is not None
    for e in listed:
        assert e.action == "listed" and e.object_id == str(e.person_id)
        assert e.changes == {"as_of": search.changes["as_of"]}
