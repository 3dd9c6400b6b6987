"""The routes of the justice record, the candidate list, screening and caseloads over the API
(issue 11 §4) for the route walk (``test_routes``): their guards and how an allowed user uses each.
The warrant the URLs name is ``justice_values``' (issued 3 February 2025)."""

from __future__ import annotations

from typing import Any

from iomhub.access.models import Role
from iomhub.access.policy import Action
from iomhub.access.routes import RouteRule


def _api(action: Action) -> RouteRule:
    return RouteRule(action=action, personal_data=True, api=True)


JUSTICE = "api/v1/people/<int:person_id>/justice/"
BODIES: dict[str, dict[str, Any]] = {
    "arrests": {"arrested_on": "2026-01-04", "custody_suite": "Northbridge custody suite", "outcome": "charge", "offence_codes": ["28E"]},
    "offences": {"code": "28E", "committed_on": "2026-01-03"},
    "outcomes": {"decided_on": "2026-01-20", "disposal": "caution"},
    "custody": {"kind": "remand", "prison": "HMP Northbridge", "started_on": "2026-01-05"},
    "warrants": {"kind": "arrest", "issued_on": "2026-01-06"},
    "mappa": {"level": 1, "category": "2", "from_date": "2026-01-10"},
}
EXPECTED: dict[str, RouteRule] = {
    **{f"{JUSTICE}{kind}": _api(Action.PERSON_VIEW) for kind in BODIES},
    f"{JUSTICE}warrants/<int:warrant_id>": _api(Action.PERSON_VIEW),
    "api/v1/people/<int:person_id>/screening": _api(Action.PERSON_VIEW),
    "api/v1/candidates": _api(Action.COHORT_MANAGE),
    "api/v1/caseload": _api(Action.PERSON_SEARCH),
}
# A worker's caseload lists only people their agency is involved in (the plan actions they own).
PARTNER_LIST_ROUTES = {("api/v1/caseload", "get")}
# The candidate list is the coordinator's and the chair's: its token user is the coordinator.
TOKEN_USERS = {"api/v1/candidates": Role.COORDINATOR}


def exercises(exercise: Any) -> dict[str, Any]:
    found = {
        f"{JUSTICE}{kind}": exercise(Role.POLICE_IOM_OFFICER, "ordinary", (("get", None, "view"), ("post_json", body, "create")))
        for kind, body in BODIES.items()
    }
    return found | {
        f"{JUSTICE}warrants/<int:warrant_id>": exercise(
            Role.POLICE_IOM_OFFICER, "ordinary", (("get", None, "view"), ("patch_json", {"executed_on": "2026-01-08"}, "change"))
        ),
        "api/v1/people/<int:person_id>/screening": exercise(Role.PROBATION_OFFICER, "ordinary", (("get", None, "view"),)),
        "api/v1/candidates": exercise(Role.COORDINATOR, "ordinary", (("get", None, "search"),)),
        "api/v1/caseload": exercise(Role.COORDINATOR, "ordinary", (("get", None, "search"),)),
    }
