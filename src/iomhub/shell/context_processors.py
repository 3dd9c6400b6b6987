from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from iomhub.access.policy import Action, can


def service(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    nav: list[dict[str, str]] = []
    if user is not None and user.is_authenticated:
        candidates = [
            ("Home", "/", Action.SERVICE_USE),
            ("Caseload", "/caseload/", Action.PERSON_SEARCH),
            ("People", "/people/", Action.PERSON_SEARCH),
            ("Referrals", "/referrals/", Action.REFERRAL_VIEW),
            ("Cohort", "/cohort/", Action.COHORT_MANAGE),
            ("Meetings", "/meetings/", Action.COHORT_MANAGE),
            ("Reports", "/reports/", Action.REPORT_VIEW),
            ("Organisations", "/organisations/", Action.ORGANISATION_VIEW),
            ("Users", "/users/", Action.USER_VIEW),
            ("Audit", "/audit/", Action.AUDIT_VIEW),
            ("API", "/api/v1/docs", Action.TOKEN_MANAGE),
        ]
        for label, href, action in candidates:
            if can(user, action):
                active = request.path == href if href == "/" else request.path.startswith(href)
                nav.append({"label": label, "href": href, "active": "yes" if active else ""})
    return {"service_name": "IOM Hub", "service_nav": nav, "demo_mode": settings.DEMO_MODE}
