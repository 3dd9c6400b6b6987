"""My caseload and the team dashboard over the JSON API (issue 11 §4): the page's one selector,
``casework.dashboard.caseload`` (a worker's own cases and actions; the team's for the coordinator and
chair), so the rows, the policy and the audit (one search, and a ``listed`` event against each person
shown) are the page's. Releases and recent arrests come from the justice record only for readers who
see it (``justice_shared``)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from iomhub.access.policy import Action
from iomhub.access.routes import guarded
from iomhub.casework.dashboard import caseload
from iomhub.casework.models import ActionStatus
from iomhub.referrals.models import RagLevel


class CaseloadPersonSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    display_name = serializers.CharField()


class CaseloadCaseSerializer(serializers.Serializer[Any]):
    person = CaseloadPersonSerializer()
    registration = serializers.IntegerField()
    rag = serializers.ChoiceField(choices=RagLevel.choices)
    next_home_visit = serializers.DateField(
        allow_null=True, help_text="Due under the RAG regime; null when there is no home-visit regime or the timeline is not shared"
    )
    home_visit_overdue = serializers.BooleanField()
    review_due = serializers.DateField(allow_null=True)
    review_overdue = serializers.BooleanField()


class CaseloadActionSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    person = CaseloadPersonSerializer()
    description = serializers.CharField()
    agency = serializers.CharField(help_text="The agency that owns the action")
    owner_name = serializers.CharField()
    due_on = serializers.DateField()
    status = serializers.ChoiceField(choices=ActionStatus.choices)


class CaseloadReviewSerializer(serializers.Serializer[Any]):
    person = CaseloadPersonSerializer()
    registration = serializers.IntegerField()
    due = serializers.DateField()
    overdue = serializers.BooleanField()
    why = serializers.CharField(help_text="How the due date was worked out")


class CaseloadReleaseSerializer(serializers.Serializer[Any]):
    person = CaseloadPersonSerializer()
    title = serializers.CharField()
    about = serializers.DateField(allow_null=True, help_text="The release date")


class CaseloadArrestOffenceSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(help_text="Home Office offence code")
    description = serializers.CharField()


class CaseloadArrestSerializer(serializers.Serializer[Any]):
    person = CaseloadPersonSerializer()
    arrested_on = serializers.DateField()
    custody_suite = serializers.CharField()
    outcome = serializers.CharField(help_text="As custody records word it: Charged, No further action, Caution, ...")
    offences = CaseloadArrestOffenceSerializer(many=True)


class CaseloadLeadProblemSerializer(serializers.Serializer[Any]):
    person = CaseloadPersonSerializer()
    problem = serializers.CharField()


class CaseloadSerializer(serializers.Serializer[Any]):
    as_of = serializers.DateField()
    team = serializers.BooleanField(help_text="True: the team dashboard (coordinator, chair); false: your own caseload")
    cases = CaseloadCaseSerializer(many=True)
    overdue_actions = CaseloadActionSerializer(many=True)
    actions_due = CaseloadActionSerializer(many=True, help_text="Due in the next 14 days")
    actions_later = CaseloadActionSerializer(many=True, help_text="Your own open actions due later (empty on the team dashboard)")
    reviews = CaseloadReviewSerializer(many=True, help_text="Due in the next 14 days, or overdue")
    releases = CaseloadReleaseSerializer(many=True, help_text="In the next 12 weeks; empty unless the justice record is shared with you")
    arrests = CaseloadArrestSerializer(
        many=True,
        help_text="In the last 7 days (today and the 6 days before), newest first; empty unless the justice record is shared with you",
    )
    justice_shared = serializers.BooleanField(
        help_text="False: the justice record is not shared with you, so releases and arrests are not read"
    )
    without_lead = CaseloadPersonSerializer(many=True, help_text="Team dashboard: people on IOM without a lead worker")
    lead_problems = CaseloadLeadProblemSerializer(many=True, help_text="Team dashboard: lead workers who no longer fit the rule")


def _person(person: Any) -> dict[str, Any]:
    return {"id": person.pk, "display_name": person.display_name}


def _case(row: Any) -> dict[str, Any]:
    regime = row.regime
    return {
        "person": _person(row.person),
        "registration": row.registration.pk,
        "rag": row.registration.rag,
        "next_home_visit": regime.next_home_visit if regime is not None else None,
        "home_visit_overdue": bool(regime is not None and regime.home_visit_overdue),
        "review_due": regime.review.due if regime is not None else None,
        "review_overdue": bool(regime is not None and regime.review_overdue),
    }


def _action(action: Any) -> dict[str, Any]:
    return {
        "id": action.pk,
        "person": _person(action.person),
        "description": action.description,
        "agency": action.agency.name,
        "owner_name": action.owner_name,
        "due_on": action.due_on,
        "status": action.status,
    }


def caseload_json(found: Any) -> dict[str, Any]:
    return {
        "as_of": found.as_of,
        "team": found.team,
        "cases": [_case(c) for c in found.cases],
        "overdue_actions": [_action(a) for a in found.overdue_actions],
        "actions_due": [_action(a) for a in found.actions_due],
        "actions_later": [_action(a) for a in found.actions_later],
        "reviews": [
            {"person": _person(r.registration.person), "registration": r.registration.pk, "due": r.due, "overdue": r.overdue, "why": r.why}
            for r in found.reviews
        ],
        "releases": [{"person": _person(p), "title": prompt.title, "about": prompt.about} for p, prompt in found.releases],
        "arrests": [
            {
                "person": _person(p),
                "arrested_on": a.arrested_on,
                "custody_suite": a.custody_suite,
                "outcome": a.outcome,
                "offences": [{"code": code, "description": description} for code, description in a.offences],
            }
            for p, a in found.arrests
        ],
        "justice_shared": found.justice_shared,
        "without_lead": [_person(p) for p in found.without_lead],
        "lead_problems": [{"person": _person(p), "problem": why} for p, why in found.lead_problems],
    }


@guarded(Action.PERSON_SEARCH, personal_data=True, api=True)
class CaseloadView(APIView):
    @extend_schema(
        operation_id="caseload_read",
        summary="My caseload (a worker: the people you lead and the actions you own) or the team dashboard (coordinator, chair)",
        responses={200: CaseloadSerializer, 403: OpenApiResponse(description="Not allowed for your role")},
    )
    def get(self, request: Request) -> Response:
        return Response(CaseloadSerializer(caseload_json(caseload(user=request.user))).data)  # type: ignore[arg-type]
