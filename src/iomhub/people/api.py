"""People over the JSON API: the same selectors, services, policy and audit as the pages."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from iomhub.access.api_fields import StrictBooleanField, StrictIntegerField, StrictModelSerializer
from iomhub.access.api_problems import POSSIBLE_DUPLICATES, ApiConflict, stale
from iomhub.access.errors import deny
from iomhub.access.policy import Action, can
from iomhub.access.routes import guarded
from iomhub.people import selectors, services
from iomhub.people.models import Person
from iomhub.people.serializers import (
    AddressSerializer,
    AliasSerializer,
    ContactNumberSerializer,
    MarkerSerializer,
    PersonDetailSerializer,
    PersonSummarySerializer,
)
from iomhub.people.validators import IDENTIFIER_NORMALISERS

WRITABLE = [name for name in services.EDITABLE_FIELDS if name not in ("managing_team", "restriction")]


class StrictSerializer(serializers.Serializer[Any]):
    """Refuses fields it does not know, naming them, instead of silently ignoring them."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise ValidationError({name: ["Unknown field"] for name in unknown})
        return super().to_internal_value(data)


class PersonWriteSerializer(StrictSerializer, StrictModelSerializer):
    version = StrictIntegerField(required=False, help_text="The version you read; a stale version is refused with 409")
    confirm_new = StrictBooleanField(
        required=False,
        help_text="When adding a person: true to add them even though possible matches were returned (409) for this identity",
    )
    aliases = AliasSerializer(many=True, required=False)
    addresses = AddressSerializer(many=True, required=False)
    contact_numbers = ContactNumberSerializer(many=True, required=False)
    markers = MarkerSerializer(many=True, required=False)

    class Meta:
        model = Person
        fields = [*WRITABLE, "version", "confirm_new", "aliases", "addresses", "contact_numbers", "markers"]
        # Identifiers are checked (and normalised) by the service; model validators run there too.
        # Identifiers may arrive with spaces and in lower case: the service checks and normalises them
        # (and the model validates the result), so only a generous length limit applies here.
        extra_kwargs: dict[str, dict[str, Any]] = {
            name: {"validators": [], **({"max_length": 30} if name in IDENTIFIER_NORMALISERS else {})} for name in WRITABLE
        }


class PossibleMatchSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(source="person.pk")
    first_name = serializers.CharField(source="person.first_name")
    last_name = serializers.CharField(source="person.last_name")
    date_of_birth = serializers.DateField(source="person.date_of_birth")
    pnc_id = serializers.CharField(source="person.pnc_id")
    by_identifier = serializers.BooleanField(help_text="Matched on an identifier (PNC ID, CRO, NI, prison number, CRN, NHS number, URN)")
    reasons = serializers.ListField(child=serializers.CharField())


class PossibleMatchesResponse(serializers.Serializer[Any]):
    detail = serializers.CharField()
    matches = PossibleMatchSerializer(many=True)


class PersonListResponse(serializers.Serializer[Any]):
    count = serializers.IntegerField()
    results = PersonSummarySerializer(many=True)


@guarded(Action.PERSON_SEARCH, personal_data=True, api=True)
class PeopleView(APIView):
    @extend_schema(
        operation_id="people_search",
        summary="Search people",
        parameters=[
            OpenApiParameter(
                "q",
                {"type": "string", "minLength": 1, "maxLength": 200, "pattern": "^[^\\x00]*\\S[^\\x00]*$"},
                required=True,
                description="Name, alias, date of birth or identifier (not blank, no null characters)",
            )
        ],
        responses={
            200: PersonListResponse,
            400: OpenApiResponse(description="Missing query"),
            403: OpenApiResponse(description="Not allowed"),
        },
    )
    def get(self, request: Request) -> Response:
        text = request.query_params.get("q", "")
        if not text.strip():
            raise ValidationError({"q": ["Enter a name, date of birth or identifier to search for"]})
        if len(text) > 200:
            raise ValidationError({"q": ["Search text must be 200 characters or fewer"]})
        if "\x00" in text:
            raise ValidationError({"q": ["Search text must not contain null characters"]})
        results = selectors.people_search(user=request.user, text=text)  # type: ignore[arg-type]
        return Response({"count": len(results), "results": PersonSummarySerializer(results, many=True).data})

    @extend_schema(
        operation_id="people_create",
        summary="Add a person",
        request=PersonWriteSerializer,
        responses={
            201: PersonDetailSerializer,
            400: OpenApiResponse(description="Field-level errors"),
            403: OpenApiResponse(description="Not allowed"),
            409: OpenApiResponse(PossibleMatchesResponse, description="Possible matches: use one, or send again with confirm_new true"),
        },
    )
    def post(self, request: Request) -> Response:
        if not can(request.user, Action.PERSON_CREATE):  # type: ignore[arg-type]
            deny(user=request.user, action=Action.PERSON_CREATE, reason="role may not create people")  # type: ignore[arg-type]
        body = PersonWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        data.pop("version", None)
        confirmed_new = bool(data.pop("confirm_new", False))
        new = services.NewPerson(
            fields={k: v for k, v in data.items() if k in WRITABLE},
            aliases=[dict(a) for a in data.get("aliases", [])],
            addresses=[dict(a) for a in data.get("addresses", [])],
            contact_numbers=[dict(c) for c in data.get("contact_numbers", [])],
            markers=[dict(m) for m in data.get("markers", [])],
        )
        try:
            # Duplicate detection on entry (issue 5 §2): the possible matches come back before anyone is added.
            person = services.person_create(acting_user=request.user, new=new, confirmed_new=confirmed_new, purpose="add a person (API)")  # type: ignore[arg-type]
        except services.PossibleDuplicates as exc:
            raise ApiConflict(
                "This person may already be on IOM Hub. Use one of these records, or send again with confirm_new true.",
                problem_type=POSSIBLE_DUPLICATES,
                extensions={"matches": PossibleMatchSerializer(exc.found.matches, many=True).data},
            ) from exc
        return Response(PersonDetailSerializer(person, context={"user": request.user}).data, status=status.HTTP_201_CREATED)


@guarded(Action.PERSON_VIEW, personal_data=True, api=True)
class PersonView(APIView):
    @extend_schema(
        operation_id="people_read",
        summary="Read a person",
        responses={200: PersonDetailSerializer, 404: OpenApiResponse(description="Not found or not visible to you")},
    )
    def get(self, request: Request, person_id: int) -> Response:
        person = selectors.person_get_for(user=request.user, person_id=person_id)  # type: ignore[arg-type]
        return Response(PersonDetailSerializer(person, context={"user": request.user}).data)

    @extend_schema(
        operation_id="people_update",
        summary="Change a person's details",
        request=PersonWriteSerializer,
        responses={
            200: PersonDetailSerializer,
            400: OpenApiResponse(description="Field-level errors"),
            403: OpenApiResponse(description="Not allowed to change this section"),
            404: OpenApiResponse(description="Not found or not visible to you"),
            409: OpenApiResponse(description="Changed by someone else since the version you read"),
        },
    )
    def patch(self, request: Request, person_id: int) -> Response:
        person = selectors.person_get_for(user=request.user, person_id=person_id, audit_read=False)  # type: ignore[arg-type]
        body = PersonWriteSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        version = data.pop("version", None)
        if "confirm_new" in data:
            raise ValidationError({"confirm_new": ["Only used when adding a person"]})
        nested = sorted(k for k in ("aliases", "addresses", "contact_numbers", "markers") if k in data)
        if nested:
            raise ValidationError({k: ["Cannot be changed with PATCH; use the page or a dedicated endpoint"] for k in nested})
        if not data:  # an empty body is a client's mistake, not a read by another name (issue 9 finding 11)
            raise ValidationError({"non_field_errors": ["Nothing to change: send at least one field to change"]})
        read_version = person.version
        try:
            person = services.person_update(acting_user=request.user, person=person, changes=data, expected_version=version)  # type: ignore[arg-type]
        except services.StaleEdit as exc:
            raise stale(exc.messages) from exc
        if person.version == read_version:  # nothing changed, so no change event: the record sent back is audited as a read
            person = selectors.person_get_for(user=request.user, person_id=person.pk)  # type: ignore[arg-type]
        return Response(PersonDetailSerializer(person, context={"user": request.user}).data)


@guarded(Action.PERSON_EXPORT, personal_data=True, api=True)
class PersonExportView(APIView):
    @extend_schema(
        operation_id="people_export",
        summary="Export a person's record (audited as an export)",
        responses={
            200: PersonDetailSerializer,
            403: OpenApiResponse(description="Not allowed"),
            404: OpenApiResponse(description="Not found"),
        },
    )
    def get(self, request: Request, person_id: int) -> Response:
        person = selectors.person_get_for(user=request.user, person_id=person_id, audit_read=False)  # type: ignore[arg-type]
        return Response(services.person_export(acting_user=request.user, person=person))  # type: ignore[arg-type]
