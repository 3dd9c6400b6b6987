"""Organisations and users over the JSON API (read only)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from iomhub.access import selectors
from iomhub.access.models import Organisation, User
from iomhub.access.policy import Action
from iomhub.access.routes import guarded


class OrganisationSerializer(serializers.ModelSerializer[Organisation]):
    class Meta:
        model = Organisation
        fields = ["id", "name", "kind", "active"]


class UserSerializer(serializers.ModelSerializer[User]):
    roles = serializers.SerializerMethodField()
    organisation: serializers.PrimaryKeyRelatedField[Organisation] = serializers.PrimaryKeyRelatedField(read_only=True)
    team: serializers.StringRelatedField[Any] = serializers.StringRelatedField()

    class Meta:
        model = User
        fields = ["id", "username", "first_name", "last_name", "organisation", "team", "roles", "is_active"]

    def get_roles(self, obj: User) -> list[str]:
        return sorted(r.role for r in obj.role_assignments.all())


@guarded(Action.ORGANISATION_VIEW, api=True)
@extend_schema_view(get=extend_schema(operation_id="organisations_list"))
class OrganisationsView(generics.ListAPIView[Organisation]):
    serializer_class = OrganisationSerializer

    def get_queryset(self) -> QuerySet[Organisation]:
        return selectors.organisations_visible_to(self.request.user)  # type: ignore[arg-type]


@guarded(Action.ORGANISATION_VIEW, api=True)
@extend_schema_view(
    get=extend_schema(
        operation_id="organisations_read", responses={200: OrganisationSerializer, 404: OpenApiResponse(description="Not found")}
    )
)
class OrganisationView(generics.RetrieveAPIView[Organisation]):
    serializer_class = OrganisationSerializer
    lookup_url_kwarg = "organisation_id"

    def get_queryset(self) -> QuerySet[Organisation]:
        return selectors.organisations_visible_to(self.request.user)  # type: ignore[arg-type]


@guarded(Action.USER_VIEW, api=True)
@extend_schema_view(
    get=extend_schema(
        operation_id="users_list", responses={200: UserSerializer(many=True), 403: OpenApiResponse(description="Not allowed")}
    )
)
class UsersView(generics.ListAPIView[User]):
    serializer_class = UserSerializer

    def get_queryset(self) -> QuerySet[User]:
        return selectors.users_visible_to(self.request.user)  # type: ignore[arg-type]


@guarded(Action.USER_VIEW, api=True)
@extend_schema_view(
    get=extend_schema(
        operation_id="users_read",
        responses={200: UserSerializer, 403: OpenApiResponse(description="Not allowed"), 404: OpenApiResponse(description="Not found")},
    )
)
class UserView(generics.RetrieveAPIView[User]):
    serializer_class = UserSerializer
    lookup_url_kwarg = "user_id"

    def get_queryset(self) -> QuerySet[User]:
        return selectors.users_visible_to(self.request.user)  # type: ignore[arg-type]


@guarded(Action.SERVICE_USE, api=True)
class MeView(APIView):
    @extend_schema(operation_id="users_me", responses={200: UserSerializer})
    def get(self, request: Request) -> Response:
        return Response(UserSerializer(request.user).data)  # type: ignore[arg-type]
