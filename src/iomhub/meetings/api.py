"""The meeting's record over the JSON API (issue 18 §1; ADR 0020): the same selectors, services,
policy and audit as the pages. Every route is under the meeting; the person, referral or action a
write is about is named in the body and read through the policy like the pages read it."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from iomhub.access import audit
from iomhub.access.models import AuditAction, Organisation, Section, User
from iomhub.access.policy import Action
from iomhub.access.projection import Lens, lens_for, lens_of, section_of
from iomhub.access.routes import guarded
from iomhub.casework.models import PlanAction
from iomhub.casework.selectors import plan_action_for, plan_actions_shown
from iomhub.cohort.models import Registration
from iomhub.cohort.selectors import transfer_get
from iomhub.meetings import actions, decisions, selectors, sheets
from iomhub.meetings import api_serializers as s
from iomhub.meetings.closing import meeting_close
from iomhub.meetings.guards import may_manage
from iomhub.meetings.models import CaseSheet, Meeting, MeetingAction, MeetingDecision, WrittenUpdate
from iomhub.meetings.pack import pack_for, pack_get
from iomhub.people import selectors as people
from iomhub.referrals import services as referral_services
from iomhub.referrals.selectors import referral_get_for
from iomhub.rules.meetings import circulate_plans_by

REFUSALS: dict[int, Any] = {
    403: OpenApiResponse(description="Not allowed for your role"),
    404: OpenApiResponse(description="Not found or not visible to you"),
}
NO_SUCH_ACTION = "No such action"  # for an action hidden from the reader as for one that does not exist
WRITE_REFUSALS: dict[int, Any] = {400: OpenApiResponse(description="Field-level errors; nothing is stored"), **REFUSALS}


def _user(request: Request) -> User:
    return request.user  # type: ignore[return-value]


def _meeting(request: Request, meeting_id: int) -> Meeting:
    meeting = selectors.meeting_get(user=_user(request), meeting_id=meeting_id)
    may_manage(_user(request), meeting)
    return meeting


def _visible(request: Request, meeting: Meeting, rows: QuerySet[Any], model: type[Model], field: str, person_of: str) -> list[Any]:
    """The rows of ``meeting`` whose person the reader may see in the section of ``field``, audited
    as one view listing those people."""
    user = _user(request)
    shown: list[Any] = []
    lenses: dict[int, Lens] = {}
    for row in rows:
        person = row.action.person if person_of == "action" else row.person
        if person is None:
            shown.append(row)
            continue
        lens = lenses.setdefault(person.pk, lens_for(user, person))
        if lens.sees(section_of(model, field)):
            shown.append(row)
    people_ids = sorted({pk for pk, lens in lenses.items() if lens.sees(section_of(model, field))})
    audit.record_shown(
        actor=user, action=AuditAction.VIEW, person_ids=people_ids, object_type=f"meeting-{model.__name__.lower()}s", object_id=meeting.pk
    )
    return shown


def _person(request: Request, person_id: int | None, field: str = "person") -> Any:
    if person_id is None:
        raise ValidationError({field: ["Name the person"]})
    return people.person_get_for(user=_user(request), person_id=person_id, section=Section.PLAN)


def _registration(person: Any) -> Registration:
    registration = Registration.objects.filter(person=person, ended_on__isnull=True).first()
    if registration is None:
        raise ValidationError({"person": ["This person is not on IOM"]})
    return registration


@guarded(Action.PERSON_VIEW, personal_data=True, api=True)
class RecordView(APIView):
    @extend_schema(
        operation_id="meetings_record_read",
        summary="The minutes and updated plans as you may see them (the coordinator and chair; an attendee once closed)",
        responses={200: s.MeetingPackSerializer, **REFUSALS},
    )
    def get(self, request: Request, meeting_id: int) -> Response:
        meeting = pack_get(user=_user(request), meeting_id=meeting_id)
        return Response(s.MeetingPackSerializer(pack_for(user=_user(request), meeting=meeting)).data)


@guarded(Action.COHORT_MANAGE, personal_data=True, api=True)
class SheetsView(APIView):
    @extend_schema(
        operation_id="meetings_sheets_list", summary="The record sheets", responses={200: s.CaseSheetSerializer(many=True), **REFUSALS}
    )
    def get(self, request: Request, meeting_id: int) -> Response:
        meeting = _meeting(request, meeting_id)
        rows = _visible(
            request, meeting, CaseSheet.objects.filter(meeting=meeting).select_related("person"), CaseSheet, "current_situation", "person"
        )
        lenses = {r.person_id: lens_for(_user(request), r.person) for r in rows}
        return Response(s.CaseSheetSerializer(rows, many=True, context={"lenses": lenses}).data)

    @extend_schema(
        operation_id="meetings_sheets_save",
        summary="Create or update a case's record sheet (a stale version is refused)",
        request=s.SheetWriteSerializer,
        responses={200: s.CaseSheetSerializer, **WRITE_REFUSALS},
    )
    def post(self, request: Request, meeting_id: int) -> Response:
        meeting = _meeting(request, meeting_id)
        body = s.SheetWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        person = _person(request, data.pop("person"))
        version = data.pop("version")
        sheet = sheets.sheet_save(acting_user=_user(request), meeting=meeting, person=person, values=data, version=version)
        return Response(s.CaseSheetSerializer(sheet, context={"lenses": {person.pk: lens_for(_user(request), person)}}).data)


def _decide(request: Request, meeting: Meeting, d: dict[str, Any]) -> MeetingDecision:
    user, kind = _user(request), d["kind"]
    if kind in ("adopt", "reject", "defer"):
        if d.get("referral") is None:
            raise ValidationError({"referral": ["Name the referral"]})
        referral = referral_get_for(user=user, referral_id=d["referral"])
        adoption = None
        if kind == "adopt":
            adoption = referral_services.Adoption(
                rag=d.get("rag", ""),
                neighbourhood_crime=d["neighbourhood_crime"],
                domestic_abuse=d["domestic_abuse"],
                ppo=d["ppo"],
                confirm_new_person=d["confirm_new_person"],
            )
        return decisions.referral_decide(
            acting_user=user, meeting=meeting, referral=referral, outcome=kind, reasons=d["reasons"], adoption=adoption
        )
    if kind == "transfer":
        if d.get("transfer") is None:
            raise ValidationError({"transfer": ["Name the transfer"]})
        transfer = transfer_get(user=user, transfer_id=d["transfer"])
        return decisions.transfer_decide(acting_user=user, meeting=meeting, transfer=transfer, accepted=d["accepted"], notes=d["notes"])
    registration = _registration(_person(request, d.get("person")))
    if kind == "rag":
        return decisions.rag_change(
            acting_user=user, meeting=meeting, registration=registration, level=d.get("rag", ""), reason=d["reasons"]
        )
    if kind == "review":
        return decisions.review(
            acting_user=user, meeting=meeting, registration=registration, outcome=d.get("outcome", ""), notes=d["notes"]
        )
    return decisions.deregister(
        acting_user=user,
        meeting=meeting,
        registration=registration,
        reasons=d["reasons"],
        exit_plan=d["exit_plan"],
        supported_by=d["supported_by"],
        exceptional=d["exceptional"],
    )


@guarded(Action.COHORT_MANAGE, personal_data=True, api=True)
class DecisionsView(APIView):
    @extend_schema(
        operation_id="meetings_decisions_list",
        summary="The decisions taken",
        responses={200: s.MeetingDecisionSerializer(many=True), **REFUSALS},
    )
    def get(self, request: Request, meeting_id: int) -> Response:
        meeting = _meeting(request, meeting_id)
        rows = _visible(
            request, meeting, MeetingDecision.objects.filter(meeting=meeting).select_related("person"), MeetingDecision, "summary", "person"
        )
        return Response(s.MeetingDecisionSerializer(rows, many=True).data)

    @extend_schema(
        operation_id="meetings_decisions_create",
        summary="Record the chair's decision at the meeting, on its date: a referral adopted, rejected or deferred; a RAG change; a review; a deregistration",
        request=s.MeetingDecisionWriteSerializer,
        responses={201: s.MeetingDecisionSerializer, **WRITE_REFUSALS},
    )
    def post(self, request: Request, meeting_id: int) -> Response:
        meeting = _meeting(request, meeting_id)
        body = s.MeetingDecisionWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        made = _decide(request, meeting, dict(body.validated_data))
        return Response(s.MeetingDecisionSerializer(made).data, status=status.HTTP_201_CREATED)


def _lookup(model: type[Any], pk: int | None, field: str, label: str) -> Any:
    found = model.objects.filter(pk=pk).first() if pk is not None else None
    if found is None:
        raise ValidationError({field: [f"No such {label}"]})
    return found


def _act(request: Request, meeting: Meeting, d: dict[str, Any]) -> MeetingAction:
    user = _user(request)
    if d.get("plan_action") is not None:
        listed = PlanAction.objects.filter(pk=d["plan_action"]).values_list("person_id", flat=True).first()
        if listed is None:
            raise ValidationError({"plan_action": [NO_SUCH_ACTION]})
        person = _person(request, listed, "plan_action")
        try:  # casework's one filter: an action hidden from the reader answers as one that does not exist
            action = plan_action_for(user=user, person=person, action_id=d["plan_action"])
        except Http404:
            raise ValidationError({"plan_action": [NO_SUCH_ACTION]}) from None
        if d.get("outcome") is None or d.get("version") is None:
            raise ValidationError({"outcome": ["Give the outcome and the version you read"]})
        return actions.action_review(
            acting_user=user, meeting=meeting, action=action, outcome=d["outcome"], note=d["note"], version=d["version"], due_on=d["due_on"]
        )
    person = _person(request, d.get("person"))
    return actions.action_allocate(
        acting_user=user,
        meeting=meeting,
        person=person,
        description=d["description"],
        agency=_lookup(Organisation, d.get("agency"), "agency", "agency"),
        owner=_lookup(User, d["owner"], "owner", "user") if d["owner"] is not None else None,
        owner_name=d["owner_name"],
        due_on=d["due_on"],
        sentence_plan=d["sentence_plan"],
    )


@guarded(Action.COHORT_MANAGE, personal_data=True, api=True)
class ActionsView(APIView):
    @extend_schema(
        operation_id="meetings_actions_list",
        summary="Actions allocated or reviewed",
        responses={200: s.MeetingActionSerializer(many=True), **REFUSALS},
    )
    def get(self, request: Request, meeting_id: int) -> Response:
        meeting = _meeting(request, meeting_id)
        user = _user(request)
        # Only the actions the reader may see (casework's one filter, as the record sheet and pack):
        # one given to a health agency needs health. ``_visible`` then decides each person.
        shown = plan_actions_shown(PlanAction.objects.all(), user=user, lens=lens_of(user))
        rows = MeetingAction.objects.filter(meeting=meeting, action__in=shown).select_related("action__person")
        return Response(s.MeetingActionSerializer(_visible(request, meeting, rows, MeetingAction, "outcome", "action"), many=True).data)

    @extend_schema(
        operation_id="meetings_actions_record",
        summary="Allocate an action to a named worker and agency, or update, discharge, carry over or cancel an open one",
        request=s.ActionWriteSerializer,
        responses={201: s.MeetingActionSerializer, **WRITE_REFUSALS},
    )
    def post(self, request: Request, meeting_id: int) -> Response:
        meeting = _meeting(request, meeting_id)
        body = s.ActionWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return Response(s.MeetingActionSerializer(_act(request, meeting, dict(body.validated_data))).data, status=status.HTTP_201_CREATED)


@guarded(Action.PERSON_CHANGE, personal_data=True, api=True)
class WrittenUpdatesView(APIView):
    @extend_schema(
        operation_id="meetings_written_updates_list",
        summary="The written updates received (the coordinator and chair)",
        responses={200: s.WrittenUpdateSerializer(many=True), **REFUSALS},
    )
    def get(self, request: Request, meeting_id: int) -> Response:
        meeting = _meeting(request, meeting_id)
        rows = WrittenUpdate.objects.filter(meeting=meeting).select_related("person")
        return Response(s.WrittenUpdateSerializer(_visible(request, meeting, rows, WrittenUpdate, "text", "person"), many=True).data)

    @extend_schema(
        operation_id="meetings_written_updates_send",
        summary="An allocated officer who cannot attend sends the chair a written update (late ones kept and marked)",
        request=s.WrittenUpdateWriteSerializer,
        responses={201: s.WrittenUpdateSerializer, **WRITE_REFUSALS},
    )
    def post(self, request: Request, meeting_id: int) -> Response:
        body = s.WrittenUpdateWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        person = people.person_get_for(user=_user(request), person_id=body.validated_data["person"], section=Section.TIMELINE)
        meeting = selectors.meeting_for_update(user=_user(request), meeting_id=meeting_id, person=person)
        update = sheets.written_update_submit(acting_user=_user(request), meeting=meeting, person=person, text=body.validated_data["text"])
        return Response(s.WrittenUpdateSerializer(update).data, status=status.HTTP_201_CREATED)


@guarded(Action.COHORT_MANAGE, api=True)
class CloseView(APIView):
    @extend_schema(
        operation_id="meetings_close",
        summary="Close the meeting: each attendee's minutes and plans are queued to them",
        request=None,
        responses={200: s.ClosedSerializer, **WRITE_REFUSALS},
    )
    def post(self, request: Request, meeting_id: int) -> Response:
        closed = meeting_close(acting_user=_user(request), meeting=_meeting(request, meeting_id))
        m = closed.meeting
        due = circulate_plans_by(held_on=m.held_on).due
        assert m.closed_at is not None and m.minutes_circulated_on is not None
        body = {
            "meeting": m.pk,
            "closed_at": m.closed_at,
            "minutes_circulated_on": m.minutes_circulated_on,
            "circulate_by": due,
            "late": m.minutes_circulated_on > due,
            "notified": sorted(n.recipient_id for n in closed.queued if n.recipient_id is not None),
            "without_account": closed.without_account,
        }
        return Response(s.ClosedSerializer(body).data)
