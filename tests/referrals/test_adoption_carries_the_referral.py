"""Adoption keeps what the referral said (issue 18 §2): every appendix 2 answer about the person is
found on their record, the agencies named are involved with their contacts (only organisations with
a sharing agreement in force), and the pathway ratings are the first needs assessment."""

from __future__ import annotations

import datetime
import re

import pytest

from iomhub import clock
from iomhub.access.models import AuditEvent, Role, SharingAgreement
from iomhub.casework.models import AgencyInvolvement, PathwayAssessment
from iomhub.cohort.models import Registration
from iomhub.people.models import Address
from iomhub.referrals import services
from iomhub.referrals.models import Pathway, Referral
from tests.factories import OrganisationFactory
from tests.referrals.factories import complete_answers, make_referral

TODAY = datetime.date(2026, 11, 20)
RATINGS = {
    "accommodation": ("red", "Sofa-surfing since release", "Housing referral within a week"),
    "ete": ("amber", "No work since 2023", "Jobcentre appointment"),
    "health": ("green", "", ""),
    "drugs-alcohol": ("red", "Daily crack cocaine use", "Assessment with the treatment service"),
    "finance": ("amber", "Rent arrears", "Debt advice"),
    "children-families": ("green", "", "Keep contact with his daughter"),
    "attitudes": ("amber", "Blames others", "Thinking skills programme"),
    "domestic-abuse": ("green", "", ""),
    "other": ("amber", "Gang associates", "Disruption plan"),
}


@pytest.fixture(autouse=True)
def fixed_today():
    with clock.frozen(TODAY):
        yield


def _every_field(partnership) -> dict:
    treatment = OrganisationFactory(name="Southhaven Recovery", kind="treatment")
    SharingAgreement.objects.create(organisation=treatment, sections=["identity", "health", "plan"])
    return {
        **complete_answers(),
        "first_name": "Dean",
        "last_name": "Carrier",
        "date_of_birth": datetime.date(1994, 8, 21),
        "sex": "male",
        "urn": "44AB1234567",
        "ni_number": "AB123456C",
        "address": "Flat 2, 12 Harbour Row, Docks, Southhaven",
        "postcode": "so142aa",
        "contact_numbers": "07700 900123 (M), H: 0121 496 0000, 0113 496 0001 (W)",
        "email": "dean.carrier@example.com",
        "warnings": "VI - violent (PNC)\nDR - drugs (Niche)",
        "proposed_rag": "red",
        "pathways": {p: {"risk": r, "needs": n, "actions": a} for p, (r, n, a) in RATINGS.items()},
        "agencies": [
            {"agency": "test housing", "person": "Ali Green", "contact": "01234 111222, ali.green@housing.example"},
            {"agency": "Southhaven Recovery", "person": "Sam Blake", "contact": "sam.blake@recovery.example"},
            {"agency": "Test DWP", "person": "Pat Jones", "contact": "0800 000 000"},  # no sharing agreement
            {"agency": "Harbour Church", "person": "Rev Lee", "contact": "01234 999888"},  # not on IOM Hub
        ],
    }


def test_adopting_a_referral_with_every_field_carries_each_into_the_person_and_the_case(client, partnership):
    police = partnership.users[Role.POLICE_IOM_OFFICER]
    referral = services.referral_create(acting_user=police, answers=_every_field(partnership))
    assert referral.status == Referral.Status.SUBMITTED

    client.force_login(partnership.users[Role.CHAIR])
    decided = client.post(
        f"/api/v1/referrals/{referral.pk}/decision",
        {"outcome": "adopt", "reasons": "Agreed by the meeting", "confirm_new_person": True},  # no rag: the proposed one
        content_type="application/json",
    )
    assert decided.status_code == 201, decided.json()
    referral.refresh_from_db()
    person = referral.person

    # The person: identity, sex (for OGRS3), e-mail, address and postcode, numbers, warnings.
    assert (person.first_name, person.last_name, person.date_of_birth, person.sex) == (
        "Dean",
        "Carrier",
        datetime.date(1994, 8, 21),
        "male",
    )
    assert (person.urn, person.ni_number, person.pnc_id, person.email) == (
        "44AB1234567",
        "AB123456C",
        referral.pnc_id,
        "dean.carrier@example.com",
    )
    address = Address.objects.get(person=person)
    assert (address.line_1, address.line_2, address.town, address.postcode, address.to_date) == (
        "Flat 2",
        "12 Harbour Row, Docks",
        "Southhaven",
        "SO14 2AA",
        None,
    )
    assert sorted(person.contact_numbers.values_list("kind", "number")) == [
        ("H", "0121 496 0000"),
        ("M", "07700 900123"),
        ("W", "0113 496 0001"),
    ]
    assert sorted(person.markers.values_list("kind", "note")) == [("other", "DR - drugs (Niche)"), ("other", "VI - violent (PNC)")]

    # The case: the proposed RAG as the initial level.
    registration = Registration.objects.get(person=person, ended_on__isnull=True)
    assert registration.rag == "red" and registration.referral_id == referral.pk
    assert [c.level for c in registration.rag_history.all()] == ["red"]

    # The involvements: the referring agency, and each named agency with a sharing agreement, with its contact.
    involved = {i.organisation.name: i for i in AgencyInvolvement.objects.filter(person=person, ended_on__isnull=True)}
    assert set(involved) == {"Test Police", "Test Housing", "Southhaven Recovery"}
    assert involved["Test Police"].role_in_case == "Referring agency"
    assert list(involved["Test Housing"].contacts.values_list("name", "phone", "email")) == [
        ("Ali Green", "01234 111222", "ali.green@housing.example")
    ]
    assert list(involved["Southhaven Recovery"].contacts.values_list("name", "phone", "email")) == [
        ("Sam Blake", "", "sam.blake@recovery.example")
    ]
    assert AuditEvent.objects.filter(person_id=person.pk, object_type="agency-contact").count() == 2

    # The first needs assessment: the referral's ratings, needs and actions on every pathway.
    assessment = PathwayAssessment.objects.get(person=person)
    assert assessment.assessed_on == referral.referral_date
    assert {n.pathway: (n.rag, n.needs, n.actions) for n in assessment.needs.all()} == RATINGS
    assert set(RATINGS) == set(Pathway.values)
    assert AuditEvent.objects.filter(person_id=person.pk, object_type="pathway-assessment", action="create").exists()


def test_the_chair_sees_the_proposed_rag_preselected_and_which_agencies_were_not_involved(client, partnership):
    police = partnership.users[Role.POLICE_IOM_OFFICER]
    referral = services.referral_create(acting_user=police, answers=_every_field(partnership))
    client.force_login(partnership.users[Role.CHAIR])
    page = client.get(f"/referrals/{referral.pk}/decide/").content.decode()
    checked = re.findall(r'<input[^>]*name="rag"[^>]*>', page)
    assert [i for i in checked if "checked" in i] and all('value="red"' in i for i in checked if "checked" in i)
    response = client.post(
        f"/referrals/{referral.pk}/decide/",
        {
            "outcome": "adopt",
            "reasons": "Agreed by the meeting",
            "meeting_date_day": "18",
            "meeting_date_month": "11",
            "meeting_date_year": "2026",
            "rag": "amber",  # the chair may set another level than the one proposed
            "person_choice": "new",
        },
        follow=True,
    )
    text = response.content.decode()
    assert "Test DWP; Harbour Church" in text
    assert Registration.objects.get(referral=referral).rag == "amber"


def test_adopting_someone_on_record_adds_only_what_their_record_lacks(partnership):
    probation = partnership.users[Role.PROBATION_OFFICER]
    person = partnership.ordinary
    type(person).objects.filter(pk=person.pk).update(sex="not-known")
    person.refresh_from_db()
    person.addresses.create(line_1="1 Old Street", town="Southhaven", postcode="SO14 1AA", from_date=datetime.date(2020, 1, 1))
    person.contact_numbers.create(kind="M", number="07700 900123")
    referral = services.referral_start(acting_user=probation, answers={}, person=person)
    services.referral_update(
        acting_user=probation,
        referral=referral,
        answers={
            **{k: v for k, v in complete_answers().items() if k not in ("first_name", "last_name", "date_of_birth", "pnc_id")},
            "sex": "female",
            "address": "9 New Road, Southhaven",
            "postcode": "SO14 3BB",
            "contact_numbers": "07700 900123 (M), 0121 496 0000 (H)",
        },
    )
    referral = services.referral_submit(acting_user=probation, referral=referral)
    services.referral_decide(
        acting_user=partnership.users[Role.CHAIR],
        referral=referral,
        outcome="adopt",
        reasons="Agreed",
        adoption=services.Adoption(rag=""),
    )
    person.refresh_from_db()
    assert person.sex == "female"  # it was not known
    current = person.addresses.get(to_date__isnull=True)
    assert (current.line_1, current.postcode, current.from_date) == ("9 New Road", "SO14 3BB", referral.referral_date)
    assert person.addresses.get(line_1="1 Old Street").to_date == referral.referral_date - datetime.timedelta(days=1)
    assert sorted(person.contact_numbers.values_list("kind", "number")) == [("H", "0121 496 0000"), ("M", "07700 900123")]
    assert Registration.objects.get(person=person).rag == "amber"  # the referral's proposed RAG


@pytest.mark.parametrize(
    "answers, field",
    [
        ({"contact_numbers": "call his mum"}, "contact_numbers"),
        ({"sex": "x"}, "sex"),
        ({"proposed_rag": "purple"}, "proposed_rag"),
    ],
)
def test_answers_adoption_could_not_carry_are_refused_on_entry(partnership, answers, field):
    with pytest.raises(services.ValidationError) as refused:
        services.referral_start(acting_user=partnership.users[Role.POLICE_IOM_OFFICER], answers=answers)
    assert field in refused.value.message_dict


def test_submission_asks_for_sex_the_proposed_rag_and_the_needs_behind_a_red_or_amber_rating(partnership):
    police = partnership.users[Role.POLICE_IOM_OFFICER]
    answers = {**complete_answers(), "sex": "", "proposed_rag": ""}
    answers["pathways"] = {**answers["pathways"], "health": {"risk": "red", "needs": "", "actions": ""}}
    referral = services.referral_start(acting_user=police, answers=answers)
    with pytest.raises(services.ValidationError) as refused:
        services.referral_submit(acting_user=police, referral=referral)
    assert {"sex", "proposed_rag", "pathways.health.needs"} <= set(refused.value.message_dict)


def test_a_referral_of_someone_not_yet_linked_is_still_refused_nothing_at_adoption_when_its_agency_is_already_involved(partnership):
    # The referring agency already involved (a case reopened): no second involvement, no error.
    housing = partnership.users["housing-worker"]
    referral = make_referral(by=housing, person=partnership.housing_case)
    before = AgencyInvolvement.objects.filter(person=partnership.housing_case, organisation=partnership.housing).count()
    services.referral_decide(
        acting_user=partnership.users[Role.CHAIR],
        referral=referral,
        outcome="adopt",
        reasons="Agreed",
        adoption=services.Adoption(rag="red"),
    )
    assert AgencyInvolvement.objects.filter(person=partnership.housing_case, organisation=partnership.housing).count() == before
