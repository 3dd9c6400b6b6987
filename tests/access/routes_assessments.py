"""The routes of the health and substance-misuse instruments (issue 12 part 1) for the route walk
(``test_routes``): their guards, the records their URLs name, and how an allowed user uses each."""

from __future__ import annotations

import datetime
from typing import Any

from iomhub.access.models import Role
from iomhub.access.policy import Action
from iomhub.access.routes import RouteRule


def _page(action: Action) -> RouteRule:
    return RouteRule(action=action, personal_data=True)


def _api(action: Action) -> RouteRule:
    return RouteRule(action=action, personal_data=True, api=True)


BASE = "people/<int:person_id>/health/"
API = "api/v1/people/<int:person_id>/"
EXPECTED: dict[str, RouteRule] = {
    BASE: _page(Action.PERSON_VIEW),
    f"{BASE}alcohol/new/": _page(Action.PERSON_CHANGE),
    f"{BASE}alcohol/<int:screening_id>/": _page(Action.PERSON_VIEW),
    f"{BASE}brief-advice/new/": _page(Action.PERSON_CHANGE),
    f"{BASE}dash/new/": _page(Action.PERSON_CHANGE),
    f"{BASE}dash/<int:checklist_id>/": _page(Action.PERSON_VIEW),
    f"{BASE}dash/<int:checklist_id>/marac/": _page(Action.PERSON_CHANGE),
    f"{BASE}top/new/": _page(Action.PERSON_CHANGE),
    f"{API}alcohol-screenings": _api(Action.PERSON_VIEW),
    f"{API}brief-advice": _api(Action.PERSON_VIEW),
    f"{API}dash-checklists": _api(Action.PERSON_VIEW),
    f"{API}dash-checklists/<int:checklist_id>/marac-referral": _api(Action.PERSON_CHANGE),
    f"{API}treatment-outcomes-profiles": _api(Action.PERSON_VIEW),
}


def values(partnership: Any, person: Any) -> dict[str, Any]:
    """A screening and a DASH checklist that meets the MARAC criteria (no referral yet) of
    ``person``, made once, for the routes that name them."""
    from iomhub.assessments.models import AlcoholScreening, DashChecklist

    worker = partnership.users[Role.SUBSTANCE_MISUSE]
    common = {"person": person, "recorded_by": worker, "recorded_by_name": "Worker"}
    screening = AlcoholScreening.objects.filter(person=person).first() or AlcoholScreening.objects.create(
        instrument="audit-c", screened_on=datetime.date(2026, 1, 6), session="review", answers=[2, 2, 2], score=6,
        zone="increasing-or-higher-risk", brief_advice=True, refer_specialist=False, full_audit_advised=True, **common,
    )  # fmt: skip
    checklist = DashChecklist.objects.filter(person=person).first() or DashChecklist.objects.create(
        completed_on=datetime.date(2026, 1, 6), answers=["yes"] * 14 + ["no"] * 10, professional_judgement=False,
        incidents_last_12_months=0, escalation_threshold=3, repeat=False, yes_count=14, high_risk=True, refer_to_marac=True,
        reasons=["visible-high-risk"], **common,
    )  # fmt: skip
    return {"screening_id": screening.pk, "checklist_id": checklist.pk}


def _get() -> tuple[str, dict[str, Any] | None, str]:
    return ("get", None, "view")


def exercises(exercise: Any) -> dict[str, Any]:
    """How the substance-misuse practitioner uses each route (``exercise`` is test_routes.Exercise)."""
    view = {route: exercise(Role.SUBSTANCE_MISUSE, "ordinary", (_get(),)) for route in EXPECTED}
    view[f"{API}dash-checklists/<int:checklist_id>/marac-referral"] = exercise(
        Role.SUBSTANCE_MISUSE, "ordinary", (_get(), ("post_json", {"referred_on": "2026-01-07", "marac": "Northbridge MARAC"}, "create"))
    )
    view[f"{API}brief-advice"] = exercise(
        Role.SUBSTANCE_MISUSE,
        "ordinary",
        (
            _get(),
            (
                "post_json",
                {"given_on": "2026-01-06", "frames": ["feedback"], "leaflet_given": True, "referral": "none", "duration_minutes": 5},
                "create",
            ),
        ),
    )
    return view
