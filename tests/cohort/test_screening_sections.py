"""The screening page's result and criteria are derived only from the sections the reader sees
(ADR 0010 §4: a derived fact carries the sections it was computed from).

Screening needs the justice section, but it also reads the IOM registration's PPO flag and the
submitted referrals' priority groups (both the plan section) and the current address (contact).
A reader whose agreement gives identity and justice but not plan was shown "prolific and other
priority offender" and "Meets the entry criteria" for a person whose justice record alone meets
nothing: the badge and the criterion told them the registration's PPO flag. Now facts of a section
not shared are not screened (as residence already was without contact), the page says so, and the
API says ``plan_shared: false``; a reader with plan sees the criterion and the result.

The expectations come from the sharing table written here (the agreement's sections) and the
entry criteria (000 §5.7: PPO is a criterion by itself), not from the code.
"""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

from iomhub import clock
from iomhub.access.models import Role, Section, SharingAgreement, User
from iomhub.cohort.models import Registration
from tests.referrals.factories import make_referral

pytestmark = pytest.mark.django_db
AS_OF = datetime.date(2026, 6, 30)
JUSTICE_ONLY = [Section.IDENTITY, Section.JUSTICE]
JUSTICE_AND_PLAN = [Section.IDENTITY, Section.JUSTICE, Section.PLAN]


@pytest.fixture(autouse=True)
def fixed_today():
    with clock.frozen(AS_OF):
        yield


def _housing(partnership, sections) -> Client:
    """The housing worker under an agreement giving ``sections`` (a fresh user: the agreement is
    read once a request)."""
    SharingAgreement.objects.filter(organisation=partnership.housing).update(sections=sections)
    client = Client()
    client.force_login(User.objects.get(username="housing-worker"))
    return client


def _ppo(partnership, ppo: bool = True):
    person = partnership.housing_case
    Registration.objects.create(person=person, started_on=datetime.date(2026, 1, 5), rag="amber", ppo=ppo)
    return person


def _page(client, person) -> str:
    response = client.get(f"/cohort/people/{person.pk}/screening/")
    assert response.status_code == 200
    return response.content.decode()


def _api(client, person) -> dict:
    response = client.get(f"/api/v1/people/{person.pk}/screening", {"as_of": AS_OF.isoformat()})
    assert response.status_code == 200, response.content
    return response.json()


def test_a_reader_without_plan_cannot_infer_ppo_from_the_badge_or_the_criteria(partnership):
    person = _ppo(partnership)
    client = _housing(partnership, JUSTICE_ONLY)
    page = _page(client, person)
    assert "prolific and other priority offender" not in page
    assert "Meets the entry criteria" not in page and "Does not meet the entry criteria" in page
    assert "Not shared with you" in page
    body = _api(client, person)
    assert body["eligible"] is False and body["criteria"] == [] and body["plan_shared"] is False
    assert "prolific" not in " ".join(body["breakdown"]).lower()


def test_the_answer_without_plan_is_the_same_whatever_the_registration_says(partnership):
    person = _ppo(partnership, ppo=False)
    client = _housing(partnership, JUSTICE_ONLY)
    not_ppo = _api(client, person)
    Registration.objects.filter(person=person).update(ppo=True)
    assert _api(client, person) == not_ppo


def test_a_reader_with_plan_sees_the_ppo_criterion_and_the_result(partnership):
    person = _ppo(partnership)
    client = _housing(partnership, JUSTICE_AND_PLAN)
    page = _page(client, person)
    assert "prolific and other priority offender" in page and "Meets the entry criteria" in page
    body = _api(client, person)
    assert body["eligible"] is True and [c["code"] for c in body["criteria"]] == ["ppo"] and body["plan_shared"] is True


def test_a_referrals_priority_groups_need_plan_too(partnership):
    """Housing's own submitted referral ticked a priority group: the group is a plan fact, so it is a
    criterion for housing only while its agreement gives plan."""
    person = partnership.housing_case
    make_referral(by=User.objects.get(username="housing-worker"), person=person, priority_groups={"gangs": True})
    without = _api(_housing(partnership, JUSTICE_ONLY), person)
    assert without["eligible"] is False and without["criteria"] == []
    with_plan = _api(_housing(partnership, JUSTICE_AND_PLAN), person)
    assert with_plan["eligible"] is True and [c["code"] for c in with_plan["criteria"]] == ["priority-group"]


def test_the_core_team_still_screens_ppo(partnership):
    """The coordinator reads every section but intelligence: PPO is screened as before."""
    person = _ppo(partnership)
    client = Client()
    client.force_login(partnership.users[Role.COORDINATOR])
    page = _page(client, person)
    assert "prolific and other priority offender" in page and "Meets the entry criteria" in page
    assert "data-not-screened" not in page
    body = _api(client, person)
    assert body["plan_shared"] is True and body["contact_shared"] is True and body["eligible"] is True
