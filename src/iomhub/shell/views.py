from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from iomhub.access.http import AuthedRequest
from iomhub.access.policy import Action, can
from iomhub.access.routes import guarded, public
from iomhub.casework.selectors import COORDINATING_ROLES
from iomhub.justice.selectors import can_see_justice_at_all


@guarded(Action.SERVICE_USE)
@require_http_methods(["GET"])
def home(request: AuthedRequest) -> HttpResponse:
    """Where each role's day starts: the caseload (or the team dashboard), Red Alerts, referrals and
    meetings before the tools. Links only: nothing about a person is read here."""
    user = request.user
    return render(
        request,
        "web/home.html",
        {
            "can_search": can(user, Action.PERSON_SEARCH),
            "team": bool(user.role_codes & COORDINATING_ROLES),
            "sees_justice": can_see_justice_at_all(user),
            "can_referrals": can(user, Action.REFERRAL_VIEW),
            "can_refer": can(user, Action.REFERRAL_CREATE),
            "can_meet": can(user, Action.COHORT_MANAGE),
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
