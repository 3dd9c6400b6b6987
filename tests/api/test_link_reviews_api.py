"""The linkage review queue over the API (issue 11 §3): what the review page does, with the same
policy and audit. The rows are written here by hand (values, the people offered, why), so what each
role is shown is checked against what was put there, not against the selector. Every response is
checked against the schema (tests/api/conftest.py)."""

from __future__ import annotations

import datetime
import hashlib
import json

import pytest

from iomhub import clock
from iomhub.access.models import AuditEvent, PersonAccessGrant, Role
from iomhub.feeds.models import ImportRun, LinkReview
from iomhub.justice.models import Arrest
from iomhub.people.models import Person
from tests.factories import PersonFactory
from tests.feeds.conftest import NOW, row

pytestmark = pytest.mark.django_db
COHORT_MANAGERS = {Role.COORDINATOR, Role.CHAIR}


@pytest.fixture(autouse=True)
def frozen_clock():
    with clock.frozen(NOW):
        yield


def _review(run: ImportRun, line: int, values: dict[str, str], offered: list[tuple[Person, list[str]]], why: str) -> LinkReview:
    return LinkReview.objects.create(
        row_key=hashlib.sha256(f"{run.pk}:{line}".encode()).hexdigest(),
        run=run,
        line=line,
        values=values,
        candidates=[{"person_id": p.pk, "reasons": reasons} for p, reasons in offered],
        why=why,
    )


@pytest.fixture
def queue(partnership):
    """Two imports by the coordinator, three rows waiting: Jordan Example born 1991 may be either
    Jordan Example on record (born 1990 and 1992); a row offered against a visible person and Robin
    Hidden (restricted: the coordinator holds a grant, the chair does not); a row of the second
    import offered against the 1992 Jordan Example."""
    coordinator = partnership.users[Role.COORDINATOR]
    PersonAccessGrant.objects.create(person=partnership.restricted, user=coordinator)
    jordan_1990 = partnership.ordinary
    jordan_1992 = PersonFactory(first_name="Jordan", last_name="Example", date_of_birth=datetime.date(1992, 5, 17))
    hour = datetime.timedelta(hours=1)
    first = ImportRun.objects.create(
        feed="arrests", file_name="monday.csv", sha256="a" * 64, started_by=coordinator, started_at=NOW - 2 * hour
    )
    second = ImportRun.objects.create(
        feed="arrests", file_name="tuesday.csv", sha256="b" * 64, started_by=coordinator, started_at=NOW - hour
    )
    jordan = row(family_name="Example", given_name="Jordan", date_of_birth="1991-05-17")
    near = ["family_name", "given_name", "match probability 0.850"]
    rows = {
        "either_jordan": _review(first, 2, jordan, [(jordan_1990, near), (jordan_1992, near)], "Names and date of birth nearly agree"),
        "hidden_too": _review(
            first,
            3,
            row(family_name="Hidden", given_name="Robin", date_of_birth="1990-05-17", pnc_id=partnership.restricted.pnc_id),
            [(jordan_1990, ["date_of_birth"]), (partnership.restricted, ["pnc_id", "family_name", "given_name"])],
            f"2 records hold the PNC ID {partnership.restricted.pnc_id}",
        ),
        "second_run": _review(second, 2, {**jordan, "arrested_at": "2026-08-29T02:15"}, [(jordan_1992, near)], "Names nearly agree"),
    }
    return {"runs": (first, second), "rows": rows, "jordan_1990": jordan_1990, "jordan_1992": jordan_1992}


def _person(p: Person) -> dict[str, object]:
    return {"id": p.pk, "display_name": f"{p.last_name.upper()}, {p.first_name}", "date_of_birth": p.date_of_birth.isoformat()}


def test_the_coordinator_lists_the_rows_oldest_import_first_with_the_people_offered(client, partnership, api_auth, queue):
    rows, first = queue["rows"], queue["runs"][0]
    body = client.get("/api/v1/link-reviews", **api_auth(Role.COORDINATOR)).json()
    assert body["count"] == 3 and body["next"] is None
    assert [r["id"] for r in body["results"]] == [rows["either_jordan"].pk, rows["hidden_too"].pk, rows["second_run"].pk]
    top = body["results"][0]
    near = ["family_name", "given_name", "match probability 0.850"]
    assert top == {
        "id": rows["either_jordan"].pk,
        "import_run": first.pk,
        "feed": "arrests",
        "line": 2,
        "values": row(family_name="Example", given_name="Jordan", date_of_birth="1991-05-17"),
        # The file's 2026-08-30T23:15 is England's summer time (UTC+1)
        "dates": {"date_of_birth": "1991-05-17", "arrested_at": "2026-08-30T22:15:00Z"},
        "why": "Names and date of birth nearly agree",
        "status": "open",
        "candidates": [
            {"person": _person(queue["jordan_1990"]), "reasons": near},
            {"person": _person(queue["jordan_1992"]), "reasons": near},
        ],
        "decision": None,
    }
    # Everyone shown is audited as shown to the coordinator
    coordinator = partnership.users[Role.COORDINATOR]
    listed = set(
        AuditEvent.objects.filter(action="listed", actor=coordinator, object_type="link-review").values_list("person_id", flat=True)
    )
    assert listed == {queue["jordan_1990"].pk, queue["jordan_1992"].pk, partnership.restricted.pk}


def test_the_list_pages_and_filters_by_import(client, api_auth, queue):
    rows, second = queue["rows"], queue["runs"][1]
    headers = api_auth(Role.COORDINATOR)
    page = client.get("/api/v1/link-reviews?limit=1&offset=1", **headers).json()
    assert page["count"] == 3 and [r["id"] for r in page["results"]] == [rows["hidden_too"].pk]
    assert "offset=2" in page["next"] and page["previous"] is not None
    only = client.get(f"/api/v1/link-reviews?import_run={second.pk}", **headers).json()
    assert only["count"] == 1 and [r["id"] for r in only["results"]] == [rows["second_run"].pk]
    assert client.get("/api/v1/link-reviews?import_run=999999", **headers).json()["count"] == 0
    for bad in ("abc", "0", "-1", "1.5"):
        refused = client.get(f"/api/v1/link-reviews?import_run={bad}", **headers)
        assert refused.status_code == 400 and "import_run" in refused.json()["errors"], bad
    assert client.get("/api/v1/link-reviews?limit=0", **headers).status_code == 400


def test_a_row_offered_against_someone_hidden_from_the_reader_tells_them_nothing_of_it(client, partnership, api_auth, queue):
    """The chair may manage the cohort but does not see Robin Hidden: the row offered against them
    is not listed, counted, readable or decidable, and answers as a row that does not exist; no
    response names Robin Hidden, their id, or the two records holding the PNC ID."""
    rows, hidden = queue["rows"], partnership.restricted
    chair, headers = partnership.users[Role.CHAIR], api_auth(Role.CHAIR)
    listed = client.get("/api/v1/link-reviews", **headers)
    body = listed.json()
    assert body["count"] == 2 and [r["id"] for r in body["results"]] == [rows["either_jordan"].pk, rows["second_run"].pk]
    text = listed.content.decode()
    assert "Hidden" not in text and "2 records" not in text and hidden.pnc_id not in text
    assert all(c["person"]["id"] != hidden.pk for r in body["results"] for c in r["candidates"])
    assert client.get(f"/api/v1/link-reviews?import_run={queue['runs'][0].pk}", **headers).json()["count"] == 1

    one, missing = (
        client.get(f"/api/v1/link-reviews/{rows['hidden_too'].pk}", **headers),
        client.get("/api/v1/link-reviews/999999", **headers),
    )
    assert one.status_code == missing.status_code == 404 and one.json() == missing.json()
    for person in (hidden.pk, None, queue["jordan_1990"].pk):
        decided = client.post(
            f"/api/v1/link-reviews/{rows['hidden_too'].pk}/decision", {"person": person}, content_type="application/json", **headers
        )
        nowhere = client.post("/api/v1/link-reviews/999999/decision", {"person": person}, content_type="application/json", **headers)
        assert decided.status_code == nowhere.status_code == 404 and decided.json() == nowhere.json()
    assert LinkReview.objects.get(pk=rows["hidden_too"].pk).status == "open" and not Arrest.objects.exists()
    assert not AuditEvent.objects.filter(actor=chair, person_id=hidden.pk).exclude(action="denied").exists()
    assert AuditEvent.objects.filter(actor=chair, action="denied", object_type="link-review", object_id=str(rows["hidden_too"].pk)).exists()


@pytest.mark.parametrize("role", sorted(set(Role.values) - COHORT_MANAGERS))
def test_a_role_without_the_queue_gets_403_whether_the_row_exists_or_not(client, partnership, api_auth, queue, role):
    headers, real = api_auth(role), queue["rows"]["either_jordan"].pk
    answers = []
    for review_id in (real, 999999):
        one = client.get(f"/api/v1/link-reviews/{review_id}", **headers)
        post = client.post(f"/api/v1/link-reviews/{review_id}/decision", {"person": None}, content_type="application/json", **headers)
        answers.append((one.status_code, one.content, post.status_code, post.content))
    assert answers[0] == answers[1] and answers[0][0] == answers[0][2] == 403
    assert client.get("/api/v1/link-reviews", **headers).status_code == 403
    assert client.get("/api/v1/imports", **headers).status_code == 403
    assert LinkReview.objects.filter(status="open").count() == 3 and not Arrest.objects.exists()
    assert not AuditEvent.objects.filter(actor=partnership.users[role], action="listed").exists()


def test_deciding_a_row_links_it_to_a_person_offered(client, partnership, api_auth, queue):
    rows, jordan = queue["rows"], queue["jordan_1990"]
    coordinator, headers = partnership.users[Role.COORDINATOR], api_auth(Role.COORDINATOR)
    url = f"/api/v1/link-reviews/{rows['either_jordan'].pk}/decision"
    done = client.post(url, {"person": jordan.pk}, content_type="application/json", **headers)
    assert done.status_code == 200, done.content
    body = done.json()
    assert body["status"] == "decided"
    assert body["decision"] == {
        "person": _person(jordan),
        "someone_new": False,
        "decided_by": {"id": coordinator.pk, "display_name": coordinator.display_name},
        "decided_at": LinkReview.objects.get(pk=rows["either_jordan"].pk)
        .decided_at.astimezone(datetime.UTC)
        .strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    arrest = Arrest.objects.get()
    assert arrest.person_id == jordan.pk and arrest.arrested_on == datetime.date(2026, 8, 30)
    assert AuditEvent.objects.filter(
        actor=coordinator, action="change", object_type="link-review", object_id=str(rows["either_jordan"].pk), person_id=jordan.pk
    ).exists()
    again = client.get(f"/api/v1/link-reviews/{rows['either_jordan'].pk}", **headers).json()
    assert again["decision"]["person"]["id"] == jordan.pk and again["status"] == "decided"
    assert client.get("/api/v1/link-reviews", **headers).json()["count"] == 2

    twice = client.post(url, {"person": None}, content_type="application/json", **headers)
    assert twice.status_code == 409
    problem = twice.json()
    assert problem["type"] == "urn:iomhub:problem:conflict" and problem["errors"] == {"person": ["This row has already been decided"]}
    assert Person.objects.filter(first_name="Jordan", last_name="Example").count() == 2 and Arrest.objects.count() == 1


def test_deciding_a_row_is_someone_new_adds_them(client, partnership, api_auth, queue):
    review, headers = queue["rows"]["second_run"], api_auth(Role.COORDINATOR)
    before = set(Person.objects.values_list("pk", flat=True))
    done = client.post(f"/api/v1/link-reviews/{review.pk}/decision", {"person": None}, content_type="application/json", **headers)
    assert done.status_code == 200, done.content
    (added,) = Person.objects.exclude(pk__in=before)
    assert (added.first_name, added.last_name, added.date_of_birth) == ("Jordan", "Example", datetime.date(1991, 5, 17))
    decision = done.json()["decision"]
    assert decision["someone_new"] is True and decision["person"] == _person(added)
    assert Arrest.objects.get().person_id == added.pk
    assert AuditEvent.objects.filter(action="change", object_type="link-review", person_id=added.pk).exists()


def test_a_decision_that_cannot_be_taken_is_a_400_naming_the_person(client, partnership, api_auth, queue):
    review, headers = queue["rows"]["either_jordan"], api_auth(Role.COORDINATOR)
    url = f"/api/v1/link-reviews/{review.pk}/decision"

    def post(body: object):
        return client.post(url, json.dumps(body), content_type="application/json", **headers)

    not_offered = post({"person": partnership.housing_case.pk})
    assert not_offered.status_code == 400 and list(not_offered.json()["errors"]) == ["person"]
    assert "one of the people offered" in not_offered.json()["errors"]["person"][0]
    for body in ({}, {"person": str(queue["jordan_1990"].pk)}, {"person": True}, {"person": 1.5}, {"person": 0}):
        refused = post(body)
        assert refused.status_code == 400 and "person" in refused.json()["errors"], body
    unknown = post({"person": None, "note": "x"})
    assert unknown.status_code == 400 and "note" in unknown.json()["errors"]

    # The row no longer passes its checks (its offence code is no longer in the catalogue, say)
    LinkReview.objects.filter(pk=review.pk).update(values={**review.values, "offence_code": "99Z"})
    stale = post({"person": queue["jordan_1990"].pk})
    assert stale.status_code == 400 and "no longer passes its checks" in stale.json()["errors"]["person"][0]
    assert LinkReview.objects.get(pk=review.pk).status == "open" and not Arrest.objects.exists()


def test_the_import_runs_are_the_callers_own_newest_first(client, partnership, api_auth, queue):
    first, second = queue["runs"]
    chair_run = ImportRun.objects.create(feed="arrests", file_name="chair.csv", sha256="c" * 64, started_by=partnership.users[Role.CHAIR])
    releases = ImportRun.objects.create(
        feed="releases", file_name="releases.csv", sha256="d" * 64, started_by=partnership.users[Role.COORDINATOR], started_at=NOW
    )
    headers = api_auth(Role.COORDINATOR)
    body = client.get("/api/v1/imports", **headers).json()
    assert [r["id"] for r in body["results"]] == [releases.pk, second.pk, first.pk]
    assert chair_run.pk not in [r["id"] for r in body["results"]] and body["results"][0]["file_name"] == "releases.csv"
    arrests = client.get("/api/v1/imports?feed=arrests&limit=1", **headers).json()
    assert arrests["count"] == 2 and [r["id"] for r in arrests["results"]] == [second.pk]
    bad = client.get("/api/v1/imports?feed=burglaries", **headers)
    assert bad.status_code == 400 and "feed" in bad.json()["errors"]


@pytest.mark.parametrize(
    ("feed", "values", "dates"),
    [
        # Oracles by hand: a time without an offset is England's (BST, UTC+1, until 25 October 2026)
        ("arrests", row(arrested_at="2026-08-29T02:15"), {"date_of_birth": "1994-03-08", "arrested_at": "2026-08-29T01:15:00Z"}),
        ("arrests", row(arrested_at="2026-12-03 02:15"), {"date_of_birth": "1994-03-08", "arrested_at": "2026-12-03T02:15:00Z"}),  # GMT
        ("arrests", row(arrested_at="2026-08-29T02:15:30+02:00"), {"date_of_birth": "1994-03-08", "arrested_at": "2026-08-29T00:15:30Z"}),
        (
            "arrests",
            row(arrested_at="not a time", date_of_birth="1991-05-17 00:00:00"),
            {"date_of_birth": "1991-05-17"},
        ),  # a spreadsheet's midnight
        (
            "court-outcomes",
            {"family_name": "Example", "date_of_birth": "1991-05-17", "decided_on": "2026-06-01", "offence_date": "2026-05-02"},
            {"date_of_birth": "1991-05-17", "decided_on": "2026-06-01", "offence_date": "2026-05-02"},
        ),
        (
            "releases",
            {"date_of_birth": "1991-05-17", "expected_release_date": "2027-01-31"},
            {"date_of_birth": "1991-05-17", "expected_release_date": "2027-01-31"},
        ),
        ("offending-history", {"date_of_birth": "1991-05-17 00:00", "offence_date": "31/05/2026"}, {"date_of_birth": "1991-05-17"}),
    ],
)
def test_a_rows_dates_and_times_are_also_given_in_the_apis_style(client, partnership, api_auth, feed, values, dates):
    """``values`` stay as the file has them; ``dates`` has what reads as a date or a time, in the
    API's style (dates YYYY-MM-DD, times UTC with Z), for the list and for one row."""
    coordinator = partnership.users[Role.COORDINATOR]
    run = ImportRun.objects.create(feed=feed, file_name="f.csv", sha256="c" * 64, started_by=coordinator)
    review = _review(run, 2, values, [(partnership.ordinary, ["date_of_birth"])], "Names nearly agree")
    headers = api_auth(Role.COORDINATOR)
    one = client.get(f"/api/v1/link-reviews/{review.pk}", **headers).json()
    listed = client.get(f"/api/v1/link-reviews?import_run={run.pk}", **headers).json()["results"]
    assert one["values"] == values and one["dates"] == dates
    assert [(r["values"], r["dates"]) for r in listed] == [(values, dates)]
