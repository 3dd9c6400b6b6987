"""The justice record over the JSON API: the same selectors, services, policy and audit as the pages."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError as DrfValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from iomhub.access.api_errors import raise_invalid, service_errors, validated
from iomhub.access.api_problems import stale
from iomhub.access.policy import Action
from iomhub.access.routes import guarded
from iomhub.justice import selectors, services
from iomhub.justice.api_events import (
    SOURCE_HELP,
    JusticeCustodyPeriodSerializer,
    JusticeMappaRecordSerializer,
    JusticeSourceSerializer,
    source_json,
)
from iomhub.justice.models import (
    COUNT_LIMITS,
    AdditionalCondition,
    LicenceCondition,
    ProgressionModelExclusion,
    PssBreach,
    PssRequirement,
    Recall,
    Sentence,
    SentenceType,
)
from iomhub.people.api import StrictSerializer


def _strings(help_text: str) -> serializers.ListField:
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
    breakdown = _strings("How the dates were worked out, step by step")
    override_source = serializers.SerializerMethodField(
        help_text="The latest of the prison's dates a feed wrote (the prison releases feed) and why it is this person; "
        "null when none came from a feed, and in the answer to a write"
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


class ArrestRowSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    arrested_on = serializers.DateField()
    custody_suite = serializers.CharField()
    outcome = serializers.CharField()
    offences = serializers.ListField(child=serializers.CharField(), help_text="Offence codes")
    source = JusticeSourceSerializer(allow_null=True, help_text=SOURCE_HELP)  # type: ignore[assignment]


class OffenceRowSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    code = serializers.CharField()
    description = serializers.CharField()
    committed_on = serializers.DateField()
    source = JusticeSourceSerializer(allow_null=True, help_text=SOURCE_HELP)  # type: ignore[assignment]


class OutcomeRowSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    decided_on = serializers.DateField()
    disposal = serializers.CharField()
    requirements = serializers.ListField(child=serializers.CharField())
    fine_pounds = serializers.IntegerField(allow_null=True)
    source = JusticeSourceSerializer(allow_null=True, help_text=SOURCE_HELP)  # type: ignore[assignment]


class WarrantRowSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    issued_on = serializers.DateField()
    executed_on = serializers.DateField(allow_null=True)


class RecallRowSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    sentence = serializers.IntegerField()
    kind = serializers.CharField()
    recall_type = serializers.CharField()
    recalled_at = serializers.DateTimeField()
    recall_days = serializers.IntegerField(allow_null=True)
    release_date = serializers.DateField(allow_null=True)


class PromptRowSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    title = serializers.CharField()
    shows_from = serializers.DateField()
    about = serializers.DateField(allow_null=True)


class JusticeRecordSerializer(serializers.Serializer[Any]):
    person = serializers.IntegerField()
    arrests = ArrestRowSerializer(many=True)
    offences = OffenceRowSerializer(many=True)
    outcomes = OutcomeRowSerializer(many=True)
    warrants = WarrantRowSerializer(many=True)
    sentences = SentenceSerializer(many=True)
    recalls = RecallRowSerializer(many=True)
    prompts = PromptRowSerializer(many=True)
    custody = JusticeCustodyPeriodSerializer(many=True, help_text="Periods in custody, newest first")
    mappa = JusticeMappaRecordSerializer(many=True, help_text="Every MAPPA level record, oldest first")


def _record_json(record: selectors.JusticeRecord) -> dict[str, Any]:
    return {
        "person": record.person.pk,
        "arrests": [
            {
                "id": a.pk,
                "arrested_on": a.arrested_on,
                "custody_suite": a.custody_suite,
                "outcome": a.outcome,
                "offences": [o.code.code for o in a.offences.all()],
                "source": record.sources.get((selectors.ARREST, a.pk)),
            }
            for a in record.arrests
        ],
        "offences": [
            {
                "id": o.pk,
                "code": o.code.code,
                "description": o.code.description,
                "committed_on": o.committed_on,
                "source": record.sources.get((selectors.OFFENCE, o.pk)),
            }
            for o in record.offences
        ],
        "outcomes": [
            {
                "id": c.pk,
                "decided_on": c.decided_on,
                "disposal": c.disposal,
                "requirements": c.requirements,
                "fine_pounds": c.fine_pounds,
                "source": record.sources.get((selectors.COURT_OUTCOME, c.pk)),
            }
            for c in record.outcomes
        ],
        "warrants": [{"id": w.pk, "kind": w.kind, "issued_on": w.issued_on, "executed_on": w.executed_on} for w in record.warrants],
        "sentences": list(record.sentences),
        "recalls": [
            {
                "id": r.pk,
                "sentence": r.sentence_id,
                "kind": r.kind,
                "recall_type": r.recall_type,
                "recalled_at": r.recalled_at,
                "recall_days": r.recall_days,
                "release_date": r.release_date,
            }
            for r in record.recalls
        ],
        "prompts": [{"code": p.code, "title": p.title, "shows_from": p.shows_from, "about": p.about} for p in record.prompts],
        "custody": record.custody,
        "mappa": record.mappa,
    }


@guarded(Action.PERSON_VIEW, personal_data=True, api=True)
class JusticeRecordView(APIView):
    @extend_schema(
        operation_id="justice_read",
        summary="Read a person's justice record",
        responses={200: JusticeRecordSerializer, **REFUSALS},
    )
    def get(self, request: Request, person_id: int) -> Response:
        record = selectors.justice_record_for(user=request.user, person_id=person_id)  # type: ignore[arg-type]
        return Response(JusticeRecordSerializer(_record_json(record)).data)


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
        sentence, data = _sentence_step(request, person_id, OverrideWriteSerializer)
        with service_errors():
            sentence = services.sentence_override(acting_user=request.user, sentence=sentence, **data)  # type: ignore[arg-type]
        return Response(SentenceSerializer(sentence).data)


class RecallSerializer(serializers.ModelSerializer[Recall]):
    breakdown = _strings("How the recall's dates were worked out")

    class Meta:
        model = Recall
        fields = [
            "id",
            "sentence",
            "kind",
            "recall_type",
            "recalled_at",
            "report_due_at",
            "returned_to_custody_on",
            "recall_days",
            "release_date",
            "reason",
            "breakdown",
        ]


class RecallWriteSerializer(StrictSerializer):
    sentence = serializers.IntegerField(min_value=1, max_value=2**31 - 1, help_text="The id of one of this person's sentences")
    recall_type = serializers.ChoiceField(
        choices=Recall.Type.choices,
        help_text="As the prison recorded it: FTR56 (adults from 31 March 2026), FTR14/FTR28 (young offenders), or standard",
    )
    recalled_at = serializers.DateTimeField(help_text="When the recall was decided; the recall report is due 24 hours later")
    returned_to_custody_on = serializers.DateField(required=False, allow_null=True, default=None)
    reason = serializers.CharField(max_length=2000)

    def validate_recalled_at(self, value: Any) -> Any:
        if not 1900 <= value.year <= 2100:
            raise DrfValidationError("Enter a date between 1900 and 2100")
        return value


class PssBreachSerializer(serializers.ModelSerializer[PssBreach]):
    class Meta:
        model = PssBreach
        fields = ["id", "sentence", "heard_on", "outcome", "fine_pounds", "committal_days", "unpaid_work_hours", "curfew_days"]


class PssBreachWriteSerializer(StrictSerializer):
    sentence = serializers.IntegerField(min_value=1, max_value=2**31 - 1, help_text="The id of one of this person's sentences")
    heard_on = serializers.DateField()
    outcome = serializers.ChoiceField(choices=PssBreach.Outcome.choices)
    fine_pounds = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=0, max_value=10_000_000)
    committal_days = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=0, max_value=10_000)
    unpaid_work_hours = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=0, max_value=10_000)
    curfew_days = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=0, max_value=10_000)


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


def _sentence_step(request: Request, person_id: int, body_class: type[StrictSerializer]) -> tuple[Sentence, dict[str, Any]]:
    person = selectors.person_for_change(user=request.user, person_id=person_id)  # type: ignore[arg-type]
    data = validated(body_class, request)
    return selectors.sentence_for(person=person, sentence_id=data.pop("sentence")), data


@guarded(Action.PERSON_VIEW, personal_data=True, api=True)
class RecallsView(APIView):
    @extend_schema(
        operation_id="justice_recalls_list",
        summary="A person's recalls to custody",
        responses={200: RecallSerializer(many=True), **REFUSALS},
    )
    def get(self, request: Request, person_id: int) -> Response:
        record = selectors.justice_record_for(user=request.user, person_id=person_id)  # type: ignore[arg-type]
        return Response(RecallSerializer(record.recalls, many=True).data)

    @extend_schema(
        operation_id="justice_recalls_create",
        summary="Record a recall of the recorded type (FTR56, FTR14, FTR28 or standard; never beyond the licence; report due in 24 hours)",
        request=RecallWriteSerializer,
        responses={201: RecallSerializer, 400: OpenApiResponse(description="Field-level errors"), **REFUSALS},
    )
    def post(self, request: Request, person_id: int) -> Response:
        sentence, data = _sentence_step(request, person_id, RecallWriteSerializer)
        with service_errors():
            recall = services.recall_record(acting_user=request.user, sentence=sentence, **data)  # type: ignore[arg-type]
        return Response(RecallSerializer(recall).data, status=status.HTTP_201_CREATED)


@guarded(Action.PERSON_VIEW, personal_data=True, api=True)
class BreachesView(APIView):
    @extend_schema(
        operation_id="justice_breaches_list",
        summary="A person's breaches of post-sentence supervision",
        responses={200: PssBreachSerializer(many=True), **REFUSALS},
    )
    def get(self, request: Request, person_id: int) -> Response:
        record = selectors.justice_record_for(user=request.user, person_id=person_id)  # type: ignore[arg-type]
        return Response(PssBreachSerializer(record.breaches, many=True).data)

    @extend_schema(
        operation_id="justice_breaches_create",
        summary="Record the magistrates' court's decision on a breach of supervision (limits of 002 §5)",
        request=PssBreachWriteSerializer,
        responses={201: PssBreachSerializer, 400: OpenApiResponse(description="Field-level errors"), **REFUSALS},
    )
    def post(self, request: Request, person_id: int) -> Response:
        sentence, data = _sentence_step(request, person_id, PssBreachWriteSerializer)
        with service_errors():
            breach = services.pss_breach_record(acting_user=request.user, sentence=sentence, **data)  # type: ignore[arg-type]
        return Response(PssBreachSerializer(breach).data, status=status.HTTP_201_CREATED)


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

        sentence, data = _sentence_step(request, person_id, ConditionsWriteSerializer)
        data["expected_version"] = data.pop("version")
        try:
            services.conditions_set(acting_user=request.user, sentence=sentence, **data)  # type: ignore[arg-type]
        except services.StaleConditions as exc:
            raise stale(exc.messages) from exc
        except ValidationError as exc:
            raise_invalid(exc)
        return Response(SentenceSerializer(selectors.sentence_for(person=sentence.person, sentence_id=sentence.pk)).data)
