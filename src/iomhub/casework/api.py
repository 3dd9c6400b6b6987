"""The case over the JSON API: the same selectors, services, policy and audit as the pages.

A stale ``version`` (someone else saved first) is refused with 409 and nothing is changed. The plan
actions and pathway assessments are in ``api_plan``, the timeline in ``api_timeline``."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from iomhub.access.api_errors import raise_invalid, service_errors, validated
from iomhub.access.api_fields import StrictCharField, StrictIntegerField
from iomhub.access.models import Section, User
from iomhub.access.policy import Action
from iomhub.access.routes import guarded
from iomhub.casework import selectors, services
from iomhub.casework.api_common import MAX_ID, REFUSALS, WRITE_ERRORS, raise_stale, user_or_400
from iomhub.casework.models import LivesWithChildren, ParentalStatus, Safeguarding
from iomhub.casework.selectors import person_for_change
from iomhub.people.api import StrictSerializer
from iomhub.people.services import StaleEdit

NOT_RECORDED = [("", "Not recorded yet")]


class CaseWorkerSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(help_text="User id")
    name = serializers.CharField()


class CaseContactSerializer(serializers.Serializer[Any]):
    name = serializers.CharField()
    job_title = serializers.CharField(allow_blank=True)
    phone = serializers.CharField(allow_blank=True)
    email = serializers.CharField(allow_blank=True)


class CaseAgencySerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(help_text="The involvement's id (to end it)")
    organisation = serializers.IntegerField(help_text="Organisation id")
    organisation_name = serializers.CharField()
    role_in_case = serializers.CharField(allow_blank=True)
    started_on = serializers.DateField()
    ended_on = serializers.DateField(allow_null=True, help_text="Null while the agency is involved")
    end_reason = serializers.CharField(allow_blank=True)
    contacts = CaseContactSerializer(many=True)


class CaseChangeSerializer(serializers.Serializer[Any]):
    field = serializers.CharField(help_text="What changed: lead_worker, coordinator, parental_status, ...")
    old = serializers.CharField(allow_blank=True)
    new = serializers.CharField(allow_blank=True)
    reason = serializers.CharField(allow_blank=True)
    by = serializers.CharField(help_text="Username of who changed it")
    at = serializers.DateTimeField()


class CaseSerializer(serializers.Serializer[Any]):
    """The case. Safeguarding and parental status are left out (not emptied) when that section is
    not shared with you (``safeguarding_shared`` false), so "withheld" is never read as "none"."""

    person = serializers.IntegerField(help_text="Person id")
    version = serializers.IntegerField(help_text="Send it back when changing the case")
    lead_worker = CaseWorkerSerializer(allow_null=True)
    coordinator = CaseWorkerSerializer(allow_null=True)
    parental_status = serializers.ChoiceField(choices=NOT_RECORDED + ParentalStatus.choices, required=False)
    lives_with_children = serializers.ChoiceField(choices=NOT_RECORDED + LivesWithChildren.choices, required=False)
    safeguarding = serializers.ChoiceField(choices=NOT_RECORDED + Safeguarding.choices, required=False)
    safeguarding_notes = serializers.CharField(allow_blank=True, required=False)
    safeguarding_complete = serializers.BooleanField(required=False, help_text="Parental status and safeguarding both recorded")
    safeguarding_shared = serializers.BooleanField()
    agencies = CaseAgencySerializer(many=True)
    history = CaseChangeSerializer(many=True)


def _worker(user: User | None) -> dict[str, Any] | None:
    return {"id": user.pk, "name": user.display_name} if user else None


def _safeguarding(case: selectors.CaseView) -> dict[str, Any]:
    # Only where that section is shared (issue 9 finding 9): left out, not emptied.
    if not case.safeguarding_shared:
        return {}
    r = case.record
    return {
        "parental_status": r.parental_status if r else "",
        "lives_with_children": r.lives_with_children if r else "",
        "safeguarding": r.safeguarding if r else "",
        "safeguarding_notes": r.safeguarding_notes if r else "",
        "safeguarding_complete": bool(r and r.safeguarding_complete),
    }


def case_json(case: selectors.CaseView) -> dict[str, Any]:
    r = case.record
    found = {
        "person": case.person.pk,
        "version": case.version,
        "lead_worker": _worker(r.lead_worker if r else None),
        "coordinator": _worker(r.coordinator if r else None),
        **_safeguarding(case),
        "safeguarding_shared": case.safeguarding_shared,
        "agencies": [
            {
                "id": i.pk,
                "organisation": i.organisation_id,
                "organisation_name": i.organisation.name,
                "role_in_case": i.role_in_case,
                "started_on": i.started_on,
                "ended_on": i.ended_on,
                "end_reason": i.end_reason,
                "contacts": list(i.contacts.all()),
            }
            for i in case.involvements
        ],
        "history": [
            {
                "field": h.field,
                "old": h.old_value,
                "new": h.new_value,
                "reason": h.reason,
                "by": h.changed_by.get_username(),
                "at": h.changed_at,
            }
            for h in case.history
        ],
    }
    return CaseSerializer(found).data


def _case_response(user: User, person_id: int) -> Response:
    return Response(case_json(selectors.case_for(user=user, person_id=person_id)))


class CasePeopleSerializer(StrictSerializer):
    version = StrictIntegerField(min_value=0, max_value=MAX_ID, help_text="The version you read")
    lead_worker = StrictIntegerField(min_value=1, max_value=MAX_ID, allow_null=True, help_text="User id of the lead worker, or null")
    coordinator = StrictIntegerField(min_value=1, max_value=MAX_ID, allow_null=True, help_text="User id of the case coordinator, or null")
    reason = StrictCharField(max_length=200)


class SafeguardingSerializer(StrictSerializer):
    version = StrictIntegerField(min_value=0, max_value=MAX_ID, help_text="The version you read")
    parental_status = serializers.ChoiceField(choices=ParentalStatus.choices)
    lives_with_children = serializers.ChoiceField(choices=LivesWithChildren.choices)
    safeguarding = serializers.ChoiceField(choices=Safeguarding.choices)
    notes = StrictCharField(max_length=5000, required=False, allow_blank=True, default="")


class AgencyEndSerializer(StrictSerializer):
    ended_on = serializers.DateField(required=False, allow_null=True, default=None, help_text="Today when left out")
    reason = StrictCharField(max_length=500, help_text="Why the agency's involvement ends")


@guarded(Action.PERSON_VIEW, personal_data=True, api=True)
class CaseView(APIView):
    @extend_schema(
        operation_id="case_read",
        summary="Who is on the case, agencies and contacts, safeguarding, history",
        responses={200: CaseSerializer, **REFUSALS},
    )
    def get(self, request: Request, person_id: int) -> Response:
        return _case_response(request.user, person_id)  # type: ignore[arg-type]


@guarded(Action.PERSON_CHANGE, personal_data=True, api=True)
class CasePeopleView(APIView):
    @extend_schema(
        operation_id="case_people_read",
        summary="The case, with the people on it and its version",
        responses={200: CaseSerializer, **REFUSALS},
    )
    def get(self, request: Request, person_id: int) -> Response:
        return _case_response(request.user, person_id)  # type: ignore[arg-type]

    @extend_schema(
        operation_id="case_people_set",
        summary="Set the lead worker and case coordinator (coordinator or chair)",
        request=CasePeopleSerializer,
        responses={200: CaseSerializer, **WRITE_ERRORS},
    )
    def post(self, request: Request, person_id: int) -> Response:
        user: User = request.user  # type: ignore[assignment]
        person = person_for_change(user=user, person_id=person_id, section=Section.PLAN, manage=True)
        body = CasePeopleSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            services.case_people_set(
                acting_user=user,
                person=person,
                lead_worker=user_or_400(data["lead_worker"], "lead_worker"),
                coordinator=user_or_400(data["coordinator"], "coordinator"),
                reason=data["reason"],
                version=data["version"],
            )
        except StaleEdit as exc:
            raise_stale(exc)
        except ValidationError as exc:
            raise_invalid(exc)
        return _case_response(user, person.pk)


@guarded(Action.PERSON_CHANGE, personal_data=True, api=True)
class SafeguardingView(APIView):
    @extend_schema(
        operation_id="case_safeguarding_read",
        summary="The case, with safeguarding and its version",
        responses={200: CaseSerializer, **REFUSALS},
    )
    def get(self, request: Request, person_id: int) -> Response:
        return _case_response(request.user, person_id)  # type: ignore[arg-type]

    @extend_schema(
        operation_id="case_safeguarding_set",
        summary="Record parental status and safeguarding (mandatory, 000 §7.2)",
        request=SafeguardingSerializer,
        responses={200: CaseSerializer, **WRITE_ERRORS},
    )
    def post(self, request: Request, person_id: int) -> Response:
        user: User = request.user  # type: ignore[assignment]
        person = person_for_change(user=user, person_id=person_id, section=Section.SAFEGUARDING)
        body = SafeguardingSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            services.safeguarding_set(acting_user=user, person=person, **body.validated_data)
        except StaleEdit as exc:
            raise_stale(exc)
        except ValidationError as exc:
            raise_invalid(exc)
        return _case_response(user, person.pk)


@guarded(Action.PERSON_CHANGE, personal_data=True, api=True)
class AgencyEndView(APIView):
    @extend_schema(
        operation_id="case_agency_read", summary="The case, with the agencies involved", responses={200: CaseSerializer, **REFUSALS}
    )
    def get(self, request: Request, person_id: int, involvement_id: int) -> Response:
        case = selectors.case_for(user=request.user, person_id=person_id)  # type: ignore[arg-type]
        selectors.involvement_for(person=case.person, involvement_id=involvement_id)
        return Response(case_json(case))

    @extend_schema(
        operation_id="case_agency_end",
        summary="End an agency's involvement (coordinator or chair): its partner workers stop seeing the person that day",
        request=AgencyEndSerializer,
        responses={200: CaseSerializer, **WRITE_ERRORS},
    )
    def post(self, request: Request, person_id: int, involvement_id: int) -> Response:
        user: User = request.user  # type: ignore[assignment]
        person = person_for_change(user=user, person_id=person_id, section=Section.PLAN, manage=True)
        involvement = selectors.involvement_for(person=person, involvement_id=involvement_id)
        data = validated(AgencyEndSerializer, request)
        with service_errors():
            services.agency_end(acting_user=user, involvement=involvement, **data)
        return _case_response(user, person.pk)
