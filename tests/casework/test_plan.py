"""Pathway needs (issue 6 §3) and the risk management plan (issue 6 §4, §11)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from iomhub import clock
from iomhub.access.models import AuditEvent, Role
from iomhub.casework import selectors, services
from iomhub.casework.models import PathwayAssessment, PlanAction, PlanActionChange
from iomhub.people.services import StaleEdit
from iomhub.referrals.models import Pathway

pytestmark = pytest.mark.django_db


def ratings(**overrides):
    base = {p.value: {"rag": "green", "needs": "", "actions": ""} for p in Pathway}
    return base | overrides


def test_assessment_repeated_and_change_computed(registered, today):
    p = registered
    worker = p.users[Role.SUBSTANCE_MISUSE]
    services.pathway_assessment_record(
        acting_user=worker,
        person=p.ordinary,
        assessed_on=datetime.date(2026, 2, 1),
        ratings=ratings(accommodation={"rag": "red", "needs": "Sofa surfing", "actions": "Housing referral"}),
    )
    services.pathway_assessment_record(
        acting_user=p.users[Role.PROBATION_OFFICER],
        person=p.ordinary,
        assessed_on=today,
        ratings=ratings(accommodation={"rag": "amber", "needs": "Temporary tenancy"}),
    )
    _person, assessments, changes = selectors.assessments_for(user=worker, person_id=p.ordinary.pk)
    assert [a.assessed_on for a in assessments] == [today, datetime.date(2026, 2, 1)]
    assert assessments[1].assessed_by == worker
    accommodation = next(c for c in changes if c.pathway == "accommodation")
    assert (accommodation.first, accommodation.latest, accommodation.change) == (3, 2, -1)
    assert AuditEvent.objects.filter(object_type="pathway-assessment").count() == 2


def test_assessment_bad_input_names_the_pathway_and_stores_nothing(registered, today):
    p = registered
    bad = ratings(health={"rag": "purple"}, drugs_alcohol={"rag": "red", "needs": ""}, nonsense={"rag": "red"})
    bad.pop("finance")
    with pytest.raises(ValidationError) as exc:
        services.pathway_assessment_record(acting_user=p.users[Role.PROBATION_OFFICER], person=p.ordinary, assessed_on=today, ratings=bad)
    errors = exc.value.message_dict
    assert {"health.rag", "finance.rag", "nonsense"} <= set(errors)
    assert not PathwayAssessment.objects.exists()


def test_partner_without_assessments_section_refused(registered, today):
    p = registered
    with pytest.raises(PermissionDenied):
        services.pathway_assessment_record(
            acting_user=p.users["housing-worker"], person=p.housing_case, assessed_on=today, ratings=ratings()
        )
    assert AuditEvent.objects.filter(action="denied", person_id=p.housing_case.pk).exists()


def _action(p, user=None, person=None, **kw):
    values = {
        "description": "Attend housing options appointment",
        "agency": p.housing,
        "owner": p.users["housing-worker"],
        "owner_name": "",
        "due_on": datetime.date(2026, 6, 20),
        "pathway": "accommodation",
    } | kw
    return services.plan_action_add(acting_user=user or p.users[Role.COORDINATOR], person=person or p.housing_case, **values)


def test_plan_action_lifecycle_history_and_overdue(registered, today):
    p = registered
    action = _action(p)
    assert action.owner_name and action.status == "open"
    worker, coordinator = p.users["housing-worker"], p.users[Role.COORDINATOR]
    assert list(selectors.overdue_actions(worker)) == []
    assert list(selectors.actions_due(worker)) == [action]
    with clock.frozen(datetime.date(2026, 6, 20)):
        assert list(selectors.overdue_actions(worker)) == []  # due today is not overdue
    with clock.frozen(datetime.date(2026, 6, 21)):
        assert list(selectors.overdue_actions(worker)) == [action]
        assert list(selectors.overdue_actions(coordinator)) == [action]
        assert list(selectors.overdue_actions(p.users[Role.POLICE_IOM_OFFICER])) == []  # not theirs
        assert list(selectors.overdue_actions(p.users["dwp-worker"])) == []
        action = services.plan_action_update(
            acting_user=worker, action=action, status="carried-over", version=1, note="Appointment moved", due_on=datetime.date(2026, 7, 1)
        )
        assert list(selectors.overdue_actions(worker)) == []
    action = services.plan_action_update(acting_user=worker, action=action, status="done", version=2)
    assert [h.status for h in PlanActionChange.objects.filter(action=action)] == ["open", "carried-over", "done"]
    assert AuditEvent.objects.filter(object_type="plan-action", action="change").count() == 2


def test_plan_action_bad_input(registered, today):
    p = registered
    with pytest.raises(ValidationError) as exc:
        _action(p, description="", owner=p.users[Role.PROBATION_OFFICER], due_on=datetime.date(2026, 1, 1), pathway="space")
    assert {"description", "owner", "due_on", "pathway"} <= set(exc.value.message_dict)
    action = _action(p)
    with pytest.raises(ValidationError) as exc:
        services.plan_action_update(acting_user=p.users[Role.COORDINATOR], action=action, status="carried-over", version=1)
    assert {"note", "due_on"} <= set(exc.value.message_dict)
    assert PlanAction.objects.count() == 1


def test_plan_action_linked_to_need_of_same_person(registered, today):
    p = registered
    assessment = services.pathway_assessment_record(
        acting_user=p.users[Role.PROBATION_OFFICER],
        person=p.ordinary,
        assessed_on=today,
        ratings=ratings(finance={"rag": "red", "needs": "Debts"}),
    )
    need = assessment.needs.get(pathway="finance")
    with pytest.raises(ValidationError) as exc:
        _action(p, need=need, pathway="")  # housing_case's plan, ordinary's need
    assert "need" in exc.value.message_dict
    action = _action(p, person=p.ordinary, need=need, pathway="", agency=p.probation, owner=p.users[Role.PROBATION_OFFICER])
    assert action.pathway == "finance"


def test_concurrent_plan_edit_second_refused_first_survives(registered, today):
    p = registered
    action = _action(p)
    first = PlanAction.objects.get(pk=action.pk)  # both workers opened the action at version 1
    second = PlanAction.objects.get(pk=action.pk)
    services.plan_action_update(acting_user=p.users["housing-worker"], action=first, status="done", version=first.version)
    with pytest.raises(StaleEdit) as exc:
        services.plan_action_update(
            acting_user=p.users[Role.COORDINATOR], action=second, status="cancelled", version=second.version, note="No longer needed"
        )
    assert "Someone else changed this action" in exc.value.message_dict["version"][0]
    assert PlanAction.objects.get(pk=action.pk).status == "done"
    assert PlanActionChange.objects.filter(action=action).count() == 2


def test_partner_without_plan_section_refused(registered, today):
    p = registered
    with pytest.raises(PermissionDenied):
        _action(p, user=p.users["dwp-worker"])
    with pytest.raises(PermissionDenied):
        _action(p, user=p.users[Role.PERFORMANCE_LEAD])
    assert not PlanAction.objects.exists()
