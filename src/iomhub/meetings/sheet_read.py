"""Reading the record sheet of one case at a meeting (for the coordinator and chair), with the
allocated officers who neither attended nor sent a written update flagged to the chair (002 §2)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from iomhub.access.errors import deny
from iomhub.access.models import Section
from iomhub.access.policy import Action
from iomhub.access.projection import Lens, lens_for, lens_of
from iomhub.casework.models import OPEN_STATUSES, CaseRecord, PlanAction
from iomhub.casework.selectors import plan_action_shown, plan_actions_shown
from iomhub.cohort.models import Registration
from iomhub.meetings.guards import may_manage, of_meeting
from iomhub.meetings.models import CaseSheet, Meeting, MeetingAction, MeetingDecision, WrittenUpdate
from iomhub.people import selectors as people

if TYPE_CHECKING:
    from iomhub.access.models import User
    from iomhub.people.models import Person


@dataclass
class Officer:
    user: User
    why: str  # "lead worker", "owns an open action"
    attended: bool
    update: WrittenUpdate | None

    @property
    def missing(self) -> bool:
        return not self.attended and self.update is None


@dataclass
class SheetView:
    meeting: Meeting
    person: Person
    lens: Lens
    sheet: CaseSheet | None
    registration: Registration | None
    decisions: list[MeetingDecision]
    recorded_actions: list[MeetingAction]
    open_actions: list[PlanAction]
    updates: list[WrittenUpdate]
    officers: list[Officer] = field(default_factory=list)


def _officers(lead: User | None, attending: set[int], updates: list[WrittenUpdate], owners: Iterable[User | None]) -> list[Officer]:
    """The lead worker, then the owner of each open action (in the actions' order), each once."""
    by_author = {u.author_id: u for u in updates}
    found: dict[int, Officer] = {}
    if lead is not None:
        found[lead.pk] = Officer(lead, "lead worker", lead.pk in attending, by_author.get(lead.pk))
    for owner in owners:
        if owner is not None and owner.pk not in found:
            found[owner.pk] = Officer(owner, "owns an open action", owner.pk in attending, by_author.get(owner.pk))
    return list(found.values())


def _attending(meeting: Meeting) -> set[int]:
    return set(meeting.attendees.filter(user__isnull=False).values_list("user_id", flat=True))


def officers_for(meeting: Meeting, person: Person, updates: list[WrittenUpdate], open_actions: list[PlanAction]) -> list[Officer]:
    """The officers allocated to the case: the lead worker and the owners of its open actions."""
    record = CaseRecord.objects.filter(person=person).select_related("lead_worker__organisation").first()
    return _officers(record.lead_worker if record else None, _attending(meeting), updates, (a.owner for a in open_actions))


def sheet_read(*, user: User, meeting: Meeting, person_id: int | str) -> SheetView:
    may_manage(user, meeting)
    person = people.person_get_for(user=user, person_id=person_id, section=Section.PLAN)
    if not of_meeting(meeting, person):
        deny(
            user=user,
            action=Action.PERSON_VIEW,
            reason="not a case this meeting covers",
            object_type="meeting-record-sheet",
            object_id=meeting.pk,
            person_id=person.pk,
            not_found=True,
        )
    lens = lens_for(user, person)
    # The actions the reader may see (casework's ``plan_actions_shown``: one given to a health agency
    # needs health; the coordinator and chair who read record sheets have it).
    open_actions = list(
        plan_actions_shown(PlanAction.objects.filter(person=person, status__in=OPEN_STATUSES), user=user, lens=lens).select_related(
            "agency", "owner"
        )
    )
    updates = list(WrittenUpdate.objects.filter(meeting=meeting, person=person)) if lens.sees(Section.TIMELINE) else []
    return SheetView(
        meeting=meeting,
        person=person,
        lens=lens,
        sheet=CaseSheet.objects.filter(meeting=meeting, person=person).first(),
        registration=Registration.objects.filter(person=person, ended_on__isnull=True).first(),
        decisions=list(MeetingDecision.objects.filter(meeting=meeting, person=person)),
        recorded_actions=[
            m
            for m in MeetingAction.objects.filter(meeting=meeting, action__person=person).select_related("action__agency")
            if plan_action_shown(m.action, user=user, lens=lens)
        ],
        open_actions=open_actions,
        updates=updates,
        officers=officers_for(meeting, person, updates, open_actions),
    )


def missing_updates(*, user: User, meeting: Meeting, people: Sequence[Person]) -> list[tuple[Person, Officer]]:
    """For the agenda: each case on it (``people``, in the order shown, whom ``user`` sees) whose
    allocated officer neither attends nor sent an update (a fixed number of queries however many
    cases). The open actions and case records are read as (person, officer) ids and each officer
    once, with their organisation: a team's ~600 open actions are not ~600 actions, users and
    organisations. Only the open actions ``user`` may see count (casework's ``plan_actions_shown``,
    as the record sheet's ``officers_for``): the owner of a hidden one is not named for it."""
    from iomhub.access.models import User

    people_ids = [p.pk for p in people]
    open_actions = plan_actions_shown(
        PlanAction.objects.filter(person_id__in=people_ids, status__in=OPEN_STATUSES), user=user, lens=lens_of(user)
    )
    attending = _attending(meeting)
    updates: dict[int, list[WrittenUpdate]] = defaultdict(list)
    for update in WrittenUpdate.objects.filter(meeting=meeting, person_id__in=people_ids):
        updates[update.person_id].append(update)
    owners: dict[int, list[int]] = defaultdict(list)  # in the actions' own order (due date, id)
    for person_id, owner_id in open_actions.values_list("person_id", "owner_id"):
        if owner_id is not None:
            owners[person_id].append(owner_id)
    leads = dict(CaseRecord.objects.filter(person_id__in=people_ids).values_list("person_id", "lead_worker_id"))
    wanted = {pk for ids in owners.values() for pk in ids} | {pk for pk in leads.values() if pk is not None}
    officers = User.objects.select_related("organisation").in_bulk(sorted(wanted))
    found = []
    for person in people:
        lead = leads.get(person.pk)
        mine = (officers[pk] for pk in owners.get(person.pk, []))
        for officer in _officers(officers[lead] if lead is not None else None, attending, updates.get(person.pk, []), mine):
            if officer.missing:
                found.append((person, officer))
    return found
