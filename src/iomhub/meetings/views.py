"""The meeting pages: the list, arranging one, its agenda with attendees, and recording circulation.
Thin: parse, call a selector or service, render."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from iomhub import clock
from iomhub.access.http import AuthedRequest
from iomhub.access.policy import Action
from iomhub.access.routes import guarded
from iomhub.meetings import selectors, services
from iomhub.meetings.actions import carried_from_previous
from iomhub.meetings.agenda import agenda_for
from iomhub.meetings.forms import AttendeeForm, CirculatedForm, MeetingForm
from iomhub.meetings.models import Meeting
from iomhub.meetings.sheet_read import missing_updates
from iomhub.web.forms import GovukForm, saved


def _form_page(request: AuthedRequest, form: GovukForm, title: str, back: str) -> HttpResponse:
    return render(request, "web/form_page.html", {"form": form, "title": title, "back": back})


@guarded(Action.COHORT_MANAGE)
@require_http_methods(["GET"])
def meetings(request: AuthedRequest) -> HttpResponse:
    today = clock.today()
    found = list(selectors.meeting_list(user=request.user)[:200])
    return render(
        request,
        "meetings/list.html",
        {"upcoming": [m for m in found if m.held_on >= today][::-1], "past": [m for m in found if m.held_on < today]},
    )


@guarded(Action.COHORT_MANAGE)
@require_http_methods(["GET", "POST"])
def meeting_new(request: AuthedRequest) -> HttpResponse:
    form = MeetingForm(request.POST or None, user=request.user, initial={"team": request.user.team_id, "kind": "referral-operational"})
    made: list[Meeting] = []
    if saved(request, form, lambda data: made.append(services.meeting_arrange(acting_user=request.user, **data)), "Meeting arranged"):
        return redirect("meetings:agenda", meeting_id=made[0].pk)
    return _form_page(request, form, "Arrange a meeting", "/meetings/")


@guarded(Action.COHORT_MANAGE, personal_data=True)
@require_http_methods(["GET"])
def agenda(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.meeting_get(user=request.user, meeting_id=meeting_id)
    found = agenda_for(user=request.user, meeting=meeting)
    late = None
    if meeting.minutes_circulated_on is not None:
        late = meeting.minutes_circulated_on > found.circulate_by.due
    sheets = selectors.people_in_order(people_ids=found.people | found.discussed)
    return render(
        request,
        "meetings/agenda.html",
        {
            "agenda": found,
            "meeting": meeting,
            "attendees": meeting.attendees.all(),
            "late": late,
            "sheets": sheets,
            "missing": missing_updates(user=request.user, meeting=meeting, people=sheets),
            "carried": carried_from_previous(user=request.user, meeting=meeting),
        },
    )


@guarded(Action.COHORT_MANAGE)
@require_http_methods(["GET", "POST"])
def attendee_new(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.meeting_get(user=request.user, meeting_id=meeting_id)
    form = AttendeeForm(request.POST or None)
    if saved(request, form, lambda data: services.attendee_add(acting_user=request.user, meeting=meeting, **data), "Attendee recorded"):
        return redirect("meetings:agenda", meeting_id=meeting.pk)
    return _form_page(request, form, f"Record an attendee at the {meeting}", f"/meetings/{meeting.pk}/")


@guarded(Action.COHORT_MANAGE)
@require_http_methods(["GET", "POST"])
def circulated(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.meeting_get(user=request.user, meeting_id=meeting_id)
    form = CirculatedForm(request.POST or None)
    if saved(
        request,
        form,
        lambda data: services.plans_circulated(acting_user=request.user, meeting=meeting, **data),
        "Circulation recorded",
    ):
        return redirect("meetings:agenda", meeting_id=meeting.pk)
    return _form_page(request, form, f"Record when the plans from the {meeting} were circulated", f"/meetings/{meeting.pk}/")
