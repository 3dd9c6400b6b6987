"""The rest of the justice record over the JSON API (issue 11 §4): arrests, offences, court outcomes
and cautions, custody periods, warrants and their execution, and the MAPPA level.

Each read goes through ``justice.selectors.justice_record_for`` (the justice section, audited as a
view; 404 for a missing or hidden person, 403 audited when the section is not shared) and each write
through the same ``justice.services`` function the page calls, so the policy, the checks and the
audit are the pages' own. A service's ``ValidationError`` is a 400 problem naming the field (the
exception handler, ADR 0030); nothing is stored. The pages record these events but never edit or
withdraw them (a MAPPA change is a new record from a date), and neither does the API.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from iomhub import clock
from iomhub.access.api_fields import StrictCharField, StrictIntegerField
from iomhub.access.policy import Action
from iomhub.access.routes import guarded
from iomhub.justice import selectors, services
from iomhub.justice.models import ArrestOutcome, CustodyEpisode, Disposal, MappaCategory, Requirement, Warrant
from iomhub.people.api import StrictSerializer

READ_REFUSALS: dict[int, Any] = {
    403: OpenApiResponse(description="Not allowed (for example, the justice section is not shared with you)"),
    404: OpenApiResponse(description="Not found or not visible to you"),
}
WRITE_REFUSALS: dict[int, Any] = {
    400: OpenApiResponse(description="Field-level errors naming each field; nothing is stored"),
    403: OpenApiResponse(description="Not allowed: only the core IOM team changes the justice record"),
    404: OpenApiResponse(description="Not found or not visible to you"),
}
MAX_ID = 2**31 - 1


def _date(**kwargs: Any) -> serializers.DateField:
    return serializers.DateField(**kwargs)


def _optional_date(help_text: str) -> serializers.DateField:
    return serializers.DateField(required=False, allow_null=True, default=None, help_text=help_text)


def _text(max_length: int = services.MAX_TEXT, *, required: bool = True, help_text: str = "") -> StrictCharField:
    if required:
        return StrictCharField(max_length=max_length, help_text=help_text)
    return StrictCharField(max_length=max_length, required=False, allow_blank=True, default="", help_text=help_text)


class StrictChoiceField(serializers.ChoiceField):
    """A choice given as a JSON string (DRF would take ``1`` for ``"1"``)."""

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str):
            self.fail("invalid_choice", input=data)
        return super().to_internal_value(data)


# ---- what is read -----------------------------------------------------------------------------


class JusticeSourceSerializer(serializers.Serializer[Any]):
    """Where a record a feed wrote came from and why it is this person (issue 11 §3), as the page says it."""

    feed = serializers.CharField(help_text="The feed, for example Custody arrests")
    run = serializers.IntegerField(help_text="The import run that wrote it")
    line = serializers.IntegerField(help_text="The row's line in the imported file")
    method = serializers.ChoiceField(choices=selectors.LINK_METHODS, help_text="How the row was linked to the person")
    method_label = serializers.CharField(help_text="For example PNC ID, Probable match (names and date of birth), Decided on review")
    agreed = serializers.ListField(
        child=serializers.CharField(), help_text="The fields that agreed, in words: PNC ID, family name, given name, date of birth"
    )
    decided_by = serializers.CharField(allow_blank=True, help_text="Who decided the row on the review queue (blank otherwise)")
    decided_at = serializers.DateTimeField(allow_null=True, help_text="When it was decided on the review queue (null otherwise)")
    run_url = serializers.CharField(
        allow_null=True, source="run_page", help_text="The import run's page, only for a reader who may open it (its importer)"
    )
    match_probability = serializers.FloatField(
        allow_null=True, min_value=0, max_value=1, help_text="A probable match's probability, as the model scored it (null otherwise)"
    )
    text = serializers.CharField(help_text="All of it in a sentence, as the Justice tab shows it")


SOURCE_HELP = "Where a feed wrote it from and why it is this person; null for a record keyed by hand"


def source_json(obj: Any, name: str = "source") -> dict[str, Any] | None:
    found = getattr(obj, name, None)
    return None if found is None else JusticeSourceSerializer(found).data


class JusticeOffenceSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    code = serializers.CharField(source="code.code", help_text="Home Office offence code")
    description = serializers.CharField(source="code.description")
    committed_on = serializers.DateField()
    arrest = serializers.IntegerField(source="arrest_id", allow_null=True, help_text="The arrest it came from, if any")


class JusticeOffenceSourcedSerializer(JusticeOffenceSerializer):
    source = serializers.SerializerMethodField(help_text=SOURCE_HELP + " (an arrest's or conviction's offence: its row)")  # type: ignore[assignment]

    @extend_schema_field(JusticeSourceSerializer(allow_null=True))
    def get_source(self, obj: Any) -> dict[str, Any] | None:
        return source_json(obj)


class JusticeArrestSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    arrested_on = serializers.DateField()
    custody_suite = serializers.CharField()
    outcome = serializers.ChoiceField(choices=ArrestOutcome.choices)
    outcome_label = serializers.CharField(source="get_outcome_display")
    offences = JusticeOffenceSerializer(many=True, source="offences.all")
    source = serializers.SerializerMethodField(help_text=SOURCE_HELP)  # type: ignore[assignment]

    @extend_schema_field(JusticeSourceSerializer(allow_null=True))
    def get_source(self, obj: Any) -> dict[str, Any] | None:
        return source_json(obj)


class JusticeCourtOutcomeSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    decided_on = serializers.DateField(help_text="Date of conviction, or of the caution")
    court = serializers.CharField(allow_blank=True)
    disposal = serializers.ChoiceField(choices=Disposal.choices)
    disposal_label = serializers.CharField(source="get_disposal_display")
    caution = serializers.SerializerMethodField(help_text="A caution or conditional caution rather than a conviction")
    requirements = serializers.ListField(child=serializers.ChoiceField(choices=Requirement.choices))
    fine_pounds = serializers.IntegerField(allow_null=True)
    offences = serializers.SerializerMethodField(help_text="The ids of the offences it was for")

    def get_caution(self, obj: Any) -> bool:
        return "caution" in obj.disposal

    def get_offences(self, obj: Any) -> list[int]:
        return sorted(o.pk for o in obj.offences.all())

    source = serializers.SerializerMethodField(help_text=SOURCE_HELP)  # type: ignore[assignment]

    @extend_schema_field(JusticeSourceSerializer(allow_null=True))
    def get_source(self, obj: Any) -> dict[str, Any] | None:
        return source_json(obj)


class JusticeCustodyPeriodSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=CustodyEpisode.Kind.choices)
    prison = serializers.CharField()
    started_on = serializers.DateField()
    ended_on = serializers.DateField(allow_null=True, help_text="Null while the person is still in custody")


class JusticeWarrantSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Warrant.Kind.choices)
    kind_label = serializers.CharField(source="get_kind_display")
    issued_on = serializers.DateField()
    issued_by = serializers.CharField(allow_blank=True)
    executed_on = serializers.DateField(allow_null=True, help_text="Null while the warrant is outstanding")


class JusticeMappaRecordSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    level = serializers.IntegerField(allow_null=True, min_value=1, max_value=3, help_text="1, 2 or 3; null: MAPPA management ended")
    category = serializers.ChoiceField(choices=MappaCategory.choices, allow_blank=True, help_text="Blank when management ended")
    from_date = serializers.DateField()
    source = serializers.CharField(allow_blank=True, help_text="Where it was decided")  # type: ignore[assignment]
    recorded_by_name = serializers.CharField()
    recorded_at = serializers.DateTimeField()


class JusticeMappaSerializer(serializers.Serializer[Any]):
    as_of = serializers.DateField()
    current = JusticeMappaRecordSerializer(allow_null=True, help_text="The record in force today; null when none is recorded")
    history = JusticeMappaRecordSerializer(many=True, help_text="Every record, oldest first (never edited)")


# ---- what is written ----------------------------------------------------------------------------


class ArrestWriteSerializer(StrictSerializer):
    arrested_on = _date()
    custody_suite = _text()
    outcome = StrictChoiceField(choices=ArrestOutcome.choices)
    offence_codes = serializers.ListField(
        child=StrictCharField(max_length=10), min_length=1, max_length=50, help_text="Home Office offence codes, for example 28E"
    )
    offence_committed_on = _optional_date("When the offences were committed; the date of arrest when left out")


class OffenceWriteSerializer(StrictSerializer):
    code = StrictCharField(max_length=10, help_text="Home Office offence code, for example 28E")
    committed_on = _date()


class CourtOutcomeWriteSerializer(StrictSerializer):
    decided_on = _date(help_text="Date of conviction, or of the caution")
    disposal = StrictChoiceField(choices=Disposal.choices)
    court = _text(required=False)
    requirements = serializers.ListField(
        child=StrictChoiceField(choices=Requirement.choices),
        required=False,
        default=list,
        max_length=20,
        help_text="For a community order (at least one) or a suspended sentence order",
    )
    fine_pounds = StrictIntegerField(
        required=False, allow_null=True, default=None, min_value=0, max_value=10_000_000, help_text="Only for a fine"
    )
    offence_ids = serializers.ListField(
        child=StrictIntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        default=list,
        max_length=200,
        help_text="The ids of this person's offences it was for",
    )


class CustodyPeriodWriteSerializer(StrictSerializer):
    kind = StrictChoiceField(choices=CustodyEpisode.Kind.choices)
    prison = _text()
    started_on = _date()
    ended_on = _optional_date("Leave out (or null) while the person is still in custody")


class WarrantWriteSerializer(StrictSerializer):
    kind = StrictChoiceField(choices=Warrant.Kind.choices)
    issued_on = _date()
    issued_by = _text(required=False, help_text="The issuing court or force")


class WarrantExecutionSerializer(StrictSerializer):
    executed_on = _date(help_text="The date the warrant was executed")


class MappaWriteSerializer(StrictSerializer):
    level = StrictIntegerField(allow_null=True, min_value=1, max_value=3, help_text="1, 2 or 3; null: MAPPA management has ended")
    category = StrictChoiceField(
        choices=MappaCategory.choices, required=False, allow_blank=True, default="", help_text="Required with a level; blank when ended"
    )
    from_date = _date(help_text="The date the level applies from")
    source = _text(required=False, help_text="Where it was decided, for example the MAPPA level 2 meeting")  # type: ignore[assignment]


# ---- the endpoints --------------------------------------------------------------------------------


def _record(request: Request, person_id: int) -> selectors.JusticeRecord:
    return selectors.justice_record_for(user=request.user, person_id=person_id)  # type: ignore[arg-type]


def _create(request: Request, person_id: int, body_class: type[StrictSerializer], service: Callable[..., Any]) -> Any:
    """Check who may change the record (refused, audited, before the body is read), parse the body
    strictly, and call the page's service."""
    person = selectors.person_for_change(user=request.user, person_id=person_id)  # type: ignore[arg-type]
    body = body_class(data=request.data)
    body.is_valid(raise_exception=True)
    return service(acting_user=request.user, person=person, **body.validated_data)


def _reread(found: Any, serializer: type[serializers.Serializer[Any]], code: int = status.HTTP_201_CREATED) -> Response:
    return Response(serializer(type(found).objects.get(pk=found.pk)).data, status=code)


def _list_view(
    kind: str, label: str, rows: Callable[[selectors.JusticeRecord], list[Any]], read: type[serializers.Serializer[Any]]
) -> Callable[[Any, Request, int], Response]:
    @extend_schema(operation_id=f"justice_{kind}_list", summary=label, responses={200: read(many=True), **READ_REFUSALS})
    def get(self: Any, request: Request, person_id: int) -> Response:
        return Response(read(rows(_record(request, person_id)), many=True).data)

    return get


def _create_view(
    kind: str, label: str, write: type[StrictSerializer], service: Callable[..., Any], read: type[serializers.Serializer[Any]]
) -> Callable[[Any, Request, int], Response]:
    @extend_schema(operation_id=f"justice_{kind}_create", summary=label, request=write, responses={201: read, **WRITE_REFUSALS})
    def post(self: Any, request: Request, person_id: int) -> Response:
        return _reread(_create(request, person_id, write, service), read)

    return post


@guarded(Action.PERSON_VIEW, personal_data=True, api=True)
class ArrestsView(APIView):
    get = _list_view(
        "arrests", "A person's arrests with the offences each was for, newest first", lambda r: r.arrests, JusticeArrestSerializer
    )
    post = _create_view(
        "arrests",
        "Record an arrest and the offences it was for (Home Office codes from the offence catalogue)",
        ArrestWriteSerializer,
        services.arrest_record,
        JusticeArrestSerializer,
    )


@guarded(Action.PERSON_VIEW, personal_data=True, api=True)
class OffencesView(APIView):
    get = _list_view("offences", "A person's offences, newest first", lambda r: r.offences, JusticeOffenceSourcedSerializer)
    post = _create_view(
        "offences",
        "Record an offence by its Home Office code",
        OffenceWriteSerializer,
        services.offence_record,
        JusticeOffenceSourcedSerializer,
    )


@guarded(Action.PERSON_VIEW, personal_data=True, api=True)
class CourtOutcomesView(APIView):
    get = _list_view(
        "outcomes",
        "A person's convictions and cautions with their disposals, newest first",
        lambda r: r.outcomes,
        JusticeCourtOutcomeSerializer,
    )
    post = _create_view(
        "outcomes",
        "Record a conviction or caution and its disposal (community order requirements such as DRR, ATR, RAR)",
        CourtOutcomeWriteSerializer,
        services.court_outcome_record,
        JusticeCourtOutcomeSerializer,
    )


@guarded(Action.PERSON_VIEW, personal_data=True, api=True)
class CustodyPeriodsView(APIView):
    get = _list_view(
        "custody", "A person's periods in custody (remand or sentenced), newest first", lambda r: r.custody, JusticeCustodyPeriodSerializer
    )
    post = _create_view(
        "custody",
        "Record a period in custody (open while it has no end date)",
        CustodyPeriodWriteSerializer,
        services.custody_episode_record,
        JusticeCustodyPeriodSerializer,
    )


@guarded(Action.PERSON_VIEW, personal_data=True, api=True)
class WarrantsView(APIView):
    get = _list_view(
        "warrants",
        "A person's warrants, newest first (outstanding ones feed the Red Alert prompt)",
        lambda r: r.warrants,
        JusticeWarrantSerializer,
    )
    post = _create_view("warrants", "Record a warrant", WarrantWriteSerializer, services.warrant_record, JusticeWarrantSerializer)


def _warrant_in(record: selectors.JusticeRecord, warrant_id: int) -> Warrant:
    return selectors.warrant_for(person=record.person, warrant_id=warrant_id)


@guarded(Action.PERSON_VIEW, personal_data=True, api=True)
class WarrantView(APIView):
    @extend_schema(operation_id="justice_warrant_read", summary="One warrant", responses={200: JusticeWarrantSerializer, **READ_REFUSALS})
    def get(self, request: Request, person_id: int, warrant_id: int) -> Response:
        return Response(JusticeWarrantSerializer(_warrant_in(_record(request, person_id), warrant_id)).data)

    @extend_schema(
        operation_id="justice_warrant_execute",
        summary="Record that the warrant was executed (once; not before it was issued): it is then no longer outstanding",
        request=WarrantExecutionSerializer,
        responses={200: JusticeWarrantSerializer, **WRITE_REFUSALS},
    )
    def patch(self, request: Request, person_id: int, warrant_id: int) -> Response:
        person = selectors.person_for_change(user=request.user, person_id=person_id)  # type: ignore[arg-type]
        warrant = selectors.warrant_for(person=person, warrant_id=warrant_id)
        body = WarrantExecutionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        done = services.warrant_execute(acting_user=request.user, warrant=warrant, **body.validated_data)  # type: ignore[arg-type]
        return _reread(done, JusticeWarrantSerializer, status.HTTP_200_OK)


def _mappa_json(record: selectors.JusticeRecord) -> dict[str, Any]:
    today = clock.today()
    return {"as_of": today, "current": selectors.current_mappa(record, today), "history": record.mappa}


@guarded(Action.PERSON_VIEW, personal_data=True, api=True)
class MappaView(APIView):
    @extend_schema(
        operation_id="justice_mappa_read",
        summary="A person's MAPPA level in force today and every record of it (the one record screening and deregistration read)",
        responses={200: JusticeMappaSerializer, **READ_REFUSALS},
    )
    def get(self, request: Request, person_id: int) -> Response:
        return Response(JusticeMappaSerializer(_mappa_json(_record(request, person_id))).data)

    @extend_schema(
        operation_id="justice_mappa_create",
        summary="Record the MAPPA level from a date, or (level null) that MAPPA management ended",
        request=MappaWriteSerializer,
        responses={201: JusticeMappaSerializer, **WRITE_REFUSALS},
    )
    def post(self, request: Request, person_id: int) -> Response:
        _create(request, person_id, MappaWriteSerializer, services.mappa_record)
        return Response(JusticeMappaSerializer(_mappa_json(_record(request, person_id))).data, status=status.HTTP_201_CREATED)
