"""The candidate list and a person's eligibility screening over the JSON API (issue 11 §4), through
the selectors the pages call (``cohort.selectors.candidate_list``, ``screening_for_person``): the same
policy (the candidate list is the coordinator's and the chair's; screening needs the person's justice
section, since its evidence is their justice record) and the same audit."""

from __future__ import annotations

import datetime
from typing import Any

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from iomhub import clock
from iomhub.access.models import Section
from iomhub.access.policy import Action
from iomhub.access.routes import guarded
from iomhub.cohort import selectors
from iomhub.cohort.screening import own_sections_shared
from iomhub.people import selectors as people_selectors
from iomhub.validation import clean_whole

AS_OF = OpenApiParameter("as_of", datetime.date, required=False, description="Screen as at this date (YYYY-MM-DD); today when left out")
PAGE = OpenApiParameter("page", int, required=False, description="Which page of 50 candidates (1 to 10000); the first when left out")
EARLIEST = datetime.date(1900, 1, 1)
PER_PAGE = 50  # as the page shows them
MAX_PAGE = 10_000


class ScreeningCriterionSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(help_text="The rule's code, for example six-arrests-12-months, neighbourhood-crime, mappa-3")
    evidence = serializers.CharField(help_text="What was found, in words, with its source")


class ScreenedPersonSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    display_name = serializers.CharField()
    date_of_birth = serializers.DateField()


class CandidateStandingSerializer(serializers.Serializer[Any]):
    label = serializers.CharField(help_text="Referred, or On IOM")  # type: ignore[assignment]  # a field, not the Field attribute
    referral = serializers.IntegerField(allow_null=True, help_text="The open referral, when you may see it")


class CandidateSerializer(serializers.Serializer[Any]):
    person = ScreenedPersonSerializer()
    arrests_in_year = serializers.IntegerField(help_text="Arrests in the twelve months up to the date screened")
    last_arrest = serializers.DateField(allow_null=True)
    ogrs3_two_year_percent = serializers.IntegerField(allow_null=True, help_text="OGRS3 two-year score; null when it cannot be derived")
    criteria = ScreeningCriterionSerializer(many=True, help_text="Entry criteria met (000 §5.7, 003)")
    routes = ScreeningCriterionSerializer(many=True, help_text="Exclusions and other routes (youth, MAPPA, outside the area)")
    standing = CandidateStandingSerializer(allow_null=True, help_text="Already referred or on IOM; null: may be referred")


class CandidateListSerializer(serializers.Serializer[Any]):
    as_of = serializers.DateField()
    available = serializers.BooleanField(help_text="False while the justice record is not there to screen against")
    page = serializers.IntegerField(help_text="This page (50 candidates a page)")
    more = serializers.BooleanField(help_text="True: there are candidates on the next page")
    candidates = CandidateSerializer(many=True, help_text="Strongest evidence first: arrests in the year, the latest arrest, then OGRS3")


class PersonScreeningSerializer(serializers.Serializer[Any]):
    person = serializers.IntegerField()
    as_of = serializers.DateField()
    eligible = serializers.BooleanField(help_text="Meets the entry criteria")
    justice_available = serializers.BooleanField()
    criteria = ScreeningCriterionSerializer(many=True)
    routes = ScreeningCriterionSerializer(many=True)
    breakdown = serializers.ListField(child=serializers.CharField(), help_text="How the rules were applied, step by step")
    arrests_in_year = serializers.IntegerField()
    last_arrest = serializers.DateField(allow_null=True)
    mappa_level = serializers.IntegerField(allow_null=True, help_text="The MAPPA level screened; null: not managed or not recorded")
    residence = serializers.CharField(help_text="How residence was decided, or why it is not known")
    ogrs3_two_year_percent = serializers.IntegerField(allow_null=True)
    ogrs3_band = serializers.CharField(allow_null=True)
    ogrs3_missing = serializers.CharField(allow_blank=True, help_text="Why OGRS3 could not be derived, if it could not")
    plan_shared = serializers.BooleanField(
        help_text="false: the plan section is not shared with you, so PPO status and referral priority groups were not screened"
    )
    contact_shared = serializers.BooleanField(help_text="false: the contact section is not shared with you, so residence was not screened")


def as_of_param(request: Request) -> datetime.date:
    """``?as_of=`` (one ISO date between 1900 and 2100), or today; anything else is a 400 naming it."""
    values = request.query_params.getlist("as_of")
    if not values:
        return clock.today()
    try:
        if len(values) > 1:
            raise ValueError
        day = datetime.date.fromisoformat(values[0])
    except ValueError:
        raise ValidationError({"as_of": ["Enter one date as YYYY-MM-DD, for example 2026-07-06"]}) from None
    if not EARLIEST <= day <= datetime.date(2100, 12, 31) or len(values[0]) != 10:
        raise ValidationError({"as_of": ["Enter a date between 1900 and 2100 as YYYY-MM-DD"]})
    return day


def page_param(request: Request) -> int:
    """``?page=`` (a whole number from 1 to 10000), or 1; anything else is a 400 naming it."""
    values = request.query_params.getlist("page")
    if not values:
        return 1
    errors: dict[str, list[str]] = {}
    page = (
        None if len(values) > 1 else clean_whole(errors, "page", values[0] or " ", "the page", required=True, minimum=1, maximum=MAX_PAGE)
    )
    if page is None:
        raise ValidationError({"page": [f"Enter one whole number from 1 to {MAX_PAGE}"]})
    return page


def _criteria(items: Any) -> list[dict[str, str]]:
    return [{"code": c.code, "evidence": c.evidence} for c in items]


def _candidate(person: Any, screening: Any, standing: Any) -> dict[str, Any]:
    return {
        "person": {"id": person.pk, "display_name": person.display_name, "date_of_birth": person.date_of_birth},
        "arrests_in_year": screening.arrests_in_year,
        "last_arrest": screening.last_arrest,
        "ogrs3_two_year_percent": screening.ogrs3_percent,
        "criteria": _criteria(screening.result.criteria),
        "routes": _criteria(screening.result.routes),
        "standing": None if standing is None else {"label": standing.label, "referral": standing.referral_id},
    }


@guarded(Action.COHORT_MANAGE, personal_data=True, api=True)
class CandidatesView(APIView):
    @extend_schema(
        operation_id="candidates_list",
        summary="People not on IOM who meet the entry criteria, among the people you see (the coordinator's and chair's)",
        parameters=[AS_OF, PAGE],
        responses={200: CandidateListSerializer, 403: OpenApiResponse(description="Not allowed for your role")},
    )
    def get(self, request: Request) -> Response:
        as_of, page = as_of_param(request), page_param(request)
        found = selectors.candidate_list(user=request.user, as_of=as_of, limit=page * PER_PAGE, offset=(page - 1) * PER_PAGE)  # type: ignore[arg-type]
        rows = [_candidate(person, s, found.standing.get(person.pk)) for person, s in found.rows]
        body = {"as_of": as_of, "available": found.available, "page": page, "more": found.more, "candidates": rows}
        return Response(CandidateListSerializer(body).data)


def _screening_json(screening: Any) -> dict[str, Any]:
    ogrs = screening.ogrs3
    return {
        "person": screening.person_id,
        "as_of": screening.as_of,
        "eligible": screening.result.eligible,
        "justice_available": screening.justice_available,
        "criteria": _criteria(screening.result.criteria),
        "routes": _criteria(screening.result.routes),
        "breakdown": list(screening.result.breakdown),
        "arrests_in_year": screening.arrests_in_year,
        "last_arrest": screening.last_arrest,
        "mappa_level": screening.facts.mappa_level,
        "residence": screening.residence,
        "ogrs3_two_year_percent": screening.ogrs3_percent,
        "ogrs3_band": ogrs.result.band if ogrs is not None and ogrs.result is not None else None,
        "ogrs3_missing": ogrs.missing if ogrs is not None else "",
    }


@guarded(Action.PERSON_VIEW, personal_data=True, api=True)
class ScreeningView(APIView):
    @extend_schema(
        operation_id="person_screening",
        summary="Whether a person meets the IOM entry criteria on a date, each criterion with its evidence (needs the justice section)",
        parameters=[AS_OF],
        responses={
            200: PersonScreeningSerializer,
            403: OpenApiResponse(description="Not allowed (the justice section is not shared with you)"),
            404: OpenApiResponse(description="Not found or not visible to you"),
        },
    )
    def get(self, request: Request, person_id: int) -> Response:
        user = request.user
        person = people_selectors.person_get_for(user=user, person_id=person_id, section=Section.JUSTICE, audit_read=False)  # type: ignore[arg-type]
        as_of = as_of_param(request)
        if as_of < person.date_of_birth:
            raise ValidationError({"as_of": ["Screen as at must be on or after the person's date of birth"]})
        screening = selectors.screening_for_person(user=user, person=person, as_of=as_of)  # type: ignore[arg-type]
        shared = own_sections_shared(user)  # type: ignore[arg-type]
        body = {**_screening_json(screening), "plan_shared": shared[Section.PLAN], "contact_shared": shared[Section.CONTACT]}
        return Response(PersonScreeningSerializer(body).data)
