"""Actions reach people (issue 18 §3): an action's owner is a worker of the agency responsible and
finds it on their caseload; an agency not involved is offered to be involved (the coordinator or
chair, under a sharing agreement in force); open actions do not outlive deregistration."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from iomhub import clock
from iomhub.access.models import AuditEvent, Role
from iomhub.casework import services
from iomhub.casework.dashboard import caseload
from iomhub.casework.models import AgencyInvolvement, PlanAction
from iomhub.cohort import services as cohort_services

pytestmark = pytest.mark.django_db
DUE = datetime.date(2026, 9, 30)  # more than 14 days after TODAY (15 June 2026): "due later"


def _add(p, *, user=None, **kw):
    values = {"description": "Book a housing options interview", "agency": p.housing, "due_on": DUE} | kw
    return services.plan_action_add(acting_user=user or p.users[Role.COORDINATOR], person=p.ordinary, **values)


def _errors(excinfo):
    return excinfo.value.message_dict


def test_a_worker_of_an_agency_not_involved_is_refused_until_it_is_involved(registered, today):
    p = registered
    worker = p.users["housing-worker"]
    with pytest.raises(ValidationError) as excinfo:
        _add(p, owner=worker)
    assert "cannot open this person's record" in _errors(excinfo)["owner"][0]
    assert not PlanAction.objects.exists()

    action = _add(p, owner=worker, involve_agency=True)
    assert action.owner == worker and action.owner_name == worker.get_full_name()
    involvement = AgencyInvolvement.objects.get(person=p.ordinary, organisation=p.housing, ended_on__isnull=True)
    assert AuditEvent.objects.filter(object_type="agency-involvement", object_id=str(involvement.pk), action="create").exists()
    shown = caseload(user=worker, as_of=today)
    assert [a.pk for a in shown.actions_later] == [action.pk]
    assert shown.actions_due == [] and shown.overdue_actions == []


def test_the_owner_works_for_the_agency_and_someone_is_responsible(registered, today):
    p = registered
    with pytest.raises(ValidationError) as excinfo:
        _add(p, agency=p.probation, owner=p.users["housing-worker"])
    assert _errors(excinfo)["owner"] == ["The person responsible must work for Test Probation"]
    with pytest.raises(ValidationError) as excinfo:
        _add(p, agency=p.probation)
    assert _errors(excinfo)["owner"] == ["Choose the worker at Test Probation responsible, or type the name of someone without an account"]
    with pytest.raises(ValidationError) as excinfo:
        _add(p, agency=p.police, owner=p.users["no-role"])
    assert "does not work on IOM cases" in _errors(excinfo)["owner"][0]
    typed = _add(p, agency=p.probation, owner_name="  Sam   Taylor ")
    assert typed.owner is None and typed.owner_name == "Sam Taylor"
    officer = p.users[Role.PROBATION_OFFICER]
    mine = _add(p, agency=p.probation, owner=officer, owner_name="Somebody else")
    assert mine.owner_name == officer.get_full_name()  # the owner's own name, not a second one
    assert [a.pk for a in caseload(user=officer, as_of=today).actions_later] == [mine.pk]


def test_involving_stays_within_the_sharing_agreements_and_the_coordinator(registered, today):
    p = registered
    with pytest.raises(ValidationError) as excinfo:
        _add(p, agency=p.dwp, owner=p.users["dwp-worker"], involve_agency=True)
    assert _errors(excinfo)["agency"] == ["Test DWP has no sharing agreement in force, so it cannot be involved in a case"]
    with pytest.raises(ValidationError) as excinfo:
        _add(p, user=p.users[Role.PROBATION_OFFICER], owner=p.users["housing-worker"], involve_agency=True)
    assert "Only the coordinator or chair" in _errors(excinfo)["agency"][0]
    assert not AgencyInvolvement.objects.filter(person=p.ordinary, organisation__in=[p.dwp, p.housing]).exists()
    assert not PlanAction.objects.exists()


def _registration(p):
    from iomhub.cohort.models import Registration

    return Registration.objects.get(person=p.ordinary, ended_on__isnull=True)


def test_deregistration_cancels_open_actions_and_hands_over_those_of_a_continuing_agency(registered, today):
    p = registered
    worker, officer = p.users["housing-worker"], p.users[Role.PROBATION_OFFICER]
    housing = _add(p, owner=worker, involve_agency=True)
    probation = _add(p, agency=p.probation, owner=officer)
    done = _add(p, agency=p.probation, owner=officer, description="Already done")
    services.plan_action_update(acting_user=officer, action=done, status="done", version=done.version)
    leaving = datetime.date(2026, 7, 6)  # six months after the registration of 5 January 2026
    with clock.frozen(leaving):
        cohort_services.deregister(
            acting_user=p.users[Role.CHAIR],
            registration=_registration(p),
            approved_on=leaving,
            reasons="Risk has fallen",
            exit_plan="Housing keeps supporting the tenancy",
            supported_by="Test Housing",
            continuing=[p.housing.pk],
        )
        housing, probation, done = (PlanAction.objects.get(pk=a.pk) for a in (housing, probation, done))
        assert probation.status == "cancelled" and done.status == "done" and housing.status == "open"
        assert probation.history.last().note == "Deregistered from IOM on 6 July 2026; not named in the exit plan"
        assert housing.history.last().note == ("Handed over under the exit plan on 6 July 2026: Test Housing keeps supporting the person")
        assert caseload(user=officer).actions_later == []
        assert [a.pk for a in caseload(user=worker).actions_later] == [housing.pk]
    assert AuditEvent.objects.filter(object_type="plan-action", object_id=str(probation.pk), action="change").exists()


# ---- the page and the API ------------------------------------------------------------------------


def _due(d):
    return {"due_on_day": str(d.day), "due_on_month": str(d.month), "due_on_year": str(d.year)}


def test_the_page_offers_the_agencys_workers_then_to_involve_it(client, registered, today):
    p = registered
    worker = p.users["housing-worker"]
    client.force_login(p.users[Role.COORDINATOR])
    url = f"/people/{p.ordinary.pk}/plan/actions/new/"
    first = client.get(url).content.decode()
    assert "Which agency is responsible?" in first and 'name="agency"' in first
    page = client.get(url, {"agency": p.housing.pk}).content.decode()
    assert f'<option value="{worker.pk}">{worker.get_full_name()}</option>' in page
    assert f'value="{p.users[Role.POLICE_IOM_OFFICER].pk}"' not in page  # only the housing workers are offered
    assert "Not involved in this case yet" in page

    data = {"description": "Book a housing options interview", "agency": p.housing.pk, "owner": worker.pk} | _due(DUE)
    confirm = client.post(url, data)
    body = confirm.content.decode()
    assert confirm.status_code == 200 and "Involve Test Housing in this case?" in body
    assert not PlanAction.objects.exists()
    unanswered = client.post(url, data | {"confirming": "1"}).content.decode()
    assert "Select whether to involve Test Housing in this case" in unanswered and not PlanAction.objects.exists()

    done = client.post(url, data | {"confirming": "1", "involve": "yes"})
    assert done.status_code == 302
    assert AgencyInvolvement.objects.filter(person=p.ordinary, organisation=p.housing, ended_on__isnull=True).exists()
    client.force_login(worker)
    mine = client.get("/caseload/").content.decode()
    assert "Book a housing options interview" in mine and 'id="actions-later"' in mine


def test_the_page_declined_involvement_refuses_a_worker_who_cannot_see_the_person(client, registered, today):
    p = registered
    client.force_login(p.users[Role.COORDINATOR])
    url = f"/people/{p.ordinary.pk}/plan/actions/new/"
    data = {"description": "Tenancy check", "agency": p.housing.pk, "owner": p.users["housing-worker"].pk} | _due(DUE)
    body = client.post(url, data | {"confirming": "1", "involve": "no"}).content.decode()
    assert "cannot open this person&#x27;s record" in body and not PlanAction.objects.exists()
    without = client.post(url, {"description": "Tenancy check", "agency": p.housing.pk} | _due(DUE)).content.decode()
    assert "type the name of someone without an account" in without
    typed = client.post(url, data | {"owner": "", "owner_name": "Alex from Housing", "confirming": "1", "involve": "no"})
    assert typed.status_code == 302 and PlanAction.objects.get().owner_name == "Alex from Housing"


def test_the_api_checks_the_owner_and_involves_the_agency(client, registered, today):
    p = registered
    worker = p.users["housing-worker"]
    client.force_login(p.users[Role.COORDINATOR])
    url = f"/api/v1/people/{p.ordinary.pk}/plan-actions"
    body = {"description": "Tenancy check", "agency": p.housing.pk, "owner": worker.pk, "due_on": DUE.isoformat()}
    refused = client.post(url, body, content_type="application/json")
    assert refused.status_code == 400 and "cannot open this person's record" in refused.content.decode()
    wrong = client.post(url, body | {"agency": p.probation.pk}, content_type="application/json")
    assert wrong.status_code == 400 and "must work for Test Probation" in wrong.content.decode()
    nobody = client.post(url, body | {"owner": None}, content_type="application/json")
    assert nobody.status_code == 400 and "type the name of someone without an account" in nobody.content.decode()
    made = client.post(url, body | {"involve_agency": True}, content_type="application/json")
    assert made.status_code == 201 and made.json()["owner"] == worker.pk
    client.force_login(worker)
    assert [a.pk for a in caseload(user=worker, as_of=today).actions_later] == [made.json()["id"]]
