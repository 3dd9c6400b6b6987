"""Referrals (002 appendix 2) and the chair's decision (002 §2): the whole journey in pages and in
the API, bad or incomplete input refused by name with nothing stored, the policy respected."""

from __future__ import annotations

import datetime
import html
import re

import pytest

from iomhub import clock
from iomhub.access.models import AuditEvent, Role
from iomhub.casework.models import AgencyInvolvement
from iomhub.cohort.models import ChecklistItem, Registration
from iomhub.people.models import Person
from iomhub.referrals.forms import STEP_ORDER
from iomhub.referrals.models import Decision, Referral
from tests.access.support import events_since, last_event_id
from tests.referrals.factories import complete_json, make_referral, step_posts

TODAY = datetime.date(2026, 11, 20)


@pytest.fixture(autouse=True)
def fixed_today():
    with clock.frozen(TODAY):
        yield


def _errors(page: str) -> list[str]:
    summary = re.search(r'class="govuk-error-summary".*?</ul>', page, re.S)
    return [html.unescape(e) for e in re.findall(r"<a href=\"[^\"]+\">([^<]+)</a>", summary.group(0))] if summary else []


def _complete_in_pages(client) -> Referral:
    posts = step_posts()
    response = client.post("/referrals/new/", posts["person"])
    assert response.status_code == 302, _errors(response.content.decode())
    referral = Referral.objects.latest("id")
    for step in STEP_ORDER[1:]:
        response = client.post(f"/referrals/{referral.pk}/{step}/", posts[step])
        assert response.status_code == 302, (step, _errors(response.content.decode()))
    assert response["Location"] == f"/referrals/{referral.pk}/check/"
    return referral


def test_a_partner_refers_the_coordinator_sees_it_and_the_chair_adopts_it(client, partnership):
    housing = partnership.users["housing-worker"]
    client.force_login(housing)
    referral = _complete_in_pages(client)
    check = client.get(f"/referrals/{referral.pk}/check/").content.decode()
    assert "Check your answers before sending the referral" in check
    assert "Referralton" in check and "Serious and acquisitive crime" in check
    assert "Proposed initial RAG classification" in check and "Amber (reduce re-offending and rehabilitate)" in check
    assert re.search(r"Sex</dt>\s*<dd[^>]*>\s*Male", check), "sex on check your answers"
    sent = client.post(f"/referrals/{referral.pk}/check/")
    assert "Referral sent" in sent.content.decode()
    referral.refresh_from_db()
    assert referral.status == "submitted" and referral.referring_organisation == partnership.housing
    assert referral.ogrs_source == "entered"

    client.force_login(partnership.users[Role.COORDINATOR])
    listed = client.get("/referrals/?status=submitted").content.decode()
    assert f"/referrals/{referral.pk}/" in listed

    chair = partnership.users[Role.CHAIR]
    client.force_login(chair)
    page = client.get(f"/referrals/{referral.pk}/decide/").content.decode()
    assert "is this person already on IOM Hub?" in page
    response = client.post(
        f"/referrals/{referral.pk}/decide/",
        {
            "outcome": "adopt",
            "reasons": "Meets the acquisitive-crime criteria; agreed by the meeting",
            "meeting_date_day": "18",
            "meeting_date_month": "11",
            "meeting_date_year": "2026",
            "rag": "red",
            "flags": ["neighbourhood_crime", "ppo"],
            "person_choice": "new",
        },
    )
    assert response.status_code == 302, _errors(response.content.decode())
    referral.refresh_from_db()
    assert referral.status == "adopted" and referral.person is not None
    decision = referral.decisions.get()
    assert (decision.outcome, decision.chair, decision.meeting_date) == ("adopt", chair, datetime.date(2026, 11, 18))
    registration = Registration.objects.get(person=referral.person)
    assert (registration.rag, registration.neighbourhood_crime, registration.ppo, registration.domestic_abuse) == ("red", True, True, False)
    assert registration.started_on == datetime.date(2026, 11, 18)
    assert [c.level for c in registration.rag_history.all()] == ["red"]
    assert sorted(registration.checklist.values_list("item", flat=True)) == sorted(ChecklistItem.values)
    assert AgencyInvolvement.objects.filter(person=referral.person, organisation=partnership.housing).exists()

    summary = client.get(f"/people/{referral.person.pk}/").content.decode()
    assert "IOM registration" in summary
    assert '<strong class="govuk-tag govuk-tag--red" data-rag="red">Red</strong> catch and control' in summary
    assert "Neighbourhood crime" in summary and "PPO" in summary
    assert summary.count("Outstanding") == len(ChecklistItem.values)
    # The referring partner now sees the person they referred, with the registration (plan section).
    client.force_login(housing)
    assert "IOM registration" in client.get(f"/people/{referral.person.pk}/").content.decode()


def test_the_same_flow_through_the_api(client, partnership):
    client.force_login(partnership.users["housing-worker"])
    created = client.post("/api/v1/referrals", complete_json(), content_type="application/json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["status"] == "submitted" and body["pathways"]["health"]["risk"] == "amber"
    client.force_login(partnership.users[Role.COORDINATOR])
    assert body["id"] in [r["id"] for r in client.get("/api/v1/referrals", {"status": "submitted"}).json()["results"]]
    client.force_login(partnership.users[Role.CHAIR])
    decided = client.post(
        f"/api/v1/referrals/{body['id']}/decision",
        {"outcome": "adopt", "reasons": "Agreed", "rag": "amber", "domestic_abuse": True, "confirm_new_person": True},
        content_type="application/json",
    )
    assert decided.status_code == 201, decided.json()
    assert decided.json()["status"] == "adopted" and decided.json()["registration_id"]
    registration = Registration.objects.get(pk=decided.json()["registration_id"])
    assert registration.domestic_abuse and registration.rag == "amber"
    assert client.get(f"/api/v1/referrals/{body['id']}/decision").json()[0]["chair_name"]
    # The registration, its flags and its initial RAG are read back through the API too.
    read = client.get(f"/api/v1/registrations/{registration.pk}")
    assert read.status_code == 200, read.json()
    detail = read.json()["registration"]
    assert detail["rag"] == "amber" and detail["domestic_abuse"] is True and detail["person"] == registration.person_id
    assert [step["level"] for step in detail["rag_history"]] == ["amber"]


def test_submitting_an_incomplete_referral_names_every_missing_answer_and_keeps_it_a_draft(client, partnership):
    client.force_login(partnership.users[Role.PROBATION_OFFICER])
    client.post("/referrals/new/", {"first_name": "Only", "last_name": "Started"})
    referral = Referral.objects.get(last_name="Started")
    response = client.post(f"/referrals/{referral.pk}/check/")
    errors = _errors(response.content.decode())
    for message in (
        "Enter the person's date of birth",
        "Enter the evidence of a high risk of re-offending",
        "Select a risk level for accommodation",
        "Select a risk level for domestic abuse",
        "Enter the threat, harm and risk assessment",
    ):
        assert message in errors
    assert sum(m.startswith("Answer the screening question") for m in errors) == 5
    assert f'href="/referrals/{referral.pk}/risk/?from=check#id_accommodation_risk"' in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == "draft"


BAD_STEPS = {
    "impossible date of birth": ("person", {"first_name": "A", "date_of_birth_day": "31", "date_of_birth_month": "2", "date_of_birth_year": "1990"}, "Date of birth must be a real date"),
    "date of birth in the future": ("person", {"date_of_birth_day": "1", "date_of_birth_month": "1", "date_of_birth_year": "2030"}, "Date of birth must be in the past"),
    "wrong PNC check character": ("person", {"pnc_id": "2012/0052494A"}, "PNC ID check character is wrong"),
    "bad postcode": ("person", {"postcode": "NOT A POSTCODE"}, "postcode"),
    "bad email": ("person", {"email": "not-an-email"}, "Enter a valid email address"),
    "OGRS over 100": ("justification", {"ogrs_score": "101"}, "OGRS score must be a whole number from 0 to 100"),
    "OGRS not a number": ("justification", {"ogrs_score": "high"}, "OGRS score must be a whole number from 0 to 100"),
    "referral date in the future": ("referrer", {"referral_date_day": "1", "referral_date_month": "1", "referral_date_year": "2027"}, "Date of referral must be today or in the past"),
    "agency person without an agency": ("agencies", {"person_1": "Ali"}, "Enter agency 1, or leave its person and contact empty"),
    "ten thousand characters of name": ("person", {"first_name": "x" * 10_000}, "First name must be 100 characters or fewer"),
    "risk level not offered": ("risk", {"health_risk": "purple"}, "Select a valid choice"),
}  # fmt: skip


@pytest.mark.parametrize("step, post, message", BAD_STEPS.values(), ids=BAD_STEPS.keys())
def test_bad_answers_are_named_and_nothing_is_stored(client, partnership, step, post, message):
    client.force_login(partnership.users[Role.PROBATION_OFFICER])
    referral = make_referral(by=partnership.users[Role.PROBATION_OFFICER], status="draft")
    before = (Referral.objects.count(), AuditEvent.objects.filter(action__in=["create", "change"]).count())
    snapshot = Referral.objects.filter(pk=referral.pk).values().get()
    url = "/referrals/new/" if step == "person" else f"/referrals/{referral.pk}/{step}/"
    response = client.post(url, post)
    page = response.content.decode()
    assert response.status_code == 200
    assert any(message.lower() in e.lower() for e in _errors(page)), _errors(page)
    assert 'class="govuk-error-message"' in page
    assert (Referral.objects.count(), AuditEvent.objects.filter(action__in=["create", "change"]).count()) == before
    assert Referral.objects.filter(pk=referral.pk).values().get() == snapshot


BAD_JSON = {
    "missing answers": ({"justification": "", "screening": {}}, ["justification", "screening.complex_needs"]),
    "risk level not offered": ({"pathways": {"health": {"risk": "purple"}}}, ["pathways.health.risk"]),
    "unknown pathway": ({"pathways": {"gardening": {"risk": "red"}}}, ["pathways"]),
    "priority group not a boolean": ({"priority_groups": {"gangs": "Y"}}, ["priority_groups"]),
    "unknown field": ({"favourite_colour": "blue"}, ["favourite_colour"]),
    "OGRS as text": ({"ogrs_score": "78"}, ["ogrs_score"]),
    "impossible date": ({"date_of_birth": "1990-02-31"}, ["date_of_birth"]),
    "bad NI number": ({"ni_number": "BG123456A"}, ["ni_number"]),
    "licence after sentence expiry": ({"licence_expiry": "2028-01-01"}, ["licence_expiry"]),
    "agencies not a list": ({"agencies": "lots"}, ["agencies"]),
    "null character": ({"last_name": "Ref\u0000ton"}, ["last_name"]),
    "zero-width space in a name": ({"first_name": "Jo\u200brdan"}, ["first_name"]),  # issue 9 finding 17
    "right-to-left override in a name": ({"last_name": "\u202enotfer"}, ["last_name"]),
}


@pytest.mark.parametrize("change, fields", BAD_JSON.values(), ids=BAD_JSON.keys())
def test_the_api_refuses_bad_or_incomplete_referrals_by_field_and_stores_nothing(client, partnership, change, fields):
    client.force_login(partnership.users[Role.PROBATION_OFFICER])
    before = (Referral.objects.count(), AuditEvent.objects.filter(action="create").count())
    response = client.post("/api/v1/referrals", {**complete_json(), **change}, content_type="application/json")
    assert response.status_code == 400
    for name in fields:
        assert name in response.json()["errors"], response.json()
    assert (Referral.objects.count(), AuditEvent.objects.filter(action="create").count()) == before


def test_a_draft_may_be_incomplete_through_the_api_too(client, partnership):
    client.force_login(partnership.users[Role.PROBATION_OFFICER])
    response = client.post("/api/v1/referrals", {"first_name": "Half", "draft": True}, content_type="application/json")
    assert response.status_code == 201 and response.json()["status"] == "draft"


def test_only_the_chair_records_a_decision_and_refusals_are_audited(client, partnership):
    referral = make_referral(by=partnership.users[Role.PROBATION_OFFICER], person=partnership.ordinary)
    decision = {"outcome": "reject", "reasons": "Not prolific"}
    for key, expected in ((Role.COORDINATOR, 403), (Role.PROBATION_OFFICER, 403), ("housing-worker", 404), (Role.PERFORMANCE_LEAD, 403)):
        user = partnership.users[key]
        client.force_login(user)
        since = last_event_id()
        response = client.post(f"/api/v1/referrals/{referral.pk}/decision", decision, content_type="application/json")
        assert response.status_code == expected, key
        assert events_since(since, actor=user, action="denied"), key
    for key in (Role.COORDINATOR, Role.PROBATION_OFFICER):
        client.force_login(partnership.users[key])
        assert client.post(f"/referrals/{referral.pk}/decide/", {**decision}).status_code == 403
    assert not Decision.objects.exists()
    referral.refresh_from_db()
    assert referral.status == "submitted"


def test_a_referral_is_seen_by_its_agency_the_coordinator_and_the_chair_only(client, partnership):
    referral = make_referral(by=partnership.users[Role.PROBATION_OFFICER])
    for key, status in (
        (Role.PROBATION_OFFICER, 200),
        (Role.SUBSTANCE_MISUSE, 200),  # same organisation
        (Role.COORDINATOR, 200),
        (Role.CHAIR, 200),
        (Role.POLICE_IOM_OFFICER, 404),
        ("housing-worker", 404),
        (Role.IG_LEAD, 403),
    ):
        client.force_login(partnership.users[key])
        assert client.get(f"/referrals/{referral.pk}/").status_code == status, key
        assert client.get(f"/api/v1/referrals/{referral.pk}").status_code == status, key
    client.force_login(partnership.users["housing-worker"])
    assert client.get("/api/v1/referrals").json()["count"] == 0


def test_a_referral_naming_a_restricted_person_is_hidden_even_from_the_coordinator(client, partnership):
    referral = make_referral(by=partnership.users[Role.PROBATION_OFFICER], person=partnership.restricted)
    client.force_login(partnership.users[Role.COORDINATOR])
    assert client.get(f"/referrals/{referral.pk}/").status_code == 404
    assert referral.pk not in [r["id"] for r in client.get("/api/v1/referrals").json()["results"]]
    client.force_login(partnership.users[Role.PROBATION_OFFICER])  # granted on the person
    assert client.get(f"/referrals/{referral.pk}/").status_code == 200


def test_a_submitted_referral_can_no_longer_be_changed(client, partnership):
    referral = make_referral(by=partnership.users[Role.PROBATION_OFFICER])
    client.force_login(partnership.users[Role.PROBATION_OFFICER])
    response = client.post(f"/referrals/{referral.pk}/referrer/", {"contact": "Changed"})
    assert response.status_code == 302 and response["Location"] == f"/referrals/{referral.pk}/"
    referral.refresh_from_db()
    assert referral.contact != "Changed"


def test_adopting_someone_who_may_already_be_on_record_needs_the_chairs_choice(client, partnership):
    existing = partnership.ordinary  # Jordan Example, born 17 May 1990
    referral = make_referral(
        by=partnership.users[Role.PROBATION_OFFICER],
        first_name="Jordon",
        last_name="Example",
        date_of_birth=datetime.date(1990, 5, 17),
        pnc_id="",
    )
    client.force_login(partnership.users[Role.CHAIR])
    adopt = {"outcome": "adopt", "reasons": "Agreed", "rag": "green"}
    refused = client.post(f"/api/v1/referrals/{referral.pk}/decision", adopt, content_type="application/json")
    assert refused.status_code == 400 and "person" in refused.json()["errors"]
    assert not Registration.objects.exists() and not Decision.objects.exists()
    page = client.get(f"/referrals/{referral.pk}/decide/").content.decode()
    assert f'value="{existing.pk}"' in page and "first name spelled similarly" in page.lower()
    people = Person.objects.count()
    linked = client.post(f"/api/v1/referrals/{referral.pk}/decision", {**adopt, "person_id": existing.pk}, content_type="application/json")
    assert linked.status_code == 201
    assert Person.objects.count() == people
    assert Registration.objects.get().person == existing


@pytest.mark.parametrize(
    "decision, field",
    [
        ({"outcome": "adopt", "reasons": "Agreed"}, "rag"),
        ({"outcome": "reject", "reasons": "   "}, "reasons"),
        ({"outcome": "defer", "reasons": "Later", "meeting_date": "2027-01-01"}, "meeting_date"),
        ({"outcome": "promote", "reasons": "x"}, "outcome"),
    ],
)
def test_a_bad_decision_is_refused_by_field(client, partnership, decision, field):
    # No proposed RAG on the referral, so adopting needs the chair's (issue 18 §2).
    referral = make_referral(by=partnership.users[Role.PROBATION_OFFICER], person=partnership.ordinary, proposed_rag="")
    client.force_login(partnership.users[Role.CHAIR])
    response = client.post(f"/api/v1/referrals/{referral.pk}/decision", decision, content_type="application/json")
    assert response.status_code == 400 and field in response.json()["errors"], response.json()
    assert not Decision.objects.exists()


def test_a_deferred_referral_comes_back_and_is_adopted_with_both_decisions_kept(client, partnership):
    referral = make_referral(by=partnership.users[Role.PROBATION_OFFICER], person=partnership.ordinary)
    client.force_login(partnership.users[Role.CHAIR])
    url = f"/api/v1/referrals/{referral.pk}/decision"
    assert client.post(url, {"outcome": "defer", "reasons": "Await the OASys review"}, content_type="application/json").status_code == 201
    assert (
        client.post(url, {"outcome": "adopt", "reasons": "Review done", "rag": "amber"}, content_type="application/json").status_code == 201
    )
    assert [d["outcome"] for d in client.get(url).json()] == ["adopt", "defer"]
    again = client.post(url, {"outcome": "reject", "reasons": "Too late"}, content_type="application/json")
    assert again.status_code == 400
    assert AuditEvent.objects.filter(object_type="referral-decision").count() == 2
    assert AuditEvent.objects.filter(object_type="registration", action="create", person_id=partnership.ordinary.pk).count() == 1


def test_referring_from_a_person_page_fills_in_their_identity(client, partnership):
    client.force_login(partnership.users[Role.POLICE_IOM_OFFICER])
    page = client.get(f"/referrals/new/?person={partnership.ordinary.pk}").content.decode()
    assert 'value="Jordan"' in page
    response = client.post(f"/referrals/new/?person={partnership.ordinary.pk}", {"first_name": "Jordan", "last_name": "Example"})
    assert response.status_code == 302
    referral = Referral.objects.latest("id")
    assert referral.person == partnership.ordinary and referral.date_of_birth == partnership.ordinary.date_of_birth
    # ...but not someone the user may not see.
    assert client.get(f"/referrals/new/?person={partnership.restricted.pk}").status_code == 404


def test_a_draft_is_its_organisations_own_until_submitted(client, partnership):
    draft = make_referral(by=partnership.users["housing-worker"], status="draft")
    for key, status in ((Role.COORDINATOR, 404), (Role.CHAIR, 404), ("housing-worker", 200)):
        client.force_login(partnership.users[key])
        assert client.get(f"/referrals/{draft.pk}/").status_code == status, key
    client.force_login(partnership.users[Role.COORDINATOR])
    assert draft.pk not in [r["id"] for r in client.get("/api/v1/referrals").json()["results"]]
    Referral.objects.filter(pk=draft.pk).update(status="submitted")
    assert client.get(f"/referrals/{draft.pk}/").status_code == 200


def test_the_list_colours_each_status_as_the_referral_page_does(client, partnership):
    """Adopted green, rejected red, deferred yellow, draft grey, submitted the default blue; the
    list and the referral's own page say it alike."""
    coordinator = partnership.users[Role.COORDINATOR]
    expected = {
        "adopted": "govuk-tag govuk-tag--green",
        "rejected": "govuk-tag govuk-tag--red",
        "deferred": "govuk-tag govuk-tag--yellow",
        "draft": "govuk-tag govuk-tag--grey",
        "submitted": "govuk-tag",
    }
    made = {status: make_referral(by=coordinator, status=status, last_name=f"Status{status.title()}") for status in expected}
    client.force_login(coordinator)
    listed = client.get("/referrals/").content.decode()
    assert dict(re.findall(r'<strong class="([^"]+)" data-status="([^"]+)">', listed)) == {v: k for k, v in expected.items()}
    for status, referral in made.items():
        page = client.get(f"/referrals/{referral.pk}/").content.decode()
        assert f'<strong class="{expected[status]}" data-status="{status}">' in page, status
