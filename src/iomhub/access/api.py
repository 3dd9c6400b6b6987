"""Organisations and users over the JSON API (reading; accounts are changed through ``access.account_api``),
and the user's own API tokens."""

from __future__ import annotations

from typing import Any, cast

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from iomhub.access import selectors, services
from iomhub.access.middleware import second_factor_at
from iomhub.access.models import ApiToken, Organisation, TokenScope, User
from iomhub.access.policy import Action
from iomhub.access.routes import guarded


class OrganisationSerializer(serializers.ModelSerializer[Organisation]):
    class Meta:
        model = Organisation
        fields = ["id", "name", "kind", "active"]


class UserSerializer(serializers.ModelSerializer[User]):
    roles = serializers.SerializerMethodField()
    organisation: serializers.PrimaryKeyRelatedField[Organisation] = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True, help_text="The user's organisation; null for a system account (system-feeds)"
    )
    team = serializers.CharField(
        source="team.name", read_only=True, allow_null=True, help_text="The local team's name; null for a role without one"
    )
    team_id = serializers.IntegerField(read_only=True, allow_null=True, help_text="The local team's id; null for none (since 1.8.0)")

    class Meta:
        model = User
        fields = ["id", "username", "first_name", "last_name", "email", "organisation", "team", "team_id", "roles", "is_active"]

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


class ApiTokenSerializer(serializers.ModelSerializer[ApiToken]):
    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "scope", "created_at", "expires_at", "last_used_at", "revoked_at"]
        read_only_fields = fields


class ApiTokenCreateSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=100)
    scope = serializers.ChoiceField(choices=TokenScope.choices, default=TokenScope.READ)


class ApiTokenIssuedSerializer(ApiTokenSerializer):
    token = serializers.CharField(read_only=True, help_text="The secret: shown this once, never again")

    class Meta(ApiTokenSerializer.Meta):
        fields = [*ApiTokenSerializer.Meta.fields, "token"]
        read_only_fields = fields


def _me(request: Request) -> User:
    return cast(User, request.user)  # PolicyGate lets only signed-in users this far


def _second_factor_at(request: Request) -> Any:
    """A request made with a bearer token never counts as a recent second factor."""
    return second_factor_at(request._request, bearer=isinstance(request.auth, ApiToken))


@guarded(Action.TOKEN_MANAGE, api=True)
class ApiTokensView(APIView):
    """The signed-in user's own API tokens (ADR 0012)."""

    @extend_schema(operation_id="tokens_list", responses={200: ApiTokenSerializer(many=True)})
    def get(self, request: Request) -> Response:
        tokens = ApiToken.objects.filter(user=_me(request)).order_by("-created_at")
        return Response(ApiTokenSerializer(tokens, many=True).data)

    @extend_schema(
        operation_id="tokens_create",
        request=ApiTokenCreateSerializer,
        responses={
            201: ApiTokenIssuedSerializer,
            400: OpenApiResponse(description="Invalid name or scope"),
            403: OpenApiResponse(description="No second factor in the last 15 minutes (a bearer token never counts as one)"),
        },
    )
    def post(self, request: Request) -> Response:
        incoming = ApiTokenCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        token, secret = services.api_token_issue(
            acting_user=_me(request),
            name=incoming.validated_data["name"],
            scope=incoming.validated_data["scope"],
            second_factor_at=_second_factor_at(request),
        )
        data = dict(ApiTokenSerializer(token).data)
        data["token"] = secret
        return Response(data, status=201)


@guarded(Action.TOKEN_MANAGE, api=True)
class ApiTokenView(APIView):
    @extend_schema(operation_id="tokens_read", responses={200: ApiTokenSerializer, 404: OpenApiResponse(description="Not found")})
    def get(self, request: Request, token_id: int) -> Response:
        token = ApiToken.objects.filter(user=_me(request), pk=token_id).first()
        if token is None:
            raise NotFound("Not found")
        return Response(ApiTokenSerializer(token).data)

    @extend_schema(
        operation_id="tokens_revoke",
        responses={200: ApiTokenSerializer, 404: OpenApiResponse(description="Not found")},
        description="Revoke one of your tokens at once (the token itself may revoke itself unless it is read-only).",
    )
    def delete(self, request: Request, token_id: int) -> Response:
        token = services.api_token_revoke(acting_user=_me(request), token_id=token_id)
        return Response(ApiTokenSerializer(token).data)
