"""Partner access that ends (issue 9 §3, finding 6; ADR 0013): the coordinator ends an agency's
involvement from the case (page and API) with the date and a reason, audited; deregistration ends
every involvement the exit plan does not keep, and a completed transfer out ends them all. The
partner worker's next request for the person answers 404."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from iomhub import clock
from iomhub.access.models import Role
from iomhub.casework import services
from iomhub.casework.models import AgencyInvolvement
from iomhub.cohort import services as cohort_services
from iomhub.cohort.models import Registration
from tests.access.support import events_since, last_event_id

TODAY = timezone.localdate()
PACK = {
    "proposed_address": "12 Mill Lane, Eastbourne",
    "index_offence": "Burglary dwelling",
    "offending_history": "Eight burglaries since 2019",
    "risk_factors": "Heroin use",
    "safeguarding": "None known",
}


def _housing(partnership):
    return AgencyInvolvement.objects.get(person=partnership.housing_case, organisation=partnership.housing, ended_on__isnull=True)


def _sees(client, partnership) -> int:
    client.force_login(partnership.users["housing-worker"])
    return client.get(f"/api/v1/people/{partnership.housing_case.pk}").status_code


def test_ending_an_involvement_on_the_page_removes_the_partner_at_once(client, partnership):
    assert _sees(client, partnership) == 200
    involvement = _housing(partnership)
    client.force_login(partnership.users[Role.COORDINATOR])
    url = f"/people/{partnership.housing_case.pk}/plan/agencies/{involvement.pk}/end/"
    assert client.get(url).status_code == 200
    since = last_event_id()
    response = client.post(
        url,
        {"ended_on_day": TODAY.day, "ended_on_month": TODAY.month, "ended_on_year": TODAY.year, "reason": "Tenancy sustained; case closed"},
    )
    assert response.status_code == 302
    involvement.refresh_from_db()
    assert (involvement.ended_on, involvement.end_reason) == (TODAY, "Tenancy sustained; case closed")
    [event] = events_since(since, action="change", object_type="agency-involvement")
    assert event.person_id == partnership.housing_case.pk
    assert event.changes["end_reason"] == {"before": "", "after": "Tenancy sustained; case closed"}
    assert _sees(client, partnership) == 404
    client.force_login(partnership.users["housing-worker"])
    assert client.get(f"/people/{partnership.housing_case.pk}/").status_code == 404


def test_ending_an_involvement_through_the_api(client, partnership):
    involvement = _housing(partnership)
    client.force_login(partnership.users[Role.COORDINATOR])
    url = f"/api/v1/people/{partnership.housing_case.pk}/case/agencies/{involvement.pk}/end"
    missing = client.post(url, {}, content_type="application/json")
    assert missing.status_code == 400 and "reason" in missing.json()["errors"]
    response = client.post(url, {"reason": "No longer working with them"}, content_type="application/json")
    assert response.status_code == 200
    ended = next(a for a in response.json()["agencies"] if a["id"] == involvement.pk)
    assert (ended["ended_on"], ended["end_reason"]) == (TODAY.isoformat(), "No longer working with them")
    again = client.post(url, {"reason": "Twice"}, content_type="application/json")
    assert again.status_code == 400 and "already ended" in again.content.decode()
    assert _sees(client, partnership) == 404


def test_only_the_coordinator_or_chair_ends_an_involvement(partnership):
    involvement = _housing(partnership)
    for role in (Role.POLICE_IOM_OFFICER, "housing-worker"):
        with pytest.raises(Exception):  # noqa: B017 - PermissionDenied or Http404, both audited
            services.agency_end(acting_user=partnership.users[role], involvement=involvement, reason="Not mine to end")
    with pytest.raises(ValidationError) as exc:
        services.agency_end(acting_user=partnership.users[Role.COORDINATOR], involvement=involvement, reason="")
    assert "reason" in exc.value.message_dict
    assert _housing(partnership).ended_on is None


def _register(partnership, started_on):
    registration = Registration.objects.create(person=partnership.housing_case, started_on=started_on, rag="amber")
    return registration


def test_deregistration_ends_every_involvement_the_exit_plan_does_not_keep(client, partnership):
    registration = _register(partnership, TODAY - datetime.timedelta(days=250))
    since = last_event_id()
    cohort_services.deregister(
        acting_user=partnership.users[Role.CHAIR],
        registration=registration,
        approved_on=TODAY,
        reasons="Stable for six months",
        exit_plan="Probation keeps supervising",
        supported_by="Probation",
        continuing=[partnership.probation.pk],
    )
    open_ = set(
        AgencyInvolvement.objects.filter(person=partnership.housing_case, ended_on__isnull=True).values_list("organisation", flat=True)
    )
    assert open_ == {partnership.probation.pk}
    ended = AgencyInvolvement.objects.get(person=partnership.housing_case, organisation=partnership.housing)
    assert ended.ended_on == TODAY and "exit plan" in ended.end_reason
    assert len(events_since(since, action="change", object_type="agency-involvement")) == 2  # police and housing
    assert _sees(client, partnership) == 404


def test_deregistration_keeps_the_agencies_the_exit_plan_names(client, partnership):
    registration = _register(partnership, TODAY - datetime.timedelta(days=250))
    client.force_login(partnership.users[Role.CHAIR])
    page = client.get(f"/cohort/registrations/{registration.pk}/deregister/")
    assert "Agencies that keep supporting the person" in page.content.decode()
    response = client.post(
        f"/api/v1/registrations/{registration.pk}/deregistration",
        {
            "approved_on": TODAY.isoformat(),
            "reasons": "Stable",
            "exit_plan": "Housing keeps the tenancy support going",
            "supported_by": "Test Housing",
            "continuing": [partnership.housing.pk],
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert _housing(partnership).ended_on is None
    assert _sees(client, partnership) == 200


def test_a_completed_transfer_out_ends_every_involvement(client, partnership):
    registration = _register(partnership, TODAY - datetime.timedelta(days=60))
    coordinator = partnership.users[Role.COORDINATOR]
    transfer = cohort_services.transfer_propose(
        acting_user=coordinator, person=partnership.housing_case, kind="external-out", other_area="Kent IOM", pack=PACK
    )
    steps = [
        ("home-visit", {"visited_on": TODAY, "police_officer": "PC Lee", "probation_officer": "PO Taylor", "address_suitable": True}),
        ("spoc", {"spoc_name": "DC Kent", "spoc_contact": "kent@example.org"}),
        ("decision", {"accepted": True, "decided_on": TODAY, "meeting": "Kent IOM meeting"}),
    ]
    with clock.frozen(TODAY):
        for name, data in steps:
            transfer = cohort_services.transfer_step(acting_user=coordinator, transfer=transfer, step=name, data=data)
        assert _sees(client, partnership) == 200  # until the case leaves
        cohort_services.transfer_step(acting_user=coordinator, transfer=transfer, step="deselect", data={"deselected_on": TODAY})
    registration.refresh_from_db()
    assert registration.ended_on == TODAY
    assert not AgencyInvolvement.objects.filter(person=partnership.housing_case, ended_on__isnull=True).exists()
    assert _sees(client, partnership) == 404
