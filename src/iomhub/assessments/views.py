"""The health and substance-misuse instruments on the person's case (issue 12 part 1): the record
with history, each instrument's questions, and its result page. Thin: parse, call a selector or
service, render. Works without JavaScript: submit, then the result page shows score, zone, action."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from iomhub.access.http import AuthedRequest
from iomhub.access.models import Section
from iomhub.access.policy import Action
from iomhub.access.routes import guarded
from iomhub.assessments import chart, forms, outcomes, presentation, risk, selectors, services
from iomhub.assessments.models import Instrument
from iomhub.assessments.questions import AUDIT_C_QUESTIONS
from iomhub.casework.selectors import person_for_change
from iomhub.people.models import Person
from iomhub.people.pages import person_context
from iomhub.web.forms import GovukForm, apply_errors


def _page(request: AuthedRequest, person: Person, form: GovukForm, title: str, caption: str = "") -> HttpResponse:
    back = f"/people/{person.pk}/health/"
    ctx = {"form": form, "title": title, "caption": caption or person.full_name, "person": person, "back": back}
    return render(request, "web/form_page.html", ctx)


def _save(form: GovukForm, save: Any) -> Any:
    """Call the service with the form's answers; its errors (each naming the question) onto the form."""
    try:
        return save(form.service_args())  # type: ignore[attr-defined]
    except ValidationError as exc:
        apply_errors(form, exc)
        return None


@guarded(Action.PERSON_VIEW, personal_data=True)
@require_http_methods(["GET"])
def overview(request: AuthedRequest, person_id: int) -> HttpResponse:
    record = selectors.health_record_for(user=request.user, person_id=person_id)
    ctx = person_context(request, record.person, "assessments")
    ctx.update(record=record, view=presentation.record_view(record), chart=chart.draw_top(record.profiles, name=record.person.full_name))
    return render(request, "assessments/overview.html", ctx)


@guarded(Action.PERSON_CHANGE, personal_data=True)
@require_http_methods(["GET", "POST"])
def alcohol_new(request: AuthedRequest, person_id: int) -> HttpResponse:
    person = person_for_change(user=request.user, person_id=person_id, section=Section.HEALTH)
    follows = None
    if request.GET.get("follows"):
        follows = selectors.screening_for(person=person, screening_id=request.GET["follows"])
    full = follows is not None or request.GET.get("instrument") == Instrument.AUDIT
    initial: dict[str, Any] = {}
    if follows is not None:  # the full AUDIT goes on from the AUDIT-C: its three answers kept
        initial = {f"q{n}": str(a) for n, a in enumerate(follows.answers, start=1)}
        initial.update(screened_on=follows.screened_on, session=follows.session, units_last_week=follows.units_last_week)
    form = forms.AlcoholForm(request.POST or None, initial=initial, questions=10 if full else AUDIT_C_QUESTIONS)
    if request.method == "POST" and form.is_valid():
        kind = Instrument.AUDIT if full else Instrument.AUDIT_C
        done = _save(
            form,
            lambda args: services.alcohol_screening_record(
                acting_user=request.user, person=person, instrument=kind, follows=follows, **args
            ),
        )
        if done is not None:
            return redirect("assessments:alcohol", person_id=person.pk, screening_id=done.pk)
    title = "Full AUDIT: alcohol use disorders identification test" if full else "AUDIT-C: alcohol screening"
    return _page(request, person, form, title)


@guarded(Action.PERSON_VIEW, personal_data=True)
@require_http_methods(["GET"])
def alcohol(request: AuthedRequest, person_id: int, screening_id: int) -> HttpResponse:
    person, screening = selectors.screening_read(user=request.user, person_id=person_id, screening_id=screening_id)
    ctx = person_context(request, person, "assessments")
    ctx.update(s=presentation.screening_view(screening), may_change=selectors.may_change(request.user, person))
    return render(request, "assessments/alcohol.html", ctx)


@guarded(Action.PERSON_CHANGE, personal_data=True)
@require_http_methods(["GET", "POST"])
def advice_new(request: AuthedRequest, person_id: int) -> HttpResponse:
    person = person_for_change(user=request.user, person_id=person_id, section=Section.HEALTH)
    screening = None
    if request.GET.get("screening"):
        screening = selectors.screening_for(person=person, screening_id=request.GET["screening"])
    form = forms.BriefAdviceForm(request.POST or None, initial={"given_on": screening.screened_on} if screening else None)
    if request.method == "POST" and form.is_valid():
        done = _save(form, lambda args: services.brief_advice_record(acting_user=request.user, person=person, screening=screening, **args))
        if done is not None:
            messages.success(request, "Brief advice recorded")
            return redirect("assessments:overview", person_id=person.pk)
    return _page(request, person, form, "Brief advice (FRAMES)")


@guarded(Action.PERSON_CHANGE, personal_data=True)
@require_http_methods(["GET", "POST"])
def dash_new(request: AuthedRequest, person_id: int) -> HttpResponse:
    person = person_for_change(user=request.user, person_id=person_id, section=Section.HEALTH)
    form = forms.DashForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = _save(form, lambda args: risk.dash_record(acting_user=request.user, person=person, **args))
        if done is not None:
            return redirect("assessments:dash", person_id=person.pk, checklist_id=done.pk)
    return _page(request, person, form, "DASH risk identification checklist")


@guarded(Action.PERSON_VIEW, personal_data=True)
@require_http_methods(["GET"])
def dash(request: AuthedRequest, person_id: int, checklist_id: int) -> HttpResponse:
    person, checklist = selectors.checklist_read(user=request.user, person_id=person_id, checklist_id=checklist_id)
    ctx = person_context(request, person, "assessments")
    ctx.update(c=presentation.checklist_view(checklist), may_change=selectors.may_change(request.user, person))
    return render(request, "assessments/dash.html", ctx)


@guarded(Action.PERSON_CHANGE, personal_data=True)
@require_http_methods(["GET", "POST"])
def marac_new(request: AuthedRequest, person_id: int, checklist_id: int) -> HttpResponse:
    person = person_for_change(user=request.user, person_id=person_id, section=Section.HEALTH)
    checklist = selectors.checklist_for(person=person, checklist_id=checklist_id)
    form = forms.MaracReferralForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            risk.marac_referral_record(acting_user=request.user, checklist=checklist, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "MARAC referral recorded: the case is flagged for the MARAC link")
            return redirect("assessments:dash", person_id=person.pk, checklist_id=checklist.pk)
    return _page(request, person, form, "Record the MARAC referral")


@guarded(Action.PERSON_CHANGE, personal_data=True)
@require_http_methods(["GET", "POST"])
def top_new(request: AuthedRequest, person_id: int) -> HttpResponse:
    person = person_for_change(user=request.user, person_id=person_id, section=Section.HEALTH)
    form = forms.TopForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = _save(form, lambda args: outcomes.top_record(acting_user=request.user, person=person, **args))
        if done is not None:
            messages.success(request, "Treatment Outcomes Profile recorded")
            return redirect("assessments:overview", person_id=person.pk)
    return _page(request, person, form, "Treatment Outcomes Profile", caption="The last 28 days")
