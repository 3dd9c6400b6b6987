"""The meetings of a case with actions given to health agencies (ADR 0010 §3), for the tests of what
each reader of a meeting sees of them (tests/meetings/test_health_actions_at_meetings.py and
tests/api/test_meetings_health_actions.py).

Two kinds of reader:

- **Real ones**, from the test partnership's sharing table (tests/factories.py and
  tests/casework/test_health_agency_actions.py): the housing worker (identity, contact, plan: no
  health) attends and reads the pack; the treatment worker (plan and health) too; the coordinator
  and chair (every core section) run the meeting.
- **A what-if coordinator** (``blind-coordinator``). Under today's table everyone who runs a meeting
  (coordinator, chair) has health, so the coordinator's pages never meet a reader without it. This
  reader is a coordinator whose sharing gives every core section but health (``withhold_health``
  replaces ``policy.sections_for`` for that one account, wherever it was imported): the table a
  partnership would have if its coordinator's agreement left health out. Their pages must then
  show exactly what casework's one filter (``plan_actions_shown``) shows them; the oracle is the
  rule written below, not that filter.
"""

from __future__ import annotations

import datetime
import re
import sys
from dataclasses import dataclass, field
from typing import Any

import pytest

from iomhub.access.models import Role, Section, User
from iomhub.cohort.models import Registration
from iomhub.meetings import actions, services
from tests.casework.test_health_agency_actions import HealthCase, health_case
from tests.factories import UserFactory

TODAY = datetime.date(2026, 6, 15)  # a Monday
DAY = datetime.timedelta(days=1)
# The actions allocated at the previous meeting: marker -> (agency attribute, owner username or None).
PREVIOUS = {
    "PREV-TREATMENT": ("treatment", "treatment-worker"),
    "PREV-MH": ("mental_health", None),
    "PREV-HOUSING": ("housing", "housing-worker"),
}
HEALTH_MARKS = {"PREV-TREATMENT", "PREV-MH"}  # given to a treatment service and a mental health trust
# Names written once, none the start of another (so "not in the page" cannot be fooled by a longer one).
NAMES = {
    "treatment-worker": ("Tamsin", "Treatmentowner"),
    "mh-worker": ("Morgan", "Mindowner"),
    "housing-worker": ("Harper", "Housingowner"),
}
TYPED_OWNER = "Quinn Quietname"  # the mental health trust's action's person responsible, without an account
HEALTH_AGENCIES = ("Test Treatment Service", "Test Mental Health Trust")
# What of each health action a reader without health must not meet: its words, its agency, its owner.
HEALTH_WORDS = ("PREV-TREATMENT", "PREV-MH", *HEALTH_AGENCIES, "Tamsin Treatmentowner", "Morgan Mindowner", TYPED_OWNER)


def withhold_health(monkeypatch: pytest.MonkeyPatch, user: User) -> None:
    """From now on ``user``'s sections are the policy's without health (every other user's unchanged)."""
    from iomhub.access import policy

    original = policy.sections_for

    def sections_for(who: Any) -> frozenset[str]:
        found = original(who)
        return found - {Section.HEALTH} if who is not None and who.pk == user.pk else found

    for name, module in list(sys.modules.items()):
        if name.startswith("iomhub") and getattr(module, "sections_for", None) is original:
            monkeypatch.setattr(module, "sections_for", sections_for)
    assert Section.HEALTH not in policy.sections_for(user) and Section.PLAN in policy.sections_for(user)


@dataclass
class World:
    case: HealthCase
    previous: Any  # the meeting of four weeks ago that allocated PREVIOUS
    now: Any  # today's meeting, which has dealt with none of them yet
    blind: User
    allocated: dict[str, Any] = field(default_factory=dict)  # marker -> the PlanAction

    @property
    def p(self) -> Any:
        return self.case.p

    def sees_health(self, reader: str) -> bool:
        return reader != "blind-coordinator"


def _name_workers(p: Any) -> None:
    for username, (first, last) in NAMES.items():
        User.objects.filter(pk=p.users[username].pk).update(first_name=first, last_name=last)
        p.users[username].refresh_from_db()


def _attend(meeting: Any, coordinator: User, *users: User) -> None:
    for user in users:
        services.attendee_add(acting_user=coordinator, meeting=meeting, name="", organisation="", confidentiality_signed=True, user=user)


def build_world(p: Any, monkeypatch: pytest.MonkeyPatch) -> World:
    """The housing case on IOM with the health case's agencies and actions; a previous meeting that
    allocated PREVIOUS; today's meeting, run by the coordinator with the chair and the what-if one."""
    Registration.objects.create(person=p.housing_case, started_on=datetime.date(2026, 1, 5), rag="amber")
    case = health_case(p, TODAY)
    _name_workers(p)
    coordinator, chair = p.users[Role.COORDINATOR], p.users[Role.CHAIR]
    blind = UserFactory(
        username="blind-coordinator", first_name="Blair", last_name="Nohealth", organisation=p.police, team=p.team, roles=[Role.COORDINATOR]
    )
    p.users["blind-coordinator"] = blind
    previous = services.meeting_arrange(acting_user=coordinator, team=p.team, held_on=TODAY - 28 * DAY, location="Northbridge", chair=chair)
    _attend(previous, coordinator, chair, coordinator)
    world = World(case=case, previous=previous, now=None, blind=blind)
    agencies = {"treatment": case.treatment, "mental_health": case.mental_health, "housing": p.housing}
    for mark, (agency, owner) in PREVIOUS.items():
        made = actions.action_allocate(
            acting_user=coordinator,
            meeting=previous,
            person=case.person,
            description=f"{mark} for the person",
            agency=agencies[agency],
            owner=p.users[owner] if owner else None,
            owner_name="" if owner else TYPED_OWNER,
            due_on=TODAY + 10 * DAY,
        )
        world.allocated[mark] = made.action
    world.now = services.meeting_arrange(acting_user=coordinator, team=p.team, held_on=TODAY, location="Northbridge", chair=chair)
    _attend(world.now, coordinator, chair, coordinator, blind)
    withhold_health(monkeypatch, blind)
    return world


def build_reviewed_only(p: Any) -> tuple[HealthCase, Any]:
    """The health case's treatment action, and nothing else of the person, reviewed at today's meeting
    (progress noted), attended by the housing and treatment workers; the meeting closed."""
    from iomhub.meetings.closing import meeting_close

    Registration.objects.create(person=p.housing_case, started_on=datetime.date(2026, 1, 5), rag="amber")
    case = health_case(p, TODAY)
    coordinator, chair = p.users[Role.COORDINATOR], p.users[Role.CHAIR]
    meeting = services.meeting_arrange(acting_user=coordinator, team=p.team, held_on=TODAY, location="Northbridge", chair=chair)
    _attend(meeting, coordinator, chair, coordinator, p.users["housing-worker"], p.users["treatment-worker"])
    action = case.actions["TREATMENT-ACTION"]
    actions.action_review(
        acting_user=coordinator, meeting=meeting, action=action, outcome="updated", note="REVIEW-NOTE seen weekly", version=action.version
    )
    meeting_close(acting_user=coordinator, meeting=meeting)
    meeting.refresh_from_db()
    return case, meeting


def marks(text: str, among: Any = PREVIOUS) -> set[str]:
    return {mark for mark in among if mark in text}


def named(text: str, words: Any = HEALTH_WORDS) -> set[str]:
    """Which of ``words`` appear in ``text`` as whole words."""
    return {w for w in words if re.search(rf"(?<!\w){re.escape(w)}(?!\w)", text)}


def without_tokens(html: str) -> str:
    """The page without what differs on every response (the CSRF token, the script nonce)."""
    return re.sub(r'nonce="[^"]*"', "", re.sub(r'name="(?:csrfmiddlewaretoken|once_token)" value="[^"]*"', "", html))
