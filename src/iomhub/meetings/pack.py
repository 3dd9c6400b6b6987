"""The minutes and updated plans of a meeting as one reader may see them (ADR 0020, 0010): every case
discussed, projected through ``lens_for(reader, person)``. A case the reader may not see is left out
altogether (not counted, not named); within a case each part is shown only where its section is
shared: the record sheet's situation and interventions and the decisions and actions are the plan
(an action given to a health agency health as well), the risk factors an assessment, the written updates the running record (timeline). The same pack
is the coordinator's minutes, an attendee's copy and the PDF."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from iomhub.access import audit
from iomhub.access.errors import deny
from iomhub.access.models import AuditAction
from iomhub.access.policy import Action, decide, in_team_scope
from iomhub.access.projection import Lens, lens_for, lens_of, section_of
from iomhub.access.refusals import get_or_deny
from iomhub.casework.models import OPEN_STATUSES, PlanAction
from iomhub.casework.selectors import plan_action_shown, plan_actions_shown
from iomhub.cohort.models import Registration
from iomhub.meetings.models import CaseSheet, Meeting, MeetingAction, MeetingDecision, WrittenUpdate
from iomhub.people.models import Person

if TYPE_CHECKING:
    from iomhub.access.models import User


@dataclass
class CasePack:
    person: Person
    lens: Lens
    rag: str | None = None
    sheet: dict[str, str] = field(default_factory=dict)  # the sheet's fields the reader may see
    decisions: list[MeetingDecision] = field(default_factory=list)
    actions: list[MeetingAction] = field(default_factory=list)
    plan: list[PlanAction] = field(default_factory=list)  # the updated plan: every open action
    updates: list[WrittenUpdate] | None = None  # None: the running record is not shared with the reader


@dataclass
class Pack:
    meeting: Meeting
    reader: User
    cases: list[CasePack]
    referral_decisions: list[MeetingDecision]  # decisions on referrals of someone not on record


def may_read(user: User, meeting: Meeting) -> None:
    """The coordinator and chair of the team at any time; an attendee with an account once it closed."""
    manages = decide(user, Action.COHORT_MANAGE) and in_team_scope(user, meeting.team_id)
    attended = meeting.closed_at is not None and meeting.attendees.filter(user=user).exists()
    if not (manages or attended or (meeting.closed_at is not None and meeting.chair_id == user.pk)):
        deny(
            user=user,
            action=Action.PERSON_VIEW,
            reason="not at this meeting",
            object_type="meeting-pack",
            object_id=meeting.pk,
            not_found=True,
        )


def pack_get(*, user: User, meeting_id: int | str) -> Meeting:
    meeting = get_or_deny(
        Meeting.objects.select_related("team", "chair"),
        meeting_id,
        user=user,
        action=Action.PERSON_VIEW,
        reason="no such meeting",
        object_type="meeting-pack",
    )
    may_read(user, meeting)
    return meeting


def _case(user: User, meeting: Meeting, person: Person) -> CasePack | None:
    lens = lens_for(user, person)
    if not lens.sees(section_of(Person, "last_name")):
        return None
    case = CasePack(person=person, lens=lens)
    sheet = CaseSheet.objects.filter(meeting=meeting, person=person).first()
    if sheet is not None:
        case.sheet = {
            f: getattr(sheet, f) for f in ("current_situation", "risk_factors", "interventions") if lens.sees(section_of(CaseSheet, f))
        }
    if lens.sees(section_of(MeetingDecision, "summary")):
        case.decisions = list(MeetingDecision.objects.filter(meeting=meeting, person=person))
        registration = Registration.objects.filter(person=person).order_by("-started_on", "-pk").first()
        case.rag = registration.get_rag_display() if registration and registration.ended_on is None else None
    if lens.sees(section_of(MeetingAction, "outcome")):
        # Only the actions the reader may see: one given to a health agency is health (casework's
        # ``plan_actions_shown``), left out, not counted, for an attendee without it.
        recorded = MeetingAction.objects.filter(meeting=meeting, action__person=person).select_related("action__agency", "action__owner")
        case.actions = [m for m in recorded if plan_action_shown(m.action, user=user, lens=lens)]
        open_actions = PlanAction.objects.filter(person=person, status__in=OPEN_STATUSES).select_related("agency")
        case.plan = list(plan_actions_shown(open_actions, user=user, lens=lens))
    if lens.sees(section_of(WrittenUpdate, "text")):
        case.updates = list(WrittenUpdate.objects.filter(meeting=meeting, person=person))
    return case


def discussed_ids(meeting: Meeting, *, user: User) -> set[int]:
    """The ids of the people the meeting's record names as ``user`` may read it: a record sheet, a
    decision, an action or a written update, each only where its section is the reader's (an action
    only through casework's ``plan_actions_shown``: one given to a health agency needs health). A
    person named only by a record hidden from the reader is not a case discussed for them: being
    named is a fact of that record. Who the reader sees is the caller's (``lens_for``, ``people_filter``)."""
    lens = lens_of(user)
    ids: set[int] = set()
    if lens.sees(section_of(CaseSheet, "current_situation")):
        ids |= set(CaseSheet.objects.filter(meeting=meeting).values_list("person_id", flat=True))
    if lens.sees(section_of(MeetingDecision, "summary")):
        ids |= set(MeetingDecision.objects.filter(meeting=meeting, person__isnull=False).values_list("person_id", flat=True))
    if lens.sees(section_of(MeetingAction, "outcome")):
        actions = plan_actions_shown(PlanAction.objects.filter(meeting_records__meeting=meeting), user=user, lens=lens)
        ids |= set(actions.values_list("person_id", flat=True))
    if lens.sees(section_of(WrittenUpdate, "text")):
        ids |= set(WrittenUpdate.objects.filter(meeting=meeting).values_list("person_id", flat=True))
    return ids


def discussed(meeting: Meeting, *, user: User) -> list[Person]:
    return list(Person.objects.filter(pk__in=discussed_ids(meeting, user=user)).order_by("last_name", "first_name", "pk"))


def pack_for(*, user: User, meeting: Meeting) -> Pack:
    """The pack as ``user`` may see it, audited as one view listing each case shown."""
    may_read(user, meeting)
    cases = [c for c in (_case(user, meeting, p) for p in discussed(meeting, user=user)) if c is not None]
    oversight = decide(user, Action.COHORT_MANAGE) and in_team_scope(user, meeting.team_id)
    unrecorded = list(MeetingDecision.objects.filter(meeting=meeting, person__isnull=True)) if oversight else []
    shown = sorted(c.person.pk for c in cases)
    audit.record_shown(
        actor=user, action=AuditAction.VIEW, person_ids=shown, object_type="meeting-pack", object_id=meeting.pk, changes={"people": shown}
    )
    return Pack(meeting=meeting, reader=user, cases=cases, referral_decisions=unrecorded)


def meetings_of(*, user: User, person: Person) -> list[Meeting]:
    """The meetings that discussed ``person``, for their page: a fact from the record sheet and
    decisions (the plan section), so only to a reader who sees the person's plan (ADR 0010)."""
    lens = lens_for(user, person)
    if not lens.sees(section_of(MeetingDecision, "summary")):
        return []
    ids = set(CaseSheet.objects.filter(person=person).values_list("meeting_id", flat=True))
    ids |= set(MeetingDecision.objects.filter(person=person).values_list("meeting_id", flat=True))
    # Only the actions the reader may see (``plan_actions_shown``): a meeting that dealt with the
    # person only through a health agency's action did not discuss them for a reader without health.
    shown = plan_actions_shown(PlanAction.objects.filter(person=person), user=user, lens=lens)
    ids |= set(MeetingAction.objects.filter(action__in=shown).values_list("meeting_id", flat=True))
    return list(Meeting.objects.filter(pk__in=ids).select_related("team").order_by("-held_on", "-pk"))
