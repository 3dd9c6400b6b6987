"""The plan's actions as a reader may see them: the one filter every reader of plan actions applies
(``plan_actions_shown``, ``plan_action_shown`` for one), the plan and one action read through it,
and the agencies a reader may give an action to."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.http import Http404

from iomhub.access.models import Organisation, Section
from iomhub.access.projection import Lens, lens_of
from iomhub.casework.models import PlanAction, health_agency
from iomhub.people.models import Person
from iomhub.people.selectors import person_get_for
from iomhub.rules.numbers import NotWhole, whole_number

if TYPE_CHECKING:
    from iomhub.access.models import User


def active_organisation(raw: str | None, among: QuerySet[Organisation] | None = None) -> Organisation | None:
    """The active organisation with the id typed (a chooser's value), of ``among`` where given
    (e.g. ``agencies_for_actions``), or None for anything else."""
    found = Organisation.objects.filter(active=True) if among is None else among
    try:
        return found.filter(pk=whole_number(raw or "", minimum=1)).first()
    except NotWhole:
        return None


def agencies_for_actions(lens: Lens) -> QuerySet[Organisation]:
    """The agencies a reader may give a plan action to (the page's choice): every active one, but a
    health, mental-health or treatment agency only with the health section. An action given to one
    is health (``PlanAction.sections``): its author would not see it, and offering it would say
    whether that agency is involved in the case, which is health too (ADR 0010 §3). A worker
    without health who needs such an agency's help for someone asks the coordinator."""
    active = Organisation.objects.filter(active=True).order_by("name")
    return active if lens.sees(Section.HEALTH) else active.exclude(health_agency())


def plan_actions_shown(actions: QuerySet[PlanAction], *, user: User, lens: Lens) -> QuerySet[PlanAction]:
    """The actions of ``actions`` that ``user``, reading through ``lens``, may see: with the plan
    section, every one but those given to a health, mental-health or treatment agency, which need
    the health section too (``PlanAction.sections``, from the rule that makes that agency's
    involvement health); their own whatever the sections (the owner works for that agency).

    The one filter every reader of plan actions applies (the Plan tab and API, the dashboard, the
    meeting's pack and record sheet); ``plan_action_shown`` is the same for one action read.
    ``lens`` is the reader's for the people of ``actions`` (``lens_for``), or their
    ``sections_for`` where ``people_filter`` has decided who they see."""
    if lens.sees(Section.PLAN, Section.HEALTH):
        return actions
    own = Q(owner_id=user.pk)
    return actions.filter(~health_agency("agency__") | own) if lens.sees(Section.PLAN) else actions.filter(own)


def plan_action_shown(action: PlanAction, *, user: User, lens: Lens) -> bool:
    """``plan_actions_shown`` for one action (its agency read)."""
    return action.owner_id == user.pk or lens.sees(*action.sections)


def plan_for(*, user: User, person_id: int | str) -> list[PlanAction]:
    """The plan's actions ``user`` may see (``plan_actions_shown``)."""
    person = person_get_for(user=user, person_id=person_id, section=Section.PLAN)
    actions = PlanAction.objects.filter(person=person).select_related("agency", "owner", "need").prefetch_related("history__changed_by")
    return list(plan_actions_shown(actions, user=user, lens=lens_of(user)))


def plan_action_for(*, user: User, person: Person, action_id: int | str) -> PlanAction:
    """One of ``person``'s plan actions that ``user`` may see (the caller has authorised the
    person); 404 otherwise, for an action hidden from them as for none."""
    actions = plan_actions_shown(PlanAction.objects.filter(person=person), user=user, lens=lens_of(user))
    try:
        return actions.select_related("person", "agency").get(pk=int(action_id))
    except (PlanAction.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404("No such action") from None
