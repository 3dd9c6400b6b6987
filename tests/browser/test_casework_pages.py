"""The case's tabs with something on them are axe-clean on desktop and mobile (issue 6)."""

from __future__ import annotations

import datetime

import pytest

from iomhub import clock
from iomhub.access.models import Role
from iomhub.casework import services
from iomhub.cohort.models import Registration
from iomhub.referrals.models import Pathway
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def _case(p):
    person, today = p.ordinary, clock.today()
    Registration.objects.create(person=person, started_on=today - datetime.timedelta(days=60), rag="amber")
    coordinator, police = p.users[Role.COORDINATOR], p.users[Role.POLICE_IOM_OFFICER]
    services.case_people_set(
        acting_user=coordinator, person=person, lead_worker=police, coordinator=coordinator, reason="Meeting", version=1
    )
    inv = services.agency_involve(acting_user=coordinator, person=person, organisation=p.housing, role_in_case="Tenancy")
    services.agency_contact_add(acting_user=coordinator, involvement=inv, name="Sam Lee", phone="01234 567890")
    ratings = {pw.value: {"rag": "green"} for pw in Pathway} | {"accommodation": {"rag": "red", "needs": "No fixed abode"}}
    for days in (50, 1):
        services.pathway_assessment_record(
            acting_user=police, person=person, assessed_on=today - datetime.timedelta(days=days), ratings=ratings
        )
    action = services.plan_action_add(
        acting_user=police, person=person, description="Housing options", agency=p.housing, owner_name="Sam Lee", due_on=today
    )
    services.timeline_record(acting_user=police, person=person, kind="home-visit", outcome="attended", occurred_on=today)
    services.timeline_record(acting_user=police, person=person, kind="intelligence", occurred_on=today, summary="Seen in town")
    services.timeline_record(
        acting_user=police,
        person=person,
        kind="drug-test",
        occurred_on=today,
        drug_result="positive",
        substances_tested=["opiates"],
        positive_for=["opiates"],
    )
    services.timeline_record(acting_user=police, person=person, kind="office-appointment", outcome="booked", occurred_on=today)
    return person, action


@pytest.mark.parametrize("width", [1280, 375], ids=["desktop", "mobile"])
def test_case_tabs_with_content_pass_axe(session, partnership, width):
    person, action = _case(partnership)
    session.page.set_viewport_size({"width": width, "height": 900})
    session.sign_in("police-iom-officer", PASSWORD)
    for path in (
        f"/people/{person.pk}/plan/",
        f"/people/{person.pk}/assessments/",
        f"/people/{person.pk}/timeline/",
        f"/people/{person.pk}/timeline/?kind=drug-test",
        f"/people/{person.pk}/plan/actions/{action.pk}/",
    ):
        session.go(path)
        session.assert_accessible(f"{path} at {width}px")
    session.go(f"/people/{person.pk}/timeline/")
    session.follow("text=Record what happened")
    session.follow("button.govuk-button >> nth=0")
    session.assert_accessible(f"appointment outcome error state at {width}px")
