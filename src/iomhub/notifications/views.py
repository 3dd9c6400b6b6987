"""The outbox page for administrators (issue 11 §6): the messages that failed, with their attempts
and the provider's reason, and a way to send one again. Neither subjects nor kinds are shown, and a
person's mobile number only by its last three digits (notifications.selectors says why)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from iomhub.access import audit
from iomhub.access.http import AuthedRequest
from iomhub.access.models import AuditAction
from iomhub.access.policy import Action
from iomhub.access.routes import guarded
from iomhub.notifications.selectors import PAGE, failed_message, failed_messages


@guarded(Action.USER_VIEW)
@require_http_methods(["GET"])
def outbox(request: AuthedRequest) -> HttpResponse:
    failed = failed_messages()
    return render(request, "notifications/outbox.html", {"notes": list(failed[:PAGE]), "total": failed.count()})


@guarded(Action.USER_VIEW)
@require_http_methods(["POST"])
def retry(request: AuthedRequest, notification_id: int) -> HttpResponse:
    from iomhub.notifications.tasks import send_notification

    note = failed_message(notification_id)
    if note is None:
        raise Http404("no such failed message")
    audit.record(actor=request.user, action=AuditAction.CHANGE, object_type="notification", object_id=note.pk, changes={"retry": True})
    send_notification.enqueue(note.pk)
    messages.success(request, f"Message {note.pk} sent again")
    return redirect("notifications:outbox")
