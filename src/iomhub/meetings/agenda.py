"""The agenda of a referral and operational meeting, worked out on the meeting's date from the
records themselves (seed 002 §"Purpose of the Referral and Operational Meeting"):

1. new referrals, presented by the referring agency, to adopt or reject with an initial RAG;
2. every Red and Red Alert case, discussed and RAG reviewed at each meeting;
3. Amber cases at least every three months, and every other review due by the meeting (the
   six-month minimum, then three-monthly: 000 §5.7, §6.4) - from ``cohort.selectors.reviews_due``;
4. for the people on IOM, prison releases (pre-release plan 3 months before, back on the live list
   12 weeks before), recalls and outstanding warrants - the prompts of ``justice.selectors.caseload_prompts``;
5. deregistrations a rule requires (5-year sentence, MAPPA 3) and people due to be reconsidered
   12 months before release (002 §2);
6. transfers in awaiting this meeting's decision (002 §4: "the case must be heard at the next IOM
   operational meeting").

The meeting is one local team's: it covers the people that team manages, and people with no
managing team yet (so nobody falls off every agenda). Every part is read through the selectors that
apply the access policy and audit their own searches; the agenda itself is audited as one view
listing everyone on it, and the people of the meeting's own record (their record sheets) whom the
user sees with them.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q

from iomhub.access import audit
from iomhub.access.errors import deny
from iomhub.access.models import AuditAction
from iomhub.access.policy import Action, can, people_filter
from iomhub.access.projection import lens_of
from iomhub.cohort import selectors as cohort
from iomhub.cohort.advice import required_many
from iomhub.cohort.models import Registration, Transfer, TransferStatus
from iomhub.cohort.regimes import Regime, ReviewRow
from iomhub.justice import selectors as justice
from iomhub.meetings.models import Meeting
from iomhub.meetings.pack import discussed_ids
from iomhub.people.models import Person
from iomhub.people.selectors import of_team
from iomhub.referrals.models import RagLevel, Referral
from iomhub.referrals.selectors import referral_list
from iomhub.rules import meetings as rules
from iomhub.rules.prompts import Prompt

if TYPE_CHECKING:
    from iomhub.access.models import User

RED = (RagLevel.RED_ALERT, RagLevel.RED)
# What the agenda reads of a registration and its person (the regime: dates and RAG; the page: the name).
REGISTRATION_FIELDS = ("id", "person_id", "started_on", "ended_on", "rag", "transferred_in_on", "person__first_name", "person__last_name")
# Long sentences (deregister, reconsider 12 months before release) are item 5, decided by the cohort's
# own rules for the people on IOM (which also know MAPPA level 3); item 4 keeps the other prompts.
SECTION_5_PROMPTS = frozenset({"deregister", "reconsider"})


@dataclass(frozen=True)
class Agenda:
    meeting: Meeting
    referrals: list[Referral]
    red: list[tuple[Registration, Regime]]
    reviews: list[ReviewRow]
    prompts: list[tuple[Person, Prompt]]
    deregistration_required: list[tuple[Registration, list[str]]]
    reregistration: list[tuple[Registration, datetime.date]]
    transfers_in: list[Transfer]
    circulate_by: rules.Deadline
    written_update_due: rules.Deadline
    # The people the meeting's own record names (a record sheet, decision, action or written update)
    # whom the user sees: their record sheets are listed beside the cases on the agenda.
    discussed: frozenset[int] = frozenset()

    @property
    def as_of(self) -> datetime.date:
        return self.meeting.held_on

    @property
    def people(self) -> set[int]:
        ids = {r.person_id for r in self.referrals if r.person_id is not None}
        ids |= {r.person_id for r, _ in self.red} | {row.registration.person_id for row in self.reviews}
        ids |= {p.pk for p, _ in self.prompts} | {r.person_id for r, _ in self.deregistration_required}
        ids |= {r.person_id for r, _ in self.reregistration} | {t.person_id for t in self.transfers_in}
        return ids


def agenda_for(*, user: User, meeting: Meeting) -> Agenda:
    """The agenda of ``meeting`` as ``user`` may see it (the coordinator or chair, who agree it: 002 §2).

    The team's current registrations whose person ``user`` sees are read once, and the regime of each
    worked out once (``cohort.dashboard_regimes``, audited as ``reviews_due``): the Red cases and the
    reviews due both come from it, and the deregistrations required from the justice record alone
    (``advice.required_many``: the agenda shows no suggested rule, so the timeline is not read for
    them). A fixed number of queries however many cases (tests/meetings/test_agenda_queries.py)."""
    day = meeting.held_on
    # The team's current registrations whose person the user sees (the policy's filter, in the same
    # query), each read as the agenda shows it: regimes and rules read the dates and RAG only.
    team_people = Person.objects.filter(of_team(meeting.team_id), people_filter(user))
    current = list(
        Registration.objects.filter(ended_on__isnull=True, started_on__lte=day, person__in=team_people.values("pk"))
        .select_related("person")
        .only(*REGISTRATION_FIELDS)
        .order_by("person__last_name", "person__first_name", "pk")
    )
    # Every regime once (as the user's sections allow), not read and checked again (visible=True).
    regimes, due = cohort.dashboard_regimes(user=user, registrations=current, as_of=day, within_days=0, visible=True)
    reviews = [row for row in due if row.registration.rag not in RED]
    visible_red = [(r, regimes[r.pk]) for r in current if r.rag in RED]
    required = _deregistrations_required(user, current, day)

    people = {r.person_id: r.person for r in current}
    prompts: list[tuple[Person, Prompt]] = []
    if justice.can_see_justice_at_all(user):
        prompts = [
            (people[p.person_id], p.prompt)
            for p in justice.caseload_prompts(user=user, as_of=day, person_ids=people)
            if p.person_id in people and p.prompt.code not in SECTION_5_PROMPTS
        ]

    # The team's referrals: of someone not yet on IOM Hub, or of a person of the team or of none yet.
    team_referrals = Q(person__isnull=True) | of_team(meeting.team_id, "person__")
    referrals = referral_list(user=user, status=Referral.Status.SUBMITTED, listed=False, within=team_referrals)
    reregistration = [
        (r, release)
        for r, release in cohort.reregistration_reminders(user=user, as_of=day, listed=False, within=of_team(meeting.team_id, "person__"))
    ]
    transfers_in = [
        t for t in cohort.transfer_list(user=user, listed=False) if t.status == TransferStatus.PROPOSED and t.to_team_id == meeting.team_id
    ]
    agenda = Agenda(
        meeting=meeting,
        referrals=referrals,
        red=visible_red,
        reviews=reviews,
        prompts=prompts,
        deregistration_required=required,
        reregistration=reregistration,
        transfers_in=transfers_in,
        circulate_by=rules.circulate_plans_by(held_on=day),
        written_update_due=rules.written_update_due(held_on=day),
        discussed=frozenset(
            Person.objects.filter(people_filter(user), pk__in=sorted(discussed_ids(meeting, user=user))).values_list("pk", flat=True)
        ),
    )
    shown = sorted(agenda.people | agenda.discussed)
    audit.record_shown(
        actor=user,
        action=AuditAction.VIEW,
        person_ids=shown,
        object_type="meeting-agenda",
        object_id=meeting.pk,
        changes={"as_of": day, "people": shown},
    )
    return agenda


def _deregistrations_required(user: User, current: list[Registration], day: datetime.date) -> list[tuple[Registration, list[str]]]:
    """``cohort.deregistrations_required`` for the registrations the user sees: the required rules
    only (a long custodial sentence, MAPPA level 3), from the justice record where it is shared;
    audited as the same search (the agenda lists the people itself)."""
    if not can(user, Action.COHORT_MANAGE):
        deny(user=user, action=Action.COHORT_MANAGE, reason="coordinator or chair", object_type="registration")
    required = required_many(current, day, lens=lens_of(user))
    rows = [(r, required[r.pk]) for r in current if required[r.pk]]
    audit.record_shown(
        actor=user,
        person_ids=[],
        object_type="registration",
        changes={"purpose": "deregistration required", "as_of": day, "results": [r.person_id for r, _ in rows]},
    )
    return rows
