"""The justice section under the one access policy: core team read and change (audited); partner
workers without the justice section and performance leads are refused (403, audited, nothing
leaked); a missing or hidden person is 404."""

from __future__ import annotations

import datetime

import pytest

from iomhub.access.models import AuditEvent, Role, Section, SharingAgreement
from iomhub.justice.models import Arrest
from tests.justice import factories

ARREST_FORM = {
    "arrested_on_day": "1",
    "arrested_on_month": "8",
    "arrested_on_year": "2026",
    "custody_suite": "Northbridge",
    "outcome": "bail",
    "offence_codes": "28E, 45",
}
URLS = [
    ("get", "/people/{pk}/justice/", None),
    ("get", "/people/{pk}/justice/arrests/new/", None),
    ("post", "/people/{pk}/justice/arrests/new/", ARREST_FORM),
    ("get", "/api/v1/people/{pk}/justice", None),
    ("get", "/api/v1/people/{pk}/justice/sentences", None),
]


def _send(client, method, url, data):
    return client.get(url) if method == "get" else client.post(url, data)


@pytest.mark.parametrize("method, url, data", URLS)
def test_a_partner_without_the_justice_section_is_refused_and_audited(client, partnership, today, method, url, data):
    user = partnership.users["housing-worker"]
    person = partnership.housing_case  # visible to housing, but justice is not in its agreement
    client.force_login(user)
    response = _send(client, method, url.format(pk=person.pk), data)
    assert response.status_code == 403
    assert AuditEvent.objects.filter(actor=user, action="denied", person_id=person.pk).exists()
    assert person.pnc_id not in response.content.decode()
    assert not Arrest.objects.exists()


@pytest.mark.parametrize("method, url, data", URLS)
def test_the_performance_lead_is_refused(client, partnership, today, method, url, data):
    user = partnership.users[Role.PERFORMANCE_LEAD]
    client.force_login(user)
    response = _send(client, method, url.format(pk=partnership.ordinary.pk), data)
    assert response.status_code == 403
    assert AuditEvent.objects.filter(actor=user, action="denied").exists()
    assert not Arrest.objects.exists()


def test_a_partner_whose_agreement_shares_justice_may_read_but_not_change(client, partnership, today):
    SharingAgreement.objects.filter(organisation=partnership.housing).update(sections=[Section.IDENTITY, Section.JUSTICE])
    user = partnership.users["housing-worker"]
    person = partnership.housing_case
    client.force_login(user)
    assert client.get(f"/people/{person.pk}/justice/").status_code == 200
    assert AuditEvent.objects.filter(actor=user, action="view", person_id=person.pk, changes__section="justice").exists()
    assert client.post(f"/people/{person.pk}/justice/arrests/new/", ARREST_FORM).status_code == 403
    assert not Arrest.objects.exists()


def test_a_person_not_visible_is_404_for_a_partner(client, partnership, today):
    client.force_login(partnership.users["housing-worker"])
    assert client.get(f"/people/{partnership.ordinary.pk}/justice/").status_code == 404


@pytest.mark.parametrize("role", [Role.POLICE_IOM_OFFICER, Role.PROBATION_OFFICER, Role.SUBSTANCE_MISUSE, Role.COORDINATOR, Role.CHAIR])
def test_the_core_team_records_an_arrest_audited(client, partnership, today, role):
    user = partnership.users[role]
    person = partnership.ordinary
    client.force_login(user)
    response = client.post(f"/people/{person.pk}/justice/arrests/new/", ARREST_FORM)
    assert response.status_code == 302
    arrest = Arrest.objects.get(person=person)
    assert sorted(o.code.code for o in arrest.offences.all()) == ["28E", "45"]
    event = AuditEvent.objects.get(action="create", object_type="arrest", actor=user)
    assert event.changes["offence_codes"]["after"] == ["28E", "45"]
    page = client.get(f"/people/{person.pk}/justice/")
    assert page.status_code == 200 and "Burglary residential" in page.content.decode()
    assert AuditEvent.objects.filter(action="view", actor=user, person_id=person.pk, changes__section="justice").exists()


def test_the_restricted_person_is_hidden_from_those_not_granted(client, partnership, today):
    client.force_login(partnership.users[Role.POLICE_IOM_OFFICER])
    assert client.get(f"/people/{partnership.restricted.pk}/justice/").status_code == 404
    client.force_login(partnership.users[Role.PROBATION_OFFICER])  # granted on the person
    assert client.get(f"/people/{partnership.restricted.pk}/justice/").status_code == 200


def test_a_sentence_of_another_person_is_404(client, partnership, officer, today):
    other = factories.sentence(user=officer, person=partnership.housing_case)
    client.force_login(officer)
    response = client.get(f"/people/{partnership.ordinary.pk}/justice/sentences/{other.pk}/override/")
    assert response.status_code == 404


def test_the_justice_tab_is_linked_from_the_person_page(client, partnership, today):
    client.force_login(partnership.users[Role.POLICE_IOM_OFFICER])
    page = client.get(f"/people/{partnership.ordinary.pk}/").content.decode()
    assert f'href="/people/{partnership.ordinary.pk}/justice/"' in page
    assert datetime.date.today()  # the tab itself is exercised above
