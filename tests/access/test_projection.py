"""The one projection (ADR 0010; issue 9 findings 2, 5, 9 and 13): each a small case the sharing
crawl also covers, here pinned on its own so a regression names the finding.

Expectations are written from the sharing table (000 §5.10.2; ADR 0010), not read from the code.
"""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

from iomhub import clock
from iomhub.access.models import AuditEvent, OrganisationKind, Role, Section, SharingAgreement
from iomhub.access.projection import WITHHELD, Derived, Lens, lens_for, section_of
from iomhub.casework import services as casework
from iomhub.casework.models import AgencyInvolvement
from iomhub.people import services as people
from iomhub.people.models import Address, ContactNumber, Person
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_a_lens_sees_a_derived_fact_only_with_every_section_it_comes_from():
    fact = Derived("3 of 5 appointments kept; positive for opiates", frozenset({Section.TIMELINE, Section.HEALTH}))
    assert Lens(frozenset({Section.TIMELINE, Section.HEALTH})).show(fact) == fact.value
    assert Lens(frozenset({Section.TIMELINE})).show(fact) is None
    assert Lens(frozenset(set(Section))).sees(None) is False  # an undeclared section is never seen


def test_every_field_of_every_personal_model_is_placed_in_a_section():
    """Default deny: a model holding a person's data must declare where each field belongs (the
    access app's own records of grants and break-glass are about access, not the person)."""
    from django.apps import apps

    personal = [
        m
        for m in apps.get_models()
        if m._meta.app_label != "access" and (any(f.name == "person" for f in m._meta.get_fields()) or m is Person)
    ]
    undeclared = [f"{m.__name__}.{f.name}" for m in personal for f in m._meta.concrete_fields if section_of(m, f.name) not in set(Section)]
    assert undeclared == []


def test_a_referral_prefills_contact_details_only_for_a_referrer_who_sees_contact(partnership):
    """Finding 2: starting a referral copied the address, e-mail and phones into the form for a
    partner whose agreement leaves out Contact, and the audit recorded only an identity read."""
    person = partnership.housing_case
    Person.objects.filter(pk=person.pk).update(email="casey.sample@example.invalid")
    Address.objects.create(person=person, line_1="12 Quay Street", town="Southampton", postcode="SO14 2AA")
    ContactNumber.objects.create(person=person, kind=ContactNumber.Kind.MOBILE, number="07700 900123")
    housing = partnership.users["housing-worker"]
    page = _client(housing).get(f"/referrals/new/?person={person.pk}").content.decode()
    assert "12 Quay Street" in page and "07700 900123" in page  # housing's agreement shares Contact
    SharingAgreement.objects.filter(organisation=partnership.housing).update(sections=[Section.IDENTITY, Section.PLAN])
    housing = type(housing).objects.get(pk=housing.pk)  # a fresh user: the agreement is read once a request
    page = _client(housing).get(f"/referrals/new/?person={person.pk}").content.decode()
    for contact in ("12 Quay Street", "SO14 2AA", "07700 900123", "casey.sample@example.invalid"):
        assert contact not in page, contact
    assert "Casey" in page  # identity still prefilled
    read = AuditEvent.objects.filter(actor=housing, person_id=person.pk, changes__purpose="prefill a referral").latest("id")
    assert "address" not in read.changes["fields"] and "first_name" in read.changes["fields"]


def test_the_audit_viewer_shows_each_value_only_to_readers_of_its_section(partnership):
    """Finding 5: information governance leads saw before/after values beyond their sections
    (equality data, safeguarding notes), and everything about restricted people."""
    probation = partnership.users[Role.PROBATION_OFFICER]
    person = partnership.ordinary
    people.person_update(
        acting_user=probation,
        person=person,
        changes={"religion": "Quietist-Marker-Faith", "first_name": "Jordanna"},
    )
    with clock.frozen(datetime.date(2026, 11, 2)):
        casework.safeguarding_set(
            acting_user=probation,
            person=person,
            version=1,
            parental_status="some-live-with",
            lives_with_children="yes",
            safeguarding="child-protection",
            notes="Safeguarding-Marker-Note",
        )
    restricted = partnership.restricted
    people.person_update(acting_user=probation, person=restricted, changes={"first_name": "Robyn-Marker"})
    page = _client(partnership.users[Role.IG_LEAD]).get(f"/audit/?person={person.pk}").content.decode()
    assert "Jordanna" in page  # identity: the IG lead's own section
    assert "Quietist-Marker-Faith" not in page and "Safeguarding-Marker-Note" not in page
    assert WITHHELD in page
    restricted_page = _client(partnership.users[Role.IG_LEAD]).get(f"/audit/?person={restricted.pk}").content.decode()
    assert "Robyn-Marker" not in restricted_page and "Restricted record" in restricted_page
    # The reasons for access itself (break-glass, refusals) are the IG lead's to review, restricted or not.
    from iomhub.people.break_glass import break_glass_open

    break_glass_open(
        acting_user=partnership.users[Role.CHAIR], person_id=restricted.pk, reason="Urgent-Marker reason from the custody sergeant"
    )
    restricted_page = _client(partnership.users[Role.IG_LEAD]).get(f"/audit/?person={restricted.pk}").content.decode()
    assert "Urgent-Marker reason" in restricted_page and "Robyn-Marker" not in restricted_page


def test_drug_test_results_and_health_agencies_are_health_not_timeline_or_plan(partnership):
    """Finding 9: drug-test results sat under Timeline and a treatment agency under Plan, so a
    partner with those sections but not health saw them (special category data)."""
    person = partnership.housing_case
    police = partnership.users[Role.POLICE_IOM_OFFICER]
    treatment = OrganisationFactory(name="Marker Drug Treatment Service", kind=OrganisationKind.TREATMENT)
    AgencyInvolvement.objects.create(person=person, organisation=treatment, role_in_case="Opiate substitute prescribing")
    with clock.frozen(datetime.date(2026, 11, 20)):
        casework.timeline_record(
            acting_user=police,
            person=person,
            kind="drug-test",
            outcome="done",
            occurred_on=datetime.date(2026, 11, 19),
            substances_tested=["opiates", "cocaine"],
            drug_result="positive",
            positive_for=["cocaine"],
        )
    SharingAgreement.objects.filter(organisation=partnership.housing).update(sections=[Section.IDENTITY, Section.PLAN, Section.TIMELINE])
    housing = _client(type(partnership.users["housing-worker"]).objects.get(username="housing-worker"))
    timeline = housing.get(f"/people/{person.pk}/timeline/").content.decode()
    assert "19 Nov 2026" in timeline or "19 November 2026" in timeline  # the test itself is on the timeline
    assert "cocaine" not in timeline.lower() and "Positive" not in timeline
    entries = housing.get(f"/api/v1/people/{person.pk}/timeline").json()
    test = next(e for e in entries if e["kind"] == "drug-test")
    assert test["health_withheld"] is True and "positive_for" not in test and "drug_result" not in test
    for url in (f"/people/{person.pk}/plan/", f"/api/v1/people/{person.pk}/case", f"/people/{person.pk}/"):
        body = housing.get(url).content.decode()
        assert "Marker Drug Treatment" not in body and "prescribing" not in body, url
    # The substance-misuse practitioner (core team) sees both.
    core = _client(partnership.users[Role.SUBSTANCE_MISUSE])
    assert "Marker Drug Treatment" in core.get(f"/people/{person.pk}/plan/").content.decode()
    assert "cocaine" in core.get(f"/people/{person.pk}/timeline/").content.decode().lower()
    # Nor may a reader without health record results.
    worker = type(partnership.users["housing-worker"]).objects.get(username="housing-worker")
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        casework.timeline_record(
            acting_user=worker,
            person=person,
            kind="drug-test",
            outcome="done",
            occurred_on=datetime.date(2026, 11, 19),
            substances_tested=["opiates"],
            drug_result="negative",
        )
    assert "drug_result" in refused.value.message_dict


def test_a_transfer_pack_shows_offending_and_safeguarding_only_with_their_sections(partnership):
    """Finding 13: the transfer pack carried the index offence, offending history and
    safeguarding to partners whose agreement has no Justice or Safeguarding."""
    from iomhub.cohort import services as cohort
    from tests.cohort.support import register

    person = partnership.housing_case
    register(partnership, person, started_on=datetime.date(2026, 6, 1), rag="amber")
    transfer = cohort.transfer_propose(
        acting_user=partnership.users[Role.COORDINATOR],
        person=person,
        kind="external-out",
        other_area="Dorset IOM",
        pack={
            "proposed_address": "Flat-Marker-Address, Poole",
            "index_offence": "Index-Marker-Burglary",
            "offending_history": "History-Marker-Twelve",
            "risk_factors": "Risk-Marker",
            "safeguarding": "Safeguarding-Marker-Pack",
        },
    )
    SharingAgreement.objects.filter(organisation=partnership.housing).update(sections=[Section.IDENTITY, Section.PLAN])
    housing = _client(type(partnership.users["housing-worker"]).objects.get(username="housing-worker"))
    for url in (f"/cohort/transfers/{transfer.pk}/", f"/api/v1/transfers/{transfer.pk}", f"/api/v1/people/{person.pk}/transfers"):
        response = housing.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        for marker in ("Flat-Marker-Address", "Index-Marker-Burglary", "History-Marker-Twelve", "Safeguarding-Marker-Pack"):
            assert marker not in body, (url, marker)
    coordinator = _client(partnership.users[Role.COORDINATOR]).get(f"/api/v1/transfers/{transfer.pk}").json()
    assert coordinator["index_offence"] == "Index-Marker-Burglary"


def test_police_intelligence_is_never_shared_with_a_non_police_organisation(partnership):
    SharingAgreement.objects.filter(organisation=partnership.housing).update(
        sections=[Section.IDENTITY, Section.TIMELINE, Section.INTELLIGENCE]
    )
    housing = type(partnership.users["housing-worker"]).objects.get(username="housing-worker")
    assert lens_for(housing, partnership.housing_case).sections == {Section.IDENTITY, Section.TIMELINE}
    police_org = OrganisationFactory(name="Marker Constabulary partner", kind=OrganisationKind.POLICE)
    SharingAgreement.objects.create(organisation=police_org, sections=[Section.IDENTITY, Section.TIMELINE, Section.INTELLIGENCE])
    analyst = UserFactory(username="police-analyst", organisation=police_org, roles=[Role.PARTNER_WORKER])
    AgencyInvolvement.objects.create(person=partnership.housing_case, organisation=police_org)
    assert Section.INTELLIGENCE in lens_for(analyst, partnership.housing_case).sections
