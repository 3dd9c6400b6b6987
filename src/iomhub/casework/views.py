"""The person's Timeline, Plan and Assessments tabs and the pages that change them. Thin: parse,
call a selector or service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from iomhub import clock
from iomhub.access.http import AuthedRequest
from iomhub.access.models import Organisation, Section
from iomhub.access.policy import Action, can, sees_intelligence
from iomhub.access.projection import lens_for
from iomhub.access.routes import guarded
from iomhub.casework import forms, selectors, services
from iomhub.casework import plan as plan_actions
from iomhub.casework.models import EntryKind, EntryOutcome
from iomhub.people.models import Person
from iomhub.people.pages import person_context
from iomhub.referrals.models import Pathway
from iomhub.web.forms import GovukForm, apply_errors, saved

PATHWAY_LABELS = dict(Pathway.choices)


def _context(request: AuthedRequest, person: Person, tab: str) -> dict[str, Any]:
    return person_context(request, person, tab)


def _person_for_change(request: AuthedRequest, person_id: int, section: str, *, manage: bool = False) -> Person:
    return selectors.person_for_change(user=request.user, person_id=person_id, section=section, manage=manage)


def _form_page(request: AuthedRequest, person: Person, form: GovukForm, title: str, back: str, status: int = 200) -> HttpResponse:
    return render(
        request,
        "web/form_page.html",
        {"form": form, "title": f"{title} for {person.full_name}", "person": person, "back": f"/people/{person.pk}/{back}/"},
        status=status,
    )


# ---------------------------------------------------------------- the Plan tab


@guarded(Action.PERSON_VIEW, personal_data=True)
@require_http_methods(["GET"])
def plan(request: AuthedRequest, person_id: int) -> HttpResponse:
    case = selectors.case_for(user=request.user, person_id=person_id)
    actions = selectors.plan_for(user=request.user, person_id=person_id)
    ctx = _context(request, case.person, "plan")
    today = clock.today()
    ctx.update(case=case, actions=actions, today=today, pathway_labels=PATHWAY_LABELS)
    return render(request, "casework/plan.html", ctx)


def _version(request: AuthedRequest) -> int:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return -1


@guarded(Action.PERSON_CHANGE, personal_data=True)
@require_http_methods(["GET", "POST"])
def case_people(request: AuthedRequest, person_id: int) -> HttpResponse:
    person = _person_for_change(request, person_id, Section.PLAN, manage=True)
    record = selectors.case_record_or_new(person=person)
    initial = {"lead_worker": record.lead_worker_id, "coordinator": record.coordinator_id, "version": record.version}
    form = forms.CasePeopleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_people_set(
                acting_user=request.user,
                person=person,
                lead_worker=form.cleaned_data["lead_worker"],
                coordinator=form.cleaned_data["coordinator"],
                reason=form.cleaned_data["reason"],
                version=form.cleaned_data["version"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "People on the case updated")
            return redirect("people:casework:plan", person_id=person.pk)
    return _form_page(request, person, form, "People on the case", "plan")


@guarded(Action.PERSON_CHANGE, personal_data=True)
@require_http_methods(["GET", "POST"])
def safeguarding(request: AuthedRequest, person_id: int) -> HttpResponse:
    person = _person_for_change(request, person_id, Section.SAFEGUARDING)
    record = selectors.case_record_or_new(person=person)
    initial = {
        "parental_status": record.parental_status,
        "lives_with_children": record.lives_with_children,
        "safeguarding": record.safeguarding,
        "notes": record.safeguarding_notes,
        "version": record.version,
    }
    form = forms.SafeguardingForm(request.POST or None, initial=initial)
    if saved(
        request,
        form,
        lambda data: services.safeguarding_set(acting_user=request.user, person=person, **data),
        "Safeguarding and parental status saved",
    ):
        return redirect("people:casework:plan", person_id=person.pk)
    return _form_page(request, person, form, "Safeguarding and parental status", "plan")


@guarded(Action.PERSON_CHANGE, personal_data=True)
@require_http_methods(["GET", "POST"])
def agency_new(request: AuthedRequest, person_id: int) -> HttpResponse:
    person = _person_for_change(request, person_id, Section.PLAN, manage=True)
    form = forms.AgencyForm(request.POST or None)
    if saved(
        request, form, lambda data: services.agency_involve(acting_user=request.user, person=person, **data), "Agency added to the case"
    ):
        return redirect("people:casework:plan", person_id=person.pk)
    return _form_page(request, person, form, "Add an agency", "plan")


@guarded(Action.PERSON_CHANGE, personal_data=True)
@require_http_methods(["GET", "POST"])
def contact_new(request: AuthedRequest, person_id: int, involvement_id: int) -> HttpResponse:
    person = _person_for_change(request, person_id, Section.PLAN, manage=True)
    involvement = selectors.involvement_for(person=person, involvement_id=involvement_id)
    form = forms.AgencyContactForm(request.POST or None)
    if saved(
        request, form, lambda data: services.agency_contact_add(acting_user=request.user, involvement=involvement, **data), "Contact added"
    ):
        return redirect("people:casework:plan", person_id=person.pk)
    return _form_page(request, person, form, f"Add a contact at {involvement.organisation}", "plan")


@guarded(Action.PERSON_CHANGE, personal_data=True)
@require_http_methods(["GET", "POST"])
def agency_end(request: AuthedRequest, person_id: int, involvement_id: int) -> HttpResponse:
    person = _person_for_change(request, person_id, Section.PLAN, manage=True)
    involvement = selectors.involvement_for(person=person, involvement_id=involvement_id)
    form = forms.AgencyEndForm(request.POST or None, initial={"ended_on": clock.today()})
    if saved(
        request,
        form,
        lambda data: services.agency_end(acting_user=request.user, involvement=involvement, **data),
        f"{involvement.organisation}'s involvement ended: its partner workers no longer see this person",
    ):
        return redirect("people:casework:plan", person_id=person.pk)
    return _form_page(request, person, form, f"End the involvement of {involvement.organisation}", "plan")


def _chosen_agency(request: AuthedRequest, offered: QuerySet[Organisation]) -> Organisation | None:
    raw = request.POST.get("agency") if request.method == "POST" else request.GET.get("agency")
    return selectors.active_organisation(raw, among=offered)


@guarded(Action.PERSON_CHANGE, personal_data=True)
@require_http_methods(["GET", "POST"])
def action_new(request: AuthedRequest, person_id: int) -> HttpResponse:
    """A new plan action in up to three steps (issue 18 §3): the agency responsible; the action and
    the worker of that agency responsible for it; and, for an agency not involved in the case, the
    offer to involve it (the coordinator or chair, under a sharing agreement in force)."""
    person = _person_for_change(request, person_id, Section.PLAN)
    lens = lens_for(request.user, person)
    # A health agency is not offered to a reader without health, nor taken from the address: its
    # ``?agency=`` reads as an agency not on the list, whether or not it is involved (ADR 0010 §3).
    offered = selectors.agencies_for_actions(lens)
    agency = _chosen_agency(request, offered)
    if agency is None:
        chooser = forms.ActionAgencyForm(request.GET if "agency" in request.GET or request.method == "POST" else None, agencies=offered)
        if chooser.is_bound:
            chooser.is_valid()
        return render(request, "casework/action_agency.html", {"form": chooser, "person": person})
    involved = plan_actions.agency_involved(person, agency)  # an agency offered: its involvement is one the reader sees
    form = forms.PlanActionForm(
        request.POST or None,
        person=person,
        needs_shared=lens.sees(Section.ASSESSMENTS),
        agency=agency,
        agencies=offered,
        initial={"agency": agency.pk},
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        involve = data.pop("involve") or request.POST.get("involve", "")
        offer = not involved and can(request.user, Action.COHORT_MANAGE) and plan_actions.involvable(agency)
        if offer and involve not in ("yes", "no"):
            problems = plan_actions.plan_action_problems(acting_user=request.user, person=person, involve_agency=True, **data)
            if not problems:
                return _involve_step(request, person, agency, form)
            apply_errors(form, ValidationError(problems), aliases={"agency": "-"})
            return render(request, "casework/action_form.html", {"form": form, "person": person, "agency": agency, "involved": involved})
        try:
            services.plan_action_add(acting_user=request.user, person=person, involve_agency=involve == "yes", **data)
        except ValidationError as exc:
            apply_errors(form, exc, aliases={"agency": "-"})
        else:
            done = f"Action added to the plan{f' and {agency.name} involved in the case' if involve == 'yes' else ''}"
            messages.success(request, done)
            return redirect("people:casework:plan", person_id=person.pk)
    ctx = {"form": form, "person": person, "agency": agency, "involved": involved}
    return render(request, "casework/action_form.html", ctx)


def _involve_step(request: AuthedRequest, person: Person, agency: Organisation, action_form: GovukForm) -> HttpResponse:
    """Ask whether to involve ``agency``, carrying the action's answers as they were typed."""
    confirming = request.POST.get("confirming") == "1"
    form = forms.InvolveAgencyForm(request.POST if confirming else None)
    form.fields["involve"].label = f"Involve {agency.name} in this case?"
    form.fields["involve"].error_messages["required"] = f"Select whether to involve {agency.name} in this case"
    if confirming:
        form.is_valid()
    carried = [(k, v) for k in request.POST for v in request.POST.getlist(k) if k not in ("csrfmiddlewaretoken", "involve", "confirming")]
    owner = action_form.cleaned_data.get("owner")
    ctx = {"form": form, "person": person, "agency": agency, "carried": carried, "owner": owner.get_full_name() if owner else ""}
    return render(request, "casework/action_involve.html", ctx)


@guarded(Action.PERSON_CHANGE, personal_data=True)
@require_http_methods(["GET", "POST"])
def action_update(request: AuthedRequest, person_id: int, action_id: int) -> HttpResponse:
    person = _person_for_change(request, person_id, Section.PLAN)
    action = selectors.plan_action_for(user=request.user, person=person, action_id=action_id)
    form = forms.PlanActionStatusForm(request.POST or None, initial={"status": action.status, "version": action.version})
    if saved(request, form, lambda data: services.plan_action_update(acting_user=request.user, action=action, **data), "Action updated"):
        return redirect("people:casework:plan", person_id=person.pk)
    return _form_page(request, person, form, f"Update the action \u201c{action}\u201d", "plan")


# ---------------------------------------------------------------- the Assessments tab


@guarded(Action.PERSON_VIEW, personal_data=True)
@require_http_methods(["GET"])
def assessments(request: AuthedRequest, person_id: int) -> HttpResponse:
    person, found, changes = selectors.assessments_for(user=request.user, person_id=person_id)
    ctx = _context(request, person, "assessments")
    ctx.update(
        assessments=found,
        changes=changes,
        pathway_labels=PATHWAY_LABELS,
        rag_labels={3: "Red", 2: "Amber", 1: "Green"},
        may_change=can(request.user, Action.PERSON_CHANGE, person, section=Section.ASSESSMENTS),
    )
    return render(request, "casework/assessments.html", ctx)


@guarded(Action.PERSON_CHANGE, personal_data=True)
@require_http_methods(["GET", "POST"])
def assessment_new(request: AuthedRequest, person_id: int) -> HttpResponse:
    person = _person_for_change(request, person_id, Section.ASSESSMENTS)
    form = forms.PathwayAssessmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.pathway_assessment_record(
                acting_user=request.user, person=person, assessed_on=form.cleaned_data["assessed_on"], ratings=form.ratings()
            )
        except ValidationError as exc:
            apply_errors(form, _flatten(exc))
        else:
            messages.success(request, "Pathway assessment recorded")
            return redirect("people:casework:assessments", person_id=person.pk)
    return _form_page(request, person, form, "Assess needs on the pathways", "assessments")


def _flatten(exc: ValidationError) -> ValidationError:
    """``health.rag`` from the service is ``health-rag`` on the form."""
    return ValidationError({k.replace(".", "-"): v for k, v in exc.message_dict.items()}) if hasattr(exc, "error_dict") else exc


# ---------------------------------------------------------------- the Timeline tab


@guarded(Action.PERSON_VIEW, personal_data=True)
@require_http_methods(["GET"])
def timeline(request: AuthedRequest, person_id: int) -> HttpResponse:
    kinds = [k for k in request.GET.getlist("kind") if k in EntryKind.values]
    person, entries = selectors.timeline_for(user=request.user, person_id=person_id, kinds=kinds or None)
    ctx = _context(request, person, "timeline")
    intelligence = sees_intelligence(request.user)
    ctx.update(
        entries=entries,
        kinds=[(v, label, v in kinds) for v, label in EntryKind.choices if intelligence or v != EntryKind.INTELLIGENCE],
        filtered=bool(kinds),
        today=clock.today(),
        booked=EntryOutcome.BOOKED,
        may_change=can(request.user, Action.PERSON_CHANGE, person, section=Section.TIMELINE),
    )
    return render(request, "casework/timeline.html", ctx)


@guarded(Action.PERSON_CHANGE, personal_data=True)
@require_http_methods(["GET", "POST"])
def entry_new(request: AuthedRequest, person_id: int) -> HttpResponse:
    person = _person_for_change(request, person_id, Section.TIMELINE)
    # "Record a home visit" on the person's page chooses the kind by the tap (issue 18 §5); the form
    # itself still chooses nothing in advance (issue 18 §6).
    kind = request.GET.get("kind", "")
    form = forms.TimelineEntryForm(
        request.POST or None,
        intelligence=sees_intelligence(request.user),
        initial={
            "force_number": selectors.own_force_number(request.user),
            "kind": kind if kind in EntryKind.values and kind != EntryKind.INTELLIGENCE else "",
        },
    )
    if saved(
        request, form, lambda data: services.timeline_record(acting_user=request.user, person=person, **data), "Added to the timeline"
    ):
        return redirect("people:casework:timeline", person_id=person.pk)
    return _form_page(request, person, form, "Add to the timeline", "timeline")


@guarded(Action.PERSON_CHANGE, personal_data=True)
@require_http_methods(["GET", "POST"])
def entry_outcome(request: AuthedRequest, person_id: int, entry_id: int) -> HttpResponse:
    person = _person_for_change(request, person_id, Section.TIMELINE)
    entry = selectors.timeline_entry_for(user=request.user, person=person, entry_id=entry_id)
    form = forms.AppointmentOutcomeForm(request.POST or None)
    if saved(request, form, lambda data: services.appointment_outcome(acting_user=request.user, entry=entry, **data), "Outcome recorded"):
        return redirect("people:casework:timeline", person_id=person.pk)
    return _form_page(request, person, form, f"What happened at the {entry.get_kind_display().lower()}", "timeline")


@guarded(Action.PERSON_SEARCH, personal_data=True)
@require_http_methods(["GET"])
def caseload(request: AuthedRequest) -> HttpResponse:
    """My caseload (a worker) or the team dashboard (coordinator, chair): issue 6 §6."""
    from iomhub.casework.dashboard import LIST_LIMIT, cases_page
    from iomhub.casework.dashboard import caseload as build

    found = build(user=request.user)
    # Each list shows its first LIST_LIMIT rows (the counts above are of all); ?all=1 shows every row.
    everything = request.GET.get("all") == "1"
    context = {"caseload": found, "page": cases_page(found, request.GET.get("page")), "list_limit": LIST_LIMIT}
    return render(request, "casework/caseload.html", {**context, "limit": ":" if everything else f":{LIST_LIMIT}"})
