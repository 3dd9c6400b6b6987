"""An action given to a health, mental-health or treatment agency is health (ADR 0010 §3: such an
agency's involvement is itself the health section; ADR 0029: actions are given to its workers).

A reader without the health section (the test partnership's housing worker: identity, contact and
plan) neither sees such an action anywhere plan actions are read (the Plan tab, the plan-actions
API list and detail, the update page, the caseload) nor learns from the add-action form whether such
an agency is involved: the form and the service answer the same before and after it is involved.
Its owner sees their own action whatever their sections. The author of a timeline entry from such
an agency is named without the agency.

The oracles are the rule, written here: which organisation kinds are health, and which sections
each reader of the test partnership has (tests/factories.py and the agreements made below).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

import pytest
from django.core.exceptions import ValidationError

from iomhub.access.models import OrganisationKind, Role, Section, SharingAgreement
from iomhub.access.projection import lens_for
from iomhub.casework import selectors, services
from iomhub.casework.dashboard import caseload
from iomhub.casework.models import AgencyInvolvement, PlanAction
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

# ADR 0010 §3, written out here rather than read from the code.
HEALTH_KINDS = {"health", "mental-health", "treatment"}
CORE = {"identity", "contact", "equality", "markers", "justice", "plan", "health", "safeguarding", "assessments", "timeline", "documents"}
HOUSING = {"identity", "contact", "plan"}  # tests/factories.py: housing's agreement
TREATMENT = {"identity", "plan", "health", "timeline"}
MENTAL_HEALTH = {"identity", "plan"}  # a health agency whose own agreement leaves health out
CLINIC = {"identity", "plan", "health"}
DWP = {"identity", "plan", "timeline"}
# Each reader of the case and the sections the sharing table gives them (ADR 0010 §1).
READERS = {
    "housing-worker": HOUSING,
    Role.PROBATION_OFFICER.value: CORE,
    Role.SUBSTANCE_MISUSE.value: CORE,
    Role.COORDINATOR.value: CORE,
    "treatment-worker": TREATMENT,
    "mh-worker": MENTAL_HEALTH,
}


@dataclass
class HealthCase:
    p: object
    person: object
    treatment: object
    mental_health: object
    clinic: object  # a health agency not involved in the case
    actions: dict[str, PlanAction] = field(default_factory=dict)  # by the marker in its words
    kinds: dict[str, str] = field(default_factory=dict)  # marker -> its agency's kind
    owners: dict[str, str] = field(default_factory=dict)  # marker -> its owner's username, if any

    def expected(self, reader: str) -> set[str]:
        """The markers ``reader`` sees, from the rule: the plan, and health for a health agency's
        action, or being its owner."""
        sections = READERS[reader]
        return {
            mark
            for mark, kind in self.kinds.items()
            if self.owners.get(mark) == reader or ("plan" in sections and (kind not in HEALTH_KINDS or "health" in sections))
        }


def _org(name, kind, sections):
    org = OrganisationFactory(name=name, kind=kind)
    SharingAgreement.objects.create(organisation=org, sections=sorted(sections))
    return org


def health_case(p, today: datetime.date) -> HealthCase:
    """The housing case with a treatment service and a mental health trust involved and four open
    actions due in five days: one for each health agency's worker, one for the trust by a name typed,
    one for the housing worker."""
    treatment = _org("Test Treatment Service", OrganisationKind.TREATMENT, TREATMENT)
    mental = _org("Test Mental Health Trust", OrganisationKind.MENTAL_HEALTH, MENTAL_HEALTH)
    clinic = _org("Test Community Health", OrganisationKind.HEALTH, CLINIC)
    for username, org in (("treatment-worker", treatment), ("mh-worker", mental), ("clinic-worker", clinic)):
        p.users[username] = UserFactory(username=username, organisation=org, team=p.team, roles=[Role.PARTNER_WORKER])
    person = p.housing_case
    for org in (treatment, mental):
        AgencyInvolvement.objects.create(person=person, organisation=org)
    case = HealthCase(p=p, person=person, treatment=treatment, mental_health=mental, clinic=clinic)
    due = today + datetime.timedelta(days=5)
    for mark, agency, owner in (
        ("TREATMENT-ACTION", treatment, "treatment-worker"),
        ("MH-OWN-ACTION", mental, "mh-worker"),
        ("MH-OTHER-ACTION", mental, None),
        ("HOUSING-ACTION", p.housing, "housing-worker"),
    ):
        case.actions[mark] = services.plan_action_add(
            acting_user=p.users[Role.COORDINATOR],
            person=person,
            description=f"{mark} for the person",
            agency=agency,
            owner=p.users[owner] if owner else None,
            owner_name="" if owner else "Sam Someone",
            due_on=due,
        )
        case.kinds[mark] = agency.kind
        if owner:
            case.owners[mark] = owner
    return case


def _marks(text: str, case: HealthCase) -> set[str]:
    return {mark for mark in case.actions if mark in text}


@pytest.fixture
def case(registered, today):
    return health_case(registered, today)


@pytest.mark.parametrize("reader", list(READERS))
def test_the_plan_tab_and_api_show_a_health_agencys_action_only_with_health_or_to_its_owner(case, reader, client, api_auth):
    p, person = case.p, case.person
    want = case.expected(reader)
    client.force_login(p.users[reader])
    page = client.get(f"/people/{person.pk}/plan/")
    assert page.status_code == 200
    assert _marks(page.content.decode(), case) == want
    listed = client.get(f"/api/v1/people/{person.pk}/plan-actions", **api_auth(reader))
    assert listed.status_code == 200
    assert {mark for a in listed.json() for mark in case.actions if mark in a["description"]} == want
    for mark, action in case.actions.items():
        one = client.get(f"/api/v1/people/{person.pk}/plan-actions/{action.pk}", **api_auth(reader))
        assert one.status_code == (200 if mark in want else 404), (mark, one.status_code)
        update = client.get(f"/people/{person.pk}/plan/actions/{action.pk}/")
        assert update.status_code == (200 if mark in want else 404), (mark, update.status_code)
        assert selectors.plan_action_shown(action, user=p.users[reader], lens=lens_for(p.users[reader], person)) == (mark in want)


def test_a_hidden_action_cannot_be_moved_on_through_the_api(case, client, api_auth):
    action = case.actions["TREATMENT-ACTION"]
    body = {"version": action.version, "status": "done"}
    answer = client.post(
        f"/api/v1/people/{case.person.pk}/plan-actions/{action.pk}", body, content_type="application/json", **api_auth("housing-worker")
    )
    assert answer.status_code == 404
    action.refresh_from_db()
    assert action.status == "open"


@pytest.mark.parametrize("reader", ["housing-worker", "treatment-worker", "mh-worker", Role.COORDINATOR.value])
def test_the_caseload_lists_only_actions_the_reader_may_see(case, reader, today, client, api_auth):
    p = case.p
    # My caseload is the owner's own actions; the team dashboard (coordinator) every one they may see.
    want = case.expected(reader) if reader == Role.COORDINATOR.value else {m for m, o in case.owners.items() if o == reader}
    assert want <= case.expected(reader)  # an owner always sees their own
    found = caseload(user=p.users[reader], as_of=today)
    shown = found.overdue_actions + found.actions_due + found.actions_later
    assert {m for m, a in case.actions.items() if a.pk in {s.pk for s in shown}} == want
    client.force_login(p.users[reader])
    assert _marks(client.get("/caseload/").content.decode(), case) == want
    assert _marks(client.get("/api/v1/caseload", **api_auth(reader)).content.decode(), case) == want


def _without_tokens(html: str) -> str:
    """The page without what differs on every response (the CSRF token, the script nonce)."""
    return re.sub(r'nonce="[^"]*"', "", re.sub(r'name="(?:csrfmiddlewaretoken|once_token)" value="[^"]*"', "", html))


def test_the_add_action_form_says_the_same_of_a_health_agency_before_and_after_it_is_involved(case, client, api_auth):
    p, person, clinic = case.p, case.person, case.clinic
    client.force_login(p.users["housing-worker"])
    url = f"/people/{person.pk}/plan/actions/new/"
    chooser = client.get(url).content.decode()
    offered = set(re.findall(r'<option value="\d+"[^>]*>([^<]+)</option>', chooser))
    assert "Test Housing" in offered and "Test DWP" in offered
    assert not offered & {"Test Treatment Service", "Test Mental Health Trust", "Test Community Health"}
    # The hint on an agency offered and not involved, as before (the contrast the hidden one must not give).
    assert "Not involved in this case yet" in client.get(url, {"agency": p.dwp.pk}).content.decode()
    assert "Not involved in this case yet" not in client.get(url, {"agency": p.housing.pk}).content.decode()

    before = _without_tokens(client.get(url, {"agency": clinic.pk}).content.decode())
    posted = {"agency": clinic.pk, "description": "Book a GP appointment", "owner": p.users["clinic-worker"].pk, "due_on": "2026-07-01"}
    post_before = _without_tokens(client.post(url, posted).content.decode())
    headers = api_auth("housing-worker")
    api_before = _api_add(client, case, clinic, headers)
    assert api_before[0] == 400
    AgencyInvolvement.objects.create(person=person, organisation=clinic)
    after = _without_tokens(client.get(url, {"agency": clinic.pk}).content.decode())
    assert after == before
    assert "Not involved in this case yet" not in after and "Which agency is responsible?" in after  # the chooser again
    assert _without_tokens(client.post(url, posted).content.decode()) == post_before
    assert _api_add(client, case, clinic, headers) == api_before
    # The involved treatment service reads exactly as the clinic does (bar nothing: no name, no hint).
    assert _without_tokens(client.get(url, {"agency": case.treatment.pk}).content.decode()) == after
    assert not PlanAction.objects.filter(agency=clinic).exists()


def _api_add(client, case, agency, headers):
    body = {"agency": agency.pk, "description": "Book a GP appointment", "owner": case.p.users["clinic-worker"].pk, "due_on": "2026-07-01"}
    answer = client.post(f"/api/v1/people/{case.person.pk}/plan-actions", body, content_type="application/json", **headers)
    return answer.status_code, answer.json()


def test_the_service_refuses_alike_without_health_and_answers_on_involvement_with_it(case):
    p, person, clinic = case.p, case.person, case.clinic
    values = {
        "description": "Book a GP appointment",
        "agency": clinic,
        "owner": p.users["clinic-worker"],
        "due_on": datetime.date(2026, 7, 1),
    }

    def refusal(user):
        with pytest.raises(ValidationError) as excinfo:
            services.plan_action_add(acting_user=p.users[user], person=person, **values)
        return excinfo.value.message_dict

    housing_before = refusal("housing-worker")
    officer_before = refusal(Role.PROBATION_OFFICER)  # with health, the owner check may say it: not involved yet
    assert "must be involved in the case first" in officer_before["owner"][0]
    AgencyInvolvement.objects.create(person=person, organisation=clinic)
    assert refusal("housing-worker") == housing_before
    assert set(housing_before) == {"agency"} and "health" in housing_before["agency"][0]
    made = services.plan_action_add(acting_user=p.users[Role.PROBATION_OFFICER], person=person, **values)
    assert made.agency == clinic


def test_the_queryset_and_the_one_action_check_agree_for_every_reader(case):
    for reader in READERS:
        user = case.p.users[reader]
        lens = lens_for(user, case.person)
        listed = set(selectors.plan_actions_shown(PlanAction.objects.filter(person=case.person), user=user, lens=lens))
        one_by_one = {a for a in PlanAction.objects.filter(person=case.person) if selectors.plan_action_shown(a, user=user, lens=lens)}
        assert listed == one_by_one
        assert {m for m, a in case.actions.items() if a in listed} == case.expected(reader), reader


def test_a_timeline_entry_by_a_health_agency_names_its_author_without_the_agency(case, today, client, api_auth):
    p, person = case.p, case.person
    SharingAgreement.objects.create(organisation=p.dwp, sections=sorted(DWP))
    AgencyInvolvement.objects.create(person=person, organisation=p.dwp)
    p.users["dwp-worker"].refresh_from_db()
    worker = p.users["treatment-worker"]
    entry = services.timeline_record(acting_user=worker, person=person, kind="office-appointment", outcome="attended", occurred_on=today)
    police = services.timeline_record(
        acting_user=p.users[Role.POLICE_IOM_OFFICER], person=person, kind="home-visit", outcome="attended", occurred_on=today
    )
    for reader, sees_health in (("dwp-worker", False), (Role.PROBATION_OFFICER.value, True)):
        client.force_login(p.users[reader])
        page = client.get(f"/people/{person.pk}/timeline/").content.decode()
        assert f"By {worker.display_name}" in page
        assert ("Test Treatment Service" in page) == sees_health
        assert "Test Police" in page  # a police officer's organisation is not health
        entries = {e["id"]: e for e in client.get(f"/api/v1/people/{person.pk}/timeline", **api_auth(reader)).json()}
        assert entries[entry.pk]["organisation"] == (case.treatment.pk if sees_health else None)
        assert entries[entry.pk]["recorded_by_name"] == worker.display_name
        assert entries[police.pk]["organisation"] == p.police.pk
    assert Section.HEALTH not in DWP
