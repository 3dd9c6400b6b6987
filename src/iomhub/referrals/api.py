"""Referrals over the JSON API: the same referral form (002 appendix 2), selectors, services, policy
and audit as the pages."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from iomhub.access.api_fields import StrictBooleanField, StrictCharField, StrictIntegerField
from iomhub.access.errors import deny
from iomhub.access.policy import Action, can
from iomhub.access.routes import guarded
from iomhub.people import selectors as people_selectors
from iomhub.people.api import StrictSerializer
from iomhub.people.models import Sex
from iomhub.referrals import selectors, services
from iomhub.referrals.models import Decision, RagLevel, Referral, RiskLevel
from iomhub.referrals.services import ANSWER_FIELDS, TEXT_LIMITS


def _text(limit: int) -> StrictCharField:
    return StrictCharField(required=False, allow_blank=True, max_length=limit)


_TEXT = {"type": "string"}


def _json_field(schema: dict[str, Any], help_text: str) -> serializers.JSONField:
    """A JSON answer the service validates (naming the exact path, ``pathways.health.risk``),
    documented with its exact type so a generated client can build it."""
    field = extend_schema_field(schema)(type("TypedJSONField", (serializers.JSONField,), {}))
    return field(required=False, help_text=help_text)  # type: ignore[no-any-return]


class ReferralWriteSerializer(StrictSerializer):
    person_id = StrictIntegerField(required=False, help_text="Refer a person already on IOM Hub (their identity is filled in)")
    draft = StrictBooleanField(required=False, help_text="true to save as a draft; otherwise the referral is submitted, complete")
    first_name = _text(100)
    last_name = _text(100)
    date_of_birth = serializers.DateField(required=False, allow_null=True)
    sex = serializers.ChoiceField(choices=Sex.choices, required=False, allow_blank=True)
    urn = _text(30)
    pnc_id = _text(20)
    ni_number = _text(13)
    address = _text(300)
    postcode = _text(10)
    contact_numbers = _text(300)
    email = _text(254)
    warnings = _text(5000)
    contact = _text(300)
    referral_date = serializers.DateField(required=False, allow_null=True)
    justification = _text(10000)
    ogrs_score = StrictIntegerField(required=False, allow_null=True, min_value=0, max_value=100)
    licence_expiry = serializers.DateField(required=False, allow_null=True)
    sentence_expiry = serializers.DateField(required=False, allow_null=True)
    index_offences = _text(5000)
    offending_history = _text(10000)
    agencies = _json_field(
        {"type": "array", "items": {"type": "object", "properties": {"agency": _TEXT, "person": _TEXT, "contact": _TEXT}}},
        "Other agencies involved: agency, person, contact",
    )
    pathways = _json_field(
        {
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "properties": {"risk": {"type": "string", "enum": ["", *RiskLevel.values]}, "needs": _TEXT, "actions": _TEXT},
            },
        },
        "Risk, needs and actions keyed by pathway, for all nine pathways",
    )
    priority_groups = _json_field({"type": "object", "additionalProperties": {"type": "boolean"}}, "Priority group: ticked or not")
    threat_harm_risk = _text(10000)
    proposed_rag = serializers.ChoiceField(
        choices=RagLevel.choices,
        required=False,
        allow_blank=True,
        help_text="The referrer's proposed initial RAG classification (002 appendix 1)",
    )
    screening = _json_field({"type": "object", "additionalProperties": _TEXT}, "The five screening questions' answers, keyed by question")


assert set(ANSWER_FIELDS) <= set(ReferralWriteSerializer().fields), "the API must accept every answer"
assert set(TEXT_LIMITS) <= set(ReferralWriteSerializer().fields)


class DecisionSerializer(serializers.ModelSerializer[Decision]):
    class Meta:
        model = Decision
        fields = ["id", "outcome", "reasons", "meeting_date", "chair_name", "decided_at"]


class ReferralAgencySerializer(serializers.Serializer[Any]):
    agency = serializers.CharField(allow_blank=True)
    person = serializers.CharField(allow_blank=True)
    contact = serializers.CharField(allow_blank=True)


class ReferralPathwaySerializer(serializers.Serializer[Any]):
    risk = serializers.CharField(allow_blank=True, help_text="red, amber, green or blank")
    needs = serializers.CharField(allow_blank=True)
    actions = serializers.CharField(allow_blank=True)


class ReferralSerializer(serializers.ModelSerializer[Referral]):
    referring_organisation = serializers.CharField(source="referring_organisation.name")
    agencies = ReferralAgencySerializer(many=True, read_only=True, help_text="Other agencies involved (002 appendix 2)")
    pathways = serializers.DictField(
        child=ReferralPathwaySerializer(), read_only=True, help_text="Risk, needs and actions by pathway (keyed by pathway)"
    )
    priority_groups = serializers.DictField(child=serializers.BooleanField(), read_only=True, help_text="Priority group: ticked or not")
    screening = serializers.DictField(
        child=serializers.CharField(allow_blank=True), read_only=True, help_text="Screening answers by question"
    )
    decisions = DecisionSerializer(many=True, read_only=True)
    registration_id = serializers.SerializerMethodField()

    class Meta:
        model = Referral
        fields = [
            "id",
            "status",
            "person",
            "referring_organisation",
            "submitted_at",
            *ANSWER_FIELDS,
            "ogrs_source",
            "decisions",
            "registration_id",
        ]

    def get_registration_id(self, obj: Referral) -> int | None:
        registration = getattr(obj, "registration", None)
        return registration.pk if registration is not None else None


class ReferralListResponse(serializers.Serializer[Any]):
    count = serializers.IntegerField()
    results = ReferralSerializer(many=True)


class DecisionWriteSerializer(StrictSerializer):
    outcome = serializers.ChoiceField(choices=Decision.Outcome.choices)
    reasons = StrictCharField(max_length=5000)
    meeting_date = serializers.DateField(required=False)
    rag = serializers.ChoiceField(
        choices=RagLevel.choices, required=False, help_text="Initial RAG classification (adopt); the referral's proposed one if not given"
    )
    neighbourhood_crime = StrictBooleanField(required=False)
    domestic_abuse = StrictBooleanField(required=False)
    ppo = StrictBooleanField(required=False)
    strand = StrictCharField(required=False, allow_blank=True, max_length=100)
    person_id = StrictIntegerField(required=False, help_text="Adopt onto this existing record (after the duplicate check)")
    confirm_new_person = StrictBooleanField(required=False, help_text="Add the person from the referral despite possible matches")


def already_referred_response(refusal: services.AlreadyReferred) -> Response:
    """409 Conflict for a second referral (issue 18 §4), linking to what stands where the reader may see it."""
    body: dict[str, Any] = {"detail": refusal.messages[0], "person": refusal.messages, "person_id": refusal.person_id}
    if refusal.referral_id is not None:
        body.update(
            referral_id=refusal.referral_id,
            referral_url=reverse("api-referral", args=[refusal.referral_id]),
            page_url=reverse("referrals:detail", args=[refusal.referral_id]),
        )
    if refusal.registration_id is not None:
        body["registration_id"] = refusal.registration_id
    return Response(body, status=status.HTTP_409_CONFLICT)


@guarded(Action.REFERRAL_VIEW, personal_data=True, api=True)
class ReferralsView(APIView):
    @extend_schema(
        operation_id="referrals_list",
        summary="Referrals you may see",
        parameters=[OpenApiParameter("status", {"type": "string", "enum": Referral.Status.values}, required=False)],
        responses={200: ReferralListResponse},
    )
    def get(self, request: Request) -> Response:
        wanted = request.query_params.get("status")
        if wanted is not None and wanted not in Referral.Status.values:  # including status= (empty)
            raise ValidationError({"status": [f"Status must be one of {', '.join(Referral.Status.values)}"]})
        found = selectors.referral_list(user=request.user, status=wanted or "")  # type: ignore[arg-type]
        return Response({"count": len(found), "results": ReferralSerializer(found, many=True).data})

    @extend_schema(
        operation_id="referrals_create",
        summary="Make a referral (002 appendix 2): submitted unless draft is true",
        request=ReferralWriteSerializer,
        responses={
            201: ReferralSerializer,
            400: OpenApiResponse(description="Field-level errors; nothing is stored"),
            404: OpenApiResponse(description="person_id names nobody you may see"),
            409: OpenApiResponse(
                description="The person already has an open referral or is on IOM now (one referral per person at a time): "
                "detail, person_id, and referral_id/referral_url where you may see that referral, registration_id if on IOM"
            ),
        },
    )
    def post(self, request: Request) -> Response:
        if not can(request.user, Action.REFERRAL_CREATE):  # type: ignore[arg-type]
            deny(user=request.user, action=Action.REFERRAL_CREATE, reason="role may not refer")  # type: ignore[arg-type]
        body = ReferralWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        person = None
        if "person_id" in data:
            person = people_selectors.person_get_for(user=request.user, person_id=data.pop("person_id"))  # type: ignore[arg-type]
        draft = data.pop("draft", False)
        try:
            referral = services.referral_create(acting_user=request.user, answers=data, person=person, draft=draft)  # type: ignore[arg-type]
        except services.AlreadyReferred as exc:
            return already_referred_response(exc)
        return Response(ReferralSerializer(referral).data, status=status.HTTP_201_CREATED)


@guarded(Action.REFERRAL_VIEW, personal_data=True, api=True)
class ReferralView(APIView):
    @extend_schema(
        operation_id="referrals_read",
        summary="Read a referral",
        responses={200: ReferralSerializer, 404: OpenApiResponse(description="Not found or not visible to you")},
    )
    def get(self, request: Request, referral_id: int) -> Response:
        referral = selectors.referral_get_for(user=request.user, referral_id=referral_id)  # type: ignore[arg-type]
        return Response(ReferralSerializer(referral).data)


@guarded(Action.REFERRAL_VIEW, personal_data=True, api=True)
class ReferralDecisionView(APIView):
    @extend_schema(
        operation_id="referrals_decisions",
        summary="The decisions recorded on a referral",
        responses={200: DecisionSerializer(many=True), 404: OpenApiResponse(description="Not found or not visible to you")},
    )
    def get(self, request: Request, referral_id: int) -> Response:
        referral = selectors.referral_get_for(user=request.user, referral_id=referral_id)  # type: ignore[arg-type]
        return Response(DecisionSerializer(referral.decisions.all(), many=True).data)

    @extend_schema(
        operation_id="referrals_decide",
        summary="Record the meeting's decision (chair only): adopt opens the IOM registration",
        request=DecisionWriteSerializer,
        responses={
            201: ReferralSerializer,
            400: OpenApiResponse(description="Field-level errors, including possible duplicates when adopting"),
            403: OpenApiResponse(description="Only the chair records decisions"),
            404: OpenApiResponse(description="Not found or not visible to you"),
        },
    )
    def post(self, request: Request, referral_id: int) -> Response:
        referral = selectors.referral_get_for(user=request.user, referral_id=referral_id, audit_read=False)  # type: ignore[arg-type]
        body = DecisionWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        adoption = None
        if data["outcome"] == Decision.Outcome.ADOPT:
            adoption = services.Adoption(
                rag=data.get("rag", ""),
                neighbourhood_crime=data.get("neighbourhood_crime", False),
                domestic_abuse=data.get("domestic_abuse", False),
                ppo=data.get("ppo", False),
                strand=data.get("strand", ""),
                person_id=data.get("person_id"),
                confirm_new_person=data.get("confirm_new_person", False),
            )
        services.referral_decide(
            acting_user=request.user,  # type: ignore[arg-type]
            referral=referral,
            outcome=data["outcome"],
            reasons=data["reasons"],
            meeting_date=data.get("meeting_date"),
            adoption=adoption,
        )
        referral.refresh_from_db()
        return Response(ReferralSerializer(referral).data, status=status.HTTP_201_CREATED)
