"""Pages for merging a duplicate record into the record kept, and undoing a merge (issue 5 §2).

GOV.UK pattern: choose the record to keep (the possible matches, with their reasons, or a record
number), then "check your answers" listing what will move and be copied — or why it cannot be done —
with the reason, then merge. The merges page of a record lists its merges, each with "Undo".
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from iomhub.access.errors import deny
from iomhub.access.http import AuthedRequest
from iomhub.access.policy import Action, decide
from iomhub.access.projection import lens_for
from iomhub.access.routes import guarded
from iomhub.people import matching, merging, selectors
from iomhub.people.forms import MergeChooseForm, MergeReasonForm, UndoMergeReasonForm
from iomhub.people.models import Person, PersonMerge


def _person_to_merge(request: AuthedRequest, person_id: int | str) -> Person:
    """The person (read and audited), if this user may merge their record; refused otherwise."""
    person = selectors.person_get_for(user=request.user, person_id=person_id)
    decision = decide(request.user, Action.PERSON_MERGE, person)
    if not decision:
        deny(
            user=request.user,
            action=Action.PERSON_MERGE,
            reason=decision.reason,
            object_type="person",
            object_id=person.pk,
            person_id=person.pk,
        )
    return person


def _errors(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [m for messages_ in exc.message_dict.values() for m in messages_]
    return list(exc.messages)


@guarded(Action.PERSON_MERGE, personal_data=True)
@require_http_methods(["GET", "POST"])
def merge(request: AuthedRequest, person_id: int) -> HttpResponse:
    duplicate = _person_to_merge(request, person_id)
    into = request.GET.get("into") or request.POST.get("into_confirmed")
    if into:
        return _check(request, duplicate, into)
    found = matching.possible_duplicates(user=request.user, candidate=matching.identity_of(duplicate), purpose="merge a duplicate")
    shown = [m for m in found.matches if m.person.pk != duplicate.pk and m.person.merged_into_id is None]
    choices = [
        (
            str(m.person.pk),
            f"{m.person.display_name}, born {m.person.date_of_birth:%-d %B %Y}, record {m.person.pk}: {'; '.join(m.reasons)}",
        )
        for m in shown
    ]
    form = MergeChooseForm(request.POST or None, matches=choices)
    if request.method == "POST" and form.is_valid():
        return redirect(f"{reverse('people:merge', args=[duplicate.pk])}?into={form.chosen}")
    return render(request, "people/merge_choose.html", {"person": duplicate, "form": form, "matches": shown})


def _check(request: AuthedRequest, duplicate: Person, into: str) -> HttpResponse:
    """Check your answers: what the merge will do, or why it cannot; then merge."""
    try:
        kept = selectors.person_get_for(user=request.user, person_id=into)
    except Http404:
        messages.error(request, f"There is no record {into[:20]} that you can see. Check the record number.")
        return redirect("people:merge", person_id=duplicate.pk)
    plan = merging.merge_plan(kept, duplicate)
    # What the reader is told the merge moves, and why it cannot, is projected like the record: the
    # merge itself moves every row (ADR 0006 addendum).
    lens = lens_for(request.user, duplicate)
    form = MergeReasonForm(request.POST if request.method == "POST" else None)
    problems = plan.problems_shown(lens)
    if request.method == "POST" and form.is_valid() and not problems:
        try:
            merging.person_merge(acting_user=request.user, duplicate=duplicate, kept=kept, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            problems = _errors(exc)
        else:
            # No total: it would count rows the reader may not know of.
            messages.success(
                request,
                f"{duplicate.full_name} (record {duplicate.pk}) was merged into this record, with everything recorded about them. "
                "You can undo this from Merges.",
            )
            return redirect("people:summary", person_id=kept.pk)
    context = {
        "person": duplicate,
        "kept": kept,
        "plan": plan,
        "moves": plan.moves_shown(lens),
        "everything_else": merging.EVERYTHING_ELSE,
        "problems": problems,
        "form": form,
    }
    return render(request, "people/merge_check.html", context)


@guarded(Action.PERSON_MERGE, personal_data=True)
@require_http_methods(["GET", "POST"])
def merges(request: AuthedRequest, person_id: int) -> HttpResponse:
    """A record's merges (as the record kept or the duplicate), each with "Undo" while it stands."""
    person = _person_to_merge(request, person_id)
    found = list(merging.merges_of(person))
    undo = request.GET.get("undo") or request.POST.get("undo")
    if undo:
        chosen = next((m for m in found if str(m.pk) == undo), None)
        if chosen is None:
            raise Http404("No such merge")
        return _undo(request, person, chosen)
    return render(request, "people/merges.html", {"person": person, "merges": found})


def _undo(request: AuthedRequest, person: Person, chosen: PersonMerge) -> HttpResponse:
    other = chosen.kept if chosen.duplicate_id == person.pk else chosen.duplicate
    _person_to_merge(request, other.pk)  # the other record is read (audited) and must be mergeable too
    form = UndoMergeReasonForm(request.POST or None)
    problems: list[str] = [] if chosen.is_live else ["This merge has already been undone."]
    if request.method == "POST" and form.is_valid() and not problems:
        try:
            merging.person_merge_undo(acting_user=request.user, merge=chosen, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            problems = _errors(exc)
        else:
            messages.success(
                request, f"The merge was undone: {chosen.duplicate.full_name} (record {chosen.duplicate_id}) is a record of its own again."
            )
            return redirect("people:summary", person_id=chosen.duplicate_id)
    context = {
        "person": person,
        "merge": chosen,
        "moved": merging.returning_shown(chosen, lens_for(request.user, person)),
        "everything_else": merging.EVERYTHING_ELSE_BACK,
        "problems": problems,
        "form": form,
    }
    return render(request, "people/merge_undo.html", context)
