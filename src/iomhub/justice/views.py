"""The person's Justice tab and the pages that record each event. Thin: parse, call a selector or
service, render."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from iomhub import clock
from iomhub.access.http import AuthedRequest
from iomhub.access.policy import Action
from iomhub.access.routes import guarded
from iomhub.justice import chart, forms, selectors, services
from iomhub.justice.models import LicenceCondition, Offence
from iomhub.people.models import Person
from iomhub.people.pages import person_context
from iomhub.validation import posted_version
from iomhub.web import forms as forms_helpers
from iomhub.web.forms import GovukForm


def apply_errors(form: Any, exc: ValidationError) -> None:
    """Service errors onto the form; a recall's ``recalled_at`` is entered as ``recalled_on``."""
    forms_helpers.apply_errors(form, exc, aliases={"recalled_at": "recalled_on"})


@guarded(Action.PERSON_VIEW, personal_data=True)
@require_http_methods(["GET"])
def record(request: AuthedRequest, person_id: int) -> HttpResponse:
    justice = selectors.justice_record_for(user=request.user, person_id=person_id)
    ctx = person_context(request, justice.person, "justice")
    offending = selectors.offending_chart(justice, clock.today())
    ctx.update(
        record=justice,
        timeline=_timeline(justice),
        offending=offending,
        chart=chart.draw(offending, selectors.CHART_LABELS, name=justice.person.display_name),
        chart_labels=[selectors.CHART_LABELS[c] for c in offending.categories],
        mappa_now=selectors.current_mappa(justice, clock.today()),
        other_offences=_other_offences(justice),
    )
    return render(request, "justice/record.html", ctx)


def _other_offences(justice: selectors.JusticeRecord) -> list[Offence]:
    """Offences not shown with an arrest or a conviction (the offending history feed's, or one
    keyed on its own), so each offence on the record shows somewhere with where it came from."""
    convicted = {o.pk for c in justice.outcomes for o in c.offences.all()}
    return [o for o in justice.offences if o.arrest_id is None and o.pk not in convicted]


def _by(preposition: str, who: str) -> str:
    return f"{preposition} {who}" if who else ""


def _timeline(justice: selectors.JusticeRecord) -> list[dict[str, Any]]:
    """The record as one list, newest first, for the MoJ timeline: each item's title, who or where
    ("at Leeds Crown Court", "by Sam Taylor") and what happened, in sentences (issue 18 §6: the
    title and byline ran together as "ArrestedNorth custody suite"). Arrests and court outcomes say
    where they came from, as their tables do (issue 11 §3: a feed's, or "Recorded by hand")."""
    items: list[dict[str, Any]] = []
    for a in justice.arrests:
        codes = "; ".join(f"{o.code.code} {o.code.description}" for o in a.offences.all())
        text = f"Outcome: {a.get_outcome_display()}" + (f". Offences: {codes}" if codes else "")
        items.append(
            {
                "on": a.arrested_on,
                "title": "Arrested",
                "by": _by("at", a.custody_suite),
                "text": text,
                "sourced": True,
                "source": getattr(a, "source", None),
            }
        )
    for c in justice.outcomes:
        text = c.get_disposal_display() + (f" ({', '.join(c.requirement_labels())})" if c.requirements else "")
        title = "Convicted" if "caution" not in c.disposal else "Cautioned"
        items.append(
            {
                "on": c.decided_on,
                "title": title,
                "by": _by("at", c.court),
                "text": text,
                "sourced": True,
                "source": getattr(c, "source", None),
            }
        )
    for s in justice.sentences:
        items.append({"on": s.sentenced_on, "title": "Sentenced", "by": _by("to", s.prison), "text": s.length_text})
    for e in justice.custody:
        ended = f"Ended {e.ended_on.day} {e.ended_on:%B %Y}" if e.ended_on else "Current"
        items.append({"on": e.started_on, "title": f"{e.get_kind_display()} custody", "by": _by("at", e.prison), "text": ended})
    for w in justice.warrants:
        text = "Executed" if w.executed_on else "Outstanding"
        items.append({"on": w.issued_on, "title": w.get_kind_display(), "by": _by("issued by", w.issued_by), "text": text})
    for m in justice.mappa:
        title = f"MAPPA level {m.level}" if m.level else "MAPPA management ended"
        text = "; ".join(p for p in (m.get_category_display(), m.source) if p)
        items.append({"on": m.from_date, "title": title, "by": _by("recorded by", m.recorded_by_name), "text": text})
    for r in justice.recalls:
        items.append({"on": r.recalled_at.date(), "title": r.get_kind_display(), "by": "", "text": r.reason})
    for b in justice.breaches:
        items.append(
            {
                "on": b.heard_on,
                "title": "Breach of post-sentence supervision",
                "by": "at the magistrates' court",
                "text": b.get_outcome_display(),
            }
        )
    return sorted(items, key=lambda i: i["on"], reverse=True)


@dataclass(frozen=True)
class EventPage:
    form: Callable[..., GovukForm]
    service: Callable[..., Any]
    title: str
    done: str


EVENT_PAGES: dict[str, EventPage] = {
    "arrests": EventPage(forms.ArrestForm, services.arrest_record, "Record an arrest", "Arrest recorded"),
    "offences": EventPage(forms.OffenceForm, services.offence_record, "Record an offence", "Offence recorded"),
    "outcomes": EventPage(forms.CourtOutcomeForm, services.court_outcome_record, "Record a court outcome or caution", "Outcome recorded"),
    "warrants": EventPage(forms.WarrantForm, services.warrant_record, "Record a warrant", "Warrant recorded"),
    "custody": EventPage(forms.CustodyEpisodeForm, services.custody_episode_record, "Record a period in custody", "Custody recorded"),
    "sentences": EventPage(forms.SentenceForm, services.sentence_record, "Record a custodial sentence", "Sentence recorded"),
    "mappa": EventPage(forms.MappaForm, services.mappa_record, "Record a MAPPA level", "MAPPA level recorded"),
}


def _render_form(request: AuthedRequest, person: Person, form: GovukForm, title: str, status: int = 200) -> HttpResponse:
    back = reverse("people:justice:record", args=[person.pk])
    return render(
        request,
        "web/form_page.html",
        {"form": form, "title": f"{title} for {person.full_name}", "person": person, "back": back},
        status=status,
    )


@guarded(Action.PERSON_CHANGE, personal_data=True)
@require_http_methods(["GET", "POST"])
def event_new(request: AuthedRequest, person_id: int, kind: str) -> HttpResponse:
    page = EVENT_PAGES.get(kind)
    if page is None:
        raise Http404("No such page")
    person = selectors.person_for_change(user=request.user, person_id=person_id)
    extra = {"offences": list(Offence.objects.filter(person=person).select_related("code"))} if kind == "outcomes" else {}
    form = page.form(request.POST or None, **extra)
    if request.method == "POST" and form.is_valid():
        try:
            page.service(acting_user=request.user, person=person, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, page.done)
            return redirect("people:justice:record", person_id=person.pk)
    return _render_form(request, person, form, page.title)


@guarded(Action.PERSON_CHANGE, personal_data=True)
@require_http_methods(["GET", "POST"])
def warrant_executed(request: AuthedRequest, person_id: int, warrant_id: int) -> HttpResponse:
    person = selectors.person_for_change(user=request.user, person_id=person_id)
    warrant = selectors.warrant_for(person=person, warrant_id=warrant_id)
    form = forms.WarrantExecutedForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.warrant_execute(acting_user=request.user, warrant=warrant, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Warrant marked as executed")
            return redirect("people:justice:record", person_id=person.pk)
    return _render_form(request, person, form, "Warrant executed")


SENTENCE_STEPS = {
    "override": (forms.SentenceOverrideForm, "Enter the prison's dates", "The prison's dates are now in force"),
    "recall": (forms.RecallForm, "Record a recall", "Recall recorded"),
    "breach": (forms.PssBreachForm, "Record a breach of post-sentence supervision", "Breach outcome recorded"),
}


@guarded(Action.PERSON_CHANGE, personal_data=True)
@require_http_methods(["GET", "POST"])
def sentence_step(request: AuthedRequest, person_id: int, sentence_id: int, action: str) -> HttpResponse:
    if action == "conditions":
        return _conditions(request, person_id, sentence_id)
    if action not in SENTENCE_STEPS:
        raise Http404("No such page")
    form_class, title, done = SENTENCE_STEPS[action]
    person = selectors.person_for_change(user=request.user, person_id=person_id)
    sentence = selectors.sentence_for(person=person, sentence_id=sentence_id)
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            if action == "override":
                services.sentence_override(acting_user=request.user, sentence=sentence, **data)
            elif action == "recall":
                assert isinstance(form, forms.RecallForm)
                recalled_at = form.recalled_at()
                data.pop("recalled_on")
                data.pop("recalled_time")
                services.recall_record(acting_user=request.user, sentence=sentence, recalled_at=recalled_at, **data)
            else:
                services.pss_breach_record(acting_user=request.user, sentence=sentence, **data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect("people:justice:record", person_id=person.pk)
    return _render_form(request, person, form, title)


def _conditions(request: AuthedRequest, person_id: int, sentence_id: int) -> HttpResponse:
    """Licence conditions and supervision requirements of one sentence (issue 4 §4): the form
    starts from what is recorded; the version guards against two people editing at once."""
    person = selectors.person_for_change(user=request.user, person_id=person_id)
    sentence = selectors.sentence_for(person=person, sentence_id=sentence_id)
    current = selectors.conditions_for(sentence=sentence)
    initial = (
        {
            "set_on": current.set_on,
            "licence_standard": current.licence_standard,
            "licence_additional": current.licence_additional,
            "additional_wording": current.additional_wording,
            "pss_requirements": current.pss_requirements,
            "drug_test_criteria_met": current.drug_test_criteria_met,
        }
        if current
        else {"licence_standard": list(LicenceCondition.values)}
    )
    version = current.version if current else 0
    form = forms.ConditionsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        expected = posted_version(request.POST.get("version"))
        try:
            services.conditions_set(acting_user=request.user, sentence=sentence, expected_version=expected, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Licence and supervision conditions saved")
            return redirect("people:justice:record", person_id=person.pk)
    return render(
        request,
        "justice/conditions.html",
        {
            "form": form,
            "title": f"Licence and supervision conditions for {person.full_name}",
            "person": person,
            "sentence": sentence,
            "version": version,
        },
    )
