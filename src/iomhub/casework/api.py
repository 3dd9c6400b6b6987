"""The case over the JSON API: the same selectors, services, policy and audit as the pages.

A stale ``version`` (someone else saved first) is refused with 409 and nothing is changed."""

from __future__ import annotations

from typing import Any, NoReturn

from django.core.exceptions import ValidationError
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError as DrfValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from iomhub.access import api_params
from iomhub.access.api_fields import StrictBooleanField, StrictCharField, StrictIntegerField
from iomhub.access.api_problems import stale
from iomhub.access.models import Organisation, Section, User
from iomhub.access.policy import Action
from iomhub.access.routes import guarded
from iomhub.casework import selectors, services
from iomhub.casework.models import (
    ActionStatus,
    DrugResult,
    EntryKind,
    EntryOutcome,
    LivesWithChildren,
    ParentalStatus,
    PathwayAssessment,
    PathwayRag,
    PlanAction,
    Safeguarding,
    Substance,
    TimelineEntry,
)
from iomhub.casework.selectors import person_for_change
from iomhub.people.api import StrictSerializer
from iomhub.people.services import StaleEdit
from iomhub.referrals.models import Pathway

MAX_ID = 2**31 - 1
REFUSALS: dict[int, Any] = {
    403: OpenApiResponse(description="Not allowed (for example, the section is not shared with you)"),
    404: OpenApiResponse(description="Not found or not visible to you"),
}
WRITE_ERRORS: dict[int, Any] = {
    400: OpenApiResponse(description="Field-level errors"),
    409: OpenApiResponse(description="Someone else changed it first (stale version): nothing was saved"),
    **REFUSALS,
}


def _raise(exc: ValidationError) -> NoReturn:
    raise DrfValidationError(exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}) from exc


def _conflict(exc: StaleEdit) -> NoReturn:
    raise stale(exc.message_dict if hasattr(exc, "error_dict") else exc.messages) from exc


def _user(pk: int | None, name: str) -> User | None:
    if pk is None:
        return None
    found = User.objects.filter(pk=pk).first()
    if found is None:
        raise DrfValidationError({name: ["No such user"]})
    return found


def _organisation(pk: int, name: str) -> Organisation:
    found = Organisation.objects.filter(pk=pk).first()
    if found is None:
        raise DrfValidationError({name: ["No such organisation"]})
    return found


def _name(user: User | None) -> str | None:
    return (user.get_full_name() or user.get_username()) if user else None


def _case_json(case: selectors.CaseView) -> dict[str, Any]:
    r = case.record
    return {
        "person": case.person.pk,
        "version": case.version,
        "lead_worker": {"id": r.lead_worker_id, "name": _name(r.lead_worker)} if r and r.lead_worker else None,
        "coordinator": {"id": r.coordinator_id, "name": _name(r.coordinator)} if r and r.coordinator else None,
        # Safeguarding and parental status only where that section is shared (issue 9 finding 9):
        # the keys are left out, not emptied, so a client cannot mistake "withheld" for "not recorded".
        **(
            {
                "parental_status": r.parental_status if r else "",
                "lives_with_children": r.lives_with_children if r else "",
                "safeguarding": r.safeguarding if r else "",
                "safeguarding_notes": r.safeguarding_notes if r else "",
                "safeguarding_complete": bool(r and r.safeguarding_complete),
            }
            if case.safeguarding_shared
            else {}
        ),
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
                "contacts": [{"name": c.name, "job_title": c.job_title, "phone": c.phone, "email": c.email} for c in i.contacts.all()],
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


@guarded(Action.PERSON_VIEW, personal_data=True, api=True)
class CaseView(APIView):
    @extend_schema(
        operation_id="case_read",
        summary="Who is on the case, agencies and contacts, safeguarding, history",
        responses={200: dict, **REFUSALS},
    )
    def get(self, request: Request, person_id: int) -> Response:
        return Response(_case_json(selectors.case_for(user=request.user, person_id=person_id)))  # type: ignore[arg-type]


@guarded(Action.PERSON_CHANGE, personal_data=True, api=True)
class CasePeopleView(APIView):
    @extend_schema(
        operation_id="case_people_read", summary="The case, with the people on it and its version", responses={200: dict, **REFUSALS}
    )
    def get(self, request: Request, person_id: int) -> Response:
        return Response(_case_json(selectors.case_for(user=request.user, person_id=person_id)))  # type: ignore[arg-type]

    @extend_schema(
        operation_id="case_people_set",
        summary="Set the lead worker and case coordinator (coordinator or chair)",
        request=CasePeopleSerializer,
        responses={200: dict, **WRITE_ERRORS},
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
                lead_worker=_user(data["lead_worker"], "lead_worker"),
                coordinator=_user(data["coordinator"], "coordinator"),
                reason=data["reason"],
                version=data["version"],
            )
        except StaleEdit as exc:
            _conflict(exc)
        except ValidationError as exc:
            _raise(exc)
        return Response(_case_json(selectors.case_for(user=user, person_id=person.pk)))


@guarded(Action.PERSON_CHANGE, personal_data=True, api=True)
class SafeguardingView(APIView):
    @extend_schema(
        operation_id="case_safeguarding_read", summary="The case, with safeguarding and its version", responses={200: dict, **REFUSALS}
    )
    def get(self, request: Request, person_id: int) -> Response:
        return Response(_case_json(selectors.case_for(user=request.user, person_id=person_id)))  # type: ignore[arg-type]

    @extend_schema(
        operation_id="case_safeguarding_set",
        summary="Record parental status and safeguarding (mandatory, 000 §7.2)",
        request=SafeguardingSerializer,
        responses={200: dict, **WRITE_ERRORS},
    )
    def post(self, request: Request, person_id: int) -> Response:
        user: User = request.user  # type: ignore[assignment]
        person = person_for_change(user=user, person_id=person_id, section=Section.SAFEGUARDING)
        body = SafeguardingSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            services.safeguarding_set(acting_user=user, person=person, **body.validated_data)
        except StaleEdit as exc:
            _conflict(exc)
        except ValidationError as exc:
            _raise(exc)
        return Response(_case_json(selectors.case_for(user=user, person_id=person.pk)))


class PlanActionHistorySerializer(serializers.Serializer[Any]):
    status = serializers.ChoiceField(choices=ActionStatus.choices)
    due_on = serializers.DateField()
    note = serializers.CharField(allow_blank=True)
    by = serializers.CharField(help_text="Username of who moved the action on")
    at = serializers.DateTimeField()


class PlanActionSerializer(serializers.ModelSerializer[PlanAction]):
    history = serializers.SerializerMethodField()

    class Meta:
        model = PlanAction
        fields = [
            "id",
            "description",
            "pathway",
            "need",
            "sentence_plan",
            "agency",
            "owner",
            "owner_name",
            "due_on",
            "status",
            "version",
            "history",
        ]

    @extend_schema_field(PlanActionHistorySerializer(many=True))
    def get_history(self, obj: PlanAction) -> list[dict[str, Any]]:
        return [
            {
                "status": h.status,
                "due_on": h.due_on.isoformat(),
                "note": h.note,
                "by": h.changed_by.get_username(),
                "at": h.changed_at.isoformat(),
            }
            for h in obj.history.all()
        ]


class PlanActionWriteSerializer(StrictSerializer):
    """A new action. Someone is responsible: give `owner` (a worker of the `agency`; the action then
    shows on their caseload) or, for someone without an account, `owner_name`; with neither the
    action is refused (400, on `owner`). An agency not involved in the case is involved in the same
    step with `involve_agency` (the coordinator or chair, under a sharing agreement in force); a
    worker who cannot open the person's record is refused as owner."""

    description = StrictCharField(max_length=5000)
    agency = StrictIntegerField(min_value=1, max_value=MAX_ID, help_text="Organisation id")
    owner = StrictIntegerField(
        min_value=1,
        max_value=MAX_ID,
        required=False,
        allow_null=True,
        default=None,
        help_text="User id of a worker of the agency; required unless owner_name is given",
    )
    owner_name = StrictCharField(
        max_length=200,
        required=False,
        allow_blank=True,
        default="",
        help_text="The person responsible when they have no account; ignored when owner is given (their name is used)",
    )
    involve_agency = StrictBooleanField(
        required=False, default=False, help_text="Involve the agency in the case first, if it is not involved yet"
    )
    due_on = serializers.DateField()
    pathway = serializers.ChoiceField(choices=[("", "None"), *Pathway.choices], required=False, default="")
    sentence_plan = StrictBooleanField(required=False, default=False)


class PlanActionUpdateSerializer(StrictSerializer):
    version = StrictIntegerField(min_value=0, max_value=MAX_ID, help_text="The version you read")
    status = serializers.ChoiceField(choices=ActionStatus.choices)
    note = StrictCharField(max_length=5000, required=False, allow_blank=True, default="")
    due_on = serializers.DateField(required=False, allow_null=True, default=None)


@guarded(Action.PERSON_VIEW, personal_data=True, api=True)
class PlanActionsView(APIView):
    @extend_schema(
        operation_id="plan_actions_list",
        summary="The risk management plan's actions",
        responses={200: PlanActionSerializer(many=True), **REFUSALS},
    )
    def get(self, request: Request, person_id: int) -> Response:
        actions = selectors.plan_for(user=request.user, person_id=person_id)  # type: ignore[arg-type]
        return Response(PlanActionSerializer(actions, many=True).data)

    @extend_schema(
        operation_id="plan_actions_create",
        summary="Add an action to the plan",
        request=PlanActionWriteSerializer,
        responses={201: PlanActionSerializer, **WRITE_ERRORS},
    )
    def post(self, request: Request, person_id: int) -> Response:
        user: User = request.user  # type: ignore[assignment]
        person = person_for_change(user=user, person_id=person_id, section=Section.PLAN)
        body = PlanActionWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        data["agency"] = _organisation(data["agency"], "agency")
        data["owner"] = _user(data["owner"], "owner")
        try:
            action = services.plan_action_add(acting_user=user, person=person, **data)
        except ValidationError as exc:
            _raise(exc)
        return Response(PlanActionSerializer(action).data, status=status.HTTP_201_CREATED)


@guarded(Action.PERSON_CHANGE, personal_data=True, api=True)
class PlanActionView(APIView):
    @extend_schema(
        operation_id="plan_action_read", summary="One plan action with its history", responses={200: PlanActionSerializer, **REFUSALS}
    )
    def get(self, request: Request, person_id: int, action_id: int) -> Response:
        from iomhub.people.selectors import person_get_for

        person = person_get_for(user=request.user, person_id=person_id, section=Section.PLAN)  # type: ignore[arg-type]
        return Response(PlanActionSerializer(selectors.plan_action_for(person=person, action_id=action_id)).data)

    @extend_schema(
        operation_id="plan_action_update",
        summary="Move an action on: done, carried over (new due date), cancelled",
        request=PlanActionUpdateSerializer,
        responses={200: PlanActionSerializer, **WRITE_ERRORS},
    )
    def post(self, request: Request, person_id: int, action_id: int) -> Response:
        user: User = request.user  # type: ignore[assignment]
        person = person_for_change(user=user, person_id=person_id, section=Section.PLAN)
        action = selectors.plan_action_for(person=person, action_id=action_id)
        body = PlanActionUpdateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            action = services.plan_action_update(acting_user=user, action=action, **body.validated_data)
        except StaleEdit as exc:
            _conflict(exc)
        except ValidationError as exc:
            _raise(exc)
        return Response(PlanActionSerializer(action).data)


class RatingSerializer(StrictSerializer):
    rag = serializers.ChoiceField(choices=PathwayRag.choices)
    needs = StrictCharField(max_length=5000, required=False, allow_blank=True, default="")
    actions = StrictCharField(max_length=5000, required=False, allow_blank=True, default="")


class AssessmentWriteSerializer(StrictSerializer):
    assessed_on = serializers.DateField()
    ratings = serializers.DictField(child=RatingSerializer(), help_text="One entry per pathway: " + ", ".join(Pathway.values))


def _assessment_json(a: PathwayAssessment) -> dict[str, Any]:
    return {
        "id": a.pk,
        "assessed_on": a.assessed_on,
        "assessed_by": a.assessed_by_name,
        "needs": [{"pathway": n.pathway, "rag": n.rag, "needs": n.needs, "actions": n.actions} for n in a.needs.all()],
    }


@guarded(Action.PERSON_VIEW, personal_data=True, api=True)
class AssessmentsView(APIView):
    @extend_schema(
        operation_id="pathway_assessments_list",
        summary="Pathway needs assessments and first-to-latest change",
        responses={200: dict, **REFUSALS},
    )
    def get(self, request: Request, person_id: int) -> Response:
        _, found, changes = selectors.assessments_for(user=request.user, person_id=person_id)  # type: ignore[arg-type]
        return Response(
            {
                "assessments": [_assessment_json(a) for a in found],
                "change": [{"pathway": c.pathway, "first": c.first, "latest": c.latest, "change": c.change} for c in changes],
            }
        )

    @extend_schema(
        operation_id="pathway_assessments_create",
        summary="Assess needs on all nine pathways",
        request=AssessmentWriteSerializer,
        responses={201: dict, 400: OpenApiResponse(description="Field-level errors"), **REFUSALS},
    )
    def post(self, request: Request, person_id: int) -> Response:
        user: User = request.user  # type: ignore[assignment]
        person = person_for_change(user=user, person_id=person_id, section=Section.ASSESSMENTS)
        body = AssessmentWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            assessment = services.pathway_assessment_record(acting_user=user, person=person, **body.validated_data)
        except ValidationError as exc:
            _raise(exc)
        return Response(_assessment_json(assessment), status=status.HTTP_201_CREATED)


class TimelineEntrySerializer(serializers.ModelSerializer[TimelineEntry]):
    substances_tested = serializers.ListField(child=serializers.ChoiceField(choices=Substance.choices), read_only=True)
    positive_for = serializers.ListField(child=serializers.ChoiceField(choices=Substance.choices), read_only=True)
    health_withheld = serializers.SerializerMethodField(help_text="True: a drug test's substances and results are not shared with you")

    def get_health_withheld(self, obj: TimelineEntry) -> bool:
        return bool(getattr(obj, "health_withheld", False))

    def to_representation(self, instance: TimelineEntry) -> dict[str, Any]:
        data: dict[str, Any] = super().to_representation(instance)
        if data.get("health_withheld"):  # left out, not emptied: withheld is not "none found"
            for name in selectors.DRUG_TEST_HEALTH_FIELDS:
                data.pop(name, None)
        return data

    class Meta:
        model = TimelineEntry
        fields = [
            "id",
            "kind",
            "outcome",
            "occurred_on",
            "summary",
            "organisation",
            "substances_tested",
            "drug_result",
            "positive_for",
            "health_withheld",
            "recorded_by_name",
            "force_number",
        ]


class TimelineWriteSerializer(StrictSerializer):
    kind = serializers.ChoiceField(choices=EntryKind.choices)
    outcome = serializers.ChoiceField(choices=[("", "Default"), *EntryOutcome.choices], required=False, default="")
    occurred_on = serializers.DateField()
    summary = StrictCharField(max_length=5000, required=False, allow_blank=True, default="")
    drug_result = serializers.ChoiceField(choices=[("", "None"), *DrugResult.choices], required=False, default="")
    substances_tested = serializers.ListField(
        child=serializers.ChoiceField(choices=Substance.choices), required=False, default=list, max_length=20
    )
    positive_for = serializers.ListField(
        child=serializers.ChoiceField(choices=Substance.choices), required=False, default=list, max_length=20
    )
    force_number = StrictCharField(
        max_length=20, required=False, allow_blank=True, default="", help_text="The recording officer's force number (002 appendix 2)"
    )


@guarded(Action.PERSON_VIEW, personal_data=True, api=True)
class TimelineView(APIView):
    @extend_schema(
        operation_id="timeline_list",
        summary="The timeline, newest first (intelligence notes only for the police)",
        parameters=[OpenApiParameter("kind", str, many=True, enum=EntryKind.values, required=False)],
        responses={200: TimelineEntrySerializer(many=True), **REFUSALS},
    )
    def get(self, request: Request, person_id: int) -> Response:
        kinds = api_params.choices(request, "kind", EntryKind.values)
        _, entries = selectors.timeline_for(user=request.user, person_id=person_id, kinds=kinds or None)  # type: ignore[arg-type]
        return Response(TimelineEntrySerializer(entries, many=True).data)

    @extend_schema(
        operation_id="timeline_create",
        summary="Record a contact or event, or book an appointment ahead",
        request=TimelineWriteSerializer,
        responses={201: TimelineEntrySerializer, 400: OpenApiResponse(description="Field-level errors"), **REFUSALS},
    )
    def post(self, request: Request, person_id: int) -> Response:
        user: User = request.user  # type: ignore[assignment]
        person = person_for_change(user=user, person_id=person_id, section=Section.TIMELINE)
        body = TimelineWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            entry = services.timeline_record(acting_user=user, person=person, **body.validated_data)
        except ValidationError as exc:
            _raise(exc)
        return Response(TimelineEntrySerializer(entry).data, status=status.HTTP_201_CREATED)


class AgencyEndSerializer(StrictSerializer):
    ended_on = serializers.DateField(required=False, allow_null=True, default=None, help_text="Today when left out")
    reason = StrictCharField(max_length=500, help_text="Why the agency's involvement ends")


@guarded(Action.PERSON_CHANGE, personal_data=True, api=True)
class AgencyEndView(APIView):
    @extend_schema(operation_id="case_agency_read", summary="The case, with the agencies involved", responses={200: dict, **REFUSALS})
    def get(self, request: Request, person_id: int, involvement_id: int) -> Response:
        case = selectors.case_for(user=request.user, person_id=person_id)  # type: ignore[arg-type]
        selectors.involvement_for(person=case.person, involvement_id=involvement_id)
        return Response(_case_json(case))

    @extend_schema(
        operation_id="case_agency_end",
        summary="End an agency's involvement (coordinator or chair): its partner workers stop seeing the person that day",
        request=AgencyEndSerializer,
        responses={200: dict, **WRITE_ERRORS},
    )
    def post(self, request: Request, person_id: int, involvement_id: int) -> Response:
        user: User = request.user  # type: ignore[assignment]
        person = person_for_change(user=user, person_id=person_id, section=Section.PLAN, manage=True)
        involvement = selectors.involvement_for(person=person, involvement_id=involvement_id)
        body = AgencyEndSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            services.agency_end(acting_user=user, involvement=involvement, **body.validated_data)
        except ValidationError as exc:
            _raise(exc)
        return Response(_case_json(selectors.case_for(user=user, person_id=person.pk)))
