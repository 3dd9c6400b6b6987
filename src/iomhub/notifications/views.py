"""The outbox page for administrators (issue 11 §6): every message queued, sent, held for quiet hours
or failed, with its attempts and the provider's reason; a failed one can be sent again. Bodies name
nobody (ADR 0020) and a person's mobile number is shown only by its last three digits."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from iomhub.access import audit
from iomhub.access.http import AuthedRequest
from iomhub.access.models import AuditAction
from iomhub.access.policy import Action
from iomhub.access.routes import guarded
from iomhub.notifications.models import Notification, NotificationStatus

PAGE = 100


@guarded(Action.USER_VIEW)
@require_http_methods(["GET"])
def outbox(request: AuthedRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    notes = Notification.objects.select_related("recipient").order_by("-created_at", "-id")
    if status in NotificationStatus.values:
        notes = notes.filter(status=status)
    statuses = [(value, label, Notification.objects.filter(status=value).count()) for value, label in NotificationStatus.choices]
    return render(request, "notifications/outbox.html", {"notes": list(notes[:PAGE]), "status": status, "statuses": statuses})


@guarded(Action.USER_VIEW)
@require_http_methods(["POST"])
def retry(request: AuthedRequest, notification_id: int) -> HttpResponse:
    from iomhub.notifications.tasks import send_notification

    note = get_object_or_404(Notification, pk=notification_id, status=NotificationStatus.FAILED)
    audit.record(actor=request.user, action=AuditAction.CHANGE, object_type="notification", object_id=note.pk, changes={"retry": True})
    send_notification.enqueue(note.pk)
    messages.success(request, f"Message {note.pk} sent again")
    return redirect("notifications:outbox")
