"""Every URL pattern declares how it is guarded, and every route that touches personal data refuses
those without access (403/404, nothing leaked, the refusal audited) and audits those with access.

The table ``EXPECTED`` lists every route in the service. A new route fails
``test_every_route_is_listed_here`` until it is added here with its guard, and a new personal-data
route fails ``test_every_personal_data_route_has_an_exercise`` until it is exercised below.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from iomhub.access.models import AuditEvent, Role
from iomhub.access.policy import Action
from iomhub.access.routes import RouteRule, rule_of
from tests.access import routes_assessments as assessment_routes
from tests.access import routes_justice_api as justice_api_routes
from tests.access.support import all_routes, concrete, events_since, last_event_id, leaked, parameters

PUBLIC = RouteRule(action=None, public=True)


def page(action: Action, personal: bool = False) -> RouteRule:
    return RouteRule(action=action, personal_data=personal)


def api(action: Action, personal: bool = False) -> RouteRule:
    return RouteRule(action=action, personal_data=personal, api=True)


# Every route of the service, with the guard it must declare.
EXPECTED: dict[str, RouteRule] = {
    "": page(Action.SERVICE_USE),
    "health": PUBLIC,
    "ready": PUBLIC,
    "sign-in/": PUBLIC,
    "sign-in/two-factor/": PUBLIC,
    "sign-in/two-factor/set-up/": PUBLIC,
    "sign-in/set-up-link/<str:secret>/": PUBLIC,
    "sign-out/": PUBLIC,
    "audit/": page(Action.AUDIT_VIEW, personal=True),
    "audit/people/<int:person_id>/viewers.csv": page(Action.AUDIT_EXPORT, personal=True),
    "users/": page(Action.USER_VIEW),
    "users/<int:user_id>/set-up-link/": page(Action.USER_ENROL),
    "users/new/": page(Action.USER_MANAGE),
    "users/<int:user_id>/": page(Action.USER_MANAGE),
    "users/<int:user_id>/change/": page(Action.USER_MANAGE),
    "users/<int:user_id>/status/": page(Action.USER_MANAGE),
    "users/<int:user_id>/sign-in-reset/": page(Action.USER_MANAGE),
    "organisations/": page(Action.ORGANISATION_VIEW),
    "sharing-agreements/": page(Action.AGREEMENT_MANAGE),
    "sharing-agreements/<int:organisation_id>/": page(Action.AGREEMENT_MANAGE),
    "retention/": page(Action.RETENTION_MANAGE),
    "retention/<int:rule_id>/": page(Action.RETENTION_MANAGE),
    "subject-access/": page(Action.SUBJECT_ACCESS),
    "subject-access/new/": page(Action.SUBJECT_ACCESS),
    "subject-access/<int:sar_id>/": page(Action.SUBJECT_ACCESS, personal=True),
    "subject-access/<int:sar_id>/decide/": page(Action.SUBJECT_ACCESS, personal=True),
    "subject-access/<int:sar_id>/pack.pdf": page(Action.SUBJECT_ACCESS, personal=True),
    "subject-access/<int:sar_id>/pack.json": page(Action.SUBJECT_ACCESS, personal=True),
    "account/api-tokens/": page(Action.TOKEN_MANAGE),
    "account/api-tokens/<int:token_id>/revoke/": page(Action.TOKEN_MANAGE),
    "people/": page(Action.PERSON_SEARCH, personal=True),
    "people/new/": page(Action.PERSON_CREATE, personal=True),
    "people/<int:person_id>/": page(Action.PERSON_VIEW, personal=True),
    "people/<int:person_id>/edit/": page(Action.PERSON_CHANGE, personal=True),
    "people/<int:person_id>/aliases/new/": page(Action.PERSON_CHANGE, personal=True),
    "people/<int:person_id>/addresses/new/": page(Action.PERSON_CHANGE, personal=True),
    "people/<int:person_id>/phones/new/": page(Action.PERSON_CHANGE, personal=True),
    "people/<int:person_id>/text-reminders/": page(Action.PERSON_CHANGE, personal=True),
    "people/<int:person_id>/markers/new/": page(Action.PERSON_CHANGE, personal=True),
    "people/<int:person_id>/export.json": page(Action.PERSON_EXPORT, personal=True),
    "people/<int:person_id>/break-glass/": page(Action.PERSON_BREAK_GLASS, personal=True),
    "people/<int:person_id>/merge/": page(Action.PERSON_MERGE, personal=True),
    "people/<int:person_id>/merges/": page(Action.PERSON_MERGE, personal=True),
    "people/<int:person_id>/justice/": page(Action.PERSON_VIEW, personal=True),
    "people/<int:person_id>/justice/<slug:kind>/new/": page(Action.PERSON_CHANGE, personal=True),
    "people/<int:person_id>/justice/warrants/<int:warrant_id>/executed/": page(Action.PERSON_CHANGE, personal=True),
    "people/<int:person_id>/justice/sentences/<int:sentence_id>/<slug:action>/": page(Action.PERSON_CHANGE, personal=True),
    "people/<int:person_id>/plan/": page(Action.PERSON_VIEW, personal=True),
    "people/<int:person_id>/plan/people/": page(Action.PERSON_CHANGE, personal=True),
    "people/<int:person_id>/plan/safeguarding/": page(Action.PERSON_CHANGE, personal=True),
    "people/<int:person_id>/plan/agencies/new/": page(Action.PERSON_CHANGE, personal=True),
    "people/<int:person_id>/plan/agencies/<int:involvement_id>/contacts/new/": page(Action.PERSON_CHANGE, personal=True),
    "people/<int:person_id>/plan/agencies/<int:involvement_id>/end/": page(Action.PERSON_CHANGE, personal=True),
    "people/<int:person_id>/plan/actions/new/": page(Action.PERSON_CHANGE, personal=True),
    "people/<int:person_id>/plan/actions/<int:action_id>/": page(Action.PERSON_CHANGE, personal=True),
    "people/<int:person_id>/assessments/": page(Action.PERSON_VIEW, personal=True),
    "people/<int:person_id>/assessments/new/": page(Action.PERSON_CHANGE, personal=True),
    "people/<int:person_id>/timeline/": page(Action.PERSON_VIEW, personal=True),
    "people/<int:person_id>/timeline/new/": page(Action.PERSON_CHANGE, personal=True),
    "people/<int:person_id>/timeline/<int:entry_id>/outcome/": page(Action.PERSON_CHANGE, personal=True),
    "people/<int:person_id>/interventions/": page(Action.PERSON_VIEW, personal=True),
    "people/<int:person_id>/interventions/drug-tests/new/": page(Action.PERSON_CHANGE, personal=True),
    "people/<int:person_id>/interventions/drug-tests/<int:test_id>/": page(Action.PERSON_VIEW, personal=True),
    "people/<int:person_id>/interventions/orders/new/": page(Action.PERSON_CHANGE, personal=True),
    "people/<int:person_id>/interventions/orders/<int:order_id>/": page(Action.PERSON_VIEW, personal=True),
    "people/<int:person_id>/interventions/orders/<int:order_id>/reviews/new/": page(Action.PERSON_CHANGE, personal=True),
    "people/<int:person_id>/interventions/orders/<int:order_id>/report/": page(Action.PERSON_CHANGE, personal=True),
    "people/<int:person_id>/documents/": page(Action.PERSON_VIEW, personal=True),
    "people/<int:person_id>/documents/new/": page(Action.PERSON_CHANGE, personal=True),
    "people/<int:person_id>/documents/<int:document_id>/": page(Action.PERSON_VIEW, personal=True),
    "people/<int:person_id>/<slug:tab>/": page(Action.PERSON_VIEW, personal=True),
    "referrals/": page(Action.REFERRAL_VIEW, personal=True),
    "referrals/new/": page(Action.REFERRAL_CREATE, personal=True),
    "referrals/<int:referral_id>/": page(Action.REFERRAL_VIEW, personal=True),
    "referrals/<int:referral_id>/check/": page(Action.REFERRAL_CREATE, personal=True),
    "referrals/<int:referral_id>/decide/": page(Action.REFERRAL_DECIDE, personal=True),
    "referrals/<int:referral_id>/<slug:step>/": page(Action.REFERRAL_CREATE, personal=True),
    "cohort/": page(Action.COHORT_MANAGE, personal=True),
    "cohort/registrations/<int:registration_id>/checklist/": page(Action.COHORT_MANAGE, personal=True),
    "cohort/candidates/": page(Action.COHORT_MANAGE, personal=True),
    "cohort/area/": page(Action.COHORT_MANAGE),
    "cohort/area/teams/<int:team_id>/": page(Action.COHORT_MANAGE),
    "cohort/people/<int:person_id>/screening/": page(Action.PERSON_VIEW, personal=True),
    "cohort/registrations/<int:registration_id>/": page(Action.PERSON_VIEW, personal=True),
    "cohort/registrations/<int:registration_id>/rag/": page(Action.COHORT_RAG, personal=True),
    "cohort/registrations/<int:registration_id>/review/": page(Action.COHORT_MANAGE, personal=True),
    "cohort/registrations/<int:registration_id>/circumstances/": page(Action.COHORT_MANAGE, personal=True),
    "cohort/registrations/<int:registration_id>/deregister/": page(Action.COHORT_DECIDE, personal=True),
    "cohort/registrations/<int:registration_id>/removal/": page(Action.COHORT_MANAGE, personal=True),
    "cohort/red-alerts/": page(Action.PERSON_SEARCH, personal=True),
    "caseload/": page(Action.PERSON_SEARCH, personal=True),
    "cohort/transfers/": page(Action.COHORT_MANAGE, personal=True),
    "cohort/transfers/<int:transfer_id>/": page(Action.PERSON_VIEW, personal=True),
    "cohort/transfers/<int:transfer_id>/<slug:transfer_step>/": page(Action.COHORT_MANAGE, personal=True),
    "cohort/people/<int:person_id>/transfers/new/": page(Action.COHORT_MANAGE, personal=True),
    "feeds/arrests/": page(Action.COHORT_MANAGE),
    "feeds/releases/": page(Action.COHORT_MANAGE),
    "feeds/court-outcomes/": page(Action.COHORT_MANAGE),
    "feeds/offending-history/": page(Action.COHORT_MANAGE),
    "feeds/imports/<int:run_id>/": page(Action.COHORT_MANAGE, personal=True),
    "feeds/imports/<int:run_id>/errors.csv": page(Action.COHORT_MANAGE, personal=True),
    "feeds/review/": page(Action.COHORT_MANAGE, personal=True),
    "feeds/review/<int:review_id>/": page(Action.COHORT_MANAGE, personal=True),
    "notifications/outbox/": page(Action.USER_VIEW),  # bodies name nobody; a number shown by its last 3 digits
    "notifications/outbox/<int:notification_id>/retry/": page(Action.USER_VIEW),
    "meetings/": page(Action.COHORT_MANAGE),
    "meetings/new/": page(Action.COHORT_MANAGE),
    "meetings/<int:meeting_id>/": page(Action.COHORT_MANAGE, personal=True),
    "meetings/<int:meeting_id>/attendees/new/": page(Action.COHORT_MANAGE),
    "meetings/<int:meeting_id>/circulated/": page(Action.COHORT_MANAGE),
    "meetings/<int:meeting_id>/people/<int:person_id>/": page(Action.COHORT_MANAGE, personal=True),
    "meetings/<int:meeting_id>/people/<int:person_id>/<slug:part>/": page(Action.COHORT_MANAGE, personal=True),
    "meetings/<int:meeting_id>/actions/<int:action_id>/": page(Action.COHORT_MANAGE, personal=True),
    "meetings/<int:meeting_id>/referrals/<int:referral_id>/": page(Action.COHORT_MANAGE, personal=True),
    "meetings/<int:meeting_id>/written-updates/<int:person_id>/": page(Action.PERSON_CHANGE, personal=True),
    "meetings/<int:meeting_id>/transfers/<int:transfer_id>/": page(Action.COHORT_MANAGE, personal=True),
    "meetings/<int:meeting_id>/close/": page(Action.COHORT_MANAGE),
    "meetings/<int:meeting_id>/pack/": page(Action.PERSON_VIEW, personal=True),
    "reports/": page(Action.REPORT_VIEW),
    "reports/quarterly/": page(Action.REPORT_VIEW),
    "reports/quarterly.csv": page(Action.REPORT_VIEW),
    "reports/quarterly.xlsx": page(Action.REPORT_VIEW),
    "reports/quarterly.pdf": page(Action.REPORT_VIEW),
    "reports/quarterly/people/": page(Action.REPORT_DRILL, personal=True),
    "reports/reoffending/": page(Action.REPORT_VIEW),
    "reports/comparison/": page(Action.REPORT_VIEW),
    "reports/budget/": page(Action.REPORT_VIEW),
    "reports/budget-template.xlsx": page(Action.REPORT_VIEW),
    "reports/runs/": page(Action.REPORT_VIEW),
    "reports/runs/<int:run_id>/": page(Action.REPORT_VIEW),
    "reports/runs/<int:run_id>/download": page(Action.REPORT_VIEW),
    "reports/evaluation-extract.zip": page(Action.REPORT_EXTRACT),
    "api/v1/schema": PUBLIC,
    "api/v1/docs": PUBLIC,
    "api/v1/people": api(Action.PERSON_SEARCH, personal=True),
    "api/v1/people/<int:person_id>": api(Action.PERSON_VIEW, personal=True),
    "api/v1/people/<int:person_id>/export": api(Action.PERSON_EXPORT, personal=True),
    "api/v1/people/<int:person_id>/case": api(Action.PERSON_VIEW, personal=True),
    "api/v1/people/<int:person_id>/case/people": api(Action.PERSON_CHANGE, personal=True),
    "api/v1/people/<int:person_id>/case/agencies/<int:involvement_id>/end": api(Action.PERSON_CHANGE, personal=True),
    "api/v1/people/<int:person_id>/case/safeguarding": api(Action.PERSON_CHANGE, personal=True),
    "api/v1/people/<int:person_id>/plan-actions": api(Action.PERSON_VIEW, personal=True),
    "api/v1/people/<int:person_id>/plan-actions/<int:action_id>": api(Action.PERSON_CHANGE, personal=True),
    "api/v1/people/<int:person_id>/pathway-assessments": api(Action.PERSON_VIEW, personal=True),
    "api/v1/people/<int:person_id>/timeline": api(Action.PERSON_VIEW, personal=True),
    "api/v1/people/<int:person_id>/drug-tests": api(Action.PERSON_VIEW, personal=True),
    "api/v1/people/<int:person_id>/treatment-orders": api(Action.PERSON_VIEW, personal=True),
    "api/v1/people/<int:person_id>/treatment-orders/<int:order_id>": api(Action.PERSON_VIEW, personal=True),
    "api/v1/people/<int:person_id>/treatment-orders/<int:order_id>/reviews": api(Action.PERSON_VIEW, personal=True),
    "api/v1/people/<int:person_id>/treatment-orders/<int:order_id>/report": api(Action.PERSON_CHANGE, personal=True),
    "api/v1/people/<int:person_id>/documents": api(Action.PERSON_VIEW, personal=True),
    "api/v1/people/<int:person_id>/documents/<int:document_id>": api(Action.PERSON_VIEW, personal=True),
    "api/v1/people/<int:person_id>/documents/<int:document_id>/file": api(Action.PERSON_VIEW, personal=True),
    "api/v1/people/<int:person_id>/justice": api(Action.PERSON_VIEW, personal=True),
    "api/v1/people/<int:person_id>/justice/sentences": api(Action.PERSON_VIEW, personal=True),
    "api/v1/people/<int:person_id>/justice/overrides": api(Action.PERSON_VIEW, personal=True),
    "api/v1/people/<int:person_id>/justice/recalls": api(Action.PERSON_VIEW, personal=True),
    "api/v1/people/<int:person_id>/justice/breaches": api(Action.PERSON_VIEW, personal=True),
    "api/v1/people/<int:person_id>/justice/conditions": api(Action.PERSON_VIEW, personal=True),
    "api/v1/referrals": api(Action.REFERRAL_VIEW, personal=True),
    "api/v1/referrals/<int:referral_id>": api(Action.REFERRAL_VIEW, personal=True),
    "api/v1/referrals/<int:referral_id>/decision": api(Action.REFERRAL_VIEW, personal=True),
    "api/v1/registrations/<int:registration_id>": api(Action.PERSON_VIEW, personal=True),
    "api/v1/registrations/<int:registration_id>/rag": api(Action.PERSON_VIEW, personal=True),
    "api/v1/registrations/<int:registration_id>/reviews": api(Action.PERSON_VIEW, personal=True),
    "api/v1/registrations/<int:registration_id>/deregistration": api(Action.PERSON_VIEW, personal=True),
    "api/v1/registrations/<int:registration_id>/removal": api(Action.PERSON_VIEW, personal=True),
    "api/v1/people/<int:person_id>/transfers": api(Action.PERSON_VIEW, personal=True),
    "api/v1/transfers/<int:transfer_id>": api(Action.PERSON_VIEW, personal=True),
    "api/v1/red-alerts": api(Action.PERSON_SEARCH, personal=True),
    "api/v1/organisations": api(Action.ORGANISATION_VIEW),
    "api/v1/organisations/<int:organisation_id>": api(Action.ORGANISATION_VIEW),
    "api/v1/organisations/<int:organisation_id>/sharing-agreement": api(Action.AGREEMENT_MANAGE),
    "api/v1/retention-rules": api(Action.RETENTION_MANAGE),
    "api/v1/retention-rules/<int:rule_id>": api(Action.RETENTION_MANAGE),
    "api/v1/subject-access-requests": api(Action.SUBJECT_ACCESS),
    "api/v1/subject-access-requests/<int:sar_id>": api(Action.SUBJECT_ACCESS, personal=True),
    "api/v1/subject-access-requests/<int:sar_id>/pack": api(Action.SUBJECT_ACCESS, personal=True),
    "api/v1/subject-access-requests/<int:sar_id>/decisions": api(Action.SUBJECT_ACCESS),
    "api/v1/users": api(Action.USER_VIEW),
    "api/v1/users/me": api(Action.SERVICE_USE),
    "api/v1/users/<int:user_id>": api(Action.USER_VIEW),
    "api/v1/users/<int:user_id>/disable": api(Action.USER_VIEW),  # the service decides Action.USER_MANAGE
    "api/v1/users/<int:user_id>/enable": api(Action.USER_VIEW),
    "api/v1/users/<int:user_id>/sign-in-reset": api(Action.USER_VIEW),
    "api/v1/tokens": api(Action.TOKEN_MANAGE),
    "api/v1/tokens/<int:token_id>": api(Action.TOKEN_MANAGE),
    "api/v1/reports/overview": api(Action.REPORT_VIEW),
    "api/v1/reports/quarterly": api(Action.REPORT_VIEW),
    "api/v1/reports/reoffending": api(Action.REPORT_VIEW),
    "api/v1/reports/comparison": api(Action.REPORT_VIEW),
    "api/v1/reports/runs": api(Action.REPORT_VIEW),
    "api/v1/reports/runs/<int:run_id>": api(Action.REPORT_VIEW),
    "api/v1/reports/budget-returns": api(Action.REPORT_VIEW),  # budget returns kept (issue 16, ADR 0031)
    "api/v1/reports/budget-returns/<int:return_id>": api(Action.REPORT_VIEW),
    "api/v1/imports": api(Action.COHORT_MANAGE),  # feed imports in the background (issue 11 §1, §7; ADR 0041)
    "api/v1/imports/<int:import_run_id>": api(Action.COHORT_MANAGE, personal=True),
    "api/v1/imports/<int:import_run_id>/errors": api(Action.COHORT_MANAGE, personal=True),
    "api/v1/link-reviews": api(Action.COHORT_MANAGE, personal=True),  # the review queue (issue 11 §3)
    "api/v1/link-reviews/<int:link_review_id>": api(Action.COHORT_MANAGE, personal=True),
    "api/v1/link-reviews/<int:link_review_id>/decision": api(Action.COHORT_MANAGE, personal=True),
    "api/v1/outbox": api(Action.USER_VIEW),  # as the outbox page: bodies name nobody, a number by its last 3 digits
    "api/v1/outbox/<int:notification_id>/retry": api(Action.USER_VIEW),
    "api/v1/people/<int:person_id>/text-reminders": api(Action.PERSON_VIEW, personal=True),
    "api/v1/meetings/<int:meeting_id>/record": api(Action.PERSON_VIEW, personal=True),
    "api/v1/meetings/<int:meeting_id>/record-sheets": api(Action.COHORT_MANAGE, personal=True),
    "api/v1/meetings/<int:meeting_id>/decisions": api(Action.COHORT_MANAGE, personal=True),
    "api/v1/meetings/<int:meeting_id>/actions": api(Action.COHORT_MANAGE, personal=True),
    "api/v1/meetings/<int:meeting_id>/written-updates": api(Action.PERSON_CHANGE, personal=True),
    "api/v1/meetings/<int:meeting_id>/close": api(Action.COHORT_MANAGE),
}

EXPECTED |= assessment_routes.EXPECTED  # the health and substance-misuse instruments (issue 12 part 1)
EXPECTED |= justice_api_routes.EXPECTED  # the justice record, candidates, screening and caseloads (issue 11 §4)

ROUTES = list(all_routes())
BY_PATTERN = {r.route: r for r in ROUTES}


def test_the_route_walk_finds_routes_inside_included_urlconfs():
    # If the walk stopped at include(), it would miss the people and API routes entirely.
    assert "people/<int:person_id>/" in BY_PATTERN
    assert "api/v1/people/<int:person_id>" in BY_PATTERN
    assert BY_PATTERN["people/<int:person_id>/"].name == "people:summary"


def test_no_two_routes_share_a_pattern():
    assert len(ROUTES) == len(BY_PATTERN)


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.route or "<home>")
def test_every_route_declares_its_guard(route):
    assert rule_of(route.callback) is not None, f"/{route.route} ({route.name}) has not declared its access policy"


def test_every_route_is_listed_here():
    found = {r.route: rule_of(r.callback) for r in ROUTES}
    assert set(found) == set(EXPECTED), "routes added or removed: update EXPECTED (and the exercises for personal data)"
    wrong = {route: (found[route], EXPECTED[route]) for route in EXPECTED if found[route] != EXPECTED[route]}
    assert not wrong, f"routes whose declared guard changed: {wrong}"


def test_a_route_without_a_declaration_is_refused(client, partnership, settings):
    """Default deny: the middleware refuses a route that forgot its declaration, even signed in."""
    from django.http import HttpResponse
    from django.urls import path

    def undeclared(request):
        return HttpResponse("secret")

    module = type("Urls", (), {"urlpatterns": [path("undeclared/", undeclared)]})
    settings.ROOT_URLCONF = module
    client.force_login(partnership.users[Role.CHAIR])
    response = client.get("/undeclared/")
    assert response.status_code == 403
    assert b"secret" not in response.content


# ---- exercising every personal-data route ------------------------------------------------------


def person_values(partnership: Any, person: Any) -> dict[str, Any]:
    referral, registration = referral_fixtures(partnership, person)
    return {
        "person_id": person.pk,
        "tab": "plan",
        "organisation_id": partnership.police.pk,
        "user_id": partnership.users[Role.CHAIR].pk,
        "referral_id": referral.pk,
        "registration_id": registration.pk,
        "step": "referrer",
        "part": "sheet",  # a part of a meeting's record sheet
        "team_id": partnership.team.pk,
        "meeting_id": meeting_values(partnership),
        "token_id": 1,  # API tokens (ADR 0012): nothing need exist
        "rule_id": 1,  # retention rules (ADR 0021): the guard refuses before any lookup
        "return_id": 1,  # budget returns (ADR 0031): the guard refuses before any lookup
        "sar_id": sar_values(partnership, person),
        "secret": "no-such-link",
        **justice_values(person),
        **cohort_values(partnership, person, registration),
        **casework_values(partnership, person),
        **interventions_values(partnership, person),
        **assessment_routes.values(partnership, person),
        **feeds_values(partnership),
    }


def meeting_values(partnership: Any) -> int:
    """A meeting of the partnership's team (made once)."""
    from iomhub.meetings.models import Meeting

    meeting, _ = Meeting.objects.get_or_create(
        team=partnership.team,
        held_on=datetime.date(2026, 2, 5),
        defaults={"location": "Northbridge police station", "created_by": partnership.users[Role.COORDINATOR]},
    )
    return meeting.pk


def feeds_values(partnership: Any) -> dict[str, Any]:
    """An import run by the coordinator and a row of it waiting for review (made once)."""
    from iomhub.feeds.models import ImportRun, LinkReview

    coordinator = partnership.users[Role.COORDINATOR]
    run = ImportRun.objects.filter(started_by=coordinator).first() or ImportRun.objects.create(
        feed="arrests", file_name="overnight.csv", sha256="0" * 64, started_by=coordinator
    )
    values = {
        "pnc_id": "",
        "family_name": "Routewalk",
        "given_name": "Rowan",
        "date_of_birth": "1993-06-04",
        "arrested_at": "2026-01-04T02:30",
        "custody_suite": "Northbridge custody suite",
        "offence_code": "28E",
        "outcome": "Charged",
    }
    review = LinkReview.objects.filter(run=run).first() or LinkReview.objects.create(
        row_key="r" * 64, run=run, line=2, values=values, candidates=[], why="This person may already be on IOM Hub"
    )
    from iomhub.notifications.models import Notification, NotificationStatus

    note = Notification.objects.filter(recipient=coordinator).first() or Notification.objects.create(
        recipient=coordinator, subject="Route walk", body="A failed message", status=NotificationStatus.FAILED
    )
    return {"run_id": run.pk, "import_run_id": run.pk, "review_id": review.pk, "link_review_id": review.pk, "notification_id": note.pk}


def casework_values(partnership: Any, person: Any) -> dict[str, Any]:
    """A plan action and an appointment booked on the timeline of ``person`` (made once per person)."""
    from iomhub.casework.models import AgencyInvolvement, PlanAction, TimelineEntry

    coordinator = partnership.users[Role.COORDINATOR]
    action = PlanAction.objects.filter(person=person).first() or PlanAction.objects.create(
        person=person,
        description="Attend housing options",
        agency=partnership.police,
        owner_name="PC Lee",
        due_on=datetime.date(2026, 2, 2),
        created_by=coordinator,
    )
    entry = TimelineEntry.objects.filter(person=person).first() or TimelineEntry.objects.create(
        person=person,
        kind="office-appointment",
        outcome="booked",
        occurred_on=datetime.date(2026, 1, 5),
        recorded_by=coordinator,
        recorded_by_name="Coordinator",
    )
    involvement = AgencyInvolvement.objects.filter(person=person).first()
    assert involvement is not None
    return {"action_id": action.pk, "entry_id": entry.pk, "involvement_id": involvement.pk}


def interventions_values(partnership: Any, person: Any) -> dict[str, Any]:
    """A drug test, a DRR with a review, and a stored document of ``person`` (made once per person)."""
    from django.core.files.base import ContentFile

    from iomhub.casework.models import TimelineEntry
    from iomhub.documents.models import Document
    from iomhub.documents.services import storage
    from iomhub.interventions.models import DrugTest, TreatmentOrder

    worker = partnership.users[Role.SUBSTANCE_MISUSE]
    order = TreatmentOrder.objects.filter(person=person).first() or TreatmentOrder.objects.create(
        person=person,
        kind="drr",
        court="Northbridge Magistrates' Court",
        made_on=datetime.date(2026, 1, 5),
        starts_on=datetime.date(2026, 1, 5),
        months=6,
        intensity="low",
        provider="Recovery service",
        recorded_by=worker,
    )
    test = DrugTest.objects.filter(person=person).first()
    if test is None:
        entry = TimelineEntry.objects.create(
            person=person,
            kind="drug-test",
            outcome="done",
            occurred_on=datetime.date(2026, 1, 6),
            drug_result="negative",
            substances_tested=["opiates"],
            recorded_by=worker,
            recorded_by_name="Worker",
        )  # bulk of the ORM: no record made by the signal (that needs the service's save)
        test = DrugTest.objects.filter(entry=entry).first() or DrugTest.objects.create(
            person=person, entry=entry, tested_on=entry.occurred_on, sample_type="urine", recorded_by=worker, recorded_by_name="Worker"
        )
    document = Document.objects.filter(person=person).first()
    if document is None:
        stored = storage().save(f"{person.pk}/route-walk.pdf", ContentFile(b"%PDF-1.4 route walk"))
        document = Document.objects.create(
            person=person,
            title="Route walk",
            filename="route-walk.pdf",
            content_type="application/pdf",
            size=19,
            sha256="0" * 64,
            stored_as=stored,
            uploaded_by=worker,
            uploaded_by_name="Worker",
        )
    return {"test_id": test.pk, "order_id": order.pk, "document_id": document.pk}


def cohort_values(partnership: Any, person: Any, registration: Any) -> dict[str, Any]:
    """A transfer out of ``person``'s registration, under way, for the transfer routes (made once)."""
    from iomhub.cohort.models import Transfer

    transfer = Transfer.objects.filter(person=person).first() or Transfer.objects.create(
        person=person,
        kind="external-out",
        registration=registration,
        other_area="Kent IOM",
        proposed_on=datetime.date(2026, 2, 2),
        proposed_address="1 New Road, Maidstone",
        index_offence="Burglary",
        offending_history="Six burglaries since 2020",
        risk_factors="Drug use",
        safeguarding="None known",
        created_by=partnership.users[Role.COORDINATOR],
    )
    return {"transfer_id": transfer.pk, "transfer_step": "spoc"}


def justice_values(person: Any) -> dict[str, Any]:
    """A sentence and a warrant of ``person`` for the justice routes (made once per person)."""
    from iomhub.justice.models import Sentence, Warrant

    sentence = Sentence.objects.filter(person=person).first() or Sentence.objects.create(
        person=person, sentenced_on=datetime.date(2025, 1, 6), offence_committed_on=datetime.date(2024, 12, 1), months=10
    )
    warrant = Warrant.objects.filter(person=person).first() or Warrant.objects.create(
        person=person, kind="arrest", issued_on=datetime.date(2025, 2, 3)
    )
    return {"kind": "arrests", "action": "override", "sentence_id": sentence.pk, "warrant_id": warrant.pk}


def sar_values(partnership: Any, person: Any) -> int:
    """A subject access request about ``person`` (made once per person)."""
    from iomhub.operations.models import SubjectAccessRequest

    sar = SubjectAccessRequest.objects.filter(person=person).first() or SubjectAccessRequest.objects.create(
        person=person, received_on=datetime.date(2026, 1, 5), requester="The person", created_by=partnership.users[Role.IG_LEAD]
    )
    return int(sar.pk)


def referral_fixtures(partnership: Any, person: Any) -> tuple[Any, Any]:
    """A draft referral of ``person`` by the police (the chair's organisation: a draft is seen only
    by its own organisation), or for the restricted person by the probation officer granted on them,
    and an IOM registration of ``person`` (made once per person)."""
    from iomhub.cohort.models import Registration
    from tests.referrals.factories import make_referral

    made = partnership.__dict__.setdefault("_route_fixtures", {})
    if person.pk not in made:
        referrer = Role.PROBATION_OFFICER if person == partnership.restricted else Role.POLICE_IOM_OFFICER
        referral = make_referral(by=partnership.users[referrer], person=person, status="draft")
        registration = Registration.objects.create(person=person, started_on=datetime.date(2026, 1, 5), rag="amber")
        registration.checklist.create(item="offender-notified")
        made[person.pk] = (referral, registration)
    return made[person.pk]


NEW_PERSON_FORM = {
    "first_name": "Morgan",
    "last_name": "Freshman",
    "date_of_birth_day": "3",
    "date_of_birth_month": "4",
    "date_of_birth_year": "1991",
    "sex": "female",
    "phone_kind": "M",
}
ARREST_FORM = {
    "arrested_on_day": "3",
    "arrested_on_month": "3",
    "arrested_on_year": "2025",
    "custody_suite": "Northbridge custody suite",
    "outcome": "charge",
    "offence_codes": "28E",
}
_TODAY = timezone.localdate()  # the involvement starts today (the model's default) and ends today
END_INVOLVEMENT_FORM = {
    "ended_on_day": str(_TODAY.day),
    "ended_on_month": str(_TODAY.month),
    "ended_on_year": str(_TODAY.year),
    "reason": "The agency no longer works with them",
}
NEW_PERSON_JSON = {"first_name": "Morgan", "last_name": "Freshman", "date_of_birth": "1991-04-03", "sex": "female"}


@dataclass(frozen=True)
class Exercise:
    """How an allowed user uses a personal-data route, and the audit event that must follow."""

    user: str
    person: str  # which of the partnership's people the URL names (if it names one)
    requests: tuple[tuple[str, dict[str, Any] | None, str], ...]  # (method, data, expected audit action)
    query: str = ""


def _get(action: str, query: dict[str, Any] | None = None) -> tuple[str, dict[str, Any] | None, str]:
    return ("get", query, action)


EXERCISES: dict[str, Exercise] = {
    "audit/": Exercise(Role.IG_LEAD, "ordinary", (_get("search", {"username": "chair"}),)),
    "audit/people/<int:person_id>/viewers.csv": Exercise(Role.IG_LEAD, "ordinary", (_get("export"),)),
    "subject-access/<int:sar_id>/": Exercise(Role.IG_LEAD, "ordinary", (_get("export"),)),
    "subject-access/<int:sar_id>/decide/": Exercise(Role.IG_LEAD, "ordinary", (("post", {"decision": "release"}, "view"),)),
    "subject-access/<int:sar_id>/pack.pdf": Exercise(Role.IG_LEAD, "ordinary", (_get("export"),)),
    "subject-access/<int:sar_id>/pack.json": Exercise(Role.IG_LEAD, "ordinary", (_get("export"),)),
    "api/v1/subject-access-requests/<int:sar_id>": Exercise(Role.IG_LEAD, "ordinary", (_get("view"),)),
    "api/v1/subject-access-requests/<int:sar_id>/pack": Exercise(Role.IG_LEAD, "ordinary", (_get("export"),)),
    "people/": Exercise(Role.POLICE_IOM_OFFICER, "ordinary", (_get("search", {"q": "Jordan"}),)),
    "people/new/": Exercise(Role.POLICE_IOM_OFFICER, "ordinary", (("post", NEW_PERSON_FORM, "create"),)),
    "people/<int:person_id>/": Exercise(Role.POLICE_IOM_OFFICER, "ordinary", (_get("view"),)),
    "people/<int:person_id>/edit/": Exercise(Role.POLICE_IOM_OFFICER, "ordinary", (_get("view"),)),
    "people/<int:person_id>/aliases/new/": Exercise(
        Role.PROBATION_OFFICER, "ordinary", (("post", {"first_name": "Jo", "last_name": "Examplar"}, "create"),)
    ),
    "people/<int:person_id>/addresses/new/": Exercise(
        "housing-worker", "housing_case", (("post", {"line_1": "1 High Street", "town": "Southampton", "postcode": "SO14 2AA"}, "create"),)
    ),
    "people/<int:person_id>/phones/new/": Exercise(
        "housing-worker", "housing_case", (("post", {"kind": "H", "number": "023 8000 0000"}, "create"),)
    ),
    "people/<int:person_id>/text-reminders/": Exercise(
        "housing-worker", "housing_case", (_get("view"), ("post", {"agreed": "yes", "number": "07700 900123"}, "change"))
    ),
    "api/v1/people/<int:person_id>/text-reminders": Exercise(
        "housing-worker", "housing_case", (_get("view"), ("post_json", {"agreed": True, "number": "07700 900123"}, "change"))
    ),
    "people/<int:person_id>/markers/new/": Exercise(Role.POLICE_IOM_OFFICER, "ordinary", (("post", {"kind": "violence"}, "create"),)),
    "people/<int:person_id>/export.json": Exercise(Role.COORDINATOR, "ordinary", (_get("export"),)),
    "people/<int:person_id>/break-glass/": Exercise(
        Role.CHAIR, "restricted", (("post", {"reason": "Urgent safeguarding concern raised by the duty officer"}, "break-glass"),)
    ),
    "people/<int:person_id>/<slug:tab>/": Exercise("housing-worker", "housing_case", (_get("view"),)),
    "people/<int:person_id>/plan/": Exercise("housing-worker", "housing_case", (_get("view"),)),
    "people/<int:person_id>/plan/people/": Exercise(Role.COORDINATOR, "ordinary", (_get("view"),)),
    "people/<int:person_id>/plan/safeguarding/": Exercise(
        Role.PROBATION_OFFICER,
        "housing_case",
        (
            _get("view"),
            (
                "post",
                {"parental_status": "not-a-parent", "lives_with_children": "no", "safeguarding": "none-known", "version": "1"},
                "change",
            ),
        ),
    ),
    "people/<int:person_id>/plan/agencies/new/": Exercise(Role.COORDINATOR, "ordinary", (_get("view"),)),
    "people/<int:person_id>/plan/agencies/<int:involvement_id>/contacts/new/": Exercise(
        Role.COORDINATOR, "ordinary", (_get("view"), ("post", {"name": "Sam Lee", "phone": "01234 567890"}, "create"))
    ),
    "people/<int:person_id>/plan/agencies/<int:involvement_id>/end/": Exercise(
        Role.COORDINATOR, "ordinary", (_get("view"), ("post", END_INVOLVEMENT_FORM, "change"))
    ),
    "people/<int:person_id>/plan/actions/new/": Exercise(Role.PROBATION_OFFICER, "ordinary", (_get("view"),)),
    "people/<int:person_id>/plan/actions/<int:action_id>/": Exercise(
        Role.PROBATION_OFFICER, "ordinary", (_get("view"), ("post", {"status": "done", "version": "1"}, "change"))
    ),
    "people/<int:person_id>/assessments/": Exercise(Role.SUBSTANCE_MISUSE, "ordinary", (_get("view"),)),
    "people/<int:person_id>/assessments/new/": Exercise(Role.SUBSTANCE_MISUSE, "ordinary", (_get("view"),)),
    "people/<int:person_id>/timeline/": Exercise(Role.POLICE_IOM_OFFICER, "ordinary", (_get("view", {"kind": "phone"}),)),
    "people/<int:person_id>/timeline/new/": Exercise(
        Role.POLICE_IOM_OFFICER,
        "ordinary",
        (
            _get("view"),
            (
                "post",
                {"kind": "phone", "outcome": "done", "occurred_on_day": "5", "occurred_on_month": "1", "occurred_on_year": "2026"},
                "create",
            ),
        ),
    ),
    "people/<int:person_id>/timeline/<int:entry_id>/outcome/": Exercise(
        Role.PROBATION_OFFICER, "ordinary", (_get("view"), ("post", {"outcome": "attended"}, "change"))
    ),
    "people/<int:person_id>/interventions/": Exercise(Role.SUBSTANCE_MISUSE, "ordinary", (_get("view"),)),
    "people/<int:person_id>/interventions/drug-tests/new/": Exercise(
        Role.SUBSTANCE_MISUSE,
        "ordinary",
        (
            _get("view"),
            (
                "post",
                {
                    "tested_on_day": "7",
                    "tested_on_month": "1",
                    "tested_on_year": "2026",
                    "sample_type": "urine",
                    "specified": "none",
                    "refused": "no",
                    "result_cocaine": "negative",
                },
                "create",
            ),
        ),
    ),
    "people/<int:person_id>/interventions/drug-tests/<int:test_id>/": Exercise(Role.SUBSTANCE_MISUSE, "ordinary", (_get("view"),)),
    "people/<int:person_id>/interventions/orders/new/": Exercise(Role.PROBATION_OFFICER, "ordinary", (_get("view"),)),
    "people/<int:person_id>/interventions/orders/<int:order_id>/": Exercise(Role.PROBATION_OFFICER, "ordinary", (_get("view"),)),
    "people/<int:person_id>/interventions/orders/<int:order_id>/reviews/new/": Exercise(
        Role.SUBSTANCE_MISUSE,
        "ordinary",
        (
            _get("view"),
            (
                "post",
                {
                    "reviewed_on_day": "2",
                    "reviewed_on_month": "2",
                    "reviewed_on_year": "2026",
                    "progress": "good",
                    "attendance": "good",
                    "notes": "Engaging",
                },
                "create",
            ),
        ),
    ),
    "people/<int:person_id>/interventions/orders/<int:order_id>/report/": Exercise(Role.SUBSTANCE_MISUSE, "ordinary", (_get("view"),)),
    "people/<int:person_id>/documents/": Exercise(Role.PROBATION_OFFICER, "ordinary", (_get("view"),)),
    "people/<int:person_id>/documents/new/": Exercise(Role.PROBATION_OFFICER, "ordinary", (_get("view"),)),
    "people/<int:person_id>/documents/<int:document_id>/": Exercise(Role.PROBATION_OFFICER, "ordinary", (_get("export"),)),
    "people/<int:person_id>/merge/": Exercise(Role.COORDINATOR, "ordinary", (_get("view"),)),
    "people/<int:person_id>/merges/": Exercise(Role.IG_LEAD, "ordinary", (_get("view"),)),
    "people/<int:person_id>/justice/": Exercise(Role.POLICE_IOM_OFFICER, "ordinary", (_get("view"),)),
    "people/<int:person_id>/justice/<slug:kind>/new/": Exercise(
        Role.POLICE_IOM_OFFICER, "ordinary", (_get("view"), ("post", ARREST_FORM, "create"))
    ),
    "people/<int:person_id>/justice/warrants/<int:warrant_id>/executed/": Exercise(Role.POLICE_IOM_OFFICER, "ordinary", (_get("view"),)),
    "people/<int:person_id>/justice/sentences/<int:sentence_id>/<slug:action>/": Exercise(
        Role.PROBATION_OFFICER, "ordinary", (_get("view"),)
    ),
    "api/v1/people/<int:person_id>/case": Exercise("housing-worker", "housing_case", (_get("view"),)),
    "api/v1/people/<int:person_id>/case/people": Exercise(
        Role.COORDINATOR,
        "ordinary",
        (("post_json", {"version": 1, "lead_worker": None, "coordinator": None, "reason": "Meeting"}, "view"),),
    ),
    "api/v1/people/<int:person_id>/case/agencies/<int:involvement_id>/end": Exercise(
        Role.COORDINATOR, "ordinary", (_get("view"), ("post_json", {"reason": "The agency no longer works with them"}, "change"))
    ),
    "api/v1/people/<int:person_id>/case/safeguarding": Exercise(
        Role.PROBATION_OFFICER,
        "housing_case",
        (
            (
                "post_json",
                {"version": 1, "parental_status": "not-a-parent", "lives_with_children": "no", "safeguarding": "none-known"},
                "change",
            ),
        ),
    ),
    "api/v1/people/<int:person_id>/plan-actions": Exercise(
        Role.PROBATION_OFFICER,
        "ordinary",
        (_get("view"),),
    ),
    "api/v1/people/<int:person_id>/plan-actions/<int:action_id>": Exercise(
        Role.PROBATION_OFFICER, "ordinary", (("post_json", {"version": 1, "status": "done"}, "change"),)
    ),
    "api/v1/people/<int:person_id>/pathway-assessments": Exercise(Role.SUBSTANCE_MISUSE, "ordinary", (_get("view"),)),
    "api/v1/people/<int:person_id>/timeline": Exercise(
        Role.POLICE_IOM_OFFICER, "ordinary", (_get("view"), ("post_json", {"kind": "phone", "occurred_on": "2026-01-05"}, "create"))
    ),
    "api/v1/people/<int:person_id>/drug-tests": Exercise(
        Role.SUBSTANCE_MISUSE,
        "ordinary",
        (_get("view"), ("post_json", {"tested_on": "2026-01-07", "sample_type": "urine", "results": {"opiates": "negative"}}, "create")),
    ),
    "api/v1/people/<int:person_id>/treatment-orders": Exercise(Role.SUBSTANCE_MISUSE, "ordinary", (_get("view"),)),
    "api/v1/people/<int:person_id>/treatment-orders/<int:order_id>": Exercise(Role.SUBSTANCE_MISUSE, "ordinary", (_get("view"),)),
    "api/v1/people/<int:person_id>/treatment-orders/<int:order_id>/reviews": Exercise(
        Role.SUBSTANCE_MISUSE,
        "ordinary",
        (
            _get("view"),
            ("post_json", {"reviewed_on": "2026-02-02", "progress": "some", "attendance": "good", "notes": "Engaging"}, "create"),
        ),
    ),
    "api/v1/people/<int:person_id>/treatment-orders/<int:order_id>/report": Exercise(Role.SUBSTANCE_MISUSE, "ordinary", (_get("view"),)),
    "api/v1/people/<int:person_id>/documents": Exercise(Role.PROBATION_OFFICER, "ordinary", (_get("view"),)),
    "api/v1/people/<int:person_id>/documents/<int:document_id>": Exercise(Role.PROBATION_OFFICER, "ordinary", (_get("view"),)),
    "api/v1/people/<int:person_id>/documents/<int:document_id>/file": Exercise(Role.PROBATION_OFFICER, "ordinary", (_get("export"),)),
    "api/v1/people/<int:person_id>/justice": Exercise(Role.PROBATION_OFFICER, "ordinary", (_get("view"),)),
    "api/v1/people/<int:person_id>/justice/sentences": Exercise(Role.PROBATION_OFFICER, "ordinary", (_get("view"),)),
    "api/v1/people/<int:person_id>/justice/overrides": Exercise(Role.PROBATION_OFFICER, "ordinary", (_get("view"),)),
    "api/v1/people/<int:person_id>/justice/recalls": Exercise(Role.PROBATION_OFFICER, "ordinary", (_get("view"),)),
    "api/v1/people/<int:person_id>/justice/breaches": Exercise(Role.PROBATION_OFFICER, "ordinary", (_get("view"),)),
    "api/v1/people/<int:person_id>/justice/conditions": Exercise(Role.PROBATION_OFFICER, "ordinary", (_get("view"),)),
    "api/v1/people": Exercise(
        Role.POLICE_IOM_OFFICER, "ordinary", (_get("search", {"q": "Jordan"}), ("post_json", NEW_PERSON_JSON, "create"))
    ),
    "api/v1/people/<int:person_id>": Exercise(
        Role.PROBATION_OFFICER, "restricted", (_get("view"), ("patch_json", {"middle_names": "Lee"}, "change"))
    ),
    "api/v1/people/<int:person_id>/export": Exercise(Role.PROBATION_OFFICER, "restricted", (_get("export"),)),
    "referrals/": Exercise(Role.COORDINATOR, "ordinary", (_get("search"),)),
    "referrals/new/": Exercise("housing-worker", "ordinary", (("post", {"first_name": "Morgan", "last_name": "Freshman"}, "create"),)),
    "referrals/<int:referral_id>/": Exercise(Role.POLICE_IOM_OFFICER, "ordinary", (_get("view"),)),
    "referrals/<int:referral_id>/check/": Exercise(Role.POLICE_IOM_OFFICER, "ordinary", (_get("view"),)),
    "referrals/<int:referral_id>/decide/": Exercise(Role.CHAIR, "ordinary", (_get("view"),)),
    "referrals/<int:referral_id>/<slug:step>/": Exercise(
        Role.POLICE_IOM_OFFICER, "ordinary", (_get("view"), ("post", {"contact": "PO Sam Taylor, 01234 567890"}, "change"))
    ),
    "cohort/": Exercise(Role.COORDINATOR, "ordinary", (_get("search"),)),
    "cohort/registrations/<int:registration_id>/checklist/": Exercise(
        Role.COORDINATOR,
        "ordinary",
        (
            _get("view"),
            (
                "post",
                {"item": "offender-notified", "done_on_day": "6", "done_on_month": "1", "done_on_year": "2026", "done_by": "PC Lee"},
                "change",
            ),
        ),
    ),
    "cohort/candidates/": Exercise(Role.COORDINATOR, "ordinary", (_get("search"),)),
    "cohort/people/<int:person_id>/screening/": Exercise(Role.POLICE_IOM_OFFICER, "ordinary", (_get("view"),)),
    "cohort/registrations/<int:registration_id>/": Exercise(Role.POLICE_IOM_OFFICER, "ordinary", (_get("view"),)),
    "cohort/registrations/<int:registration_id>/rag/": Exercise(
        Role.POLICE_IOM_OFFICER,
        "ordinary",
        (
            _get("view"),
            (
                "post",
                {"level": "red-alert", "changed_on_day": "9", "changed_on_month": "1", "changed_on_year": "2026", "reason": "Wanted"},
                "change",
            ),
        ),
    ),
    "cohort/registrations/<int:registration_id>/review/": Exercise(
        Role.COORDINATOR,
        "ordinary",
        (
            _get("view"),
            (
                "post",
                {"reviewed_on_day": "9", "reviewed_on_month": "1", "reviewed_on_year": "2026", "outcome": "retain", "notes": "Engaging"},
                "create",
            ),
        ),
    ),
    "cohort/registrations/<int:registration_id>/circumstances/": Exercise(
        Role.COORDINATOR, "ordinary", (_get("view"), ("post", {"other_forum": "MAPPA level 2 panel"}, "change"))
    ),
    "cohort/registrations/<int:registration_id>/deregister/": Exercise(
        Role.CHAIR,
        "ordinary",
        (
            _get("view"),
            (
                "post",
                {
                    "approved_on_day": "6",
                    "approved_on_month": "7",
                    "approved_on_year": "2026",
                    "reasons": "Risk has fallen",
                    "exit_plan": "Probation continue supervision",
                    "supported_by": "PO Sam Taylor, probation",
                },
                "change",
            ),
        ),
    ),
    "cohort/registrations/<int:registration_id>/removal/": Exercise(Role.COORDINATOR, "ordinary", (_get("view"),)),
    "cohort/red-alerts/": Exercise(Role.POLICE_IOM_OFFICER, "ordinary", (_get("search"),)),
    "feeds/imports/<int:run_id>/": Exercise(Role.COORDINATOR, "ordinary", (_get("view"),)),
    "feeds/imports/<int:run_id>/errors.csv": Exercise(Role.COORDINATOR, "ordinary", (_get("export"),)),
    "feeds/review/": Exercise(Role.COORDINATOR, "ordinary", (_get("search"),)),
    "api/v1/imports/<int:import_run_id>": Exercise(Role.COORDINATOR, "ordinary", (_get("view"),)),
    "api/v1/imports/<int:import_run_id>/errors": Exercise(Role.COORDINATOR, "ordinary", (_get("export"),)),
    "api/v1/link-reviews": Exercise(Role.COORDINATOR, "ordinary", (_get("search"),)),
    "api/v1/link-reviews/<int:link_review_id>": Exercise(Role.COORDINATOR, "ordinary", (_get("view"),)),
    "api/v1/link-reviews/<int:link_review_id>/decision": Exercise(
        Role.COORDINATOR, "ordinary", (_get("view"), ("post_json", {"person": None}, "change"))
    ),
    "feeds/review/<int:review_id>/": Exercise(Role.COORDINATOR, "ordinary", (("post", {"decision": "create"}, "change"),)),
    "caseload/": Exercise(Role.COORDINATOR, "ordinary", (_get("search"),)),
    "meetings/<int:meeting_id>/": Exercise(Role.CHAIR, "ordinary", (_get("view"),)),
    "meetings/<int:meeting_id>/people/<int:person_id>/": Exercise(Role.COORDINATOR, "ordinary", (_get("view"),)),
    "meetings/<int:meeting_id>/people/<int:person_id>/<slug:part>/": Exercise(Role.COORDINATOR, "ordinary", (_get("view"),)),
    "meetings/<int:meeting_id>/actions/<int:action_id>/": Exercise(Role.COORDINATOR, "ordinary", (_get("view"),)),
    "meetings/<int:meeting_id>/referrals/<int:referral_id>/": Exercise(Role.CHAIR, "ordinary", (_get("view"),)),
    "meetings/<int:meeting_id>/written-updates/<int:person_id>/": Exercise(Role.PROBATION_OFFICER, "ordinary", (_get("view"),)),
    "meetings/<int:meeting_id>/transfers/<int:transfer_id>/": Exercise(Role.CHAIR, "ordinary", (_get("view"),)),
    "meetings/<int:meeting_id>/pack/": Exercise(Role.COORDINATOR, "ordinary", (_get("view"),)),
    "reports/quarterly/people/": Exercise(Role.COORDINATOR, "ordinary", (_get("search", {"quarter": "2026Q1", "figure": "caseload-end"}),)),
    "cohort/transfers/": Exercise(Role.COORDINATOR, "ordinary", (_get("search"),)),
    "cohort/transfers/<int:transfer_id>/": Exercise(Role.POLICE_IOM_OFFICER, "ordinary", (_get("view"),)),
    "cohort/transfers/<int:transfer_id>/<slug:transfer_step>/": Exercise(
        Role.COORDINATOR, "ordinary", (_get("view"), ("post", {"spoc_name": "DC Ali Khan", "spoc_contact": "01622 000000"}, "change"))
    ),
    "cohort/people/<int:person_id>/transfers/new/": Exercise(Role.COORDINATOR, "ordinary", (_get("view"),)),
    "api/v1/registrations/<int:registration_id>": Exercise(Role.PROBATION_OFFICER, "ordinary", (_get("view"),)),
    "api/v1/registrations/<int:registration_id>/rag": Exercise(
        Role.POLICE_IOM_OFFICER,
        "ordinary",
        (_get("view"), ("post_json", {"level": "red", "changed_on": "2026-01-09", "reason": "Reoffending"}, "change")),
    ),
    "api/v1/registrations/<int:registration_id>/reviews": Exercise(
        Role.COORDINATOR,
        "ordinary",
        (_get("view"), ("post_json", {"reviewed_on": "2026-01-09", "outcome": "retain", "notes": "Engaging"}, "create")),
    ),
    "api/v1/registrations/<int:registration_id>/deregistration": Exercise(
        Role.CHAIR,
        "ordinary",
        (
            _get("view"),
            (
                "post_json",
                {
                    "approved_on": "2026-07-06",
                    "reasons": "Risk fallen",
                    "exit_plan": "Probation supervise",
                    "supported_by": "PO Sam Taylor",
                },
                "change",
            ),
        ),
    ),
    "api/v1/registrations/<int:registration_id>/removal": Exercise(Role.COORDINATOR, "ordinary", (_get("view"),)),
    "api/v1/people/<int:person_id>/transfers": Exercise(Role.COORDINATOR, "ordinary", (_get("view"),)),
    "api/v1/transfers/<int:transfer_id>": Exercise(
        Role.COORDINATOR,
        "ordinary",
        (_get("view"), ("post_json", {"step": "spoc", "spoc_name": "DC Ali Khan", "spoc_contact": "01622"}, "change")),
    ),
    "api/v1/red-alerts": Exercise(Role.POLICE_IOM_OFFICER, "ordinary", (_get("search"),)),
    "api/v1/referrals": Exercise(
        Role.PROBATION_OFFICER, "ordinary", (_get("search"), ("post_json", {"first_name": "Morgan", "draft": True}, "create"))
    ),
    "api/v1/referrals/<int:referral_id>": Exercise(Role.POLICE_IOM_OFFICER, "ordinary", (_get("view"),)),
    "api/v1/referrals/<int:referral_id>/decision": Exercise(Role.POLICE_IOM_OFFICER, "ordinary", (_get("view"),)),
    "api/v1/meetings/<int:meeting_id>/record": Exercise(Role.COORDINATOR, "ordinary", (_get("view"),)),
    "api/v1/meetings/<int:meeting_id>/record-sheets": Exercise(Role.COORDINATOR, "ordinary", (_get("view"),)),
    "api/v1/meetings/<int:meeting_id>/decisions": Exercise(Role.CHAIR, "ordinary", (_get("view"),)),
    "api/v1/meetings/<int:meeting_id>/actions": Exercise(Role.COORDINATOR, "ordinary", (_get("view"),)),
    "api/v1/meetings/<int:meeting_id>/written-updates": Exercise(Role.COORDINATOR, "ordinary", (_get("view"),)),
}

# Any partner agency may refer (002 §4): these work for the housing worker too, and show them only
# their own organisation's referrals, so nothing about someone else's case.
REFERRER_ROUTES = {("referrals/", "get"), ("referrals/new/", "post"), ("api/v1/referrals", "get"), ("api/v1/referrals", "post_json")}
# The Red Alert (wanted) list is published to the whole partnership (002 appendix 1), and a partner
# worker has a caseload of the plan actions they own: a partner sees these lists, each listing only
# people their agency is involved in.
PARTNER_LIST_ROUTES = {("cohort/red-alerts/", "get"), ("api/v1/red-alerts", "get"), ("caseload/", "get")}

EXERCISES |= assessment_routes.exercises(Exercise)
EXERCISES |= justice_api_routes.exercises(Exercise)
PARTNER_LIST_ROUTES |= justice_api_routes.PARTNER_LIST_ROUTES
PERSONAL = sorted(route for route, rule in EXPECTED.items() if rule.personal_data)


def send(client: Client, method: str, url: str, data: dict[str, Any] | None) -> Any:
    if method == "get":
        return client.get(url, data or {})
    if method == "post":
        return client.post(url, data or {})
    if method == "post_json":
        return client.post(url, data or {}, content_type="application/json")
    if method == "patch_json":
        return client.patch(url, data or {}, content_type="application/json")
    raise AssertionError(method)


def test_every_personal_data_route_has_an_exercise():
    assert set(PERSONAL) == set(EXERCISES)


@pytest.mark.parametrize("route", PERSONAL)
def test_a_personal_data_route_audits_an_allowed_user(client, partnership, route):
    exercise = EXERCISES[route]
    person = getattr(partnership, exercise.person)
    user = partnership.users[exercise.user]
    client.force_login(user)
    url = concrete(route, **person_values(partnership, person))
    for method, data, action in exercise.requests:
        since = last_event_id()
        response = send(client, method, url, data)
        assert response.status_code in (200, 201, 302), (method, url, response.status_code)
        events = events_since(since, actor=user, action=action)
        assert events, f"{method} {url} wrote no {action!r} audit event"
        if "person_id" in parameters(route):
            assert events[-1].person_id == person.pk
        assert not events_since(since, action="denied")


def _denied(client: Client, user: Any, method: str, url: str, data: dict[str, Any] | None, people: list[Any]) -> None:
    since = last_event_id()
    response = send(client, method, url, data)
    assert response.status_code in (403, 404), (user.username, method, url, response.status_code)
    assert not leaked(response.content, *people), (user.username, method, url, leaked(response.content, *people))
    assert events_since(since, actor=user, action="denied"), f"{user.username} refused {method} {url} without a denied event"
    assert not events_since(since, action__in=["view", "search", "export", "create", "change", "break-glass"])


@pytest.mark.parametrize("route", PERSONAL)
def test_a_personal_data_route_refuses_the_performance_lead(client, partnership, route):
    """Performance leads see no identities: every personal-data route refuses them, audited."""
    user = partnership.users[Role.PERFORMANCE_LEAD]
    client.force_login(user)
    exercise = EXERCISES[route]
    person = getattr(partnership, exercise.person)
    url = concrete(route, **person_values(partnership, person))
    for method, data, _ in exercise.requests:
        _denied(client, user, method, url, data, partnership.people)


@pytest.mark.parametrize("route", PERSONAL)
def test_a_personal_data_route_refuses_a_partner_for_a_person_their_agency_is_not_involved_in(client, partnership, route):
    user = partnership.users["housing-worker"]
    person = partnership.ordinary  # housing is not involved
    client.force_login(user)
    url = concrete(route, **person_values(partnership, person))
    exercise = EXERCISES[route]
    for method, data, _ in exercise.requests:
        if (route, method) in REFERRER_ROUTES | PARTNER_LIST_ROUTES:
            since = last_event_id()
            response = send(client, method, url, data)
            assert response.status_code in (200, 201, 302), (route, method, response.status_code)
            assert not leaked(response.content, person), (route, method)
            assert not events_since(since, action="denied")
            continue
        if route in ("people/", "api/v1/people") and method == "get":
            # The housing worker may search, but the person is simply not among the results.
            response = send(client, method, url, {"q": "Jordan Example"})
            assert response.status_code == 200
            if route == "api/v1/people":
                assert [r["id"] for r in response.json()["results"]] == []
            else:
                assert response.context["results"] == []
                assert f"/people/{person.pk}/" not in response.content.decode()
            continue
        _denied(client, user, method, url, data, [person])


@pytest.mark.parametrize("route", [r for r, rule in EXPECTED.items() if not rule.public])
def test_a_stranger_is_refused_every_guarded_route(client, partnership, route):
    url = concrete(route, **person_values(partnership, partnership.ordinary))
    response = client.get(url, {"q": "Jordan"})
    if EXPECTED[route].api:
        assert response.status_code in (401, 403)
    else:
        assert response.status_code == 302
        assert response["Location"].startswith("/sign-in/?next=")
    assert not leaked(response.content, *partnership.people)


@pytest.mark.parametrize("route", [r for r, rule in EXPECTED.items() if rule.api])
def test_an_api_route_refuses_a_bad_token(client, partnership, route):
    url = concrete(route, **person_values(partnership, partnership.ordinary))
    response = client.get(url, {"q": "Jordan"}, headers={"Authorization": "Bearer iom_not-a-real-token"})
    assert response.status_code == 401
    assert not leaked(response.content, *partnership.people)


# API routes for the information governance lead rather than a probation officer (subject access, ADR 0022).
TOKEN_USERS = {
    # A meeting's record is the coordinator's and chair's (the written updates' list too): the route names no person.
    "api/v1/meetings/<int:meeting_id>/record": Role.COORDINATOR,
    "api/v1/meetings/<int:meeting_id>/record-sheets": Role.COORDINATOR,
    "api/v1/meetings/<int:meeting_id>/decisions": Role.COORDINATOR,
    "api/v1/meetings/<int:meeting_id>/actions": Role.COORDINATOR,
    "api/v1/meetings/<int:meeting_id>/written-updates": Role.COORDINATOR,
    "api/v1/subject-access-requests/<int:sar_id>": Role.IG_LEAD,
    # An import run is its uploader's (the coordinator's here).
    "api/v1/imports/<int:import_run_id>": Role.COORDINATOR,
    "api/v1/imports/<int:import_run_id>/errors": Role.COORDINATOR,
    # The review queue is the coordinator's and chair's.
    "api/v1/link-reviews": Role.COORDINATOR,
    "api/v1/link-reviews/<int:link_review_id>": Role.COORDINATOR,
    "api/v1/link-reviews/<int:link_review_id>/decision": Role.COORDINATOR,
    "api/v1/subject-access-requests/<int:sar_id>/pack": Role.IG_LEAD,
}
TOKEN_USERS |= justice_api_routes.TOKEN_USERS


@pytest.mark.parametrize("route", [r for r, rule in EXPECTED.items() if rule.api and rule.personal_data])
def test_an_api_route_accepts_a_token_and_audits_its_owner(client, partnership, route):
    from iomhub.access.services import api_token_issue

    user = partnership.users[TOKEN_USERS.get(route, Role.PROBATION_OFFICER)]
    _, secret = api_token_issue(acting_user=user, name="test feed", scope="read-write", second_factor_at=timezone.now())
    url = concrete(route, **person_values(partnership, partnership.restricted))
    since = last_event_id()
    response = client.get(url, {"q": "Robin"}, headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200
    assert events_since(since, actor=user, action__in=["view", "search", "export"])


def test_the_break_glass_exercise_records_the_reason(client, partnership):
    """The break-glass exercise above is audited with its reason, and lasts one hour."""
    chair = partnership.users[Role.CHAIR]
    client.force_login(chair)
    reason = "Urgent safeguarding concern raised by the duty officer"
    before = datetime.datetime.now(datetime.UTC)
    client.post(f"/people/{partnership.restricted.pk}/break-glass/", {"reason": reason})
    event = AuditEvent.objects.get(action="break-glass", actor=chair, object_type="person")
    assert event.reason == reason
    expires = datetime.datetime.fromisoformat(event.changes["expires_at"])
    assert datetime.timedelta(minutes=59) < expires - before <= datetime.timedelta(hours=1, minutes=1)
