"""The demo's sharing agreements differ so a walk in the browser shows the difference (issue 9):
the housing worker sees a shared person's addresses but not their timeline; the DWP worker sees
the timeline but not the addresses; each organisation is involved in some demo cases; the IG
lead's list shows one agreement due for review and one expired."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

from iomhub import clock
from iomhub.access.models import Section, SharingAgreement, User
from iomhub.demo import DEMO_PASSWORD, load_demo
from iomhub.people.models import Address, Person

TODAY = datetime.date(2026, 11, 20)


@pytest.fixture
def demo(db):
    with clock.frozen(TODAY):
        load_demo(people=400)


def _signed_in(username: str) -> Client:
    client = Client()
    assert client.post("/sign-in/", {"username": username, "password": DEMO_PASSWORD}).status_code == 302
    return client


def _a_case_of(username: str) -> Person:
    user = User.objects.get(username=username)
    person = (
        Person.objects.filter(
            restriction="", involvements__organisation=user.organisation_id, involvements__ended_on__isnull=True, addresses__isnull=False
        )
        .distinct()
        .first()
    )
    assert person is not None, f"{user.organisation} is involved in no demo case"
    return person


def test_one_agreement_leaves_out_contact_and_another_the_timeline(demo):
    housing = SharingAgreement.objects.get(organisation__name="Wessex City Council Housing")
    dwp = SharingAgreement.objects.get(organisation__name="DWP Wessex Jobcentres")
    assert Section.CONTACT in housing.sections and Section.TIMELINE not in housing.sections
    assert Section.TIMELINE in dwp.sections and Section.CONTACT not in dwp.sections
    assert housing.purpose and dwp.purpose and housing.signed_on and housing.review_by


def test_the_housing_and_dwp_workers_see_the_difference(demo):
    with clock.frozen(TODAY):
        for username, sees_contact in (("housing.worker", True), ("dwp.worker", False)):
            client = _signed_in(username)
            person = _a_case_of(username)
            postcode = Address.objects.filter(person=person).first().postcode
            summary = client.get(f"/people/{person.pk}/")
            assert summary.status_code == 200
            assert (postcode in summary.content.decode()) is sees_contact, username
            timeline = client.get(f"/people/{person.pk}/timeline/")
            assert (timeline.status_code == 200) is not sees_contact, (username, timeline.status_code)


def test_the_ig_lead_sees_one_due_for_review_and_one_expired(demo):
    with clock.frozen(TODAY):
        body = _signed_in("ig.lead").get("/sharing-agreements/").content.decode()
    assert "Review due" in body and "Expired" in body
