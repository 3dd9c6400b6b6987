"""Referral pages: list, the question pages (saved as a draft), check your answers, submit, view,
and the chair's decision. Thin: parse, call one selector or service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from iomhub.access.errors import deny
from iomhub.access.http import AuthedRequest
from iomhub.access.policy import Action, can, decide
from iomhub.access.routes import guarded
from iomhub.people import selectors as people_selectors
from iomhub.people.models import Person, Sex
from iomhub.referrals import selectors, services
from iomhub.referrals.forms import STEP_ORDER, STEPS, DecisionForm, answers_from, initial_for, where_to_answer
from iomhub.referrals.models import SCREENING_QUESTIONS, Decision, Pathway, PriorityGroup, RagLevel, Referral
from iomhub.validation import NotWhole, whole_number


def _apply_errors(form: Any, exc: ValidationError, aliases: dict[str, str] | None = None) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            target: str | None = (aliases or {}).get(name, name)
            if target not in form.fields:
                step_field = where_to_answer(name)[1]
                target = step_field if step_field in form.fields else None
            for message in errors:
                form.add_error(target, message)
    else:
        for message in exc.messages:
            form.add_error(None, message)


def _next_url(referral: Referral, step: str, request: AuthedRequest) -> str:
    if "draft" in request.POST:
        messages.success(request, f"Referral saved as a draft. You can come back to it from Referrals (reference {referral.pk}).")
        return reverse("referrals:list")
    index = STEP_ORDER.index(step)
    if index + 1 < len(STEP_ORDER) and request.GET.get("from") != "check":
        return reverse("referrals:step", args=[referral.pk, STEP_ORDER[index + 1]])
    return reverse("referrals:check", args=[referral.pk])


def _draft_for_change(request: AuthedRequest, referral_id: int) -> Referral:
    referral = selectors.referral_get_for(user=request.user, referral_id=referral_id)
    decision = decide(request.user, Action.REFERRAL_CREATE, referral)
    if not decision:
        deny(
            user=request.user,
            action=Action.REFERRAL_CREATE,
            reason=decision.reason,
            object_type="referral",
            object_id=referral.pk,
            person_id=referral.person_id,
        )
    return referral


def _already_referred(request: AuthedRequest, refusal: services.AlreadyReferred, person: Person | None) -> HttpResponse:
    """One referral per person at a time (issue 18 §4): say why, with a link to what stands."""
    return render(request, "referrals/already_referred.html", {"refusal": refusal, "person": person}, status=409)


@guarded(Action.REFERRAL_VIEW, personal_data=True)
@require_http_methods(["GET"])
def referral_list(request: AuthedRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in Referral.Status.values:
        status = ""
    referrals = selectors.referral_list(user=request.user, status=status)
    return render(
        request,
        "referrals/list.html",
        {
            "referrals": referrals,
            "status": status,
            "statuses": Referral.Status.choices,
            "can_refer": can(request.user, Action.REFERRAL_CREATE),
        },
    )


@guarded(Action.REFERRAL_CREATE, personal_data=True)
@require_http_methods(["GET", "POST"])
def referral_new(request: AuthedRequest) -> HttpResponse:
    """The first question page; saving it starts the draft. ``?person=<id>`` refers someone on record."""
    if not can(request.user, Action.REFERRAL_CREATE):
        deny(user=request.user, action=Action.REFERRAL_CREATE, reason="role may not refer")
    person: Person | None = None
    person_id = request.GET.get("person") or request.POST.get("person")
    if person_id:
        person = people_selectors.person_get_for(user=request.user, person_id=person_id)
    if person is not None and (refusal := services.referral_refusal(acting_user=request.user, person=person)) is not None:
        return _already_referred(request, refusal, person)
    title, form_class = STEPS["person"]
    initial = services.prefill_from_person(user=request.user, person=person) if person is not None and request.method == "GET" else {}
    form = form_class(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            referral = services.referral_start(acting_user=request.user, answers=answers_from("person", form.cleaned_data), person=person)
        except services.AlreadyReferred as exc:
            return _already_referred(request, exc, person)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            return redirect(_next_url(referral, "person", request))
    return render(
        request,
        "referrals/step.html",
        {"form": form, "title": title, "step_number": 1, "steps": len(STEP_ORDER), "person": person, "back": reverse("referrals:list")},
    )


@guarded(Action.REFERRAL_CREATE, personal_data=True)
@require_http_methods(["GET", "POST"])
def referral_step(request: AuthedRequest, referral_id: int, step: str) -> HttpResponse:
    if step not in STEPS:
        deny(user=request.user, action=Action.REFERRAL_CREATE, reason="no such page", object_type="referral", not_found=True)
    referral = _draft_for_change(request, referral_id)
    if referral.status != Referral.Status.DRAFT:
        messages.info(request, "This referral has been submitted and can no longer be changed")
        return redirect("referrals:detail", referral_id=referral.pk)
    title, form_class = STEPS[step]
    form = form_class(request.POST or None, initial=initial_for(step, referral))
    if request.method == "POST" and form.is_valid():
        try:
            services.referral_update(acting_user=request.user, referral=referral, answers=answers_from(step, form.cleaned_data))
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            return redirect(_next_url(referral, step, request))
    index = STEP_ORDER.index(step)
    back = reverse("referrals:step", args=[referral.pk, STEP_ORDER[index - 1]]) if index else reverse("referrals:list")
    return render(
        request,
        "referrals/step.html",
        {"form": form, "title": title, "step_number": index + 1, "steps": len(STEP_ORDER), "referral": referral, "back": back},
    )


def _label(choices: Any, value: str) -> str:
    return str(choices(value).label) if value in choices.values else value


def _d(value: Any) -> str:
    return value.strftime("%-d %B %Y") if value else ""


Row = tuple[str, str, str]  # (label, value, the field to change it)


def _person_rows(referral: Referral) -> list[Row]:
    return [
        ("Name", referral.name if (referral.first_name or referral.last_name) else "", "first_name"),
        ("Date of birth", _d(referral.date_of_birth), "date_of_birth"),
        ("Sex", _label(Sex, referral.sex), "sex"),
        ("Police URN", referral.urn, "urn"),
        ("PNC ID", referral.pnc_id, "pnc_id"),
        ("National Insurance number", referral.ni_number, "ni_number"),
        ("Address", ", ".join(p for p in (referral.address, referral.postcode) if p), "address"),
        ("Contact numbers", referral.contact_numbers, "contact_numbers"),
        ("Email address", referral.email, "email"),
        ("Warnings (PNC/Niche)", referral.warnings, "warnings"),
    ]


def _referrer_rows(referral: Referral) -> list[Row]:
    return [
        ("Agency", str(referral.referring_organisation), "contact"),
        ("Contact", referral.contact, "contact"),
        ("Date of referral", _d(referral.referral_date), "referral_date"),
    ]


def _justification_rows(referral: Referral) -> list[Row]:
    return [
        ("Evidence of a high risk of re-offending", referral.justification, "justification"),
        ("OGRS score", "" if referral.ogrs_score is None else f"{referral.ogrs_score}%", "ogrs_score"),
        ("Licence expiry date (LED)", _d(referral.licence_expiry), "licence_expiry"),
        ("Sentence expiry date (SED)", _d(referral.sentence_expiry), "sentence_expiry"),
        ("Index offences", referral.index_offences, "index_offences"),
        ("Offending history", referral.offending_history, "offending_history"),
    ]


def _agency_rows(referral: Referral) -> list[Row]:
    return [
        (row["agency"], ", ".join(v for v in (row.get("person", ""), row.get("contact", "")) if v), "agency_1") for row in referral.agencies
    ] or [("Other agencies", "", "agency_1")]


def _risk_rows(referral: Referral) -> list[Row]:
    rows = []
    for p in Pathway:
        answer = referral.pathways.get(p.value, {})
        parts = (
            (answer.get("risk") or "").title(),
            answer.get("needs") and f"Needs: {referral.pathways[p.value]['needs']}",
            answer.get("actions") and f"Actions: {referral.pathways[p.value]['actions']}",
        )
        rows.append((p.label, " · ".join(v for v in parts if v), f"{p.value}_risk"))
    return rows


def _priority_rows(referral: Referral) -> list[Row]:
    groups = referral.priority_groups
    return [(g.label, ("Y" if groups.get(g.value) else "N") if groups else "", "priority_groups") for g in PriorityGroup]


def _threat_rows(referral: Referral) -> list[Row]:
    return [
        ("Proposed initial RAG classification", _label(RagLevel, referral.proposed_rag), "proposed_rag"),
        ("Threat, harm and risk assessment", referral.threat_harm_risk, "threat_harm_risk"),
        *[(q, (referral.screening or {}).get(key, ""), key) for key, q in SCREENING_QUESTIONS],
    ]


ANSWER_SECTIONS = {
    "person": _person_rows,
    "referrer": _referrer_rows,
    "justification": _justification_rows,
    "agencies": _agency_rows,
    "risk": _risk_rows,
    "priority": _priority_rows,
    "threat": _threat_rows,
}


def answer_rows(referral: Referral) -> list[dict[str, Any]]:
    """The referral's answers as summary-list sections: (step, title, [(label, value, field)])."""
    return [{"step": step, "rows": rows(referral), "title": STEPS[step][0]} for step, rows in ANSWER_SECTIONS.items()]


@guarded(Action.REFERRAL_CREATE, personal_data=True)
@require_http_methods(["GET", "POST"])
def referral_check(request: AuthedRequest, referral_id: int) -> HttpResponse:
    """Check your answers, then submit. Every missing answer is named, linked to its page."""
    referral = _draft_for_change(request, referral_id)
    if referral.status != Referral.Status.DRAFT:
        return redirect("referrals:detail", referral_id=referral.pk)
    errors: list[tuple[str, str]] = []
    if request.method == "POST":
        try:
            services.referral_submit(acting_user=request.user, referral=referral)
        except services.AlreadyReferred as exc:
            return _already_referred(request, exc, referral.person)
        except ValidationError as exc:
            items = exc.message_dict.items() if hasattr(exc, "error_dict") else [("", exc.messages)]
            for key, messages_ in items:
                step, field = where_to_answer(key)
                for message in messages_:
                    errors.append((reverse("referrals:step", args=[referral.pk, step]) + f"?from=check#id_{field}", message))
        else:
            return render(request, "referrals/submitted.html", {"referral": referral})
    return render(
        request, "referrals/check.html", {"referral": referral, "sections": answer_rows(referral), "errors": errors, "editable": True}
    )


@guarded(Action.REFERRAL_VIEW, personal_data=True)
@require_http_methods(["GET"])
def referral_detail(request: AuthedRequest, referral_id: int) -> HttpResponse:
    referral = selectors.referral_get_for(user=request.user, referral_id=referral_id)
    editable = referral.status == Referral.Status.DRAFT and can(request.user, Action.REFERRAL_CREATE, referral)
    may_decide = referral.status in (Referral.Status.SUBMITTED, Referral.Status.DEFERRED) and can(
        request.user, Action.REFERRAL_DECIDE, referral
    )
    return render(
        request,
        "referrals/detail.html",
        {
            "referral": referral,
            "sections": answer_rows(referral),
            "decisions": list(referral.decisions.select_related("chair")),
            "editable": editable,
            "may_decide": may_decide,
            "ogrs": selectors.ogrs3_for_referral(user=request.user, referral=referral),
        },
    )


# The chair's answer to "Is this one of these records?" when it is neither a record nor "new".
PERSON_CHOICE_MISSING = "Choose the person's existing record, or confirm that they are new to IOM Hub"


def _chosen_record(person_choice: str) -> int | None:
    """The record number the chair chose (a radio's value), by the one strict reading; None for
    "new", nothing, or anything that is not a record number ("²", 5000 digits)."""
    try:
        return whole_number(person_choice, minimum=1)
    except NotWhole:
        return None


def _adoption(data: dict[str, Any], person_choice: str) -> services.Adoption:
    return services.Adoption(
        rag=data["rag"],
        neighbourhood_crime="neighbourhood_crime" in data["flags"],
        domestic_abuse="domestic_abuse" in data["flags"],
        ppo="ppo" in data["flags"],
        strand=data["strand"],
        person_id=_chosen_record(person_choice),
        confirm_new_person=person_choice == "new",
    )


def _decided(request: AuthedRequest, outcome: str, not_involved: list[str]) -> None:
    messages.success(request, f"Decision recorded: {Decision.Outcome(outcome).label}")
    if not_involved:
        messages.info(
            request,
            "Not involved in the case, as no organisation on IOM Hub with a sharing agreement in force has the name: "
            + "; ".join(not_involved),
        )


@guarded(Action.REFERRAL_DECIDE, personal_data=True)
@require_http_methods(["GET", "POST"])
def referral_decide(request: AuthedRequest, referral_id: int) -> HttpResponse:
    """The chair records the meeting's decision; adopting someone not yet on record shows the
    possible duplicates first (ADR 0004)."""
    referral = selectors.referral_get_for(user=request.user, referral_id=referral_id)
    decision = decide(request.user, Action.REFERRAL_DECIDE, referral)
    if not decision:
        deny(
            user=request.user,
            action=Action.REFERRAL_DECIDE,
            reason=decision.reason,
            object_type="referral",
            object_id=referral.pk,
            person_id=referral.person_id,
        )
    if referral.status not in (Referral.Status.SUBMITTED, Referral.Status.DEFERRED):
        messages.info(request, "This referral is not waiting for a decision")
        return redirect("referrals:detail", referral_id=referral.pk)
    found = None
    if referral.person is None:
        from iomhub.people import matching

        found = matching.possible_duplicates(
            user=request.user, candidate=services.identity_of_referral(referral), purpose=f"adopt referral {referral.pk}"
        )
    form = DecisionForm(request.POST or None, initial={"rag": referral.proposed_rag})
    person_choice = request.POST.get("person_choice", "")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        adoption = _adoption(data, person_choice) if data["outcome"] == Decision.Outcome.ADOPT else None
        chosen = adoption is not None and (adoption.person_id is not None or adoption.confirm_new_person)
        if adoption is not None and referral.person is None and (person_choice or found) and not chosen:
            form.add_error(None, PERSON_CHOICE_MISSING)  # nothing chosen, or neither a record nor "new" ("²")
        if not form.errors:
            try:
                recorded = services.referral_decide(
                    acting_user=request.user,
                    referral=referral,
                    outcome=data["outcome"],
                    reasons=data["reasons"],
                    meeting_date=data["meeting_date"],
                    adoption=adoption,
                )
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                _decided(request, data["outcome"], getattr(recorded, "not_involved", []))
                return redirect("referrals:detail", referral_id=referral.pk)
    return render(request, "referrals/decide.html", {"referral": referral, "form": form, "found": found, "person_choice": person_choice})
