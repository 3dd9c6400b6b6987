"""Sharing agreements over the JSON API, for the information governance lead (issue 9 §2):
read one organisation's agreement and change it with PUT. The service validates and audits."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from iomhub.access import agreements
from iomhub.access.models import Section
from iomhub.access.policy import Action
from iomhub.access.routes import guarded


class AgreementSerializer(serializers.Serializer[Any]):
    organisation = serializers.IntegerField(read_only=True)
    organisation_name = serializers.CharField(read_only=True)
    sections = serializers.ListField(child=serializers.ChoiceField(choices=Section.choices))
    purpose = serializers.CharField(allow_blank=True)
    signed_on = serializers.DateField(allow_null=True)
    review_by = serializers.DateField(allow_null=True)
    status = serializers.ChoiceField(
        choices=["none", "expired", "review-due", "in-force"], read_only=True, help_text="An expired agreement shares nothing"
    )


def _body(row: agreements.AgreementRow) -> dict[str, Any]:
    a = row.agreement
    return {
        "organisation": row.organisation.pk,
        "organisation_name": row.organisation.name,
        "sections": list(a.sections) if a else [],
        "purpose": a.purpose if a else "",
        "signed_on": a.signed_on.isoformat() if a and a.signed_on else None,
        "review_by": a.review_by.isoformat() if a and a.review_by else None,
        "status": row.status,
    }


@guarded(Action.AGREEMENT_MANAGE, api=True)
class AgreementView(APIView):
    @extend_schema(
        operation_id="sharing_agreement_read", responses={200: AgreementSerializer, 404: OpenApiResponse(description="Not found")}
    )
    def get(self, request: Request, organisation_id: int) -> Response:
        row = agreements.agreement_get(user=request.user, organisation_id=organisation_id)  # type: ignore[arg-type]
        return Response(_body(row))

    @extend_schema(
        operation_id="sharing_agreement_set",
        request=AgreementSerializer,
        responses={200: AgreementSerializer, 400: OpenApiResponse(description="Invalid"), 404: OpenApiResponse(description="Not found")},
    )
    def put(self, request: Request, organisation_id: int) -> Response:
        row = agreements.agreement_get(user=request.user, organisation_id=organisation_id)  # type: ignore[arg-type]
        incoming = AgreementSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        agreements.agreement_set(  # its refusals answer 400 with the field's message (api_errors)
            acting_user=request.user,  # type: ignore[arg-type]
            organisation=row.organisation,
            sections=list(data["sections"]),
            purpose=data["purpose"],
            signed_on=data["signed_on"],
            review_by=data["review_by"],
        )
        return Response(_body(agreements.agreement_get(user=request.user, organisation_id=organisation_id)))  # type: ignore[arg-type]
