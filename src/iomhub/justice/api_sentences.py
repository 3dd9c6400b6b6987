"""A person's sentences over the JSON API: their dates, the prison's override and the licence
conditions (split from ``justice.api``, which keeps the record, recalls and breaches); the same
selectors, services, policy and audit as the pages."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from iomhub.access.api_errors import raise_invalid, service_errors, validated
from iomhub.access.api_problems import stale
from iomhub.access.policy import Action
from iomhub.access.routes import guarded
from iomhub.justice import selectors, services
from iomhub.justice.api_events import JusticeSourceSerializer, source_json
from iomhub.justice.models import (
    COUNT_LIMITS,
    AdditionalCondition,
    LicenceCondition,
    ProgressionModelExclusion,
    PssRequirement,
    Sentence,
    SentenceType,
)
from iomhub.people.api import StrictSerializer


def strings(help_text: str) -> serializers.ListField:
    return serializers.ListField(child=serializers.CharField(), read_only=True, help_text=help_text)


class EffectiveDatesSerializer(serializers.Serializer[Any]):
    release_date = serializers.DateField(allow_null=True)
    expiry_date = serializers.DateField(allow_null=True)
    tused = serializers.DateField(allow_null=True)
    hdced = serializers.DateField(allow_null=True)


class ConditionsSerializer(serializers.Serializer[Any]):
    set_on = serializers.DateField()
    licence_standard = serializers.ListField(child=serializers.CharField())
    licence_additional = serializers.ListField(child=serializers.CharField())
    additional_wording = serializers.CharField(allow_blank=True)
    pss_requirements = serializers.ListField(child=serializers.CharField())
    drug_test_criteria_met = serializers.BooleanField()
    version = serializers.IntegerField()


class SentenceSerializer(serializers.ModelSerializer[Sentence]):
    effective = serializers.SerializerMethodField(help_text="The dates in force: the prison's where entered, else the calculated ones")
    conditions = serializers.SerializerMethodField(help_text="Licence conditions and post-sentence supervision requirements, or null")
    breakdown = strings("How the dates were worked out, step by step")
    override_source = serializers.SerializerMethodField(
        help_text="Where the prison's dates in force came from: the feed row that entered them (the prison releases feed) "
        "and why it is this person; null when a person entered them by hand (the latest entry is in force, whoever made it), "
        "and in the answer to a write"
    )

    class Meta:
        model = Sentence
        fields = [
            "id",
            "sentenced_on",
            "offence_committed_on",
            "years",
            "months",
            "weeks",
            "days",
            "remand_days",
            "tagged_bail_days",
            "unlawfully_at_large_days",
            "prison",
            "sentence_type",
            "sds40_excluded",
            "hdc_excluded",
            "progression_model_exclusion",
            "length_days",
            "release_type",
            "release_date",
            "expiry_type",
            "expiry_date",
            "tused",
            "hdced",
            "breakdown",
            "calculation_note",
            "override_release_date",
            "override_expiry_date",
            "override_tused",
            "override_hdced",
            "override_reason",
            "effective",
            "conditions",
            "override_source",
        ]

    @extend_schema_field(JusticeSourceSerializer(allow_null=True))
    def get_override_source(self, obj: Sentence) -> dict[str, Any] | None:
        return source_json(obj, "override_source")

    @extend_schema_field(ConditionsSerializer(allow_null=True))
    def get_conditions(self, obj: Sentence) -> dict[str, Any] | None:
        """The licence conditions and supervision requirements (002 §5), or null if none recorded."""
        c = obj.recorded_conditions
        if c is None:
            return None
        return {
            "set_on": c.set_on.isoformat(),
            "licence_standard": list(c.licence_standard),
            "licence_additional": list(c.licence_additional),
            "additional_wording": c.additional_wording,
            "pss_requirements": list(c.pss_requirements),
            "drug_test_criteria_met": c.drug_test_criteria_met,
            "version": c.version,
        }

    @extend_schema_field(EffectiveDatesSerializer)
    def get_effective(self, obj: Sentence) -> dict[str, Any]:
        return {k: (v.isoformat() if v else None) for k, v in obj.effective_dates.items()}


class SentenceWriteSerializer(StrictSerializer):
    sentenced_on = serializers.DateField()
    offence_committed_on = serializers.DateField()
    years = serializers.IntegerField(min_value=0, max_value=COUNT_LIMITS["years"], default=0)
    months = serializers.IntegerField(min_value=0, max_value=COUNT_LIMITS["months"], default=0)
    weeks = serializers.IntegerField(min_value=0, max_value=COUNT_LIMITS["weeks"], default=0)
    days = serializers.IntegerField(min_value=0, max_value=COUNT_LIMITS["days"], default=0)
    remand_days = serializers.IntegerField(min_value=0, max_value=COUNT_LIMITS["remand_days"], default=0)
    tagged_bail_days = serializers.IntegerField(min_value=0, max_value=COUNT_LIMITS["tagged_bail_days"], default=0)
    unlawfully_at_large_days = serializers.IntegerField(min_value=0, max_value=COUNT_LIMITS["unlawfully_at_large_days"], default=0)
    prison = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    sentence_type = serializers.ChoiceField(choices=SentenceType.choices, default=SentenceType.SDS)
    sds40_excluded = serializers.BooleanField(default=False)
    hdc_excluded = serializers.BooleanField(default=False)
    progression_model_exclusion = serializers.ChoiceField(
        choices=ProgressionModelExclusion.choices, default="", allow_blank=True, help_text="Sentencing Act 2026 progression model"
    )


class OverrideWriteSerializer(StrictSerializer):
    sentence = serializers.IntegerField(min_value=1, max_value=2**31 - 1, help_text="The id of one of this person's sentences")
    release_date = serializers.DateField(required=False, allow_null=True, default=None)
    expiry_date = serializers.DateField(required=False, allow_null=True, default=None)
    tused = serializers.DateField(required=False, allow_null=True, default=None)
    hdced = serializers.DateField(required=False, allow_null=True, default=None)
    reason = serializers.CharField(max_length=1000)


REFUSALS: dict[int, Any] = {
    403: OpenApiResponse(description="Not allowed (for example, the justice section is not shared with you)"),
    404: OpenApiResponse(description="Not found or not visible to you"),
}


@guarded(Action.PERSON_VIEW, personal_data=True, api=True)
class SentencesView(APIView):
    @extend_schema(
        operation_id="justice_sentences_list",
        summary="A person's sentences with their dates",
        responses={200: SentenceSerializer(many=True), **REFUSALS},
    )
    def get(self, request: Request, person_id: int) -> Response:
        record = selectors.justice_record_for(user=request.user, person_id=person_id)  # type: ignore[arg-type]
        return Response(SentenceSerializer(record.sentences, many=True).data)

    @extend_schema(
        operation_id="justice_sentences_create",
        summary="Record a sentence (dates are calculated)",
        request=SentenceWriteSerializer,
        responses={
            201: SentenceSerializer,
            400: OpenApiResponse(description="Field-level errors"),
            **REFUSALS,
        },
    )
    def post(self, request: Request, person_id: int) -> Response:
        person = selectors.person_for_change(user=request.user, person_id=person_id)  # type: ignore[arg-type]
        data = validated(SentenceWriteSerializer, request)
        with service_errors():
            sentence = services.sentence_record(acting_user=request.user, person=person, **data)  # type: ignore[arg-type]
        return Response(SentenceSerializer(sentence).data, status=status.HTTP_201_CREATED)


@guarded(Action.PERSON_VIEW, personal_data=True, api=True)
class SentenceOverridesView(APIView):
    @extend_schema(
        operation_id="justice_overrides_list",
        summary="Sentences where the prison's dates are in force",
        responses={200: SentenceSerializer(many=True), **REFUSALS},
    )
    def get(self, request: Request, person_id: int) -> Response:
        record = selectors.justice_record_for(user=request.user, person_id=person_id)  # type: ignore[arg-type]
        return Response(SentenceSerializer([s for s in record.sentences if s.overridden], many=True).data)

    @extend_schema(
        operation_id="justice_overrides_create",
        summary="Enter the prison's dates for a sentence (they win; audited with the reason)",
        request=OverrideWriteSerializer,
        responses={200: SentenceSerializer, 400: OpenApiResponse(description="Field-level errors"), **REFUSALS},
    )
    def post(self, request: Request, person_id: int) -> Response:
        sentence, data = sentence_step(request, person_id, OverrideWriteSerializer)
        with service_errors():
            sentence = services.sentence_override(acting_user=request.user, sentence=sentence, **data)  # type: ignore[arg-type]
        return Response(SentenceSerializer(sentence).data)


class ConditionsWriteSerializer(StrictSerializer):
    sentence = serializers.IntegerField(min_value=1, max_value=2**31 - 1, help_text="The id of one of this person's sentences")
    set_on = serializers.DateField(help_text="The date the governor set (or last varied) the conditions")
    licence_standard = serializers.ListField(child=serializers.ChoiceField(choices=LicenceCondition.choices), required=False, default=list)
    licence_additional = serializers.ListField(
        child=serializers.ChoiceField(choices=AdditionalCondition.choices), required=False, default=list
    )
    additional_wording = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    pss_requirements = serializers.ListField(child=serializers.ChoiceField(choices=PssRequirement.choices), required=False, default=list)
    drug_test_criteria_met = serializers.BooleanField(required=False, default=False)
    version = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=0, max_value=2**31 - 1, help_text="The version you read (0: none yet)"
    )


def sentence_step(request: Request, person_id: int, body_class: type[StrictSerializer]) -> tuple[Sentence, dict[str, Any]]:
    person = selectors.person_for_change(user=request.user, person_id=person_id)  # type: ignore[arg-type]
    data = validated(body_class, request)
    return selectors.sentence_for(person=person, sentence_id=data.pop("sentence")), data


@guarded(Action.PERSON_VIEW, personal_data=True, api=True)
class ConditionsView(APIView):
    @extend_schema(
        operation_id="justice_conditions_list",
        summary="Sentences with their licence conditions and supervision requirements recorded",
        responses={200: SentenceSerializer(many=True), **REFUSALS},
    )
    def get(self, request: Request, person_id: int) -> Response:
        record = selectors.justice_record_for(user=request.user, person_id=person_id)  # type: ignore[arg-type]
        return Response(SentenceSerializer([s for s in record.sentences if s.recorded_conditions], many=True).data)

    @extend_schema(
        operation_id="justice_conditions_set",
        summary="Record or vary a sentence's licence conditions and supervision requirements (002 §5)",
        request=ConditionsWriteSerializer,
        responses={
            200: SentenceSerializer,
            400: OpenApiResponse(description="Field-level errors"),
            409: OpenApiResponse(description="Someone else changed the conditions since the version you read"),
            **REFUSALS,
        },
    )
    def post(self, request: Request, person_id: int) -> Response:
        from django.core.exceptions import ValidationError

        sentence, data = sentence_step(request, person_id, ConditionsWriteSerializer)
        data["expected_version"] = data.pop("version")
        try:
            services.conditions_set(acting_user=request.user, sentence=sentence, **data)  # type: ignore[arg-type]
        except services.StaleConditions as exc:
            raise stale(exc.messages) from exc
        except ValidationError as exc:
            raise_invalid(exc)
        return Response(SentenceSerializer(selectors.sentence_for(person=sentence.person, sentence_id=sentence.pk)).data)
