from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from iomhub.access.http import AuthedRequest
from iomhub.access.policy import Action, can
from iomhub.access.routes import guarded, public


@guarded(Action.SERVICE_USE)
@require_http_methods(["GET"])
def home(request: AuthedRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "web/home.html",
        {
            "can_search": can(user, Action.PERSON_SEARCH),
            "can_create": can(user, Action.PERSON_CREATE),
            "can_audit": can(user, Action.AUDIT_VIEW),
            "can_users": can(user, Action.USER_VIEW),
            "can_report": can(user, Action.REPORT_VIEW),
            "can_import": can(user, Action.COHORT_MANAGE),
        },
    )


@public
@require_http_methods(["GET"])
def health(request: HttpRequest) -> JsonResponse:
    """Liveness: the process answers. It asks nothing of the database, so an outage there makes
    the service not ready (``/ready``) rather than restarts every web process (issue 13 §1)."""
    return JsonResponse({"status": "ok"})
