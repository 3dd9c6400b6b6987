"""The meeting's record pages: the record sheet of a case and its parts (the sheet itself, a RAG
change, a review, deregistration, a new action), reviewing an open action, the chair's decision on a
referral, and an absent officer's written update. Thin: parse, call a service, render."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from iomhub.access.http import AuthedRequest
from iomhub.access.models import Section
from iomhub.access.policy import Action
from iomhub.access.routes import guarded
from iomhub.casework.selectors import agencies_for_actions, plan_action_for
from iomhub.cohort.models import Registration
from iomhub.cohort.selectors import transfer_get
from iomhub.meetings import actions, decisions, selectors, sheet_forms, sheets
from iomhub.meetings.guards import may_manage
from iomhub.meetings.sheet_read import sheet_read
from iomhub.people import selectors as people
from iomhub.referrals import services as referral_services
from iomhub.referrals.selectors import referral_get_for
from iomhub.rules.meetings import written_update_due
from iomhub.validation import NotWhole, whole_number
from iomhub.web.forms import GovukForm, saved

# What a version posted that is not a whole number reads as: no record has it, and the save is
# refused naming it (``_refuse_version``) before any service is called, so nothing is saved.
NO_SUCH_VERSION = -1
NO_SUCH_ACTION = "No such action"  # casework.selectors.plan_action_for's 404, for a hidden action as for none
UNREADABLE_VERSION = "The version sent with the page is not a whole number: nothing was saved, reload the page and try again"


def _posted_version(request: AuthedRequest) -> int:
    """The record's version the page was read at (its hidden ``version`` field), by the one strict
    reading: "²", "٣" or 5000 digits read as ``NO_SUCH_VERSION``, never a crash."""
    try:
        return whole_number(request.POST.get("version"))
    except NotWhole:
        return NO_SUCH_VERSION


def _refuse_version(_: dict[str, Any]) -> object:
    raise ValidationError({"version": [UNREADABLE_VERSION]})


PARTS: dict[str, tuple[type[GovukForm], str, str]] = {
    "sheet": (sheet_forms.SheetForm, "Record sheet", "Record sheet saved"),
    "rag": (sheet_forms.MeetingRagForm, "Change the RAG level", "RAG level changed"),
    "review": (sheet_forms.MeetingReviewForm, "Record the review", "Review recorded"),
    "deregister": (sheet_forms.MeetingDeregisterForm, "Deregister", "Deregistration recorded"),
    "action": (sheet_forms.AllocateForm, "Allocate an action", "Action allocated"),
}


def _form_page(
    request: AuthedRequest, form: GovukForm, title: str, back: str, caption: str = "", version: int | None = None
) -> HttpResponse:
    return render(request, "web/form_page.html", {"form": form, "title": title, "back": back, "caption": caption, "version": version})


@guarded(Action.COHORT_MANAGE, personal_data=True)
@require_http_methods(["GET"])
def record_sheet(request: AuthedRequest, meeting_id: int, person_id: int) -> HttpResponse:
    meeting = selectors.meeting_get(user=request.user, meeting_id=meeting_id)
    found = sheet_read(user=request.user, meeting=meeting, person_id=person_id)
    return render(
        request,
        "meetings/record_sheet.html",
        {"view": found, "meeting": meeting, "person": found.person, "assessments": found.lens.sees(Section.ASSESSMENTS)},
    )


def _registration(person: Any) -> Registration:
    registration = selectors.open_registration(person=person)
    if registration is None:
        raise Http404("not on IOM")
    return registration


def _save_part(request: AuthedRequest, part: str, meeting: Any, person: Any, version: int | None) -> Callable[[dict[str, Any]], object]:
    user = request.user
    if part == "sheet":
        return lambda d: sheets.sheet_save(acting_user=user, meeting=meeting, person=person, values=d, version=version)
    if part == "action":
        return lambda d: actions.action_allocate(acting_user=user, meeting=meeting, person=person, **d)
    registration = _registration(person)
    if part == "rag":
        return lambda d: decisions.rag_change(acting_user=user, meeting=meeting, registration=registration, **d)
    if part == "review":
        return lambda d: decisions.review(acting_user=user, meeting=meeting, registration=registration, **d)
    return lambda d: decisions.deregister(acting_user=user, meeting=meeting, registration=registration, **d)


@guarded(Action.COHORT_MANAGE, personal_data=True)
@require_http_methods(["GET", "POST"])
def sheet_part(request: AuthedRequest, meeting_id: int, person_id: int, part: str) -> HttpResponse:
    if part not in PARTS:
        raise Http404("no such part")
    meeting = selectors.meeting_get(user=request.user, meeting_id=meeting_id)
    found = sheet_read(user=request.user, meeting=meeting, person_id=person_id)
    form_class, title, done = PARTS[part]
    initial: dict[str, Any] = {}
    version = None
    if part == "sheet" and found.sheet is not None:
        initial = {f: getattr(found.sheet, f) for f in sheets.SHEET_FIELDS}
        version = found.sheet.version
    if request.method == "POST" and request.POST.get("version"):
        version = _posted_version(request)
    form = form_class(request.POST or None, initial=initial)
    if part == "sheet" and not found.lens.sees(Section.ASSESSMENTS):
        del form.fields["risk_factors"]
    if part == "action":  # a health agency, and its workers, only to a reader with health, as the Plan tab (ADR 0010 §3)
        agencies = agencies_for_actions(found.lens)
        form.fields["agency"].queryset = agencies  # type: ignore[attr-defined]
        form.fields["owner"].queryset = form.fields["owner"].queryset.filter(organisation__in=agencies)  # type: ignore[attr-defined]
    back = f"/meetings/{meeting.pk}/people/{found.person.pk}/"
    save = _refuse_version if version == NO_SUCH_VERSION else _save_part(request, part, meeting, found.person, version)
    if saved(request, form, save, done):
        return redirect(back)
    return _form_page(request, form, title, back, caption=found.person.display_name, version=version)


@guarded(Action.COHORT_MANAGE, personal_data=True)
@require_http_methods(["GET", "POST"])
def action_review(request: AuthedRequest, meeting_id: int, action_id: int) -> HttpResponse:
    meeting = selectors.meeting_get(user=request.user, meeting_id=meeting_id)
    listed = selectors.plan_action(action_id=action_id)
    if listed is None:
        raise Http404(NO_SUCH_ACTION)
    found = sheet_read(user=request.user, meeting=meeting, person_id=listed.person_id)
    # Read again through casework's one filter: an action the reader may not see (one given to a
    # health agency, without the health section) answers the same 404 as one that does not exist.
    action = plan_action_for(user=request.user, person=found.person, action_id=listed.pk)
    version = action.version
    if request.method == "POST" and request.POST.get("version"):
        version = _posted_version(request)
    form = sheet_forms.ActionReviewForm(request.POST or None)
    back = f"/meetings/{meeting.pk}/people/{found.person.pk}/"
    if saved(
        request,
        form,
        _refuse_version
        if version == NO_SUCH_VERSION
        else lambda d: actions.action_review(acting_user=request.user, meeting=meeting, action=action, version=version, **d),
        "Action updated",
    ):
        return redirect(back)
    title = f"Update the action: {action.description[:60]}"
    return _form_page(request, form, title, back, caption=found.person.display_name, version=version)


@guarded(Action.COHORT_MANAGE, personal_data=True)
@require_http_methods(["GET", "POST"])
def referral_decision(request: AuthedRequest, meeting_id: int, referral_id: int) -> HttpResponse:
    meeting = selectors.meeting_get(user=request.user, meeting_id=meeting_id)
    may_manage(request.user, meeting)
    referral = referral_get_for(user=request.user, referral_id=referral_id)
    form = sheet_forms.MeetingReferralForm(request.POST or None, initial={"rag": referral.proposed_rag})
    made: list[Any] = []

    def save(d: dict[str, Any]) -> None:
        adoption = None
        if d["outcome"] == "adopt":
            flags = set(d.get("flags") or [])
            adoption = referral_services.Adoption(
                rag=d["rag"],
                neighbourhood_crime="neighbourhood_crime" in flags,
                domestic_abuse="domestic_abuse" in flags,
                ppo="ppo" in flags,
                confirm_new_person=bool(d.get("confirm_new_person")),
            )
        made.append(
            decisions.referral_decide(
                acting_user=request.user, meeting=meeting, referral=referral, outcome=d["outcome"], reasons=d["reasons"], adoption=adoption
            )
        )

    if saved(request, form, save, "Decision recorded"):
        person = made[0].person
        return redirect(f"/meetings/{meeting.pk}/people/{person.pk}/" if person is not None else f"/meetings/{meeting.pk}/")
    name = f"{referral.first_name} {referral.last_name.upper()}"
    return _form_page(request, form, f"The chair's decision on the referral of {name}", f"/meetings/{meeting.pk}/", caption=str(meeting))


@guarded(Action.COHORT_MANAGE, personal_data=True)
@require_http_methods(["GET", "POST"])
def transfer_decision(request: AuthedRequest, meeting_id: int, transfer_id: int) -> HttpResponse:
    meeting = selectors.meeting_get(user=request.user, meeting_id=meeting_id)
    transfer = transfer_get(user=request.user, transfer_id=transfer_id)
    form = sheet_forms.TransferDecisionForm(request.POST or None)
    back = f"/meetings/{meeting.pk}/"
    if saved(
        request,
        form,
        lambda d: decisions.transfer_decide(acting_user=request.user, meeting=meeting, transfer=transfer, **d),
        "Transfer decision recorded",
    ):
        return redirect(back)
    return _form_page(
        request, form, f"The chair's decision on the transfer in of {transfer.person.display_name}", back, caption=str(meeting)
    )


@guarded(Action.PERSON_CHANGE, personal_data=True)
@require_http_methods(["GET", "POST"])
def written_update(request: AuthedRequest, meeting_id: int, person_id: int) -> HttpResponse:
    person = people.person_get_for(user=request.user, person_id=person_id, section=Section.TIMELINE)
    meeting = selectors.meeting_for_update(user=request.user, meeting_id=meeting_id, person=person)
    form = sheet_forms.WrittenUpdateForm(request.POST or None)
    back = f"/people/{person.pk}/"
    if saved(
        request,
        form,
        lambda d: sheets.written_update_submit(acting_user=request.user, meeting=meeting, person=person, **d),
        "Written update sent to the chair",
    ):
        return redirect(back)
    due = written_update_due(held_on=meeting.held_on).due
    return _form_page(request, form, f"Written update for the {meeting}", back, caption=f"{person.display_name}: due by {due:%A %-d %B %Y}")
