"""A deregistration's recorded rules as each reader may read them (issue 9 finding 1, reproduced on
the demo): ``required_by``, ``suggested_by`` and ``exceptional`` were given unfiltered to anyone
with the plan section, so a housing worker refused the Justice tab read "custodial-sentence-5-years".

The oracle is the sharing table and the evidence of each rule of 002 §2, written out here by hand,
not read from the code:

- the rules that require removal are justice facts (a custodial sentence of 5 years or more, MAPPA
  level 3); "no intelligence for 3 months" is police intelligence; negative drug tests are timeline
  and health; good attendance is timeline; risk fallen is assessments; risk managed in another forum
  is recorded on the registration, plan;
- a police IOM officer reads every section; the rest of the core IOM team (probation officer,
  substance-misuse practitioner, coordinator, chair) every section but police intelligence; a
  partner worker their organisation's agreement's (the test partnership's housing: identity,
  contact and plan; DWP has none unless a test gives it one);
- ``exceptional`` (removed before six months without a required rule) is told only to a reader who
  sees the justice section, since it says whether a required rule held.
"""

from __future__ import annotations

import datetime
import json

import pytest

from iomhub import clock
from iomhub.access.models import Role, SharingAgreement
from iomhub.casework.models import AgencyInvolvement
from iomhub.cohort import services
from iomhub.cohort.models import Deregistration, Registration
from tests.cohort.support import register
from tests.factories import PersonFactory
from tests.justice.factories import stored_sentence

START = datetime.date(2026, 1, 5)
TODAY = datetime.date(2026, 3, 10)  # before six months on the scheme: removal only if required or exceptional

CUSTODY = "custodial-sentence-5-years"
MAPPA = "mappa-level-3"
INTELLIGENCE = "no-intelligence-3-months"
DRUGS = "drug-tests-negative"
ATTENDANCE = "good-attendance"
RISK = "risk-fallen"
FORUM = "managed-elsewhere"
EVERY_REQUIRED = [CUSTODY, MAPPA]
EVERY_SUGGESTED = [INTELLIGENCE, DRUGS, ATTENDANCE, RISK, FORUM]
EVERY_RULE = EVERY_REQUIRED + EVERY_SUGGESTED

# Reader -> (the rules they may be told, whether they are told `exceptional`), from the table above.
CORE_BUT_POLICE = ({CUSTODY, MAPPA, DRUGS, ATTENDANCE, RISK, FORUM}, True)
READERS = {
    Role.POLICE_IOM_OFFICER: (set(EVERY_RULE), True),
    Role.PROBATION_OFFICER: CORE_BUT_POLICE,
    Role.SUBSTANCE_MISUSE: CORE_BUT_POLICE,
    Role.COORDINATOR: CORE_BUT_POLICE,
    Role.CHAIR: CORE_BUT_POLICE,
    "housing-worker": ({FORUM}, False),  # identity, contact, plan
}
# DWP given an agreement in a test: (its sections, the rules it may then be told, exceptional told).
DWP_AGREEMENTS = {
    "timeline and health": (["identity", "plan", "timeline", "health"], {DRUGS, ATTENDANCE, FORUM}, False),
    "justice": (["identity", "plan", "justice"], {CUSTODY, MAPPA, FORUM}, True),
    "assessments and police intelligence": (["identity", "plan", "assessments", "intelligence"], {RISK, FORUM}, False),
}
PATHS = ("/api/v1/registrations/{id}", "/api/v1/registrations/{id}/deregistration")


@pytest.fixture(autouse=True)
def fixed_today():
    with clock.frozen(TODAY):
        yield


@pytest.fixture
def api(client, api_auth):
    def _as(who):
        auth = api_auth(who)

        class Api:
            def get(self, path):
                return client.get(path, **auth)

            def post(self, path, body):
                return client.post(path, json.dumps(body), content_type="application/json", **auth)

        return Api()

    return _as


def housing_person(partnership):
    """Someone housing (and so a partner) works with, besides the partnership's housing case."""
    person = PersonFactory(first_name="Alex", last_name="Other", managing_team=partnership.team)
    AgencyInvolvement.objects.create(person=person, organisation=partnership.housing)
    return person


def stored(partnership, person, *, required_by, suggested_by, exceptional=False):
    """A deregistration stored as it stands (no rules worked out): for tests of what reads one."""
    registration = register(partnership, person, started_on=START)
    Registration.objects.filter(pk=registration.pk).update(ended_on=TODAY, end_reason="Deregistered: test")
    return Deregistration.objects.create(
        registration=registration,
        approved_on=TODAY,
        reasons="Test",
        exit_plan="Test",
        supported_by="Test",
        required_by=required_by,
        suggested_by=suggested_by,
        exceptional=exceptional,
        approved_by=partnership.users[Role.CHAIR],
        approved_by_name="Chair",
    )


def deregister(partnership, person, *, exceptional=False):
    """Removal approved by the chair today, housing named to keep supporting the person (so housing still sees them)."""
    registration = Registration.objects.get(person=person, ended_on__isnull=True)
    return services.deregister(
        acting_user=partnership.users[Role.CHAIR],
        registration=registration,
        approved_on=TODAY,
        reasons="Removal approved",
        exit_plan="Housing support continues",
        supported_by="Housing officer",
        exceptional=exceptional,
        continuing=[partnership.housing.pk],
    )


def rules_read(response):
    dereg = response.json()["deregistration"] if "registration" in response.json() else response.json()
    return {k: dereg[k] for k in ("required_by", "suggested_by", "exceptional", "withheld_rules")}


# ---- the finding, as the reviewer reproduced it -------------------------------------------------


def test_housing_is_not_told_of_a_five_year_sentence_the_chair_and_coordinator_still_are(api, partnership):
    person = partnership.housing_case
    register(partnership, person, started_on=START)
    stored_sentence(person, years=5, sentenced_on=datetime.date(2026, 3, 2), release=datetime.date(2030, 9, 1))
    record = deregister(partnership, person)
    assert record.required_by == [CUSTODY] and record.exceptional is False  # what was stored: the whole record

    assert api("housing-worker").get(f"/api/v1/people/{person.pk}/justice").status_code == 403  # the section housing lacks
    for path in PATHS:
        url = path.format(id=record.registration_id)
        housing = api("housing-worker").get(url)
        assert housing.status_code == 200
        assert rules_read(housing) == {
            "required_by": [],
            "suggested_by": [],
            "exceptional": None,
            "withheld_rules": [CUSTODY, MAPPA, INTELLIGENCE, DRUGS, ATTENDANCE, RISK],
        }
        body = housing.json()
        del body["deregistration"]["withheld_rules"]  # names every rule housing is not shown, held or not
        assert CUSTODY not in json.dumps(body)  # nowhere else in the answer
        for role in (Role.CHAIR, Role.COORDINATOR):
            got = rules_read(api(role).get(url))
            assert got["required_by"] == [CUSTODY] and got["exceptional"] is False
            assert got["withheld_rules"] == [INTELLIGENCE]


def test_the_chairs_answer_to_the_approval_carries_the_rules_they_see(api, partnership):
    person = partnership.housing_case
    registration = register(partnership, person, started_on=START)
    stored_sentence(person, years=5, sentenced_on=datetime.date(2026, 3, 2), release=datetime.date(2030, 9, 1))
    body = {"approved_on": TODAY.isoformat(), "reasons": "Long sentence", "exit_plan": "Prison", "supported_by": "Prison OM"}
    response = api(Role.CHAIR).post(f"/api/v1/registrations/{registration.pk}/deregistration", body)
    assert response.status_code == 201
    assert rules_read(response) == {"required_by": [CUSTODY], "suggested_by": [], "exceptional": False, "withheld_rules": [INTELLIGENCE]}


# ---- every reader, every rule --------------------------------------------------------------------


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("reader", list(READERS))
def test_each_reader_is_told_only_the_rules_whose_sections_they_see(api, partnership, reader, path):
    record = stored(partnership, partnership.housing_case, required_by=EVERY_REQUIRED, suggested_by=EVERY_SUGGESTED)
    told, told_exceptional = READERS[reader]
    response = api(reader).get(path.format(id=record.registration_id))
    assert response.status_code == 200
    assert rules_read(response) == {
        "required_by": [c for c in EVERY_REQUIRED if c in told],
        "suggested_by": [c for c in EVERY_SUGGESTED if c in told],
        "exceptional": False if told_exceptional else None,
        "withheld_rules": [c for c in EVERY_RULE if c not in told],
    }


@pytest.mark.parametrize("agreement", list(DWP_AGREEMENTS))
def test_a_partner_is_told_the_rules_its_agreement_shares(api, partnership, agreement):
    sections, told, told_exceptional = DWP_AGREEMENTS[agreement]
    SharingAgreement.objects.create(organisation=partnership.dwp, sections=sections)
    AgencyInvolvement.objects.create(person=partnership.housing_case, organisation=partnership.dwp)
    record = stored(partnership, partnership.housing_case, required_by=EVERY_REQUIRED, suggested_by=EVERY_SUGGESTED)
    got = rules_read(api("dwp-worker").get(f"/api/v1/registrations/{record.registration_id}"))
    assert got == {
        "required_by": [c for c in EVERY_REQUIRED if c in told],
        "suggested_by": [c for c in EVERY_SUGGESTED if c in told],
        "exceptional": False if told_exceptional else None,
        "withheld_rules": [c for c in EVERY_RULE if c not in told],
    }


def test_a_reader_without_a_section_reads_the_same_whatever_the_record_holds(api, partnership):
    """Two removals before six months: one required by a 5-year sentence, one exceptional with no
    rule holding but one from the timeline. Housing reads the two alike; the chair tells them apart."""
    required = stored(partnership, partnership.housing_case, required_by=[CUSTODY], suggested_by=[FORUM])
    exceptional = stored(partnership, housing_person(partnership), required_by=[], suggested_by=[FORUM, DRUGS], exceptional=True)
    housing = [rules_read(api("housing-worker").get(f"/api/v1/registrations/{r.registration_id}")) for r in (required, exceptional)]
    assert housing[0] == housing[1]
    assert housing[0] == {
        "required_by": [],
        "suggested_by": [FORUM],
        "exceptional": None,
        "withheld_rules": [CUSTODY, MAPPA, INTELLIGENCE, DRUGS, ATTENDANCE, RISK],
    }
    chair = [rules_read(api(Role.CHAIR).get(f"/api/v1/registrations/{r.registration_id}")) for r in (required, exceptional)]
    assert (chair[0]["required_by"], chair[0]["exceptional"]) == ([CUSTODY], False)
    assert (chair[1]["suggested_by"], chair[1]["exceptional"]) == ([FORUM, DRUGS], True)


def test_an_exceptional_removal_through_the_service_is_told_to_the_chair_not_to_housing(api, partnership):
    person = partnership.housing_case
    register(partnership, person, started_on=START)
    record = deregister(partnership, person, exceptional=True)
    assert record.exceptional is True and record.required_by == []
    url = f"/api/v1/registrations/{record.registration_id}/deregistration"
    assert rules_read(api(Role.CHAIR).get(url))["exceptional"] is True
    assert rules_read(api("housing-worker").get(url))["exceptional"] is None


def test_a_rule_code_the_table_does_not_know_is_told_to_nobody(api, partnership):
    """Default deny: a stored code with no sections declared (an old or mistyped one) is withheld
    from every reader, the police IOM officer who sees every section too."""
    record = stored(partnership, partnership.housing_case, required_by=["retired-rule", CUSTODY], suggested_by=["another"])
    got = rules_read(api(Role.POLICE_IOM_OFFICER).get(f"/api/v1/registrations/{record.registration_id}"))
    assert got["required_by"] == [CUSTODY] and got["suggested_by"] == []


def test_the_schema_says_exceptional_may_be_null_and_names_the_withheld_rules(client):
    schema = client.get("/api/v1/schema?format=json").json()
    props = schema["components"]["schemas"]["Deregistration"]["properties"]
    assert "null" in props["exceptional"]["type"]
    assert props["withheld_rules"]["type"] == "array"
    assert props["required_by"]["items"]["type"] == "string"
