"""Who may do what in a registration's lifecycle (access.policy): RAG level — coordinator, chair and
police IOM officer (002 appendix 1: the police publish the wanted alert); reviews and transfer steps —
coordinator and chair (002 §2); deregistration and accepting a transfer here — the chair (002 §2, §4)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from iomhub import clock
from iomhub.access.models import PersonAccessGrant, Role
from iomhub.access.policy import Action, can, may_attempt
from iomhub.cohort import services
from iomhub.cohort.models import Registration
from tests.cohort.support import register

ROLES = [
    Role.POLICE_IOM_OFFICER,
    Role.PROBATION_OFFICER,
    Role.SUBSTANCE_MISUSE,
    Role.COORDINATOR,
    Role.CHAIR,
    Role.PARTNER_WORKER,
    Role.IG_LEAD,
    Role.PERFORMANCE_LEAD,
    Role.SYSTEM_ADMIN,
]
ALLOWED = {
    Action.COHORT_RAG: {Role.POLICE_IOM_OFFICER, Role.COORDINATOR, Role.CHAIR},
    Action.COHORT_MANAGE: {Role.COORDINATOR, Role.CHAIR},
    Action.COHORT_DECIDE: {Role.CHAIR},
}


@pytest.mark.parametrize("action", ALLOWED, ids=str)
@pytest.mark.parametrize("role", ROLES, ids=str)
def test_the_lifecycle_actions_by_role(partnership, action, role):
    user = partnership.users[role]
    assert can(user, action) is (role in ALLOWED[action])
    assert may_attempt(user, action) is (role in ALLOWED[action])


def test_a_user_without_the_person_may_not_act_even_with_the_role(partnership):
    """The coordinator is not granted the restricted person: a 404, nothing leaked, nothing changed."""
    PersonAccessGrant.objects.create(person=partnership.restricted, user=partnership.users[Role.CHAIR])  # the chair who adopted them
    with clock.frozen(datetime.date(2026, 3, 2)):
        registration = register(partnership, partnership.restricted, started_on=datetime.date(2026, 1, 5))
    with clock.frozen(datetime.date(2026, 3, 2)), pytest.raises(Http404):
        services.rag_change(
            acting_user=partnership.users[Role.COORDINATOR],
            registration=registration,
            level="red",
            changed_on=datetime.date(2026, 3, 1),
            reason="x",
        )


@pytest.mark.parametrize("role", [Role.POLICE_IOM_OFFICER, Role.PROBATION_OFFICER, Role.PARTNER_WORKER])
def test_only_the_coordinator_and_chair_record_other_forums(partnership, role):
    with clock.frozen(datetime.date(2026, 3, 2)):
        registration = register(partnership, started_on=datetime.date(2026, 1, 5))
        with pytest.raises((PermissionDenied, Http404)):
            services.registration_circumstances(acting_user=partnership.users[role], registration=registration, other_forum="MARAC")
        with pytest.raises(ValidationError) as raised:
            services.registration_circumstances(
                acting_user=partnership.users[Role.COORDINATOR], registration=registration, other_forum="x" * 201
            )
    assert set(raised.value.message_dict) == {"other_forum"}
    assert Registration.objects.get(pk=registration.pk).other_forum == ""
