"""Drug tests and DRR / ATR orders over the JSON API: the same selectors, services, policy and audit
as the pages (a reader without the health section, or for drug tests the timeline too, is refused
with 403 and the attempt audited)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from iomhub.access.api_errors import service_errors, validated
from iomhub.access.api_fields import StrictBooleanField, StrictCharField, StrictIntegerField
from iomhub.access.models import Section, User
from iomhub.access.policy import Action
from iomhub.access.routes import guarded
from iomhub.casework.models import Substance
from iomhub.interventions import reports, selectors, services
from iomhub.interventions.models import (
    Attendance,
    DrugTest,
    DrugTestResult,
    Intensity,
    OrderKind,
    OrderReview,
    Progress,
    SampleType,
    Specified,
    SubstanceResult,
)
from iomhub.people.api import StrictSerializer

if TYPE_CHECKING:
    from iomhub.documents.models import Document

REFUSALS: dict[int, Any] = {
    403: OpenApiResponse(description="Not allowed (for example, health data is not shared with your organisation)"),
    404: OpenApiResponse(description="Not found or not visible to you"),
}
WRITE_ERRORS: dict[int, Any] = {400: OpenApiResponse(description="Field-level errors"), **REFUSALS}


class DrugTestResultSerializer(serializers.ModelSerializer[DrugTestResult]):
    substance = serializers.ChoiceField(choices=Substance.choices)
    result = serializers.ChoiceField(choices=SubstanceResult.choices)
    substance_class = serializers.CharField(help_text="A, B or C (Misuse of Drugs Act 1971); empty for alcohol")

    class Meta:
        model = DrugTestResult
        fields = ["substance", "result", "substance_class"]


class DrugTestSerializer(serializers.ModelSerializer[DrugTest]):
    results = DrugTestResultSerializer(many=True, read_only=True)
    result = serializers.SerializerMethodField(help_text="negative, positive or refused: the test's overall result")
    timeline_entry = serializers.IntegerField(source="entry_id", help_text="The visit on the timeline")
    order = serializers.IntegerField(source="order_id", allow_null=True)

    def get_result(self, obj: DrugTest) -> str:
        from iomhub.rules.interventions import overall_result

        return overall_result({r.substance: r.result for r in obj.results.all()}, refused=obj.refused)

    class Meta:
        model = DrugTest
        fields = [
            "id",
            "tested_on",
            "sample_type",
            "specified",
            "refused",
            "result",
            "results",
            "notes",
            "order",
            "timeline_entry",
            "recorded_by_name",
        ]


class DrugTestWriteSerializer(StrictSerializer):
    tested_on = serializers.DateField()
    sample_type = serializers.ChoiceField(choices=[c for c in SampleType.choices if c[0] != SampleType.NOT_RECORDED])
    specified = serializers.ChoiceField(choices=Specified.choices, required=False, default=Specified.NONE)
    refused = StrictBooleanField(required=False, default=False)
    results = serializers.DictField(
        child=serializers.ChoiceField(choices=SubstanceResult.choices),
        required=False,
        default=dict,
        help_text="Each substance tested (opiates, cocaine, ...) to negative or positive; empty for a refused test",
    )
    notes = StrictCharField(max_length=5000, required=False, allow_blank=True, default="")
    order = StrictIntegerField(required=False, allow_null=True, default=None, min_value=1, max_value=2**31 - 1)


class OrderReviewSerializer(serializers.ModelSerializer[OrderReview]):
    progress = serializers.ChoiceField(choices=Progress.choices)
    attendance = serializers.ChoiceField(choices=Attendance.choices)

    class Meta:
        model = OrderReview
        fields = ["id", "reviewed_on", "progress", "attendance", "tests_summary", "notes", "reviewed_by_name"]


class OrderSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(source="order.pk")
    kind = serializers.ChoiceField(choices=OrderKind.choices, source="order.kind")
    court = serializers.CharField(source="order.court")
    made_on = serializers.DateField(source="order.made_on")
    starts_on = serializers.DateField(source="order.starts_on")
    ends_on = serializers.DateField(help_text="The last day of the order")
    months = serializers.IntegerField(source="order.months")
    intensity = serializers.ChoiceField(choices=Intensity.choices, source="order.intensity")
    provider = serializers.CharField(source="order.provider")
    offender_manager = serializers.CharField(source="order.offender_manager")
    reviews = OrderReviewSerializer(many=True)


class OrderWriteSerializer(StrictSerializer):
    kind = serializers.ChoiceField(choices=OrderKind.choices)
    court = StrictCharField(max_length=200)
    made_on = serializers.DateField()
    starts_on = serializers.DateField()
    months = StrictIntegerField(min_value=1, max_value=99, help_text="From 6 to 36")
    intensity = serializers.ChoiceField(choices=Intensity.choices)
    provider = StrictCharField(max_length=200)
    offender_manager = StrictCharField(max_length=200, required=False, allow_blank=True, default="")


class OrderReviewWriteSerializer(StrictSerializer):
    reviewed_on = serializers.DateField()
    progress = serializers.ChoiceField(choices=Progress.choices)
    attendance = serializers.ChoiceField(choices=Attendance.choices)
    notes = StrictCharField(max_length=5000)
    tests_summary = StrictCharField(max_length=5000, required=False, allow_blank=True, default="")


class ReportWriteSerializer(StrictSerializer):
    audience = serializers.ChoiceField(choices=[("court", "The court"), ("offender-manager", "The offender manager")])


class ReportMadeSerializer(serializers.Serializer[Any]):
    document = serializers.IntegerField(help_text="The report's id in the person's documents")
    title = serializers.CharField()
    download = serializers.CharField(help_text="Where to download it (the API)")


@guarded(Action.PERSON_VIEW, personal_data=True, api=True)
class DrugTestsView(APIView):
    @extend_schema(
        operation_id="drug_tests_list",
        summary="The person's drug tests, newest first",
        responses={200: DrugTestSerializer(many=True), **REFUSALS},
    )
    def get(self, request: Request, person_id: int) -> Response:
        _, tests = selectors.drug_tests_for(user=request.user, person_id=person_id)  # type: ignore[arg-type]
        return Response(DrugTestSerializer(tests, many=True).data)

    @extend_schema(
        operation_id="drug_tests_create",
        summary="Record a drug test (it is also a drug-test visit on the timeline)",
        request=DrugTestWriteSerializer,
        responses={201: DrugTestSerializer, **WRITE_ERRORS},
    )
    def post(self, request: Request, person_id: int) -> Response:
        user: User = request.user  # type: ignore[assignment]
        person = selectors.person_for_sections(user=user, person_id=person_id, sections=selectors.DRUG_TEST_SECTIONS, what="drug-tests")
        data = validated(DrugTestWriteSerializer, request)
        with service_errors():
            order = services.order_for(person, data.pop("order"))
            test = services.drug_test_record(acting_user=user, person=person, order=order, **data)
        return Response(DrugTestSerializer(selectors.drug_test_for(person=person, test_id=test.pk)).data, status=status.HTTP_201_CREATED)


@guarded(Action.PERSON_VIEW, personal_data=True, api=True)
class OrdersView(APIView):
    @extend_schema(
        operation_id="treatment_orders_list",
        summary="The person's DRR and ATR orders with their reviews",
        responses={200: OrderSerializer(many=True), **REFUSALS},
    )
    def get(self, request: Request, person_id: int) -> Response:
        _, orders = selectors.orders_for(user=request.user, person_id=person_id)  # type: ignore[arg-type]
        return Response(OrderSerializer(orders, many=True).data)

    @extend_schema(
        operation_id="treatment_orders_create",
        summary="Record a DRR or ATR order",
        request=OrderWriteSerializer,
        responses={201: OrderSerializer, **WRITE_ERRORS},
    )
    def post(self, request: Request, person_id: int) -> Response:
        user: User = request.user  # type: ignore[assignment]
        person = selectors.person_for_sections(user=user, person_id=person_id, sections=selectors.ORDER_SECTIONS, what="treatment-orders")
        data = validated(OrderWriteSerializer, request)
        with service_errors():
            order = services.order_record(acting_user=user, person=person, **data)
        return Response(OrderSerializer(selectors.order_for(person=person, order_id=order.pk)).data, status=status.HTTP_201_CREATED)


def _order(user: User, person_id: int, order_id: int, sections: tuple[str, ...] = selectors.ORDER_SECTIONS) -> selectors.OrderView:
    person = selectors.person_for_sections(user=user, person_id=person_id, sections=sections, what="treatment-orders")
    return selectors.order_for(person=person, order_id=order_id)


@guarded(Action.PERSON_VIEW, personal_data=True, api=True)
class OrderView(APIView):
    @extend_schema(
        operation_id="treatment_order_read", summary="One DRR or ATR order with its reviews", responses={200: OrderSerializer, **REFUSALS}
    )
    def get(self, request: Request, person_id: int, order_id: int) -> Response:
        return Response(OrderSerializer(_order(request.user, person_id, order_id)).data)  # type: ignore[arg-type]


@guarded(Action.PERSON_VIEW, personal_data=True, api=True)
class OrderReviewsView(APIView):
    @extend_schema(
        operation_id="treatment_order_reviews_list",
        summary="The order's progress reviews",
        responses={200: OrderReviewSerializer(many=True), **REFUSALS},
    )
    def get(self, request: Request, person_id: int, order_id: int) -> Response:
        return Response(OrderReviewSerializer(_order(request.user, person_id, order_id).reviews, many=True).data)  # type: ignore[arg-type]

    @extend_schema(
        operation_id="treatment_order_reviews_create",
        summary="Record a progress review",
        request=OrderReviewWriteSerializer,
        responses={201: OrderReviewSerializer, **WRITE_ERRORS},
    )
    def post(self, request: Request, person_id: int, order_id: int) -> Response:
        user: User = request.user  # type: ignore[assignment]
        view = _order(user, person_id, order_id)
        data = validated(OrderReviewWriteSerializer, request)
        with service_errors():
            review = services.review_record(acting_user=user, order=view.order, **data)
        return Response(OrderReviewSerializer(review).data, status=status.HTTP_201_CREATED)


@guarded(Action.PERSON_CHANGE, personal_data=True, api=True)
class OrderReportView(APIView):
    @extend_schema(
        operation_id="treatment_order_reports_list",
        summary="The progress reports made for the order, newest first",
        responses={200: ReportMadeSerializer(many=True), **REFUSALS},
    )
    def get(self, request: Request, person_id: int, order_id: int) -> Response:
        from iomhub.documents.models import Document

        view = _order(request.user, person_id, order_id, (Section.HEALTH, Section.DOCUMENTS))  # type: ignore[arg-type]
        made = Document.objects.filter(person_id=person_id, source=f"treatment-order:{view.order.pk}")
        return Response(ReportMadeSerializer([_made(d) for d in made], many=True).data)

    @extend_schema(
        operation_id="treatment_order_report_create",
        summary="Make the order's progress report (PDF), kept in the person's documents as a health document",
        request=ReportWriteSerializer,
        responses={201: ReportMadeSerializer, **WRITE_ERRORS},
    )
    def post(self, request: Request, person_id: int, order_id: int) -> Response:
        user: User = request.user  # type: ignore[assignment]
        view = _order(user, person_id, order_id, (Section.HEALTH, Section.DOCUMENTS))
        services.authorise(user, view.order.person, Section.HEALTH, Section.DOCUMENTS)
        body = ReportWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        document = reports.progress_report_make(acting_user=user, view=view, audience=body.validated_data["audience"])
        return Response(ReportMadeSerializer(_made(document)).data, status=status.HTTP_201_CREATED)


def _made(document: Document) -> dict[str, Any]:
    return {
        "document": document.pk,
        "title": document.title,
        "download": f"/api/v1/people/{document.person_id}/documents/{document.pk}/file",
    }
