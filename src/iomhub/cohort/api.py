"""IOM registrations over the JSON API: RAG level, reviews, deregistration and transfers, with the
same selectors, services, policy and audit as the pages (issue 6 §2, §7, §8, §9)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from iomhub import clock
from iomhub.access.api_fields import StrictBooleanField, StrictCharField, StrictIntegerField
from iomhub.access.models import Team
from iomhub.access.policy import Action
from iomhub.access.projection import NOTHING, lens_for
from iomhub.access.routes import guarded
from iomhub.cohort import advice, selectors, services
from iomhub.cohort.models import Deregistration, RagChange, Registration, RemovalEntry, RemovalItem, Review, Transfer, TransferKind
from iomhub.people import selectors as people_selectors
from iomhub.people.api import StrictSerializer
from iomhub.referrals.models import RagLevel

REFUSALS: dict[int, Any] = {
    403: OpenApiResponse(description="Not allowed for your role"),
    404: OpenApiResponse(description="Not found or not visible to you"),
}
WRITE_REFUSALS: dict[int, Any] = {400: OpenApiResponse(description="Field-level errors; nothing is stored"), **REFUSALS}


class RagChangeSerializer(serializers.ModelSerializer[RagChange]):
    class Meta:
        model = RagChange
        fields = ["id", "level", "changed_on", "reason", "meeting", "decided_by_name", "recorded_at"]


class ReviewSerializer(serializers.ModelSerializer[Review]):
    class Meta:
        model = Review
        fields = ["id", "reviewed_on", "outcome", "notes", "meeting", "reviewed_by_name", "recorded_at"]


class RemovalEntrySerializer(serializers.ModelSerializer[RemovalEntry]):
    class Meta:
        model = RemovalEntry
        fields = ["item", "done_on", "done_by", "not_applicable"]


_RULE_CODES = serializers.ListField(child=serializers.CharField())


class DeregistrationSerializer(serializers.ModelSerializer[Deregistration]):
    """A deregistration, its recorded rules projected through the reader's view of the person
    (``context["lens"]``, nothing without one) by ``advice.recorded_rules``, the projection of the
    rules' rows: a rule from a section not shared with the reader (a custodial sentence is justice)
    is left out of ``required_by``/``suggested_by`` and named in ``withheld_rules``; ``exceptional``
    is null unless every rule that could have required removal is shared (issue 9 finding 1)."""

    checklist = RemovalEntrySerializer(many=True, read_only=True)
    required_by = serializers.SerializerMethodField(
        help_text="The rules that required deregistration when approved, of those shared with you (withheld_rules lists the others)"
    )
    suggested_by = serializers.SerializerMethodField(
        help_text="The rules that suggested it when approved, of those shared with you (withheld_rules lists the others)"
    )
    exceptional = serializers.SerializerMethodField(
        help_text="Before six months on the scheme for another reason than a rule requiring it; "
        "null when a rule that could require removal is not shared with you (since 1.9.0)"
    )
    withheld_rules = serializers.SerializerMethodField(
        help_text="The rules not shared with you (their evidence is from a section you do not see), left out of required_by and "
        "suggested_by whether or not they held: the same list for every deregistration you read (since 1.9.0)"
    )

    def _shown(self, instance: Deregistration) -> advice.RecordedRules:
        return advice.recorded_rules(instance, self.context.get("lens") or NOTHING)

    @extend_schema_field(_RULE_CODES)
    def get_required_by(self, instance: Deregistration) -> list[str]:
        return self._shown(instance).required_by

    @extend_schema_field(_RULE_CODES)
    def get_suggested_by(self, instance: Deregistration) -> list[str]:
        return self._shown(instance).suggested_by

    @extend_schema_field(serializers.BooleanField(allow_null=True))
    def get_exceptional(self, instance: Deregistration) -> bool | None:
        return self._shown(instance).exceptional

    @extend_schema_field(_RULE_CODES)
    def get_withheld_rules(self, instance: Deregistration) -> list[str]:
        return self._shown(instance).withheld

    class Meta:
        model = Deregistration
        fields = [
            "id",
            "approved_on",
            "meeting",
            "reasons",
            "exit_plan",
            "supported_by",
            "required_by",
            "suggested_by",
            "exceptional",
            "withheld_rules",
            "approved_by_name",
            "checklist",
        ]


class TransferSerializer(serializers.ModelSerializer[Transfer]):
    """A transfer and its information pack, projected through the reader's view of the person
    (``context["lens"]``): the pack's address, offending and safeguarding belong to the contact,
    justice and safeguarding sections (``Transfer.SECTIONS``), and are left out without them."""

    def to_representation(self, instance: Transfer) -> dict[str, Any]:
        data: dict[str, Any] = super().to_representation(instance)
        lens = self.context.get("lens") or NOTHING
        for name in lens.withheld(Transfer, list(data)):
            if name not in ("id", "person"):
                del data[name]
        return data

    class Meta:
        model = Transfer
        fields = [
            "id",
            "person",
            "kind",
            "status",
            "registration",
            "from_team",
            "to_team",
            "other_area",
            "proposed_on",
            "proposed_address",
            "index_offence",
            "offending_history",
            "risk_factors",
            "safeguarding",
            "home_visit_on",
            "home_visit_police",
            "home_visit_probation",
            "address_suitable",
            "home_visit_notes",
            "spoc_name",
            "spoc_contact",
            "decided_on",
            "decision_meeting",
            "decision_notes",
            "decided_by_name",
            "deselected_on",
            "deselected_by_name",
            "closed_reason",
        ]


class RegimeSerializer(serializers.Serializer[Any]):
    as_of = serializers.DateField()
    rag = serializers.CharField(help_text="The level in force (a transfer-in is Red for 8 weeks)")
    rag_since = serializers.DateField()
    regime = serializers.CharField(source="regime_text")
    red_until = serializers.DateField(allow_null=True)
    last_home_visit = serializers.DateField(allow_null=True, help_text="Null when none, not known or the timeline is not shared with you")
    next_home_visit = serializers.DateField(allow_null=True, help_text="Null when no regime or the timeline is not shared with you")
    home_visit_overdue = serializers.BooleanField()
    timeline_shared = serializers.BooleanField(help_text="False: the home visits are withheld (the case timeline is not shared with you)")
    last_review = serializers.DateField(allow_null=True)
    review_due = serializers.DateField(source="review.due")
    review_overdue = serializers.BooleanField()
    red_alert = serializers.BooleanField()
    release_on = serializers.DateField(allow_null=True, help_text="Prison: next release, where the justice record is shared with you")
    pre_release_from = serializers.DateField(allow_null=True, help_text="Prison: pre-release planning starts (3 months before)")


class RuleSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    name = serializers.CharField(source="label")
    requires = serializers.BooleanField(source="required", help_text="True: requires deregistration; false: suggests it")
    holds = serializers.BooleanField(allow_null=True, help_text="Null: not known, or withheld")
    evidence = serializers.CharField()
    withheld = serializers.BooleanField(help_text="True: the evidence comes from a section not shared with you")


class AdviceSerializer(serializers.Serializer[Any]):
    as_of = serializers.DateField()
    required_by = serializers.ListField(source="required", child=serializers.CharField(), help_text="Rules that require deregistration")
    suggested_by = serializers.ListField(source="suggested", child=serializers.CharField(), help_text="Rules that suggest it")
    rows = RuleSerializer(many=True)
    earliest = serializers.DateField(help_text="Six months on the scheme (000 §5.7): the earliest removal unless required")
    reconsider_from = serializers.DateField(allow_null=True)


class RegistrationSerializer(serializers.ModelSerializer[Registration]):
    rag_history = RagChangeSerializer(many=True, read_only=True)
    reviews = ReviewSerializer(many=True, read_only=True)

    class Meta:
        model = Registration
        fields = [
            "id",
            "person",
            "referral",
            "started_on",
            "ended_on",
            "end_reason",
            "rag",
            "neighbourhood_crime",
            "domestic_abuse",
            "ppo",
            "strand",
            "transferred_in_on",
            "other_forum",
            "rag_history",
            "reviews",
        ]


class RegistrationDetailSerializer(serializers.Serializer[Any]):
    registration = RegistrationSerializer()
    regime = RegimeSerializer(allow_null=True)
    deregistration_rules = AdviceSerializer(allow_null=True)
    deregistration = DeregistrationSerializer(allow_null=True)


class RagWriteSerializer(StrictSerializer):
    level = serializers.ChoiceField(choices=RagLevel.choices)
    changed_on = serializers.DateField()
    reason = StrictCharField(max_length=5000)
    meeting = StrictCharField(max_length=200, required=False, allow_blank=True, default="")
    expected_level = serializers.ChoiceField(
        choices=RagLevel.choices, required=False, help_text="The level you read: refused (400) if it has changed meanwhile"
    )


class ReviewWriteSerializer(StrictSerializer):
    reviewed_on = serializers.DateField()
    outcome = serializers.ChoiceField(choices=Review.Outcome.choices)
    notes = StrictCharField(max_length=5000)
    meeting = StrictCharField(max_length=200, required=False, allow_blank=True, default="")


class DeregistrationWriteSerializer(StrictSerializer):
    approved_on = serializers.DateField()
    reasons = StrictCharField(max_length=5000)
    exit_plan = StrictCharField(max_length=5000)
    supported_by = StrictCharField(max_length=200, help_text="Who keeps supporting the person (name and agency)")
    meeting = StrictCharField(max_length=200, required=False, allow_blank=True, default="")
    exceptional = StrictBooleanField(required=False, default=False)
    continuing = serializers.ListField(
        child=StrictIntegerField(min_value=1, max_value=2**63 - 1),
        required=False,
        default=list,
        max_length=100,
        help_text="Organisation ids the exit plan names to keep supporting the person; every other agency involved stops seeing them",
    )


class RemovalWriteSerializer(StrictSerializer):
    item = serializers.ChoiceField(choices=RemovalItem.choices)
    done_on = serializers.DateField(required=False, allow_null=True, default=None)
    done_by = StrictCharField(max_length=200, required=False, allow_blank=True, default="")
    not_applicable = StrictBooleanField(required=False, default=False)


class TransferWriteSerializer(StrictSerializer):
    kind = serializers.ChoiceField(choices=TransferKind.choices)
    to_team = StrictIntegerField(required=False, allow_null=True, min_value=1, max_value=2**31 - 1, help_text="Receiving team (internal)")
    other_area = StrictCharField(max_length=200, required=False, allow_blank=True, default="")
    proposed_address = StrictCharField(max_length=5000)
    index_offence = StrictCharField(max_length=5000)
    offending_history = StrictCharField(max_length=5000)
    risk_factors = StrictCharField(max_length=5000)
    safeguarding = StrictCharField(max_length=5000)


class TransferStepSerializer(StrictSerializer):
    step = serializers.ChoiceField(choices=[(s, s) for s in services.TRANSFER_STEPS])
    visited_on = serializers.DateField(required=False)
    police_officer = StrictCharField(max_length=200, required=False, allow_blank=True)
    probation_officer = StrictCharField(max_length=200, required=False, allow_blank=True)
    address_suitable = StrictBooleanField(required=False)
    notes = StrictCharField(max_length=5000, required=False, allow_blank=True)
    spoc_name = StrictCharField(max_length=200, required=False, allow_blank=True)
    spoc_contact = StrictCharField(max_length=200, required=False, allow_blank=True)
    accepted = StrictBooleanField(required=False)
    decided_on = serializers.DateField(required=False)
    meeting = StrictCharField(max_length=200, required=False, allow_blank=True)
    deselected_on = serializers.DateField(required=False)
    reason = StrictCharField(max_length=5000, required=False, allow_blank=True)


def _detail(request: Request, registration: Registration) -> dict[str, Any]:
    today = clock.today()
    current = registration.is_current and registration.started_on <= today
    rules = selectors.deregistration_advice(user=request.user, registration=registration, as_of=today) if current else None  # type: ignore[arg-type]
    return RegistrationDetailSerializer(
        {
            "registration": registration,
            "regime": selectors.regime_seen_by(user=request.user, registration=registration, as_of=today) if current else None,  # type: ignore[arg-type]
            "deregistration_rules": rules,
            "deregistration": getattr(registration, "deregistration", None),
        },
        context={"lens": lens_for(request.user, registration.person)},  # type: ignore[arg-type]
    ).data


@guarded(Action.PERSON_VIEW, personal_data=True, api=True)
class RegistrationView(APIView):
    @extend_schema(
        operation_id="registrations_read",
        summary="An IOM registration: RAG history, contact regime, reviews and the deregistration rules that hold",
        responses={200: RegistrationDetailSerializer, **REFUSALS},
    )
    def get(self, request: Request, registration_id: int) -> Response:
        registration = selectors.registration_for_view(user=request.user, registration_id=registration_id)  # type: ignore[arg-type]
        return Response(_detail(request, registration))


@guarded(Action.PERSON_VIEW, personal_data=True, api=True)
class RagView(APIView):
    @extend_schema(
        operation_id="registrations_rag_history", summary="The RAG history", responses={200: RagChangeSerializer(many=True), **REFUSALS}
    )
    def get(self, request: Request, registration_id: int) -> Response:
        registration = selectors.registration_for_view(user=request.user, registration_id=registration_id)  # type: ignore[arg-type]
        return Response(RagChangeSerializer(registration.rag_history.all(), many=True).data)

    @extend_schema(
        operation_id="registrations_rag_change",
        summary="Change the RAG level (coordinator, chair or police IOM officer); Red Alert publishes a wanted alert",
        request=RagWriteSerializer,
        responses={201: RagChangeSerializer, **WRITE_REFUSALS},
    )
    def post(self, request: Request, registration_id: int) -> Response:
        registration = selectors.registration_for_view(user=request.user, registration_id=registration_id)  # type: ignore[arg-type]
        body = RagWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        change = services.rag_change(acting_user=request.user, registration=registration, **body.validated_data)  # type: ignore[arg-type]
        return Response(RagChangeSerializer(change).data, status=status.HTTP_201_CREATED)


@guarded(Action.PERSON_VIEW, personal_data=True, api=True)
class ReviewsView(APIView):
    @extend_schema(
        operation_id="registrations_reviews_list", summary="Reviews, newest first", responses={200: ReviewSerializer(many=True), **REFUSALS}
    )
    def get(self, request: Request, registration_id: int) -> Response:
        registration = selectors.registration_for_view(user=request.user, registration_id=registration_id)  # type: ignore[arg-type]
        return Response(ReviewSerializer(registration.reviews.all(), many=True).data)

    @extend_schema(
        operation_id="registrations_reviews_create",
        summary="Record a review: retain or drop, with the justification (coordinator or chair)",
        request=ReviewWriteSerializer,
        responses={201: ReviewSerializer, **WRITE_REFUSALS},
    )
    def post(self, request: Request, registration_id: int) -> Response:
        registration = selectors.registration_for_view(user=request.user, registration_id=registration_id)  # type: ignore[arg-type]
        body = ReviewWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        review = services.review_record(acting_user=request.user, registration=registration, **body.validated_data)  # type: ignore[arg-type]
        return Response(ReviewSerializer(review).data, status=status.HTTP_201_CREATED)


@guarded(Action.PERSON_VIEW, personal_data=True, api=True)
class DeregistrationView(APIView):
    @extend_schema(
        operation_id="registrations_deregistration_read",
        summary="The deregistration rules that hold (with evidence) and the removal, if approved",
        responses={200: RegistrationDetailSerializer, **REFUSALS},
    )
    def get(self, request: Request, registration_id: int) -> Response:
        registration = selectors.registration_for_view(user=request.user, registration_id=registration_id)  # type: ignore[arg-type]
        return Response(_detail(request, registration))

    @extend_schema(
        operation_id="registrations_deregister",
        summary="Approve removal from IOM (chair only): reasons, exit plan and who keeps supporting the person",
        request=DeregistrationWriteSerializer,
        responses={201: DeregistrationSerializer, **WRITE_REFUSALS},
    )
    def post(self, request: Request, registration_id: int) -> Response:
        registration = selectors.registration_for_view(user=request.user, registration_id=registration_id)  # type: ignore[arg-type]
        body = DeregistrationWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        record = services.deregister(acting_user=request.user, registration=registration, **body.validated_data)  # type: ignore[arg-type]
        lens = lens_for(request.user, registration.person)  # type: ignore[arg-type]
        return Response(DeregistrationSerializer(record, context={"lens": lens}).data, status=status.HTTP_201_CREATED)


@guarded(Action.PERSON_VIEW, personal_data=True, api=True)
class RemovalChecklistView(APIView):
    @extend_schema(
        operation_id="registrations_removal_checklist",
        summary="The removal checklist (empty until removal is approved)",
        responses={200: RemovalEntrySerializer(many=True), **REFUSALS},
    )
    def get(self, request: Request, registration_id: int) -> Response:
        registration = selectors.registration_for_view(user=request.user, registration_id=registration_id)  # type: ignore[arg-type]
        record = getattr(registration, "deregistration", None)
        return Response(RemovalEntrySerializer(record.checklist.all() if record else [], many=True).data)

    @extend_schema(
        operation_id="registrations_removal_record",
        summary="Record one removal action: date and by whom (coordinator or chair)",
        request=RemovalWriteSerializer,
        responses={200: RemovalEntrySerializer, **WRITE_REFUSALS},
    )
    def post(self, request: Request, registration_id: int) -> Response:
        registration = selectors.registration_for_view(user=request.user, registration_id=registration_id)  # type: ignore[arg-type]
        body = RemovalWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        entry = services.removal_record(acting_user=request.user, registration=registration, **body.validated_data)  # type: ignore[arg-type]
        return Response(RemovalEntrySerializer(entry).data)


@guarded(Action.PERSON_VIEW, personal_data=True, api=True)
class PersonTransfersView(APIView):
    @extend_schema(
        operation_id="transfers_for_person", summary="A person's transfers", responses={200: TransferSerializer(many=True), **REFUSALS}
    )
    def get(self, request: Request, person_id: int) -> Response:
        person = people_selectors.person_get_for(user=request.user, person_id=person_id, section="plan", audit_read=False)  # type: ignore[arg-type]
        found = selectors.transfers_for_person(user=request.user, person=person)  # type: ignore[arg-type]
        return Response(TransferSerializer(found, many=True, context={"lens": lens_for(request.user, person)}).data)  # type: ignore[arg-type]

    @extend_schema(
        operation_id="transfers_propose",
        summary="Propose a transfer with its information pack (coordinator or chair; 002 §4)",
        request=TransferWriteSerializer,
        responses={201: TransferSerializer, **WRITE_REFUSALS},
    )
    def post(self, request: Request, person_id: int) -> Response:
        person = people_selectors.person_get_for(user=request.user, person_id=person_id, section="plan")  # type: ignore[arg-type]
        body = TransferWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        team = None
        team_id = data.pop("to_team", None)
        if team_id is not None:
            team = Team.objects.filter(pk=team_id).first()
            if team is None:
                raise serializers.ValidationError({"to_team": ["No such team"]})
        transfer = services.transfer_propose(
            acting_user=request.user,  # type: ignore[arg-type]
            person=person,
            kind=data.pop("kind"),
            to_team=team,
            other_area=data.pop("other_area"),
            pack=data,
        )
        return Response(TransferSerializer(transfer, context={"lens": lens_for(request.user, person)}).data, status=status.HTTP_201_CREATED)  # type: ignore[arg-type]


@guarded(Action.PERSON_VIEW, personal_data=True, api=True)
class TransferView(APIView):
    @extend_schema(operation_id="transfers_read", summary="A transfer and its steps", responses={200: TransferSerializer, **REFUSALS})
    def get(self, request: Request, transfer_id: int) -> Response:
        transfer = selectors.transfer_get(user=request.user, transfer_id=transfer_id)  # type: ignore[arg-type]
        return Response(TransferSerializer(transfer, context={"lens": lens_for(request.user, transfer.person)}).data)  # type: ignore[arg-type]

    @extend_schema(
        operation_id="transfers_step",
        summary="Take the next step (002 §4): home-visit, spoc, decision (the chair, for a case coming here), deselect, withdraw",
        request=TransferStepSerializer,
        responses={200: TransferSerializer, **WRITE_REFUSALS},
    )
    def post(self, request: Request, transfer_id: int) -> Response:
        transfer = selectors.transfer_get(user=request.user, transfer_id=transfer_id)  # type: ignore[arg-type]
        body = TransferStepSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        step = data.pop("step")
        updated = services.transfer_step(acting_user=request.user, transfer=transfer, step=step, data=data)  # type: ignore[arg-type]
        return Response(TransferSerializer(updated, context={"lens": lens_for(request.user, updated.person)}).data)  # type: ignore[arg-type]


@guarded(Action.PERSON_SEARCH, personal_data=True, api=True)
class RedAlertsView(APIView):
    @extend_schema(
        operation_id="red_alerts_list",
        summary="Current Red Alerts (wanted) among the people you may see",
        responses={200: RegistrationSerializer(many=True), 403: OpenApiResponse(description="Not allowed for your role")},
    )
    def get(self, request: Request) -> Response:
        return Response(RegistrationSerializer(selectors.red_alerts(user=request.user), many=True).data)  # type: ignore[arg-type]
