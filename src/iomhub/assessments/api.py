"""The instruments over the JSON API (issue 12 part 1): the same selectors, services, policy and
audit as the pages. Every answer is checked by the service, which names the question ("answers":
"Question 3: ..."); a reader without the health section is refused (403, audited) as on the pages."""

from __future__ import annotations

from typing import Any, NoReturn

from django.core.exceptions import ValidationError
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError as DrfValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from iomhub.access.api_errors import field_errors
from iomhub.access.api_fields import StrictBooleanField, StrictCharField, StrictIntegerField
from iomhub.access.models import Section, User
from iomhub.access.policy import Action
from iomhub.access.routes import guarded
from iomhub.assessments import outcomes, risk, selectors, services
from iomhub.assessments.models import (
    FRAMES,
    AlcoholScreening,
    BriefAdvice,
    DashChecklist,
    Instrument,
    MaracReferral,
    Referral,
    Session,
    Stage,
    TreatmentOutcomesProfile,
)
from iomhub.assessments.presentation import MARAC_REASONS
from iomhub.casework.selectors import person_for_change
from iomhub.people.api import StrictSerializer
from iomhub.rules import top

MAX_ID = 2**31 - 1
REFUSALS: dict[int, Any] = {
    403: OpenApiResponse(description="Not allowed (for example, the health section is not shared with you)"),
    404: OpenApiResponse(description="Not found or not visible to you"),
}
WRITE = {400: OpenApiResponse(description="Field-level errors, each naming the question"), **REFUSALS}
DASH_ANSWER = serializers.ChoiceField(choices=risk.ANSWERS)


def _raise(exc: ValidationError) -> NoReturn:
    """The service's errors; one per question (``q3``) reported under the list they belong to."""
    found: dict[str, list[str]] = {}
    for key, messages in field_errors(exc).items():
        name = "answers" if key[:1] == "q" and key[1:].isdigit() else "non_field_errors" if key == "__all__" else key
        found.setdefault(name, []).extend(messages)
    raise DrfValidationError(found) from exc


def _user(request: Request) -> User:
    user: User = request.user  # type: ignore[assignment]
    return user


# ---------------------------------------------------------------- AUDIT-C and AUDIT


class AlcoholScreeningSerializer(serializers.ModelSerializer[AlcoholScreening]):
    answers = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=4), help_text="The score of each question asked, in order"
    )
    follows: serializers.PrimaryKeyRelatedField[AlcoholScreening] = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True, help_text="The AUDIT-C this full AUDIT went on from"
    )

    class Meta:
        model = AlcoholScreening
        fields = [
            "id", "instrument", "screened_on", "session", "answers", "units_last_week", "score", "zone", "brief_advice",
            "refer_specialist", "full_audit_advised", "follows", "notes", "recorded_by_name", "recorded_at",
        ]  # fmt: skip
        read_only_fields = fields


class AlcoholUnitsChangeSerializer(serializers.Serializer[Any]):
    first_on = serializers.DateField()
    first = serializers.IntegerField()
    final_on = serializers.DateField()
    final = serializers.IntegerField()
    difference = serializers.IntegerField()


class AlcoholScreeningsSerializer(serializers.Serializer[Any]):
    screenings = AlcoholScreeningSerializer(many=True)
    units_change = AlcoholUnitsChangeSerializer(allow_null=True, help_text="Units in the last week, first session to final (000 §6.3.2)")


class AlcoholScreeningWriteSerializer(StrictSerializer):
    instrument = serializers.ChoiceField(choices=Instrument.choices)
    screened_on = serializers.DateField()
    session = serializers.ChoiceField(choices=Session.choices)
    answers = serializers.ListField(
        child=StrictIntegerField(allow_null=True), help_text="3 scores (AUDIT-C) or 10 (AUDIT), 0-4; 9 and 10 score 0, 2 or 4"
    )
    units_last_week = StrictIntegerField(
        required=False, allow_null=True, default=None, help_text="Required at the first and final sessions"
    )
    notes = StrictCharField(required=False, allow_blank=True, default="", max_length=5000)
    follows = StrictIntegerField(required=False, allow_null=True, default=None, min_value=1, max_value=MAX_ID)


@guarded(Action.PERSON_VIEW, personal_data=True, api=True)
class ScreeningsView(APIView):
    @extend_schema(
        operation_id="alcohol_screenings_list",
        summary="AUDIT-C and AUDIT screenings, and the change in units",
        responses={200: AlcoholScreeningsSerializer, **REFUSALS},
    )
    def get(self, request: Request, person_id: int) -> Response:
        record = selectors.health_record_for(user=_user(request), person_id=person_id)
        return Response(AlcoholScreeningsSerializer({"screenings": record.screenings, "units_change": record.units_change}).data)

    @extend_schema(
        operation_id="alcohol_screenings_create",
        summary="Record an AUDIT-C or full AUDIT (scored)",
        request=AlcoholScreeningWriteSerializer,
        responses={201: AlcoholScreeningSerializer, **WRITE},
    )
    def post(self, request: Request, person_id: int) -> Response:
        person = person_for_change(user=_user(request), person_id=person_id, section=Section.HEALTH)
        body = AlcoholScreeningWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        follows = selectors.screening_for(person=person, screening_id=data.pop("follows")) if data.get("follows") else None
        data.pop("follows", None)
        try:
            screening = services.alcohol_screening_record(acting_user=_user(request), person=person, follows=follows, **data)
        except ValidationError as exc:
            _raise(exc)
        return Response(AlcoholScreeningSerializer(screening).data, status=status.HTTP_201_CREATED)


# ---------------------------------------------------------------- brief advice


class BriefAdviceSerializer(serializers.ModelSerializer[BriefAdvice]):
    frames = serializers.ListField(child=serializers.ChoiceField(choices=FRAMES))
    screening: serializers.PrimaryKeyRelatedField[AlcoholScreening] = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = BriefAdvice
        fields = [
            "id",
            "given_on",
            "screening",
            "frames",
            "goals",
            "leaflet_given",
            "referral",
            "duration_minutes",
            "recorded_by_name",
            "recorded_at",
        ]
        read_only_fields = fields


class BriefAdviceWriteSerializer(StrictSerializer):
    given_on = serializers.DateField()
    frames = serializers.ListField(
        child=StrictCharField(max_length=30), help_text="FRAMES elements covered: " + ", ".join(k for k, _ in FRAMES)
    )
    goals = StrictCharField(required=False, allow_blank=True, default="", max_length=5000)
    leaflet_given = StrictBooleanField()
    referral = serializers.ChoiceField(choices=Referral.choices)
    duration_minutes = StrictIntegerField(help_text="1 to 240")
    screening = StrictIntegerField(required=False, allow_null=True, default=None, min_value=1, max_value=MAX_ID)


@guarded(Action.PERSON_VIEW, personal_data=True, api=True)
class AdviceView(APIView):
    @extend_schema(
        operation_id="brief_advice_list", summary="Brief advice given", responses={200: BriefAdviceSerializer(many=True), **REFUSALS}
    )
    def get(self, request: Request, person_id: int) -> Response:
        record = selectors.health_record_for(user=_user(request), person_id=person_id)
        return Response(BriefAdviceSerializer(record.advice, many=True).data)

    @extend_schema(
        operation_id="brief_advice_create",
        summary="Record brief advice (FRAMES)",
        request=BriefAdviceWriteSerializer,
        responses={201: BriefAdviceSerializer, **WRITE},
    )
    def post(self, request: Request, person_id: int) -> Response:
        person = person_for_change(user=_user(request), person_id=person_id, section=Section.HEALTH)
        body = BriefAdviceWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        screening_id = data.pop("screening", None)
        screening = selectors.screening_for(person=person, screening_id=screening_id) if screening_id else None
        try:
            advice = services.brief_advice_record(acting_user=_user(request), person=person, screening=screening, **data)
        except ValidationError as exc:
            _raise(exc)
        return Response(BriefAdviceSerializer(advice).data, status=status.HTTP_201_CREATED)


# ---------------------------------------------------------------- DASH and MARAC


class MaracReferralSerializer(serializers.ModelSerializer[MaracReferral]):
    class Meta:
        model = MaracReferral
        fields = ["id", "referred_on", "marac", "notes", "recorded_by_name", "recorded_at"]
        read_only_fields = fields


class DashChecklistSerializer(serializers.ModelSerializer[DashChecklist]):
    answers = serializers.ListField(child=DASH_ANSWER, help_text="The 24 answers in order")
    reasons = serializers.ListField(child=serializers.ChoiceField(choices=list(MARAC_REASONS)), help_text="The MARAC referral criteria met")
    marac_referral = MaracReferralSerializer(read_only=True, allow_null=True, help_text="The MARAC referral made after it, if recorded")

    class Meta:
        model = DashChecklist
        fields = [
            "id", "completed_on", "answers", "professional_judgement", "judgement_reasons", "incidents_last_12_months",
            "escalation_threshold", "repeat", "yes_count", "high_risk", "refer_to_marac", "reasons", "marac_referral",
            "recorded_by_name", "recorded_at",
        ]  # fmt: skip
        read_only_fields = fields


class DashChecklistsSerializer(serializers.Serializer[Any]):
    checklists = DashChecklistSerializer(many=True)
    marac_referral_made = serializers.BooleanField(help_text="The case is flagged for the MARAC link (000 §6.6.2)")
    latest_marac_referral = MaracReferralSerializer(allow_null=True)


class DashChecklistWriteSerializer(StrictSerializer):
    completed_on = serializers.DateField()
    answers = serializers.ListField(child=StrictCharField(allow_null=True, max_length=20), help_text="24 answers: yes, no or not-known")
    professional_judgement = StrictBooleanField()
    judgement_reasons = StrictCharField(required=False, allow_blank=True, default="", max_length=5000)
    incidents_last_12_months = StrictIntegerField(help_text="Domestic abuse incidents reported in the last 12 months")


class MaracReferralWriteSerializer(StrictSerializer):
    referred_on = serializers.DateField()
    marac = StrictCharField(max_length=200, help_text="Which MARAC it was referred to")
    notes = StrictCharField(required=False, allow_blank=True, default="", max_length=5000)


@guarded(Action.PERSON_VIEW, personal_data=True, api=True)
class ChecklistsView(APIView):
    @extend_schema(
        operation_id="dash_checklists_list",
        summary="DASH checklists, MARAC criteria and referrals",
        responses={200: DashChecklistsSerializer, **REFUSALS},
    )
    def get(self, request: Request, person_id: int) -> Response:
        record = selectors.health_record_for(user=_user(request), person_id=person_id)
        latest = record.marac.value
        body = {"checklists": record.checklists, "marac_referral_made": latest is not None, "latest_marac_referral": latest}
        return Response(DashChecklistsSerializer(body).data)

    @extend_schema(
        operation_id="dash_checklists_create",
        summary="Record a DASH checklist (MARAC criteria worked out)",
        request=DashChecklistWriteSerializer,
        responses={201: DashChecklistSerializer, **WRITE},
    )
    def post(self, request: Request, person_id: int) -> Response:
        person = person_for_change(user=_user(request), person_id=person_id, section=Section.HEALTH)
        body = DashChecklistWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            checklist = risk.dash_record(acting_user=_user(request), person=person, **body.validated_data)
        except ValidationError as exc:
            _raise(exc)
        return Response(DashChecklistSerializer(checklist).data, status=status.HTTP_201_CREATED)


class MaracStateSerializer(serializers.Serializer[Any]):
    checklist = serializers.IntegerField()
    refer_to_marac = serializers.BooleanField(help_text="The checklist meets the MARAC referral criteria")
    marac_referral = MaracReferralSerializer(allow_null=True, help_text="The referral made after it, if recorded")


@guarded(Action.PERSON_CHANGE, personal_data=True, api=True)
class MaracView(APIView):
    @extend_schema(
        operation_id="marac_referral_read",
        summary="Whether a checklist meets the MARAC criteria and its referral",
        responses={200: MaracStateSerializer, **REFUSALS},
    )
    def get(self, request: Request, person_id: int, checklist_id: int) -> Response:
        _, checklist = selectors.checklist_read(user=_user(request), person_id=person_id, checklist_id=checklist_id)
        body = {
            "checklist": checklist.pk,
            "refer_to_marac": checklist.refer_to_marac,
            "marac_referral": getattr(checklist, "marac_referral", None),
        }
        return Response(MaracStateSerializer(body).data)

    @extend_schema(
        operation_id="marac_referral_create",
        summary="Record the MARAC referral made after a checklist",
        request=MaracReferralWriteSerializer,
        responses={201: MaracReferralSerializer, **WRITE},
    )
    def post(self, request: Request, person_id: int, checklist_id: int) -> Response:
        person = person_for_change(user=_user(request), person_id=person_id, section=Section.HEALTH)
        checklist = selectors.checklist_for(person=person, checklist_id=checklist_id)
        body = MaracReferralWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            referral = risk.marac_referral_record(acting_user=_user(request), checklist=checklist, **body.validated_data)
        except ValidationError as exc:
            _raise(exc)
        return Response(MaracReferralSerializer(referral).data, status=status.HTTP_201_CREATED)


# ---------------------------------------------------------------- Treatment Outcomes Profile


def _measure_field(m: top.Measure) -> serializers.Field[Any, Any, Any, Any]:
    """A measure of the profile as written: yes/no as true/false, the rest whole numbers (ranges
    are checked by ``iomhub.rules.top``, naming the question)."""
    if m.kind == top.YES_NO:
        return StrictBooleanField(help_text=m.label)
    if m.name == "alcohol_units":
        return StrictIntegerField(allow_null=True, required=False, default=None, help_text=m.label)
    return StrictIntegerField(help_text=m.label)


class TopProfileSerializer(serializers.ModelSerializer[TreatmentOutcomesProfile]):
    class Meta:
        model = TreatmentOutcomesProfile
        fields = ["id", "completed_on", "stage", *(m.name for m in top.MEASURES), "other_drug", "notes", "recorded_by_name", "recorded_at"]
        read_only_fields = fields


class TopChangeSerializer(serializers.Serializer[Any]):
    name = serializers.ChoiceField(choices=[m.name for m in top.MEASURES])
    label = serializers.CharField()  # type: ignore[assignment]
    first = serializers.IntegerField()
    latest = serializers.IntegerField()
    difference = serializers.IntegerField()
    direction = serializers.ChoiceField(choices=["better", "worse", "same"])


class TopProfilesSerializer(serializers.Serializer[Any]):
    profiles = TopProfileSerializer(many=True)
    change = TopChangeSerializer(many=True, help_text="First to latest profile, each measure (yes/no as 1/0)")


TopProfileWriteSerializer = type(
    "TopProfileWriteSerializer",
    (StrictSerializer,),
    {
        "completed_on": serializers.DateField(),
        "stage": serializers.ChoiceField(choices=Stage.choices),
        **{m.name: _measure_field(m) for m in top.MEASURES},
        "other_drug": StrictCharField(required=False, allow_blank=True, default="", max_length=200),
        "notes": StrictCharField(required=False, allow_blank=True, default="", max_length=5000),
    },
)


@guarded(Action.PERSON_VIEW, personal_data=True, api=True)
class ProfilesView(APIView):
    @extend_schema(
        operation_id="treatment_outcomes_profiles_list",
        summary="Treatment Outcomes Profiles and the change from first to latest",
        responses={200: TopProfilesSerializer, **REFUSALS},
    )
    def get(self, request: Request, person_id: int) -> Response:
        record = selectors.health_record_for(user=_user(request), person_id=person_id)
        return Response(TopProfilesSerializer({"profiles": record.profiles, "change": record.top_change}).data)

    @extend_schema(
        operation_id="treatment_outcomes_profiles_create",
        summary="Record a Treatment Outcomes Profile (the last 28 days)",
        request=TopProfileWriteSerializer,
        responses={201: TopProfileSerializer, **WRITE},
    )
    def post(self, request: Request, person_id: int) -> Response:
        person = person_for_change(user=_user(request), person_id=person_id, section=Section.HEALTH)
        body = TopProfileWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        values = {m.name: data.pop(m.name) for m in top.MEASURES}
        try:
            profile = outcomes.top_record(acting_user=_user(request), person=person, values=values, **data)
        except ValidationError as exc:
            _raise(exc)
        return Response(TopProfileSerializer(profile).data, status=status.HTTP_201_CREATED)
