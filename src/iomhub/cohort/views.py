"""The coordinator's cohort pages: registrations with administration outstanding, and recording it."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from iomhub import clock
from iomhub.access.errors import deny
from iomhub.access.http import AuthedRequest
from iomhub.access.models import Section
from iomhub.access.policy import Action, can, decide
from iomhub.access.projection import lens_for
from iomhub.access.routes import guarded
from iomhub.cohort import agencies, selectors, services
from iomhub.cohort.forms import (
    STEP_FORMS,
    STEP_TITLES,
    AsOfForm,
    ChecklistForm,
    CircumstancesForm,
    DeregistrationForm,
    RagChangeForm,
    RemovalForm,
    ReviewForm,
    TeamPostcodesForm,
    TransferForm,
    step_data,
)
from iomhub.cohort.models import Transfer, TransferKind
from iomhub.cohort.screening import own_sections_shared
from iomhub.people import selectors as people_selectors
from iomhub.web.forms import GovukForm

if TYPE_CHECKING:
    from iomhub.people.models import Person


@guarded(Action.COHORT_MANAGE, personal_data=True)
@require_http_methods(["GET"])
def outstanding(request: AuthedRequest) -> HttpResponse:
    registrations = selectors.outstanding_checklist(user=request.user)
    removals = selectors.outstanding_removals(user=request.user)
    reminders = selectors.reregistration_reminders(user=request.user, as_of=clock.today())
    required = selectors.deregistrations_required(user=request.user, as_of=clock.today())
    return render(
        request,
        "cohort/outstanding.html",
        {"registrations": registrations, "removals": removals, "reminders": reminders, "required": required},
    )


@guarded(Action.COHORT_MANAGE, personal_data=True)
@require_http_methods(["GET", "POST"])
def checklist(request: AuthedRequest, registration_id: int) -> HttpResponse:
    registration = selectors.registration_get_for_management(user=request.user, registration_id=registration_id)
    form = ChecklistForm(request.POST or None, initial={"item": request.GET.get("item", "")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.checklist_record(
                acting_user=request.user,
                registration=registration,
                item=data["item"],
                done_on=data["done_on"],
                done_by=data["done_by"],
                not_applicable=data["not_applicable"],
            )
        except ValidationError as exc:
            for name, errors in exc.message_dict.items():
                for message in errors:
                    form.add_error(name if name in form.fields else None, message)
        else:
            messages.success(request, "Administration recorded")
            return redirect("people:summary", person_id=registration.person_id)
    return render(
        request,
        "cohort/checklist.html",
        {"form": form, "registration": registration, "entries": list(registration.checklist.all()), "person": registration.person},
    )


def _as_of(request: AuthedRequest) -> tuple[AsOfForm, datetime.date]:
    form = AsOfForm(request.GET or None)
    as_of = clock.today()
    if form.is_bound and form.is_valid() and form.cleaned_data["as_of"]:
        as_of = form.cleaned_data["as_of"]
    return form, as_of


@guarded(Action.PERSON_VIEW, personal_data=True)
@require_http_methods(["GET"])
def screening(request: AuthedRequest, person_id: int) -> HttpResponse:
    """Eligibility for IOM on a date, each criterion met with its evidence (000 §5.7, 003, 002 §4)."""
    person = people_selectors.person_get_for(user=request.user, person_id=person_id, section=Section.JUSTICE, audit_read=False)
    form, as_of = _as_of(request)
    result = None
    if not form.errors:
        if as_of < person.date_of_birth:
            form.add_error("as_of", "Screen as at must be on or after the person's date of birth")
        else:
            result = selectors.screening_for_person(user=request.user, person=person, as_of=as_of)
    if result is None:
        # The error page still shows who the person is: that read is audited like any other (issue 9 finding 16).
        people_selectors.person_get_for(user=request.user, person_id=person.pk, section=Section.JUSTICE)
    # Which facts beyond the justice record the reader's sections let screening read (the rest are not screened).
    shared = own_sections_shared(request.user)
    context = {"person": person, "form": form, "as_of": as_of, "screening": result, "plan_shared": shared[Section.PLAN]}
    return render(request, "cohort/screening.html", {**context, "contact_shared": shared[Section.CONTACT]})


@guarded(Action.COHORT_MANAGE, personal_data=True)
@require_http_methods(["GET"])
def candidates(request: AuthedRequest) -> HttpResponse:
    """People not on IOM who meet the entry criteria now: for the coordinator to refer (issue 5 §4)."""
    form, as_of = _as_of(request)
    page = _page_number(request)
    size = CANDIDATES_PER_PAGE
    found = None if form.errors else selectors.candidate_list(user=request.user, as_of=as_of, limit=page * size, offset=(page - 1) * size)
    rows = [(person, s, found.standing.get(person.pk)) for person, s in found.rows] if found else []
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "as_of": as_of, "found": found, "rows": rows, "page_number": page, "query": query.urlencode()}
    context |= {"first": (page - 1) * size + 1, "last": (page - 1) * size + len(rows)}
    return render(request, "cohort/candidates.html", context)


CANDIDATES_PER_PAGE = 50


def _page_number(request: AuthedRequest) -> int:
    """The page asked for (``?page=``): the first for a missing or bad number."""
    try:
        return max(1, min(int(request.GET.get("page", "1")), 10_000))
    except ValueError:
        return 1


# ---- the registration's lifecycle (issue 6 §2, §7, §8, §9) --------------------------------------


def _apply(form: GovukForm, call: Callable[[], object]) -> bool:
    """Run a service call; its ValidationError messages land on the form's fields. True if saved."""
    try:
        call()
    except ValidationError as exc:
        for name, errors in exc.message_dict.items():
            for message in errors:
                form.add_error(name if name in form.fields else None, message)
        return False
    return True


def _form_page(request: AuthedRequest, form: GovukForm, *, title: str, person: Person, back: str, **extra: Any) -> HttpResponse:
    return render(request, "cohort/form.html", {"form": form, "title": title, "person": person, "back": back, **extra})


@guarded(Action.PERSON_VIEW, personal_data=True)
@require_http_methods(["GET"])
def registration(request: AuthedRequest, registration_id: int) -> HttpResponse:
    """A registration: RAG history and regime, reviews, deregistration rules and transfers."""
    found = selectors.registration_for_view(user=request.user, registration_id=registration_id)
    today = clock.today()
    ctx: dict[str, Any] = {
        "registration": found,
        "person": found.person,
        "regime": selectors.regime_seen_by(user=request.user, registration=found, as_of=today)
        if found.is_current and found.started_on <= today
        else None,
        "advice": selectors.deregistration_advice(user=request.user, registration=found, as_of=today) if found.is_current else None,
        "deregistration": getattr(found, "deregistration", None),
        "may_rag": can(request.user, Action.COHORT_RAG),
        "may_manage": can(request.user, Action.COHORT_MANAGE),
        "may_decide": can(request.user, Action.COHORT_DECIDE),
        "today": today,
    }
    return render(request, "cohort/registration.html", ctx)


@guarded(Action.COHORT_RAG, personal_data=True)
@require_http_methods(["GET", "POST"])
def rag(request: AuthedRequest, registration_id: int) -> HttpResponse:
    found = selectors.registration_get_for_management(user=request.user, registration_id=registration_id, action=Action.COHORT_RAG)
    form = RagChangeForm(request.POST or None, initial={"expected_level": found.rag, "changed_on": clock.today()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _apply(
            form,
            lambda: services.rag_change(
                acting_user=request.user,
                registration=found,
                level=data["level"],
                changed_on=data["changed_on"],
                reason=data["reason"],
                meeting=data["meeting"],
                expected_level=data["expected_level"] or None,
            ),
        ):
            messages.success(request, f"RAG level changed to {found.get_rag_display()}")
            return redirect("cohort:registration", registration_id=found.pk)
    return _form_page(
        request,
        form,
        title="Change the RAG level",
        person=found.person,
        back=reverse("cohort:registration", args=[found.pk]),
        caption=f"Now {found.get_rag_display()}",
    )


@guarded(Action.COHORT_MANAGE, personal_data=True)
@require_http_methods(["GET", "POST"])
def review(request: AuthedRequest, registration_id: int) -> HttpResponse:
    found = selectors.registration_get_for_management(user=request.user, registration_id=registration_id)
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _apply(
            form,
            lambda: services.review_record(
                acting_user=request.user,
                registration=found,
                reviewed_on=data["reviewed_on"],
                outcome=data["outcome"],
                notes=data["notes"],
                meeting=data["meeting"],
            ),
        ):
            messages.success(request, "Review recorded")
            return redirect("cohort:registration", registration_id=found.pk)
    return _form_page(request, form, title="Record a review", person=found.person, back=reverse("cohort:registration", args=[found.pk]))


@guarded(Action.COHORT_MANAGE, personal_data=True)
@require_http_methods(["GET", "POST"])
def circumstances(request: AuthedRequest, registration_id: int) -> HttpResponse:
    found = selectors.registration_get_for_management(user=request.user, registration_id=registration_id)
    form = CircumstancesForm(request.POST or None, initial={"other_forum": found.other_forum})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _apply(
            form,
            lambda: services.registration_circumstances(acting_user=request.user, registration=found, other_forum=data["other_forum"]),
        ):
            messages.success(request, "Other forum recorded")
            return redirect("cohort:registration", registration_id=found.pk)
    return _form_page(
        request, form, title="Risk managed in another forum", person=found.person, back=reverse("cohort:registration", args=[found.pk])
    )


@guarded(Action.COHORT_MANAGE)
@require_http_methods(["GET"])
def area(request: AuthedRequest) -> HttpResponse:
    """The partnership's area: the postcode areas and districts each local team covers."""
    return render(request, "cohort/area.html", {"teams": selectors.area_teams(user=request.user)})


@guarded(Action.COHORT_MANAGE)
@require_http_methods(["GET", "POST"])
def area_team(request: AuthedRequest, team_id: int) -> HttpResponse:
    team = selectors.area_team(user=request.user, team_id=team_id)
    form = TeamPostcodesForm(request.POST or None, initial={"postcodes": team.postcodes})

    def save() -> object:
        return services.team_postcodes_set(acting_user=request.user, team=team, postcodes=form.cleaned_data["postcodes"])

    if request.method == "POST" and form.is_valid() and _apply(form, save):
        messages.success(request, f"Postcodes covered by {team.name} saved")
        return redirect("cohort:area")
    return render(
        request,
        "web/form_page.html",
        {"form": form, "title": f"Postcodes covered by {team.name}", "caption": "The partnership's area", "back": reverse("cohort:area")},
    )


@guarded(Action.COHORT_DECIDE, personal_data=True)
@require_http_methods(["GET", "POST"])
def deregister(request: AuthedRequest, registration_id: int) -> HttpResponse:
    found = selectors.registration_get_for_management(user=request.user, registration_id=registration_id, action=Action.COHORT_DECIDE)
    form = DeregistrationForm(request.POST or None, agencies=agencies.involved(person=found.person), initial={"approved_on": clock.today()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _apply(
            form,
            lambda: services.deregister(
                acting_user=request.user,
                registration=found,
                approved_on=data["approved_on"],
                reasons=data["reasons"],
                exit_plan=data["exit_plan"],
                supported_by=data["supported_by"],
                meeting=data["meeting"],
                exceptional=data["exceptional"],
                continuing=data.get("continuing", []),
            ),
        ):
            messages.success(request, "Removed from IOM: record the removal checklist as each action is done")
            return redirect("cohort:registration", registration_id=found.pk)
    advice = selectors.deregistration_advice(user=request.user, registration=found, as_of=clock.today()) if found.is_current else None
    return _form_page(
        request,
        form,
        title="Remove from IOM",
        person=found.person,
        back=reverse("cohort:registration", args=[found.pk]),
        advice=advice,
        closed=not found.is_current,
    )


@guarded(Action.COHORT_MANAGE, personal_data=True)
@require_http_methods(["GET", "POST"])
def removal(request: AuthedRequest, registration_id: int) -> HttpResponse:
    found = selectors.registration_get_for_management(user=request.user, registration_id=registration_id)
    form = RemovalForm(request.POST or None, initial={"item": request.GET.get("item", "")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _apply(
            form,
            lambda: services.removal_record(
                acting_user=request.user,
                registration=found,
                item=data["item"],
                done_on=data["done_on"],
                done_by=data["done_by"],
                not_applicable=data["not_applicable"],
            ),
        ):
            messages.success(request, "Removal action recorded")
            return redirect("cohort:registration", registration_id=found.pk)
    return _form_page(
        request, form, title="Record a removal action", person=found.person, back=reverse("cohort:registration", args=[found.pk])
    )


@guarded(Action.PERSON_SEARCH, personal_data=True)
@require_http_methods(["GET"])
def red_alerts(request: AuthedRequest) -> HttpResponse:
    """The wanted alerts published to the partnership (002 appendix 1: Red Alert)."""
    return render(request, "cohort/red_alerts.html", {"registrations": selectors.red_alerts(user=request.user)})


@guarded(Action.COHORT_MANAGE, personal_data=True)
@require_http_methods(["GET"])
def transfers(request: AuthedRequest) -> HttpResponse:
    show_all = request.GET.get("all") == "1"
    found = selectors.transfer_list(user=request.user, open_only=not show_all)
    return render(request, "cohort/transfers.html", {"transfers": found, "show_all": show_all})


@guarded(Action.COHORT_MANAGE, personal_data=True)
@require_http_methods(["GET", "POST"])
def transfer_new(request: AuthedRequest, person_id: int) -> HttpResponse:
    person = people_selectors.person_get_for(user=request.user, person_id=person_id, section=Section.PLAN)
    form = TransferForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        pack = {name: data[name] for name in services.PACK_FIELDS}
        created: list[Transfer] = []

        def call() -> None:
            created.append(
                services.transfer_propose(
                    acting_user=request.user,
                    person=person,
                    kind=data["kind"],
                    to_team=data["to_team"],
                    other_area=data["other_area"],
                    pack=pack,
                )
            )

        if _apply(form, call):
            messages.success(request, "Transfer proposed: record the joint home visit next")
            return redirect("cohort:transfer", transfer_id=created[0].pk)
    return _form_page(request, form, title="Propose a transfer", person=person, back=reverse("people:summary", args=[person.pk]))


@guarded(Action.PERSON_VIEW, personal_data=True)
@require_http_methods(["GET"])
def transfer(request: AuthedRequest, transfer_id: int) -> HttpResponse:
    found = selectors.transfer_get(user=request.user, transfer_id=transfer_id)
    return render(
        request,
        "cohort/transfer.html",
        {
            "transfer": found,
            "person": found.person,
            # The pack's fields of sections the reader does not see (Transfer.SECTIONS; issue 9 finding 13).
            "withheld": lens_for(request.user, found.person).withheld(Transfer, [f.name for f in Transfer._meta.concrete_fields]),
            "may_manage": can(request.user, Action.COHORT_MANAGE),
            "may_decide": can(request.user, Action.COHORT_DECIDE)
            or (found.kind == "external-out" and can(request.user, Action.COHORT_MANAGE)),
        },
    )


@guarded(Action.COHORT_MANAGE, personal_data=True)
@require_http_methods(["GET", "POST"])
def transfer_step(request: AuthedRequest, transfer_id: int, transfer_step: str) -> HttpResponse:
    step = transfer_step
    if step not in STEP_FORMS:
        raise Http404("No such step")
    found = selectors.transfer_get(user=request.user, transfer_id=transfer_id)
    if step == "decision" and found.kind != TransferKind.EXTERNAL_OUT:
        decision = decide(request.user, Action.COHORT_DECIDE)
        if not decision:  # the receiving meeting's decision on a case coming here is the chair's (002 §4)
            deny(
                user=request.user,
                action=Action.COHORT_DECIDE,
                reason=decision.reason,
                object_type="transfer",
                object_id=found.pk,
                person_id=found.person_id,
            )
    form = STEP_FORMS[step](request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = step_data(step, form.cleaned_data)
        if _apply(form, lambda: services.transfer_step(acting_user=request.user, transfer=found, step=step, data=data)):
            messages.success(request, "Transfer updated")
            return redirect("cohort:transfer", transfer_id=found.pk)
    return _form_page(request, form, title=STEP_TITLES[step], person=found.person, back=reverse("cohort:transfer", args=[found.pk]))
