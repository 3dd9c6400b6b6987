"""The case (who is on it, the agencies involved, its history) and the needs assessments: each read
authorised by the one policy and audited; and the case's readers for the apps below casework
(``involved_with``, ``agencies_involved_by_name``), installed by ``CaseworkConfig.ready``."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.http import Http404

from iomhub.access.errors import deny
from iomhub.access.models import Section
from iomhub.access.policy import Action, can, decide
from iomhub.access.projection import lens_for, section_of
from iomhub.access.refusals import require_person_change
from iomhub.casework.models import RAG_SCORE, AgencyInvolvement, CaseChange, CaseRecord, PathwayAssessment
from iomhub.people import selectors as people_selectors
from iomhub.people.models import Person
from iomhub.people.selectors import person_get_for
from iomhub.rules.casework import first_and_latest_change

if TYPE_CHECKING:
    from iomhub.access.models import User


@dataclass
class CaseView:
    person: Person
    record: CaseRecord | None
    involvements: list[AgencyInvolvement] = field(default_factory=list)
    history: list[CaseChange] = field(default_factory=list)
    may_manage: bool = False
    may_change: bool = False
    safeguarding_shared: bool = False

    @property
    def version(self) -> int:
        return self.record.version if self.record else 1


def case_for(*, user: User, person_id: int | str) -> CaseView:
    """Who is on the case, the agencies with their contacts, safeguarding, and the history
    (section ``plan``; refused and audited like any other section)."""
    person = person_get_for(user=user, person_id=person_id, section=Section.PLAN)
    record = CaseRecord.objects.select_related("lead_worker", "coordinator").filter(person=person).first()
    lens = lens_for(user, person)
    involvements = (
        AgencyInvolvement.objects.filter(person=person)
        .select_related("organisation")
        .prefetch_related("contacts")
        .order_by("ended_on", "organisation__name")
    )
    history = CaseChange.objects.filter(case=record).select_related("changed_by") if record else []
    return CaseView(
        person=person,
        record=record,
        # Projected (issue 9 finding 9): a health agency's involvement only with the health section,
        # safeguarding and its history only with the safeguarding section.
        involvements=[i for i in involvements if lens.sees(i.section)],
        history=[h for h in history if lens.sees(section_of(CaseRecord, h.field))],
        safeguarding_shared=lens.sees(Section.SAFEGUARDING),
        may_manage=can(user, Action.PERSON_CHANGE, person, section=Section.PLAN) and can(user, Action.COHORT_MANAGE),
        may_change=can(user, Action.PERSON_CHANGE, person, section=Section.PLAN),
    )


def agencies_involved(*, person: Person) -> list[AgencyInvolvement]:
    """The agencies involved in ``person``'s case now (the caller has authorised the person): the
    choice of who keeps supporting them under an exit plan."""
    return list(
        AgencyInvolvement.objects.filter(person=person, ended_on__isnull=True).select_related("organisation").order_by("organisation__name")
    )


def agencies_involved_by_name(*, person: Person) -> list[tuple[int, str]]:
    """``agencies_involved`` as (organisation id, name): the exit plan's choice on the deregistration
    page (installed in ``cohort.agencies`` by ``CaseworkConfig.ready``)."""
    return [(i.organisation_id, i.organisation.name) for i in agencies_involved(person=person)]


def involved_with(organisation_id: int) -> QuerySet[AgencyInvolvement, int]:
    """The people ``organisation_id`` is involved with now, as ``person_id`` values: the policy's
    reader of involvements (installed in ``access.subjects`` by ``CaseworkConfig.ready``)."""
    return AgencyInvolvement.objects.filter(organisation_id=organisation_id, ended_on__isnull=True).values_list("person_id", flat=True)


def case_record_or_new(*, person: Person) -> CaseRecord:
    """``person``'s case record, or a new one not stored until saved (the caller has authorised the person)."""
    return CaseRecord.objects.filter(person=person).first() or CaseRecord(person=person)


def leads_case(*, person: Person, user: User) -> bool:
    """Whether ``user`` is ``person``'s lead worker (the caller has authorised the person)."""
    return CaseRecord.objects.filter(person=person, lead_worker=user).exists()


def involvement_for(*, person: Person, involvement_id: int | str) -> AgencyInvolvement:
    """One of ``person``'s agency involvements (the caller has authorised the person); 404 otherwise."""
    try:
        return AgencyInvolvement.objects.select_related("organisation", "person").get(pk=int(involvement_id), person=person)
    except (AgencyInvolvement.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404("No such agency") from None


def person_for_change(*, user: User, person_id: int | str, section: str, manage: bool = False) -> Person:
    """The person, if ``user`` may change ``section`` (and manage the case); refused (audited)
    before any form is shown. The read is audited as a view of ``section``.

    Without ``manage`` this is ``people.selectors.person_for_change``. With it, the manage check
    falls between the change check and the audited read (a refused manager is not recorded as having
    viewed the record), so the same steps are taken here with the manage refusal in between."""
    if not manage:
        return people_selectors.person_for_change(user=user, person_id=person_id, section=section)
    person = person_get_for(user=user, person_id=person_id, audit_read=False)
    require_person_change(user, person, section)
    decision = decide(user, Action.COHORT_MANAGE)
    if not decision:
        deny(user=user, action=Action.PERSON_CHANGE, reason=decision.reason, object_type="person", object_id=person.pk, person_id=person.pk)
    return person_get_for(user=user, person_id=person_id, section=section)


@dataclass(frozen=True)
class PathwayChange:
    pathway: str
    first: int
    latest: int
    change: int


def assessments_for(*, user: User, person_id: int | str) -> tuple[Person, list[PathwayAssessment], list[PathwayChange]]:
    """The pathway needs assessments, newest first, and each pathway's first-to-latest change."""
    person = person_get_for(user=user, person_id=person_id, section=Section.ASSESSMENTS)
    assessments = list(PathwayAssessment.objects.filter(person=person).prefetch_related("needs"))
    return person, assessments, pathway_changes(assessments)


def pathway_changes(assessments: list[PathwayAssessment]) -> list[PathwayChange]:
    by_pathway: dict[str, list[tuple[datetime.date, int]]] = {}
    for a in assessments:
        for n in a.needs.all():
            by_pathway.setdefault(n.pathway, []).append((a.assessed_on, RAG_SCORE[n.rag]))  # type: ignore[index]
    changes = []
    for pathway, ratings in by_pathway.items():
        found = first_and_latest_change(ratings)
        if found:
            changes.append(PathwayChange(pathway, *found))
    return changes
