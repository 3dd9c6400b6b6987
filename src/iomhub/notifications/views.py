"""The outbox page for administrators (issue 11 §6): the messages that failed, with their attempts
and the provider's reason, and a way to send one again. Neither subjects nor kinds are shown, and a
person's mobile number only by its last three digits (notifications.selectors says why). And the
page where a person's agreement to appointment reminders by text is recorded (``consent``)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from iomhub.access.http import AuthedRequest
from iomhub.access.policy import Action
from iomhub.access.routes import guarded
from iomhub.notifications.consent import suggested_number, text_reminders_for_change, text_reminders_set
from iomhub.notifications.forms import TextRemindersForm
from iomhub.notifications.selectors import PAGE, failed_messages
from iomhub.notifications.services import failed_send_again
from iomhub.web.forms import apply_errors


@guarded(Action.USER_VIEW)
@require_http_methods(["GET"])
def outbox(request: AuthedRequest) -> HttpResponse:
    page = Paginator(failed_messages(), PAGE).get_page(request.GET.get("page"))
    return render(request, "notifications/outbox.html", {"page": page})


@guarded(Action.USER_VIEW)
@require_http_methods(["POST"])
def retry(request: AuthedRequest, notification_id: int) -> HttpResponse:
    note = failed_send_again(acting_user=request.user, notification_id=notification_id)
    messages.success(request, f"Message {note.pk} sent again")
    return redirect("notifications:outbox")


@guarded(Action.PERSON_CHANGE, personal_data=True)
@require_http_methods(["GET", "POST"])
def text_reminders(request: AuthedRequest, person_id: int) -> HttpResponse:
    reminders = text_reminders_for_change(user=request.user, person_id=person_id)
    person = reminders.person
    initial = {"agreed": "yes" if reminders.agreed else None, "number": suggested_number(reminders)}
    form = TextRemindersForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        agreed = form.cleaned_data["agreed"] == "yes"
        try:
            text_reminders_set(acting_user=request.user, reminders=reminders, agreed=agreed, number=form.cleaned_data["number"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            done = "will be sent appointment reminders by text" if agreed else "will not be sent reminders by text"
            messages.success(request, f"{person.display_name} {done}")
            return redirect("people:summary", person_id=person.pk)
    return render(request, "notifications/text_reminders.html", {"form": form, "person": person, "reminders": reminders})
