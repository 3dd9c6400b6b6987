"""Finding a person (issue 2 §8): names, aliases, date of birth in the ways people type it, any
identifier in any case and spacing; each user finds only the people the policy lets them see, and
every search is audited."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from iomhub.access.models import AuditEvent
from iomhub.people.models import Alias, Person
from iomhub.people.selectors import parse_search_date, people_search
from tests.factories import PersonFactory

IDENTIFIERS = {
    "pnc_id": "2012/0052494Q",
    "cro_number": "012345/08Z",
    "urn": "01/12345/19",
    "ni_number": "AB123456C",
    "prison_number": "A1234BC",
    "crn": "X123456",
    "nhs_number": "9434765919",
}


@pytest.fixture
def people(partnership):
    """The partnership, with the ordinary person carrying every identifier and an alias with its
    own date of birth, and a decoy sharing nothing with them."""
    Person.objects.filter(pk=partnership.ordinary.pk).update(**IDENTIFIERS)
    Alias.objects.filter(person=partnership.ordinary).update(date_of_birth=datetime.date(1989, 11, 3))
    PersonFactory(first_name="Morgan", last_name="Decoy", date_of_birth=datetime.date(1970, 1, 1), managing_team=partnership.team)
    return partnership


def find(user, text):
    return {p.pk for p in people_search(user=user, text=text)}


@pytest.fixture
def officer(people):
    return people.users["police-iom-officer"]


@pytest.mark.parametrize(
    "text",
    ["Example", "example", "EXAMPLE", "  jordan   EXAMPLE ", "Jordan, Example", "Exam", "jord exam"],
)
def test_by_name_in_any_case_and_spacing(people, officer, text):
    assert find(officer, text) == {people.ordinary.pk}


@pytest.mark.parametrize("text", ["Exemplar", "jay", "Jay Exemplar", "jordan exemplar"])
def test_by_alias_alone_or_mixed_with_the_real_name(people, officer, text):
    assert find(officer, text) == {people.ordinary.pk}


def test_every_word_must_match_the_same_person(people, officer):
    assert find(officer, "jordan sample") == set()  # Jordan Example and Casey Sample, not one person
    assert find(officer, "casey sample") == {people.housing_case.pk}


@pytest.mark.parametrize("text", ["02/01/1985", "2/1/1985", "1985-01-02", "02-01-1985", "02.01.1985", "02 01 1985", " 02/01/1985 "])
def test_by_date_of_birth_in_the_formats_people_type(people, officer, text):
    assert find(officer, text) == {people.housing_case.pk}


def test_a_date_of_birth_also_finds_someone_who_used_it_on_an_alias(people, officer):
    assert find(officer, "03/11/1989") == {people.ordinary.pk}


def test_a_name_and_a_date_of_birth_narrow_each_other(people, officer):
    # Jordan Example and Robin Hidden share 17/05/1990; the officer cannot see Robin (restricted).
    Person.objects.filter(pk=people.housing_case.pk).update(date_of_birth=datetime.date(1990, 5, 17))
    assert find(officer, "17/05/1990") == {people.ordinary.pk, people.housing_case.pk}
    assert find(officer, "sample 17/05/1990") == {people.housing_case.pk}
    assert find(officer, "sample 18/05/1990") == set()


@pytest.mark.parametrize(
    "text",
    [
        "2012/0052494Q",
        " 2012/0052494q ",
        "2012 / 0052494 Q",
        "20120052494Q",
        "2012/52494Q",
        "012345/08z",
        " 12345/08Z",
        "01/12345/19",
        "ab 12 34 56 c",
        "Ab123456C",
        "a1234bc",
        " A 1234 BC",
        "x123456",
        "X 123 456",
        "943 476 5919",
        "943-476-5919",
    ],
)
def test_by_any_identifier_in_any_case_and_spacing(people, officer, text):
    assert find(officer, text) == {people.ordinary.pk}


@pytest.mark.parametrize("text", ["2012/0052494A", "AB123456D", "9434765918", "X123457", "31/02/1990", "zzzz", "<script>", "'; DROP"])
def test_near_misses_and_nonsense_find_nobody(people, officer, text):
    assert find(officer, text) == set()


@pytest.mark.parametrize("text", ["", "   ", "\t\n"])
def test_an_empty_search_finds_nobody_and_is_not_a_list_of_everyone(people, officer, text):
    assert find(officer, text) == set()


def test_a_partner_worker_finds_only_the_people_their_agency_is_involved_with(people):
    worker = people.users["housing-worker"]
    assert find(worker, "Sample") == {people.housing_case.pk}
    assert find(worker, "Example") == set()  # housing is not involved with Jordan
    assert find(worker, IDENTIFIERS["pnc_id"]) == set()
    assert find(worker, "Decoy") == set()
    assert find(worker, "17/05/1990") == set()


def test_restricted_people_are_found_only_by_users_named_on_them(people):
    assert find(people.users["police-iom-officer"], "Hidden") == set()
    assert find(people.users["chair"], "Hidden") == set()  # the chair must break glass, not search
    assert find(people.users["housing-worker"], "Hidden") == set()  # involved, but not named
    assert find(people.users["probation-officer"], "Hidden") == {people.restricted.pk}
    assert find(people.users["probation-officer"], people.restricted.pnc_id.lower()) == {people.restricted.pk}


@pytest.mark.parametrize("username", ["dwp-worker", "performance-lead", "evaluator", "system-admin", "no-role"])
def test_roles_without_access_to_people_may_not_search_and_the_refusal_is_audited(people, username):
    user = people.users[username]
    with pytest.raises(PermissionDenied):
        people_search(user=user, text="Example")
    assert AuditEvent.objects.filter(actor=user, action="denied").exists()
    assert not AuditEvent.objects.filter(actor=user, action="search").exists()


def test_a_search_is_audited_with_its_query_and_what_it_returned(people, officer):
    people_search(user=officer, text="Example")
    event = AuditEvent.objects.filter(actor=officer, action="search").get()
    assert event.changes == {"query": "Example", "results": [people.ordinary.pk]}


def test_results_are_ordered_by_name_and_limited(people, officer):
    for n in range(5):
        PersonFactory(first_name=f"Zed{n}", last_name="Many", managing_team=people.team)
    found = people_search(user=officer, text="many", limit=3)
    assert [p.first_name for p in found] == ["Zed0", "Zed1", "Zed2"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("17/05/1990", datetime.date(1990, 5, 17)),
        ("1990-05-17", datetime.date(1990, 5, 17)),
        ("17.5.1990", datetime.date(1990, 5, 17)),
        ("31/02/1990", None),
        ("17/05/90", None),
        ("jordan", None),
    ],
)
def test_search_dates(text, expected):
    assert parse_search_date(text) == expected


@pytest.mark.parametrize(
    "text, index",
    [("2012/0052494Q", "people_person_pnc_id"), ("AB123456C", "people_person_ni_number"), ("12/04/1991", "people_pers_date_of")],
)
def test_an_identifier_or_date_search_is_answered_from_its_index_not_a_scan(people, text, index):
    """Found by ``make bench``: with every record's ``merged_into`` in a full index, SQLite searched
    that index (all NULLs: every row) for "not merged" instead of the identifier's own index - 5x
    slower at 100,000 people. The index now holds merged records only. The plan is read from the
    database itself (EXPLAIN), so the test fails if the planner goes back to a scan."""
    from django.db import connection

    from iomhub.access.models import Role
    from iomhub.people.selectors import people_visible_to, search_query

    queryset = people_visible_to(people.users[Role.POLICE_IOM_OFFICER]).filter(search_query(text)).order_by("last_name")
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            plan = " | ".join(str(row[-1]) for row in cursor.fetchall())
            assert index in plan and "merged_into" not in plan, plan
        else:  # PostgreSQL plans by statistics: fresh ones, and sequential scans off, must still find the index
            cursor.execute("ANALYZE people_person")
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = " | ".join(row[0] for row in cursor.fetchall())
            assert "Index" in plan and "person_merged_into_set" not in plan, plan
