"""The person page's Summary tab: the person's identity with what every app knows of them, each
part only where the reader's sections show it. It gathers from cohort, referrals, casework and
meetings, so it lives above them all (ADR 0032); each app's own tab is its own view."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from iomhub import clock
from iomhub.access.http import AuthedRequest
from iomhub.access.models import Role, Section
from iomhub.access.policy import Action, can
from iomhub.access.projection import lens_for
from iomhub.access.routes import guarded
from iomhub.casework.selectors import agencies_involved, leads_case
from iomhub.cohort.selectors import registrations_for_person
from iomhub.meetings.pack import meetings_of
from iomhub.meetings.selectors import upcoming_for
from iomhub.notifications.consent import TextReminders, consent_of
from iomhub.people import selectors
from iomhub.people.merging import final_record
from iomhub.people.models import Person
from iomhub.people.pages import person_context
from iomhub.referrals.selectors import standing_of


@guarded(Action.PERSON_VIEW, personal_data=True)
@require_http_methods(["GET"])
def summary(request: AuthedRequest, person_id: int) -> HttpResponse:
    try:
        person = selectors.person_get_for(user=request.user, person_id=person_id)
    except Http404:
        if can(request.user, Action.PERSON_SEARCH) and request.user.has_role("chair"):
            return render(request, "people/not_found.html", {"person_id": person_id, "may_break_glass": True}, status=404)
        raise
    if person.merged_into_id is not None:
        kept = final_record(person)
        messages.info(request, f"{person.full_name} (record {person.pk}) was merged into this record: its records are here.")
        return redirect("people:summary", person_id=kept.pk)
    ctx = person_context(request, person, "summary")
    lens = lens_for(request.user, person)
    ctx.update(
        **selectors.summary_parts(person=person, sections=ctx["sections"]),
        involvements=[i for i in agencies_involved(person=person) if lens.sees(i.section)] if lens.sees(Section.PLAN) else None,
        **_registration_context(request, person),
    )
    # Part of the contact details: shown where they are (``summary_parts``).
    ctx["text_reminders"] = TextReminders(person, consent_of(person)) if ctx["addresses"] is not None else None
    ctx["glance"] = _at_a_glance(request, person, ctx)
    return render(request, "people/summary.html", ctx)


def _at_a_glance(request: AuthedRequest, person: Person, ctx: dict[str, Any]) -> dict[str, Any]:
    """What an officer at the door needs first, on a phone (issue 18 §5): the current address, the
    RAG level and the warnings, each only where the reader's sections show it (already projected in
    ``ctx``), and one tap to record a home visit for the police IOM officer and the lead worker."""
    addresses = ctx.get("addresses")
    current = next((a for a in addresses if a.is_current), None) if addresses else None
    registrations = ctx.get("registrations")
    registration = next((r for r in registrations if r.is_current), None) if registrations else None
    user = request.user
    visits = can(user, Action.PERSON_CHANGE, person, section=Section.TIMELINE) and (
        user.has_role(Role.POLICE_IOM_OFFICER) or leads_case(person=person, user=user)
    )
    return {
        "address": current,
        "address_shown": addresses is not None,
        "registration": registration,
        "rag_shown": registrations is not None,
        "markers_shown": ctx.get("markers") is not None,
        "visit": visits,
    }


def _registration_context(request: AuthedRequest, person: Person) -> dict[str, Any]:
    """The person's IOM registrations (issue 5 §5-6), from the cohort app, for the Summary tab."""
    may_refer = can(request.user, Action.REFERRAL_CREATE)
    return {
        "registrations": registrations_for_person(user=request.user, person=person),
        # Someone already referred is not offered "Refer" again (issue 18 §4): the open referral instead.
        "standing": standing_of(user=request.user, person_ids=[person.pk]).get(person.pk) if may_refer else None,
        "may_manage_cohort": can(request.user, Action.COHORT_MANAGE),
        "may_refer": may_refer,
        "may_screen": can(request.user, Action.PERSON_VIEW, person, section=Section.JUSTICE),
        **_meetings_context(request, person),
    }


def _meetings_context(request: AuthedRequest, person: Person) -> dict[str, Any]:
    """The meetings that discussed the person (as protected as their plan) and, for an officer who
    may add to their running record, the meetings ahead to send a written update to (issue 18 §1)."""
    ahead = can(request.user, Action.PERSON_CHANGE, person, section=Section.TIMELINE)
    return {
        "meetings_discussed": meetings_of(user=request.user, person=person),
        "meetings_ahead": upcoming_for(person=person, today=clock.today()) if ahead else [],
    }
