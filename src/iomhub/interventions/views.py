"""The person's Interventions tab (drug tests, DRR and ATR orders) and the pages that change them.
Thin: parse, call a selector or service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from iomhub.access.http import AuthedRequest
from iomhub.access.models import Section
from iomhub.access.policy import Action, can
from iomhub.access.routes import guarded
from iomhub.interventions import forms, reports, selectors, services
from iomhub.interventions.models import TreatmentOrder
from iomhub.people.models import Person
from iomhub.people.pages import person_context
from iomhub.web.forms import GovukForm, apply_errors


def _context(request: AuthedRequest, person: Person) -> dict[str, Any]:
    return person_context(request, person, "interventions")


def _form_page(request: AuthedRequest, person: Person, form: GovukForm, title: str, back: str) -> HttpResponse:
    return render(
        request,
        "web/form_page.html",
        {"form": form, "title": f"{title} for {person.full_name}", "person": person, "back": back},
        status=400 if form.errors else 200,
    )


def _changer(request: AuthedRequest, person_id: int, sections: tuple[str, ...], what: str) -> Person:
    """The person, when the user may read and change ``sections``; refused (audited) before any form."""
    person = selectors.person_for_sections(user=request.user, person_id=person_id, sections=sections, what=what)
    services.authorise(request.user, person, *sections)
    return person


@guarded(Action.PERSON_VIEW, personal_data=True)
@require_http_methods(["GET"])
def interventions(request: AuthedRequest, person_id: int) -> HttpResponse:
    """Orders (health) and, for a reader with the timeline too, drug tests."""
    person, orders = selectors.orders_for(user=request.user, person_id=person_id)
    tests_shared = selectors.sees_drug_tests(request.user, person)
    tests = selectors.drug_tests_for(user=request.user, person_id=person_id)[1] if tests_shared else []
    ctx = _context(request, person)
    ctx.update(
        orders=orders,
        tests=tests,
        tests_shared=tests_shared,
        may_change=can(request.user, Action.PERSON_CHANGE, person, section=Section.HEALTH),
        may_test=tests_shared and can(request.user, Action.PERSON_CHANGE, person, section=Section.TIMELINE),
    )
    return render(request, "interventions/interventions.html", ctx)


@guarded(Action.PERSON_CHANGE, personal_data=True)
@require_http_methods(["GET", "POST"])
def drug_test_new(request: AuthedRequest, person_id: int) -> HttpResponse:
    person = _changer(request, person_id, selectors.DRUG_TEST_SECTIONS, "drug-tests")
    orders = list(TreatmentOrder.objects.filter(person=person))
    form = forms.DrugTestForm(request.POST or None, orders=orders)
    if request.method == "POST" and form.is_valid():
        try:
            order = services.order_for(person, form.cleaned_data.get("order"))
            services.drug_test_record(acting_user=request.user, person=person, order=order, **form.service_data())
        except ValidationError as exc:
            apply_errors(form, exc, aliases={"results": "result_opiates"})
        else:
            messages.success(request, "Drug test recorded")
            return redirect("people:interventions:list", person_id=person.pk)
    return _form_page(request, person, form, "Record a drug test", f"/people/{person.pk}/interventions/")


@guarded(Action.PERSON_VIEW, personal_data=True)
@require_http_methods(["GET"])
def drug_test(request: AuthedRequest, person_id: int, test_id: int) -> HttpResponse:
    person, _ = selectors.drug_tests_for(user=request.user, person_id=person_id)
    ctx = _context(request, person)
    ctx.update(test=selectors.drug_test_for(person=person, test_id=test_id))
    return render(request, "interventions/drug_test.html", ctx)


@guarded(Action.PERSON_CHANGE, personal_data=True)
@require_http_methods(["GET", "POST"])
def order_new(request: AuthedRequest, person_id: int) -> HttpResponse:
    person = _changer(request, person_id, selectors.ORDER_SECTIONS, "treatment-orders")
    form = forms.OrderForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            order = services.order_record(acting_user=request.user, person=person, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"{order.get_kind_display()} recorded")
            return redirect("people:interventions:order", person_id=person.pk, order_id=order.pk)
    return _form_page(request, person, form, "Record a DRR or ATR order", f"/people/{person.pk}/interventions/")


@guarded(Action.PERSON_VIEW, personal_data=True)
@require_http_methods(["GET"])
def order(request: AuthedRequest, person_id: int, order_id: int) -> HttpResponse:
    person, _ = selectors.orders_for(user=request.user, person_id=person_id)
    ctx = _context(request, person)
    ctx.update(
        view=selectors.order_for(person=person, order_id=order_id),
        tests_shared=selectors.sees_drug_tests(request.user, person),
        may_change=can(request.user, Action.PERSON_CHANGE, person, section=Section.HEALTH),
        may_report=can(request.user, Action.PERSON_CHANGE, person, section=Section.HEALTH)
        and can(request.user, Action.PERSON_CHANGE, person, section=Section.DOCUMENTS),
    )
    return render(request, "interventions/order.html", ctx)


@guarded(Action.PERSON_CHANGE, personal_data=True)
@require_http_methods(["GET", "POST"])
def review_new(request: AuthedRequest, person_id: int, order_id: int) -> HttpResponse:
    person = _changer(request, person_id, selectors.ORDER_SECTIONS, "treatment-orders")
    view = selectors.order_for(person=person, order_id=order_id)
    initial = {"tests_summary": reports.tests_since_last_review(view)} if selectors.sees_drug_tests(request.user, person) else {}
    form = forms.ReviewForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.review_record(acting_user=request.user, order=view.order, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Progress review recorded")
            return redirect("people:interventions:order", person_id=person.pk, order_id=view.order.pk)
    return _form_page(
        request, person, form, f"Review the {view.order.get_kind_display()}", f"/people/{person.pk}/interventions/orders/{view.order.pk}/"
    )


@guarded(Action.PERSON_CHANGE, personal_data=True)
@require_http_methods(["GET", "POST"])
def report_new(request: AuthedRequest, person_id: int, order_id: int) -> HttpResponse:
    """Make the order's progress report (PDF) and keep it in the Documents tab."""
    person = _changer(request, person_id, (Section.HEALTH, Section.DOCUMENTS), "treatment-orders")
    view = selectors.order_for(person=person, order_id=order_id)
    form = forms.ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            document = reports.progress_report_make(acting_user=request.user, view=view, audience=form.cleaned_data["audience"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"{document.title} made: it is in the Documents tab")
            return redirect("people:documents:list", person_id=person.pk)
    return _form_page(request, person, form, "Make a progress report", f"/people/{person.pk}/interventions/orders/{view.order.pk}/")
