"""The justice record over the JSON API: the same selectors, services, policy and audit as the pages.
The sentences, their overrides and conditions are ``justice.api_sentences``; the record's events
(arrests, offences, outcomes, custody, warrants, MAPPA) ``justice.api_events``."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError as DrfValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from iomhub.access.api_errors import service_errors
from iomhub.access.policy import Action
from iomhub.access.routes import guarded
from iomhub.justice import selectors, services
from iomhub.justice.api_events import (
    SOURCE_HELP,
    JusticeCustodyPeriodSerializer,
    JusticeMappaRecordSerializer,
    JusticeSourceSerializer,
)
from iomhub.justice.api_sentences import (
    REFUSALS,
    SentenceSerializer,
    sentence_step,
    strings,
)
from iomhub.justice.models import PssBreach, Recall
from iomhub.people.api import StrictSerializer


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


class RecallSerializer(serializers.ModelSerializer[Recall]):
    breakdown = strings("How the recall's dates were worked out")

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
        sentence, data = sentence_step(request, person_id, RecallWriteSerializer)
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
        sentence, data = sentence_step(request, person_id, PssBreachWriteSerializer)
        with service_errors():
            breach = services.pss_breach_record(acting_user=request.user, sentence=sentence, **data)  # type: ignore[arg-type]
        return Response(PssBreachSerializer(breach).data, status=status.HTTP_201_CREATED)
