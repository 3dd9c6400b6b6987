"""The coordinator's cohort pages: registrations with administration outstanding, and recording it."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from iomhub import clock
from iomhub.access.models import Section
from iomhub.access.policy import Action
from iomhub.access.routes import guarded
from iomhub.cohort import selectors, services
from iomhub.cohort.forms import AsOfForm, ChecklistForm
from iomhub.people import selectors as people_selectors
from iomhub.web.http import AuthedRequest


@guarded(Action.COHORT_MANAGE, personal_data=True)
@require_http_methods(["GET"])
def outstanding(request: AuthedRequest) -> HttpResponse:
    registrations = selectors.outstanding_checklist(user=request.user)
    return render(request, "cohort/outstanding.html", {"registrations": registrations})


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
    return render(request, "cohort/screening.html", {"person": person, "form": form, "as_of": as_of, "screening": result})


@guarded(Action.COHORT_MANAGE, personal_data=True)
@require_http_methods(["GET"])
def candidates(request: AuthedRequest) -> HttpResponse:
    """People not on IOM who meet the entry criteria now: for the coordinator to refer (issue 5 §4)."""
    form, as_of = _as_of(request)
    found = None if form.errors else selectors.candidate_list(user=request.user, as_of=as_of)
    return render(request, "cohort/candidates.html", {"form": form, "as_of": as_of, "found": found})
