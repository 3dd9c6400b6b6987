"""The work an account holds (``casework.selectors.held_by``, read by ``access.holdings`` for a
leaver's page): cases it leads or coordinates while the person is on IOM, and the plan actions it
owns that are still open, counted in one query."""

import datetime

import pytest

from iomhub import clock
from iomhub.access.models import Role
from iomhub.casework.models import ActionStatus, CaseRecord, PlanAction
from iomhub.casework.selectors import held_by
from iomhub.cohort.models import Registration
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 6, 15)


def _person(p, name, started_on, ended_on=None):
    person = PersonFactory(first_name=name, last_name="Held", managing_team=p.ordinary.managing_team)
    if started_on is not None:
        Registration.objects.create(person=person, started_on=started_on, ended_on=ended_on, rag="amber")
    return person


def _action(p, owner, status, due_on=DAY):
    return PlanAction.objects.create(
        person=p.ordinary,
        agency=p.probation,
        created_by=owner,
        description="Attend the housing appointment",
        owner=owner,
        owner_name=owner.display_name,
        due_on=due_on,
        status=status,
    )


def test_held_by_counts_cases_led_and_coordinated_on_iom_and_open_actions_owned(partnership, django_assert_num_queries):
    p = partnership
    officer, other = p.users[Role.PROBATION_OFFICER], p.users[Role.POLICE_IOM_OFFICER]
    with clock.frozen(DAY):
        on_iom = [_person(p, f"On{i}", datetime.date(2026, 1, 5)) for i in range(3)]
        due_to_begin = _person(p, "Soon", DAY + datetime.timedelta(days=7))
        left = _person(p, "Left", datetime.date(2025, 1, 6), ended_on=datetime.date(2026, 2, 27))
        never = _person(p, "Never", None)
        # led by the officer: three on IOM (one of them also coordinated) and one due to begin = 4;
        # the one who has left and the one never registered are history, not work held
        CaseRecord.objects.create(person=on_iom[0], lead_worker=officer, coordinator=officer)
        CaseRecord.objects.create(person=on_iom[1], lead_worker=officer)
        CaseRecord.objects.create(person=on_iom[2], lead_worker=officer, coordinator=other)
        CaseRecord.objects.create(person=due_to_begin, lead_worker=officer)
        CaseRecord.objects.create(person=left, lead_worker=officer, coordinator=officer)
        CaseRecord.objects.create(person=never, lead_worker=officer, coordinator=officer)
        # open and carried over are held (2); done and cancelled are not; the other's is theirs
        _action(p, officer, ActionStatus.OPEN)
        _action(p, officer, ActionStatus.CARRIED_OVER)
        _action(p, officer, ActionStatus.DONE)
        _action(p, officer, ActionStatus.CANCELLED)
        _action(p, other, ActionStatus.OPEN)

        with django_assert_num_queries(1):
            held = held_by(officer.pk)
        assert held == ["Lead worker on 4 cases", "Case coordinator on 1 case", "Owner of 2 open plan actions"]
        with django_assert_num_queries(1):
            assert held_by(other.pk) == ["Case coordinator on 1 case", "Owner of 1 open plan action"]
        assert held_by(p.users[Role.EVALUATOR].pk) == []  # holds nothing: nothing to say
        assert held_by(10**9) == []  # no such account


def test_held_by_writes_a_thousands_separator(partnership):
    p = partnership
    officer = p.users[Role.PROBATION_OFFICER]
    PlanAction.objects.bulk_create(
        PlanAction(
            person=p.ordinary,
            agency=p.probation,
            created_by=officer,
            description=f"Action {i}",
            owner=officer,
            owner_name="PO",
            due_on=DAY,
            status=ActionStatus.OPEN,
        )
        for i in range(1_001)
    )
    assert held_by(officer.pk) == ["Owner of 1,001 open plan actions"]
