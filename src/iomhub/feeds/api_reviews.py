"""The linkage review queue over the JSON API (issue 11 §3): the rows whose person a coordinator
must decide, each with the people it may be and the fields that agreed; one row; the decision.
What the review page does (``feeds.views``), with the same policy
(``Action.COHORT_MANAGE``; a row is the caller's only when they see every person it was offered
against, ``selectors.reviews_for``) and audit (the people shown, ``listed``; the decision,
``services.review_decide``)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from iomhub.access.api_errors import validated
from iomhub.access.api_fields import StrictIntegerField
from iomhub.access.api_problems import ApiConflict
from iomhub.access.api_times import utc_timestamp
from iomhub.access.models import User
from iomhub.access.policy import Action
from iomhub.access.routes import guarded
from iomhub.feeds import selectors, services
from iomhub.feeds.models import Feed, LinkReview
from iomhub.feeds.rows import LARGEST_ID, database_id
from iomhub.feeds.selectors import ReviewItem
from iomhub.people.api import StrictSerializer

REFUSALS: dict[int, Any] = {
    403: OpenApiResponse(description="Not allowed: the review queue is the coordinators' and chairs'"),
    404: OpenApiResponse(description="No such row, or one offered against someone you may not see"),
}
NOT_OFFERED = "Select one of the people offered (their id), or null for someone new"


class ReviewPersonSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(source="pk")
    display_name = serializers.CharField()
    date_of_birth = serializers.DateField(allow_null=True)


class ReviewCandidateSerializer(serializers.Serializer[Any]):
    person = ReviewPersonSerializer()
    reasons = serializers.ListField(
        child=serializers.CharField(), help_text="The fields of the row that agree with this person's record, and the match probability"
    )


class ReviewUserSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(source="pk")
    display_name = serializers.CharField()


class ReviewDecisionSerializer(serializers.Serializer[Any]):
    person = ReviewPersonSerializer(help_text="The person the row is now about")
    someone_new = serializers.BooleanField(help_text="True: decided as someone new (added then), not one of the people offered")
    decided_by = ReviewUserSerializer()
    decided_at = serializers.DateTimeField()


@extend_schema_field({"type": "string", "enum": LinkReview.Status.values})
class ReviewStatusField(serializers.ReadOnlyField):
    pass


class LinkReviewSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(source="review.pk")
    import_run = serializers.IntegerField(source="review.run_id", help_text="The import the row came in (GET /imports/{id} if yours)")
    feed = serializers.ChoiceField(source="review.run.feed", choices=Feed.choices)
    line = serializers.IntegerField(source="review.line", help_text="The row's line in the file (the header is line 1)")
    values = serializers.DictField(
        source="review.values", child=serializers.CharField(allow_blank=True), help_text="The row's values, as text from the file"
    )
    dates = serializers.SerializerMethodField(
        help_text="The row's dates (YYYY-MM-DD) and times (UTC, YYYY-MM-DDTHH:MM:SSZ) by column, in the API's style: "
        "a time in the file without an offset is England's. A value that does not read as one is left out (values has it as "
        "the file does)"
    )
    why = serializers.CharField(source="review.why", help_text="Why a person must decide")
    status = ReviewStatusField(source="review.status", help_text="open: waiting for a decision; decided")
    candidates = ReviewCandidateSerializer(many=True, help_text="The people the row may be about, strongest first")
    decision = serializers.SerializerMethodField(help_text="Who decided, when, and on whom; null while the row waits")

    @extend_schema_field(serializers.DictField(child=serializers.CharField()))
    def get_dates(self, obj: ReviewItem) -> dict[str, str]:
        read = selectors.review_dates(obj.review)
        return {
            column: utc_timestamp(value) if isinstance(value, datetime.datetime) else value.isoformat() for column, value in read.items()
        }

    @extend_schema_field(ReviewDecisionSerializer(allow_null=True))
    def get_decision(self, obj: ReviewItem) -> dict[str, Any] | None:
        review = obj.review
        if review.status != LinkReview.Status.DECIDED or review.person is None or review.decided_by is None:
            return None
        return dict(
            ReviewDecisionSerializer(
                {"person": review.person, "someone_new": obj.someone_new, "decided_by": review.decided_by, "decided_at": review.decided_at}
            ).data
        )


class LinkReviewDecisionSerializer(StrictSerializer):
    person = StrictIntegerField(
        allow_null=True, min_value=1, max_value=LARGEST_ID, help_text="One of the candidates' person ids, or null: someone new (added)"
    )


IMPORT_RUN = OpenApiParameter(
    "import_run",
    {"type": "integer", "minimum": 1, "maximum": LARGEST_ID},
    required=False,
    description="Only the rows of this import (its id)",
)


def _one_id(request: Request, name: str) -> int | None:
    values = request.query_params.getlist(name)
    if not values:
        return None
    found = database_id(values[0]) if len(values) == 1 else None
    if found is None:  # "²" or 5,000 digits too: refused, never a 500
        raise ApiValidationError({name: ["Enter one id: a whole number of 1 or more"]})
    return found


def _me(request: Request) -> User:
    return request.user  # type: ignore[return-value]  # PolicyGate lets only signed-in users this far


@guarded(Action.COHORT_MANAGE, personal_data=True, api=True)
@extend_schema_view(
    get=extend_schema(
        operation_id="link_reviews_list",
        summary="The rows waiting for a person to decide whom they are about, oldest import first, each with the people it may "
        "be and the fields that agreed (rows offered against someone you may not see are left to those who see them)",
        parameters=[IMPORT_RUN],
        responses={
            200: LinkReviewSerializer(many=True),
            400: OpenApiResponse(description="A query parameter is invalid"),
            403: REFUSALS[403],
        },
    )
)
class LinkReviewsView(generics.ListAPIView[LinkReview]):
    serializer_class = LinkReviewSerializer

    def get_queryset(self) -> QuerySet[LinkReview]:
        return selectors.reviews_for(user=_me(self.request), run_id=_one_id(self.request, "import_run")).select_related("run", "decided_by")

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset()) or []
        items = selectors.review_items(user=_me(request), reviews=list(page))
        return self.get_paginated_response(LinkReviewSerializer(items, many=True).data)


@guarded(Action.COHORT_MANAGE, personal_data=True, api=True)
class LinkReviewView(APIView):
    @extend_schema(
        operation_id="link_review",
        summary="One row of the review queue, waiting or decided (on whom, by whom, when)",
        responses={200: LinkReviewSerializer, **REFUSALS},
    )
    def get(self, request: Request, link_review_id: int) -> Response:
        return _one(_me(request), link_review_id)


@guarded(Action.COHORT_MANAGE, personal_data=True, api=True)
class LinkReviewDecisionView(APIView):
    @extend_schema(
        operation_id="link_review_decision",
        summary="The row with its decision (null while it waits): what POST answers, read again",
        responses={200: LinkReviewSerializer, **REFUSALS},
    )
    def get(self, request: Request, link_review_id: int) -> Response:
        return _one(_me(request), link_review_id)

    @extend_schema(
        operation_id="link_review_decide",
        summary="Decide whom a row is about: one of the people offered, or null for someone new (added); the row is then "
        "recorded as any other, and a later import of it follows the decision",
        request=LinkReviewDecisionSerializer,
        responses={
            200: LinkReviewSerializer,
            400: OpenApiResponse(description="person is not one of those offered, or the row can no longer be recorded (errors.person)"),
            409: OpenApiResponse(description="The row has already been decided (read it for who decided, when and on whom)"),
            **REFUSALS,
        },
    )
    def post(self, request: Request, link_review_id: int) -> Response:
        user = _me(request)
        person_id = validated(LinkReviewDecisionSerializer, request)["person"]
        review = selectors.review_get_for(user=user, review_id=link_review_id)
        if review.status != LinkReview.Status.OPEN:
            raise _decided()
        if person_id is not None and person_id not in {c["person_id"] for c in review.candidates}:
            raise ApiValidationError({"person": [NOT_OFFERED]})
        try:
            services.review_decide(acting_user=user, review_id=review.pk, person_id=person_id)
        except ValidationError as exc:
            if LinkReview.objects.filter(pk=review.pk, status=LinkReview.Status.DECIDED).exists():
                raise _decided() from exc  # decided by someone else since it was read
            raise ApiValidationError({"person": exc.messages}) from exc
        except (Http404, PermissionDenied) as exc:  # the person offered is no longer one the caller sees
            raise ApiValidationError({"person": [NOT_OFFERED]}) from exc
        return _one(user, review.pk)


def _one(user: User, review_id: int) -> Response:
    review = selectors.review_get_for(user=user, review_id=review_id)
    return Response(LinkReviewSerializer(selectors.review_item(user=user, review=review)).data)


def _decided() -> ApiConflict:
    return ApiConflict(
        "This row has already been decided: read it for who decided, when and on whom.",
        errors={"person": ["This row has already been decided"]},
    )
