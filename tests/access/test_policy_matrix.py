"""Role by endpoint: each role is allowed exactly what the policy says, and refused (403/404, nothing
leaked, the refusal audited) everything else.

The expected statuses are written out here from the rules in ``iomhub.access.policy``'s docstring,
independently of the policy code:

- core IOM team (police IOM officer, probation officer, substance-misuse practitioner, coordinator,
  chair): every person who is not restricted, every section; they add and change people.
- partner workers: only people their organisation is involved in, only the sections of their
  agreement (housing: identity, contact, plan); no agreement (DWP), nothing.
- information governance lead: identities (summary, export) and the audit log; changes nothing.
- performance lead, evaluator, system administrator: no identities.
- restricted people: only users named on them (the probation officer here).
- export: police, probation, coordinator, chair, IG lead. Users list: IG lead, administrator,
  coordinator. Organisations, API tokens, home: anyone with a role.
- break-glass: chairs only.
- referrals: any partner agency refers (the core team and partner workers of an organisation: housing,
  DWP); a referral is seen by its referring organisation (here probation: the probation officer and
  the substance-misuse practitioner) and by the coordinator and the chair; only the chair decides.
  The cohort's administration pages: coordinator and chair.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone

from iomhub.access.models import AuditEvent, BreakGlassAccess, Role
from iomhub.access.policy import Action, can, people_filter
from iomhub.people.models import Person
from tests.access.support import events_since, last_event_id, leaked

POLICE, PROBATION, SMP, COORD, CHAIR = (
    Role.POLICE_IOM_OFFICER,
    Role.PROBATION_OFFICER,
    Role.SUBSTANCE_MISUSE,
    Role.COORDINATOR,
    Role.CHAIR,
)
IG, PERF, ADMIN, EVAL = Role.IG_LEAD, Role.PERFORMANCE_LEAD, Role.SYSTEM_ADMIN, Role.EVALUATOR
HOUSING, DWP, NOBODY = "housing-worker", "dwp-worker", "no-role"

USERS = [*(str(r) for r in Role if r != Role.PARTNER_WORKER), HOUSING, DWP, NOBODY]
CORE = {POLICE, PROBATION, SMP, COORD, CHAIR}
PERSON_ACCESS = CORE | {IG, HOUSING}
ANY_ROLE = set(USERS) - {NOBODY}
EXPORTERS = {POLICE, PROBATION, COORD, CHAIR, IG}
CHANGE_GATE = CORE | {HOUSING}  # may change some section of someone
USER_LISTERS = {IG, ADMIN, COORD}
VISIBLE = {
    "ordinary": CORE | {IG},
    "housing_case": CORE | {IG, HOUSING},
    "restricted": {PROBATION},
}
SECTIONS = {IG: {"identity"}, HOUSING: {"identity", "contact", "plan"}}
REFERRERS = CORE | {HOUSING, DWP}
REFERRAL_READERS = {PROBATION, SMP, COORD, CHAIR}  # the referral below is probation's, of "ordinary"
COHORT = {COORD, CHAIR}
TABS = {"timeline": "timeline", "plan": "plan", "assessments": "assessments", "justice": "justice", "documents": "documents"}


def sections(user: str) -> set[str]:
    return {"identity", "contact", "plan", "timeline", "assessments", "justice", "documents"} if user in CORE else SECTIONS.get(user, set())


def person_status(user: str, person: str, gate: set[str], section: str = "identity", ok: int = 200) -> int:
    """The coarse gate refuses with 403; an invisible person is 404; a withheld section 403."""
    if user not in gate:
        return 403
    if user not in VISIBLE[person]:
        return 404
    if section not in sections(user):
        return 403
    return ok


def expected_table(user: str) -> dict[tuple[str, str], int]:
    table: dict[tuple[str, str], int] = {
        ("GET", "/"): 200 if user in ANY_ROLE else 403,
        ("GET", "/people/"): 200 if user in PERSON_ACCESS else 403,
        ("GET", "/audit/"): 200 if user == IG else 403,
        ("GET", "/audit/people/{ordinary}/viewers.csv"): 200 if user == IG else 403,
        ("GET", "/users/"): 200 if user in USER_LISTERS else 403,
        ("GET", "/organisations/"): 200 if user in ANY_ROLE else 403,
        ("GET", "/account/api-tokens/"): 200 if user in ANY_ROLE else 403,
        ("GET", "/api/v1/people?q=Example"): 200 if user in PERSON_ACCESS else 403,
        ("POST", "/api/v1/people"): 201 if user in CORE else 403,
        ("GET", "/api/v1/organisations"): 200 if user in ANY_ROLE else 403,
        ("GET", "/api/v1/users"): 200 if user in USER_LISTERS else 403,
        ("GET", "/referrals/"): 200 if user in REFERRERS else 403,
        ("GET", "/referrals/new/"): 200 if user in REFERRERS else 403,
        ("GET", "/api/v1/referrals"): 200 if user in REFERRERS else 403,
        ("GET", "/referrals/{referral}/"): 200 if user in REFERRAL_READERS else 404 if user in REFERRERS else 403,
        ("GET", "/api/v1/referrals/{referral}"): 200 if user in REFERRAL_READERS else 404 if user in REFERRERS else 403,
        ("GET", "/referrals/{referral}/decide/"): 200 if user == CHAIR else 403,
        ("GET", "/cohort/"): 200 if user in COHORT else 403,
        ("GET", "/cohort/candidates/"): 200 if user in COHORT else 403,
    }
    for person in VISIBLE:
        ref = "{" + person + "}"
        table[("GET", f"/people/{ref}/")] = person_status(user, person, PERSON_ACCESS)
        for slug, section in TABS.items():
            table[("GET", f"/people/{ref}/{slug}/")] = person_status(user, person, PERSON_ACCESS, section)
        # Changing details and adding aliases are changes to the identity section.
        change_identity = person_status(user, person, CHANGE_GATE)
        if change_identity == 200 and user not in CORE:
            change_identity = 403  # partners may change only working sections, never identity
        table[("GET", f"/people/{ref}/edit/")] = change_identity
        table[("GET", f"/people/{ref}/aliases/new/")] = change_identity
        table[("GET", f"/people/{ref}/export.json")] = person_status(user, person, EXPORTERS & PERSON_ACCESS)
        table[("GET", f"/people/{ref}/break-glass/")] = 200 if user == CHAIR else 403
        table[("GET", f"/cohort/people/{ref}/screening/")] = person_status(user, person, PERSON_ACCESS, "justice")
        table[("GET", f"/api/v1/people/{ref}")] = person_status(user, person, PERSON_ACCESS)
        # The API's PATCH shares its route (and so its coarse gate) with GET: an invisible person is
        # 404 to anyone who may view people; then only the core team may change identity.
        patch = person_status(user, person, PERSON_ACCESS)
        table[("PATCH", f"/api/v1/people/{ref}")] = 403 if patch == 200 and user not in CORE else patch
        table[("GET", f"/api/v1/people/{ref}/export")] = person_status(user, person, EXPORTERS & PERSON_ACCESS)
    return table


NEW_PERSON = {"first_name": "Morgan", "last_name": "Freshman", "date_of_birth": "1991-04-03", "sex": "female"}


@pytest.mark.parametrize("user_key", USERS)
def test_each_role_gets_exactly_what_the_policy_says(client, partnership, user_key):
    user = partnership.users[user_key]
    client.force_login(user)
    ids = {name: getattr(partnership, name).pk for name in VISIBLE}
    from tests.referrals.factories import make_referral

    ids["referral"] = make_referral(by=partnership.users[PROBATION], person=partnership.ordinary).pk
    wrong = []
    for (method, template), expected in expected_table(user_key).items():
        url = template.format(**ids)
        since = last_event_id()
        if method == "GET":
            response = client.get(url)
        elif method == "POST":
            response = client.post(url, NEW_PERSON, content_type="application/json")
        else:
            response = client.patch(url, {"middle_names": "Lee"}, content_type="application/json")
        if response.status_code != expected:
            wrong.append(f"{method} {url}: expected {expected}, got {response.status_code}")
            continue
        denials = events_since(since, actor=user, action="denied")
        if expected in (403, 404):
            if not denials:
                wrong.append(f"{method} {url}: refused without a denied audit event")
            if leaks := leaked(response.content, *partnership.people):
                wrong.append(f"{method} {url}: refused but leaked {leaks}")
        elif denials:
            wrong.append(f"{method} {url}: allowed but audited as denied")
    assert not wrong, f"{user_key}:\n" + "\n".join(wrong)


def test_the_matrix_covers_every_role():
    assert {str(r) for r in Role} - {Role.PARTNER_WORKER} <= set(USERS)
    assert HOUSING in USERS  # the partner worker, with an agreement


def test_can_view_agrees_with_people_filter_for_every_user_and_person(partnership):
    disagreements = []
    for key in USERS:
        user = partnership.users[key]
        visible = set(Person.objects.filter(people_filter(user)).values_list("pk", flat=True))
        for person in partnership.people:
            if can(user, Action.PERSON_VIEW, person) != (person.pk in visible):
                disagreements.append((key, person.first_name))
    assert not disagreements
    # ...and both say what the rules say.
    for key in USERS:
        user = partnership.users[key]
        for name, allowed in VISIBLE.items():
            person = getattr(partnership, name)
            assert can(user, Action.PERSON_VIEW, person) == (key in allowed), (key, name)


def test_search_finds_only_the_people_the_policy_shows(client, partnership):
    for key in (POLICE, HOUSING, PROBATION, IG):
        client.force_login(partnership.users[key])
        found = {r["id"] for r in client.get("/api/v1/people", {"q": "1990-05-17"}).json()["results"]}
        found |= {r["id"] for r in client.get("/api/v1/people", {"q": "Casey"}).json()["results"]}
        expected = {getattr(partnership, name).pk for name, allowed in VISIBLE.items() if key in allowed}
        assert found == expected, key


# ---- partner workers ----------------------------------------------------------------------------


def test_the_housing_worker_sees_contact_details_but_not_markers_or_equality(client, partnership):
    from iomhub.people.models import Address, Marker

    person = partnership.housing_case
    Address.objects.create(person=person, line_1="7 Shared Lane", town="Southampton", postcode="SO14 3BB")
    Marker.objects.create(person=person, kind="violence", note="Hostile to visitors in 2023")
    Person.objects.filter(pk=person.pk).update(ethnicity="W1", email="casey@example.org")
    client.force_login(partnership.users[HOUSING])
    page = client.get(f"/people/{person.pk}/").content.decode()
    assert "7 Shared Lane" in page
    assert "casey@example.org" in page
    assert "Hostile to visitors" not in page
    data = client.get(f"/api/v1/people/{person.pk}").json()
    assert data["addresses"][0]["line_1"] == "7 Shared Lane"
    assert "markers" not in data
    assert "ethnicity" not in data
    # The core team sees all of it.
    client.force_login(partnership.users[POLICE])
    page = client.get(f"/people/{person.pk}/").content.decode()
    assert "Hostile to visitors" in page


def test_the_housing_worker_is_refused_the_justice_tab_with_an_audited_403(client, partnership):
    person = partnership.housing_case
    user = partnership.users[HOUSING]
    client.force_login(user)
    since = last_event_id()
    response = client.get(f"/people/{person.pk}/justice/")
    assert response.status_code == 403
    event = events_since(since, actor=user, action="denied")[-1]
    assert event.person_id == person.pk
    assert "justice" in event.reason
    # The tab is not offered in the sub-navigation either.
    page = client.get(f"/people/{person.pk}/plan/").content.decode()
    assert f"/people/{person.pk}/plan/" in page
    assert f"/people/{person.pk}/justice/" not in page


def test_the_dwp_worker_sees_nobody(client, partnership):
    user = partnership.users[DWP]
    client.force_login(user)
    assert not Person.objects.filter(people_filter(user)).exists()
    for person in partnership.people:
        # DWP is involved with nobody here, and has no agreement: even involvement would not help.
        assert not can(user, Action.PERSON_VIEW, person)
    from iomhub.casework.models import AgencyInvolvement

    AgencyInvolvement.objects.create(person=partnership.ordinary, organisation=partnership.dwp)
    assert not can(user, Action.PERSON_VIEW, partnership.ordinary)
    assert client.get(f"/people/{partnership.ordinary.pk}/").status_code == 403
    assert client.get("/api/v1/people", {"q": "Jordan"}).status_code == 403


def test_a_partner_loses_sight_when_their_involvement_ends(client, partnership):
    from iomhub.casework.models import AgencyInvolvement

    user = partnership.users[HOUSING]
    person = partnership.housing_case
    assert can(user, Action.PERSON_VIEW, person)
    AgencyInvolvement.objects.filter(person=person, organisation=partnership.housing).update(ended_on=datetime.date(2024, 1, 1))
    assert not can(user, Action.PERSON_VIEW, person)
    assert not Person.objects.filter(people_filter(user), pk=person.pk).exists()
    client.force_login(user)
    assert client.get(f"/people/{person.pk}/").status_code == 404


# ---- restricted people and break-glass ----------------------------------------------------------

REASON = "Chairing an urgent MAPPA review; the lead worker is on leave today"


def test_only_the_granted_probation_officer_sees_a_restricted_person(client, partnership):
    person = partnership.restricted
    for key in USERS:
        client.force_login(partnership.users[key])
        status = client.get(f"/people/{person.pk}/").status_code
        assert status == (200 if key == PROBATION else 403 if key not in PERSON_ACCESS else 404), key


@pytest.mark.parametrize("user_key", [POLICE, CHAIR, IG, HOUSING])
def test_a_restricted_person_is_indistinguishable_from_a_missing_one(client, partnership, user_key):
    client.force_login(partnership.users[user_key])
    hidden = client.get(f"/people/{partnership.restricted.pk}/")
    missing = client.get("/people/999999/")
    assert hidden.status_code == missing.status_code == 404
    api_hidden = client.get(f"/api/v1/people/{partnership.restricted.pk}")
    api_missing = client.get("/api/v1/people/999999")
    assert api_hidden.status_code == api_missing.status_code == 404
    assert api_hidden.json() == api_missing.json()

    def normalised(body: bytes, pk: object) -> str:
        text = re.sub(r'(nonce|name="(?:csrfmiddlewaretoken|once_token)" value)="[^"]*"', "", body.decode())  # per-request values
        # Only the id itself, not digits inside other words (a test user named "User273" is not person 3).
        return re.sub(rf"(?<!\w){pk}(?!\d)", "N", text)

    assert normalised(hidden.content, partnership.restricted.pk) == normalised(missing.content, 999999)


def test_a_chair_breaks_glass_with_a_reason_and_reads_for_an_hour(client, partnership):
    chair = partnership.users[CHAIR]
    person = partnership.restricted
    client.force_login(chair)

    refused = client.get(f"/people/{person.pk}/")
    assert refused.status_code == 404
    assert not leaked(refused.content, person)
    assert f"/people/{person.pk}/break-glass/".encode() in refused.content  # the way to break glass is offered

    short = client.post(f"/people/{person.pk}/break-glass/", {"reason": "because"})
    assert short.status_code == 200
    assert "govuk-error-summary" in short.content.decode()
    assert not BreakGlassAccess.objects.filter(user=chair).exists()
    assert client.get(f"/people/{person.pk}/").status_code == 404

    opened = client.post(f"/people/{person.pk}/break-glass/", {"reason": REASON})
    assert opened.status_code == 302
    assert opened["Location"] == f"/people/{person.pk}/"
    event = AuditEvent.objects.get(actor=chair, action="break-glass", object_type="person", outcome="granted")
    assert event.reason == REASON
    assert event.person_id == person.pk

    since = last_event_id()
    page = client.get(f"/people/{person.pk}/")
    assert page.status_code == 200
    assert person.first_name in page.content.decode()
    read = events_since(since, actor=chair, person_id=person.pk)
    assert [e.action for e in read] == ["break-glass"]  # every read under break-glass is loud
    assert client.get(f"/people/{person.pk}/justice/").status_code == 200

    access = BreakGlassAccess.objects.get(user=chair, person=person)
    assert datetime.timedelta(minutes=59) < access.expires_at - timezone.now() <= datetime.timedelta(hours=1)
    BreakGlassAccess.objects.filter(pk=access.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert client.get(f"/people/{person.pk}/").status_code == 404


def test_break_glass_is_read_only(client, partnership):
    chair = partnership.users[CHAIR]
    person = partnership.restricted
    client.force_login(chair)
    client.post(f"/people/{person.pk}/break-glass/", {"reason": REASON})
    assert client.get(f"/people/{person.pk}/").status_code == 200
    version = Person.objects.get(pk=person.pk).version

    assert client.patch(f"/api/v1/people/{person.pk}", {"middle_names": "Lee"}, content_type="application/json").status_code == 403
    assert client.get(f"/people/{person.pk}/edit/").status_code == 403
    assert client.post(f"/people/{person.pk}/aliases/new/", {"last_name": "Other"}).status_code == 403
    assert client.post(f"/people/{person.pk}/markers/new/", {"kind": "violence"}).status_code == 403
    assert client.get(f"/people/{person.pk}/export.json").status_code == 403
    assert client.get(f"/api/v1/people/{person.pk}/export").status_code == 403

    fresh = Person.objects.get(pk=person.pk)
    assert fresh.version == version
    assert fresh.middle_names == ""
    assert not fresh.aliases.exists()
    assert not AuditEvent.objects.filter(actor=chair, action__in=["change", "create", "export"]).exists()


def test_only_a_chair_may_break_glass_and_not_on_someone_they_already_see(client, partnership):
    person = partnership.restricted
    for key in (POLICE, IG, HOUSING):
        client.force_login(partnership.users[key])
        assert client.post(f"/people/{person.pk}/break-glass/", {"reason": REASON}).status_code == 403
    assert not BreakGlassAccess.objects.exists()
    client.force_login(partnership.users[CHAIR])
    assert client.post(f"/people/{partnership.ordinary.pk}/break-glass/", {"reason": REASON}).status_code == 404
    assert client.post("/people/999999/break-glass/", {"reason": REASON}).status_code == 404
    assert not BreakGlassAccess.objects.exists()
