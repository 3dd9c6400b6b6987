"""Closing the meeting and reading its minutes and updated plans (the reader's pack, HTML or PDF)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from iomhub import clock
from iomhub.access.http import AuthedRequest
from iomhub.access.policy import Action
from iomhub.access.routes import guarded
from iomhub.meetings import selectors
from iomhub.meetings.actions import carried_from_previous
from iomhub.meetings.closing import meeting_close
from iomhub.meetings.pack import pack_for, pack_get
from iomhub.rules.meetings import circulate_plans_by
from iomhub.web.pdf import pdf_response, render_pdf


@guarded(Action.COHORT_MANAGE)
@require_http_methods(["GET", "POST"])
def close(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.meeting_get(user=request.user, meeting_id=meeting_id)
    errors: list[str] = []
    if request.method == "POST":
        try:
            closed = meeting_close(acting_user=request.user, meeting=meeting)
        except ValidationError as exc:
            errors = exc.messages
        else:
            sent = len(closed.queued)
            note = f"Meeting closed: the minutes and updated plans are queued to {sent} attendee{'s' if sent != 1 else ''}"
            if closed.without_account:
                note += f"; not sent to {', '.join(closed.without_account)} (no IOM Hub account)"
            messages.success(request, note)
            return redirect("meetings:agenda", meeting_id=meeting.pk)
    left = [a for a, dealt in carried_from_previous(user=request.user, meeting=meeting) if dealt is None]
    return render(
        request,
        "meetings/close.html",
        {"meeting": meeting, "errors": errors, "left": left, "due": circulate_plans_by(held_on=meeting.held_on)},
        status=400 if errors else 200,
    )


def _filename(meeting_id: int) -> str:
    return f"iom-meeting-{meeting_id}-minutes.pdf"


@guarded(Action.PERSON_VIEW, personal_data=True)
@require_http_methods(["GET"])
def pack(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    meeting = pack_get(user=request.user, meeting_id=meeting_id)
    found = pack_for(user=request.user, meeting=meeting)
    context = {
        "pack": found,
        "meeting": meeting,
        "attendees": list(meeting.attendees.all()),
        "generated_at": f"{clock.now():%-d %B %Y %H:%M}",
    }
    if request.GET.get("format") == "pdf":
        return pdf_response(render_pdf("meetings/pdf/minutes.html", context), _filename(meeting.pk))
    return render(request, "meetings/pack.html", context)
