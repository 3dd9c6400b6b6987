"""The outbox page for administrators (issue 11 §6): the messages that failed, with their attempts
and the provider's reason, and a way to send one again. Neither subjects nor kinds are shown, and a
person's mobile number only by its last three digits (notifications.selectors says why)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from iomhub.access.http import AuthedRequest
from iomhub.access.policy import Action
from iomhub.access.routes import guarded
from iomhub.notifications.selectors import PAGE, failed_messages
from iomhub.notifications.services import failed_send_again


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
