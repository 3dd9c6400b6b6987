"""The person page on a phone (issue 18 §5): it opens with the current address, the RAG level and the
warnings, and one tap to record a home visit for the police IOM officer and the lead worker; each
fact only for a reader whose sections show it (ADR 0010)."""

from __future__ import annotations

import datetime

import pytest

from iomhub.access.models import Role
from iomhub.casework.models import CaseRecord
from iomhub.cohort.models import Registration
from iomhub.people.models import Address, Marker

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(partnership):
    p = partnership
    person = p.housing_case  # housing (sharing identity, contact and plan) is involved
    Registration.objects.create(person=person, started_on=datetime.date(2026, 1, 5), rag="red")
    Address.objects.create(person=person, line_1="12 Example Street", town="Northbridge", postcode="NB1 2AB")
    Marker.objects.create(person=person, kind=Marker.Kind.WEAPONS, note="Known to carry a knife")
    return p


def _glance(client, user, person) -> str:
    client.force_login(user)
    page = client.get(f"/people/{person.pk}/").content.decode()
    if 'id="at-a-glance"' not in page:
        return ""
    start = page.index('id="at-a-glance"')
    return page[start : page.index("</dl>", start) + 200]


def test_the_police_officer_sees_it_all_first_and_records_the_visit_in_one_tap(client, case):
    p = case
    officer = p.users[Role.POLICE_IOM_OFFICER]
    client.force_login(officer)
    page = client.get(f"/people/{p.housing_case.pk}/").content.decode()
    glance = _glance(client, officer, p.housing_case)
    assert page.index('id="at-a-glance"') < page.index("Identity</h2>")  # before the tabs' content and the details
    assert "12 Example Street" in glance
    assert '<strong class="govuk-tag govuk-tag--red" data-rag="red">Red</strong> catch and control</dd>' in glance
    assert "Weapons" in glance and "Known to carry a knife" in glance
    link = f'href="/people/{p.housing_case.pk}/timeline/new/?kind=home-visit"'
    assert link in glance
    form = client.get(f"/people/{p.housing_case.pk}/timeline/new/?kind=home-visit").content.decode()
    assert 'value="home-visit" checked' in form
    assert 'value="intelligence" checked' not in client.get(f"/people/{p.housing_case.pk}/timeline/new/?kind=intelligence").content.decode()


def test_the_lead_worker_gets_the_button_and_other_workers_do_not(client, case):
    p = case
    probation = p.users[Role.PROBATION_OFFICER]
    assert "Record a home visit" not in _glance(client, probation, p.housing_case)
    CaseRecord.objects.create(person=p.housing_case, lead_worker=probation)
    assert "Record a home visit" in _glance(client, probation, p.housing_case)


def test_a_partner_sees_only_what_their_agreement_shares(client, case):
    p = case
    glance = _glance(client, p.users["housing-worker"], p.housing_case)
    assert "12 Example Street" in glance and 'data-rag="red"' in glance  # contact and plan are shared with housing
    assert "Warnings" not in glance and "Known to carry a knife" not in glance and "Weapons" not in glance
    assert "Record a home visit" not in glance
