"""The whole justice record over the API (issue 11 §4): arrests, offences, court outcomes and
cautions, custody periods, warrants and their execution, and the MAPPA level, with the pages'
policy, checks and audit. Every response is also checked against the schema (tests/api/conftest.py)."""

from __future__ import annotations

import datetime
import json

import pytest
from django.utils import timezone

from iomhub import clock
from iomhub.access.models import AuditEvent, Role, Section, SharingAgreement
from iomhub.access.services import api_token_issue
from iomhub.justice.models import Arrest, CourtOutcome, CustodyEpisode, MappaManagement, Offence, Warrant
from tests.access.support import events_since, last_event_id

TODAY = datetime.date(2026, 9, 1)
MODELS = [Arrest, Offence, CourtOutcome, CustodyEpisode, Warrant, MappaManagement]

# One good body per kind, with what the page's audit calls the record, and a field to read back.
GOOD = {
    "arrests": (
        {"arrested_on": "2026-08-01", "custody_suite": "Northbridge custody suite", "outcome": "bail", "offence_codes": ["28E", "45"]},
        "arrest",
    ),
    "offences": ({"code": "28E", "committed_on": "2026-07-30"}, "offence"),
    "outcomes": (
        {"decided_on": "2026-08-20", "disposal": "community-order", "court": "Northbridge Magistrates", "requirements": ["drr", "rar"]},
        "court-outcome",
    ),
    "custody": ({"kind": "remand", "prison": "HMP Northbridge", "started_on": "2026-06-01", "ended_on": "2026-06-20"}, "custody-episode"),
    "warrants": ({"kind": "fail-to-appear", "issued_on": "2026-08-25", "issued_by": "Northbridge Magistrates"}, "warrant"),
    "mappa": ({"level": 2, "category": "2", "from_date": "2026-08-10", "source": "MAPPA level 2 meeting"}, "mappa-level"),
}


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

            def post(self, path, body):
                return client.post(path, json.dumps(body), content_type="application/json", **auth)

            def patch(self, path, body):
                return client.patch(path, json.dumps(body), content_type="application/json", **auth)

        return Api()

    return _as


def _url(person, kind):
    return f"/api/v1/people/{person.pk}/justice/{kind}"


def _stored():
    return {m.__name__: m.objects.count() for m in MODELS}


@pytest.mark.parametrize("kind", list(GOOD))
def test_each_kind_is_recorded_through_the_service_audited_and_read_back_audited(api, partnership, kind):
    body, audit_type = GOOD[kind]
    person = partnership.ordinary
    writer = api(Role.PROBATION_OFFICER)
    since = last_event_id()
    response = writer.post(_url(person, kind), body)
    assert response.status_code == 201, response.content
    created = events_since(since, actor=writer.user, action="create", object_type=audit_type)
    assert len(created) == 1 and created[0].person_id == person.pk and created[0].changes["section"] == "justice"
    reader = api(Role.POLICE_IOM_OFFICER)
    since = last_event_id()
    listed = reader.get(_url(person, kind)).json()
    assert events_since(since, actor=reader.user, action="view", person_id=person.pk)
    rows = listed["history"] if kind == "mappa" else listed
    assert len(rows) == 1
    for name in set(body) & set(rows[0]):
        assert rows[0][name] == body[name], name


def test_an_arrest_keeps_its_offences_and_an_outcome_names_them(api, partnership):
    person = partnership.ordinary
    officer = api(Role.POLICE_IOM_OFFICER)
    arrest = officer.post(_url(person, "arrests"), {**GOOD["arrests"][0], "offence_committed_on": "2026-07-31"}).json()
    assert sorted(o["code"] for o in arrest["offences"]) == ["28E", "45"]
    assert {o["committed_on"] for o in arrest["offences"]} == {"2026-07-31"} and arrest["outcome_label"] == "Bail"
    ids = [o["id"] for o in arrest["offences"]]
    outcome = officer.post(
        _url(person, "outcomes"), {"decided_on": "2026-08-20", "disposal": "fine", "fine_pounds": 200, "offence_ids": ids}
    )
    assert outcome.status_code == 201
    assert outcome.json()["offences"] == sorted(ids) and outcome.json()["caution"] is False
    caution = officer.post(_url(person, "outcomes"), {"decided_on": "2026-08-21", "disposal": "caution"}).json()
    assert caution["caution"] is True and caution["disposal_label"] == "Caution"
    offences = officer.get(_url(person, "offences")).json()
    assert sorted(o["id"] for o in offences) == sorted(ids) and {o["arrest"] for o in offences} == {arrest["id"]}


def test_the_whole_record_carries_the_custody_periods_and_mappa_levels(api, partnership):
    person = partnership.ordinary
    officer = api(Role.PROBATION_OFFICER)
    officer.post(_url(person, "custody"), GOOD["custody"][0])
    officer.post(_url(person, "custody"), {"kind": "sentenced", "prison": "HMP Eastgate", "started_on": "2026-07-01"})
    officer.post(_url(person, "mappa"), GOOD["mappa"][0])
    record = officer.get(f"/api/v1/people/{person.pk}/justice").json()
    assert [(c["prison"], c["ended_on"]) for c in record["custody"]] == [("HMP Eastgate", None), ("HMP Northbridge", "2026-06-20")]
    assert [m["level"] for m in record["mappa"]] == [2]


def test_a_warrant_is_executed_once_and_not_before_it_was_issued(api, partnership):
    person = partnership.ordinary
    officer = api(Role.POLICE_IOM_OFFICER)
    warrant = officer.post(_url(person, "warrants"), GOOD["warrants"][0]).json()
    assert warrant["executed_on"] is None
    url = f"{_url(person, 'warrants')}/{warrant['id']}"
    early = officer.patch(url, {"executed_on": "2026-08-24"})
    assert early.status_code == 400 and "executed_on" in early.json()["errors"]
    assert Warrant.objects.get().executed_on is None
    since = last_event_id()
    done = officer.patch(url, {"executed_on": "2026-08-30"})
    assert done.status_code == 200 and done.json()["executed_on"] == "2026-08-30"
    change = events_since(since, action="change", object_type="warrant")
    assert len(change) == 1 and change[0].person_id == person.pk
    again = officer.patch(url, {"executed_on": "2026-08-31"})
    assert again.status_code == 400 and "already been executed" in again.json()["errors"]["executed_on"][0]
    assert Warrant.objects.get().executed_on == datetime.date(2026, 8, 30)
    assert officer.get(url).json()["executed_on"] == "2026-08-30"


def test_a_warrant_of_someone_else_is_not_found_through_another_person(api, partnership):
    officer = api(Role.POLICE_IOM_OFFICER)
    warrant = officer.post(_url(partnership.housing_case, "warrants"), GOOD["warrants"][0]).json()
    other = f"{_url(partnership.ordinary, 'warrants')}/{warrant['id']}"
    assert officer.get(other).status_code == 404
    assert officer.patch(other, {"executed_on": "2026-08-30"}).status_code == 404
    assert Warrant.objects.get().executed_on is None


def test_the_mappa_level_in_force_and_its_end(api, partnership):
    person = partnership.ordinary
    officer = api(Role.PROBATION_OFFICER)
    first = officer.post(_url(person, "mappa"), GOOD["mappa"][0])
    assert first.status_code == 201 and first.json()["current"]["level"] == 2
    ended = officer.post(_url(person, "mappa"), {"level": None, "from_date": "2026-08-28"}).json()
    assert ended["current"]["level"] is None and ended["current"]["category"] == ""
    assert [r["level"] for r in ended["history"]] == [2, None]
    assert officer.get(_url(person, "mappa")).json()["as_of"] == "2026-09-01"


BAD = [
    ("arrests", {"offence_codes": ["ZZ99X"]}, "offence_codes"),
    ("arrests", {"offence_codes": []}, "offence_codes"),
    ("arrests", {"arrested_on": "2026-09-02"}, "arrested_on"),
    ("arrests", {"arrested_on": "1-8-2026"}, "arrested_on"),
    ("arrests", {"custody_suite": "x" * 201}, "custody_suite"),
    ("arrests", {"custody_suite": 7}, "custody_suite"),
    ("arrests", {"outcome": "maybe"}, "outcome"),
    ("arrests", {"colour": "red"}, "colour"),
    ("arrests", {"offence_committed_on": "2026-08-02"}, "offence_committed_on"),
    ("offences", {"code": 28}, "code"),
    ("offences", {"committed_on": "1900-01-01"}, "committed_on"),
    ("outcomes", {"requirements": []}, "requirements"),
    ("outcomes", {"disposal": "fine", "requirements": []}, "fine_pounds"),
    ("outcomes", {"offence_ids": [2_000_000]}, "offence_ids"),
    ("outcomes", {"fine_pounds": "200"}, "fine_pounds"),
    ("custody", {"ended_on": "2026-05-31"}, "ended_on"),
    ("custody", {"prison": ""}, "prison"),
    ("warrants", {"kind": "search"}, "kind"),
    ("mappa", {"level": 4}, "level"),
    ("mappa", {"level": True}, "level"),
    ("mappa", {"level": None, "category": "", "from_date": "2026-08-01"}, "level"),
    ("mappa", {"level": None, "category": "1"}, "category"),
    ("mappa", {"category": 2}, "category"),
    ("mappa", {"level": 1, "category": ""}, "category"),
]


@pytest.mark.parametrize("kind, change, field", BAD, ids=[f"{k}-{f}-{i}" for i, (k, _, f) in enumerate(BAD)])
def test_bad_input_is_a_problem_naming_the_field_and_nothing_is_stored(api, partnership, kind, change, field):
    before = _stored()
    response = api(Role.PROBATION_OFFICER).post(_url(partnership.ordinary, kind), {**GOOD[kind][0], **change})
    assert response.status_code == 400
    problem = response.json()
    assert response["Content-Type"].startswith("application/problem+json")
    assert problem["type"] == "urn:iomhub:problem:validation" and field in problem["errors"], problem
    assert _stored() == before


@pytest.mark.parametrize("kind", list(GOOD))
def test_a_partner_without_the_justice_section_is_refused_audited_and_nothing_leaks(api, partnership, kind):
    api(Role.POLICE_IOM_OFFICER).post(_url(partnership.housing_case, kind), GOOD[kind][0])
    before = _stored()
    housing = api("housing-worker")
    since = last_event_id()
    read = housing.get(_url(partnership.housing_case, kind))
    write = housing.post(_url(partnership.housing_case, kind), GOOD[kind][0])
    assert read.status_code == 403 and write.status_code == 403
    assert len(events_since(since, actor=housing.user, action="denied", person_id=partnership.housing_case.pk)) == 2
    assert not events_since(since, actor=housing.user, action__in=["view", "create"])
    for text in ("Northbridge", "HMP", "2026-08"):
        assert text not in read.content.decode() + write.content.decode()
    assert _stored() == before


@pytest.mark.parametrize("kind", list(GOOD))
def test_a_hidden_person_is_404_exactly_like_a_missing_one(api, partnership, kind):
    housing = api("housing-worker")  # housing is not involved with the ordinary person
    hidden = [housing.get(_url(partnership.ordinary, kind)), housing.post(_url(partnership.ordinary, kind), GOOD[kind][0])]
    missing = [housing.get(f"/api/v1/people/99999999/justice/{kind}"), housing.post(f"/api/v1/people/99999999/justice/{kind}", {})]
    for seen, absent in zip(hidden, missing, strict=True):
        assert seen.status_code == absent.status_code == 404
        assert seen.json() == absent.json()
    assert not any(m.objects.exists() for m in MODELS)


@pytest.mark.parametrize("kind", list(GOOD))
def test_a_partner_sharing_justice_reads_but_does_not_change_and_the_performance_lead_neither(api, partnership, kind):
    SharingAgreement.objects.filter(organisation=partnership.housing).update(sections=[Section.IDENTITY, Section.JUSTICE])
    housing = api("housing-worker")
    assert housing.get(_url(partnership.housing_case, kind)).status_code == 200
    assert housing.post(_url(partnership.housing_case, kind), GOOD[kind][0]).status_code == 403
    lead = api(Role.PERFORMANCE_LEAD)
    assert lead.get(_url(partnership.ordinary, kind)).status_code == 403
    assert lead.post(_url(partnership.ordinary, kind), GOOD[kind][0]).status_code == 403
    assert not any(m.objects.exists() for m in MODELS)


def test_a_warrant_cannot_be_executed_by_a_partner(api, partnership):
    SharingAgreement.objects.filter(organisation=partnership.housing).update(sections=[Section.IDENTITY, Section.JUSTICE])
    warrant = api(Role.POLICE_IOM_OFFICER).post(_url(partnership.housing_case, "warrants"), GOOD["warrants"][0]).json()
    url = f"{_url(partnership.housing_case, 'warrants')}/{warrant['id']}"
    housing = api("housing-worker")
    assert housing.get(url).status_code == 200
    since = last_event_id()
    assert housing.patch(url, {"executed_on": "2026-08-30"}).status_code == 403
    assert events_since(since, actor=housing.user, action="denied")
    assert Warrant.objects.get().executed_on is None


ARREST_FORM = {
    "arrested_on_day": "3",
    "arrested_on_month": "8",
    "arrested_on_year": "2026",
    "custody_suite": "Eastgate custody suite",
    "outcome": "charge",
    "offence_codes": "45",
}


def test_what_the_api_records_shows_on_the_page_and_what_the_page_records_shows_in_the_api(api, client, partnership):
    person = partnership.ordinary
    officer = api(Role.POLICE_IOM_OFFICER)
    officer.post(_url(person, "arrests"), GOOD["arrests"][0])
    officer.post(_url(person, "mappa"), {"level": 3, "category": "1", "from_date": "2026-08-10"})
    client.force_login(partnership.users[Role.PROBATION_OFFICER])
    page = client.get(f"/people/{person.pk}/justice/").content.decode()
    assert "Northbridge custody suite" in page and "MAPPA level 3" in page
    assert client.post(f"/people/{person.pk}/justice/arrests/new/", ARREST_FORM).status_code == 302
    arrests = officer.get(_url(person, "arrests")).json()
    assert [(a["arrested_on"], a["custody_suite"], a["outcome"]) for a in arrests] == [
        ("2026-08-03", "Eastgate custody suite", "charge"),
        ("2026-08-01", "Northbridge custody suite", "bail"),
    ]
    record = officer.get(f"/api/v1/people/{person.pk}/justice").json()
    assert [a["id"] for a in record["arrests"]] == [a["id"] for a in arrests]
    assert [(m["level"], m["category"], m["from_date"]) for m in record["mappa"]] == [(3, "1", "2026-08-10")]
    assert AuditEvent.objects.filter(object_type="arrest", action="create", person_id=person.pk).count() == 2


# ---- where each record a feed wrote came from (issue 11 §3) -------------------------------------------


def _source(world, how, run, line, method, label, agreed, **more):
    """The ``source`` a row must carry, written out by hand from how ``tests.justice.sources`` built it."""
    return {
        "feed": more.pop("feed", "Custody arrests"),
        "run": world.runs[run].pk,
        "line": line,
        "method": method,
        "method_label": label,
        "agreed": agreed,
        "decided_by": more.pop("decided_by", ""),
        "decided_at": more.pop("decided_at", None),
        "run_url": more.pop("run_url", f"/feeds/imports/{world.runs[run].pk}/"),
        "match_probability": more.pop("match_probability", None),
        "text": world.expected[how],
    }


def _expected_sources(world, *, run_urls):
    all4 = ["family name", "given name", "date of birth"]
    found = {
        "pnc": _source(world, "pnc", "arrests", 2, "pnc", "PNC ID", ["PNC ID", *all4]),
        "name-dob": _source(world, "name-dob", "arrests", 3, "name-dob", "Exact name and date of birth", all4),
        "probable": _source(
            world,
            "probable",
            "arrests",
            4,
            "probable",
            "Probable match (names and date of birth)",
            ["given name (spelt alike)", "family name", "date of birth"],
        ),
        "reviewed": _source(
            world,
            "reviewed",
            "review",
            2,
            "reviewed",
            "Decided on review",
            ["family name", "given name"],
            decided_by="Sam Coordinator",
            decided_at="2026-12-03T10:30:00Z",
        ),
        "court": _source(world, "court", "courts", 2, "name-dob", "Exact name and date of birth", all4, feed="Court outcomes"),
        "history": _source(world, "history", "history", 2, "name-dob", "Exact name and date of birth", all4, feed="Offending history"),
        "release": _source(world, "release", "releases", 2, "name-dob", "Exact name and date of birth", all4, feed="Prison releases"),
    }
    if not run_urls:
        for s in found.values():
            s["run_url"] = None
    return found


def _probable_settled(found, expected):
    """The model's match probability is its own: a probability, in the words of ``text``."""
    p = found.pop("match_probability")
    assert 0.5 < p <= 1, p
    text = found.pop("text")
    assert text == expected.pop("text").replace("0.NNN", f"{p:.3f}"), text
    expected.pop("match_probability")
    return found, expected


@pytest.fixture
def world(partnership):
    from tests.justice import sources

    return sources.build(partnership)


@pytest.mark.parametrize(("who", "run_urls"), [(Role.COORDINATOR, True), (Role.POLICE_IOM_OFFICER, False), (Role.CHAIR, False)])
def test_each_record_a_feed_wrote_says_where_it_came_from_and_why_in_every_endpoint(api, world, who, run_urls):
    """The importer (the coordinator) is given the import's page; the police IOM officer and the
    chair (who did not run it) read the same source without it."""
    reader = api(who)
    expected = _expected_sources(world, run_urls=run_urls)
    person, arrests = world.person, world.arrests
    listed = {a["id"]: a for a in reader.get(_url(person, "arrests")).json()}
    whole = reader.get(f"/api/v1/people/{person.pk}/justice").json()
    by_id = {a["id"]: a["source"] for a in whole["arrests"]}
    for how in ("pnc", "name-dob", "reviewed"):
        assert listed[arrests[how].pk]["source"] == by_id[arrests[how].pk] == expected[how], how
    assert listed[arrests["hand"].pk]["source"] is None and by_id[arrests["hand"].pk] is None
    found, wanted = _probable_settled(dict(listed[arrests["probable"].pk]["source"]), dict(expected["probable"]))
    assert found == wanted
    assert by_id[arrests["probable"].pk] == listed[arrests["probable"].pk]["source"]
    # Each offence: the history feed's own row; an arrest's or a conviction's, that row; keyed by hand, none.
    offences = {o["id"]: o["source"] for o in reader.get(_url(person, "offences")).json()}
    assert offences[world.history_offence.pk] == expected["history"]
    pnc_offence = next(o for o in listed[arrests["pnc"].pk]["offences"])
    assert offences[pnc_offence["id"]] == expected["pnc"]
    assert offences[listed[arrests["hand"].pk]["offences"][0]["id"]] is None
    (outcome,) = reader.get(_url(person, "outcomes")).json()
    assert outcome["source"] == expected["court"]
    assert offences[outcome["offences"][0]] == expected["court"]
    assert {o["id"]: o["source"] for o in whole["offences"]} == offences
    assert [c["source"] for c in whole["outcomes"]] == [expected["court"]]
    (overridden,) = reader.get(_url(person, "overrides")).json()
    assert (overridden["id"], overridden["override_source"]) == (world.sentence.pk, expected["release"])
    newcomer = {a["id"]: a["source"] for a in reader.get(_url(world.newcomer, "arrests")).json()}
    assert newcomer == {
        arrests["created"].pk: _source(
            world, "created", "arrests", 5, "created", "New person created", ["family name", "given name", "date of birth"]
        )
        | ({} if run_urls else {"run_url": None})
    }


def test_a_record_keyed_through_the_api_has_no_source(api, partnership):
    created = api(Role.POLICE_IOM_OFFICER).post(_url(partnership.ordinary, "arrests"), GOOD["arrests"][0])
    assert created.status_code == 201 and created.json()["source"] is None


@pytest.mark.parametrize(("who", "status"), [("housing-worker", 403), (Role.PERFORMANCE_LEAD, 403), ("dwp-worker", 403)])
def test_a_role_without_the_justice_section_learns_nothing_of_the_sources_through_the_api(api, partnership, world, who, status):
    """Housing is involved with Jordan (his identity is theirs to see), justice is not shared with it."""
    from iomhub.casework.models import AgencyInvolvement

    AgencyInvolvement.objects.create(person=world.person, organisation=partnership.housing)
    reader = api(who)
    since = last_event_id()
    for path in ["", "/arrests", "/offences", "/outcomes", "/overrides", "/sentences"]:
        response = reader.get(f"/api/v1/people/{world.person.pk}/justice{path}")
        assert response.status_code == status, path
        body = response.content.decode()
        for leak in ("Custody arrests", "import", "probable", "reviewed", "Sam Coordinator", "PNC ID", "feed"):
            assert leak not in body, (path, leak)
    assert not events_since(since, actor=reader.user, action="view")
