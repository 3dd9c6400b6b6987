"""User accounts over the JSON API (ADR 0045): add a user, change one, disable and enable one, with
the policy and audit of the pages (``access.accounts`` decides and records). Reading stays in
``access.api`` (``users_list``, ``users_read``)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from iomhub.access import accounts, selectors
from iomhub.access import api as access_api
from iomhub.access.api_errors import validated
from iomhub.access.api_fields import StrictCharField
from iomhub.access.models import Organisation, Role, Team, User
from iomhub.access.policy import Action
from iomhub.access.routes import guarded

_REFUSED = {400: OpenApiResponse(description="Invalid"), 403: OpenApiResponse(description="Not allowed")}


class AccountSerializer(serializers.Serializer[Any]):
    username = StrictCharField(max_length=150, help_text="Sign-in name; fixed once the account exists")
    first_name = StrictCharField(max_length=150, allow_blank=True)
    last_name = StrictCharField(max_length=150, allow_blank=True)
    email = StrictCharField(max_length=254, allow_blank=True)
    organisation: serializers.PrimaryKeyRelatedField[Organisation] = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), allow_null=True, help_text="The organisation's id"
    )
    team_id: serializers.PrimaryKeyRelatedField[Team] = serializers.PrimaryKeyRelatedField(
        queryset=Team.objects.all(), allow_null=True, required=False, help_text="The local IOM team's id, or null for none"
    )
    roles = serializers.ListField(child=serializers.ChoiceField(choices=Role.choices), allow_empty=True)


class AccountChangeSerializer(AccountSerializer):
    username = None  # type: ignore[assignment]  # fixed once the account exists


class ReasonSerializer(serializers.Serializer[Any]):
    reason = StrictCharField(max_length=accounts.REASON_LIMIT, allow_blank=True, help_text="Why: kept in the audit log")


def _fields(data: dict[str, Any], current: User | None = None) -> dict[str, Any]:
    """The service's arguments from a validated body; for a change, what the body leaves out keeps its value."""
    keep = (
        {}
        if current is None
        else {
            "first_name": current.first_name,
            "last_name": current.last_name,
            "email": current.email,
            "organisation": current.organisation,
            "team": current.team,
            "roles": sorted(current.role_codes),
        }
    )
    given = {("team" if key == "team_id" else key): value for key, value in data.items()}
    return {**keep, **given}


@guarded(Action.USER_VIEW, api=True)
class UsersView(access_api.UsersView):
    @extend_schema(operation_id="users_create", request=AccountSerializer, responses={201: access_api.UserSerializer, **_REFUSED})
    def post(self, request: Request) -> Response:
        fields = {"team": None, **_fields(validated(AccountSerializer, request))}
        user = accounts.user_create(acting_user=request.user, **fields)  # type: ignore[arg-type]  # refusals: 400 by field (api_errors)
        return Response(access_api.UserSerializer(_fresh(request, user)).data, status=status.HTTP_201_CREATED)


@guarded(Action.USER_VIEW, api=True)
class UserView(access_api.UserView):
    @extend_schema(
        operation_id="users_change",
        request=AccountChangeSerializer,
        responses={200: access_api.UserSerializer, 404: OpenApiResponse(description="Not found"), **_REFUSED},
    )
    def patch(self, request: Request, user_id: int) -> Response:
        user = accounts.account_get(acting_user=request.user, user_id=user_id)  # type: ignore[arg-type]
        incoming = AccountChangeSerializer(data=request.data, partial=True)
        incoming.is_valid(raise_exception=True)
        fields = _fields(dict(incoming.validated_data), user)
        accounts.user_change(acting_user=request.user, user=user, **fields)  # type: ignore[arg-type]
        return Response(access_api.UserSerializer(_fresh(request, user)).data)


def _fresh(request: Request, user: User) -> User:
    """The account as it now stands, read as the list and the read endpoint read it."""
    return selectors.users_visible_to(request.user).get(pk=user.pk)  # type: ignore[arg-type]


class _StatusView(APIView):
    step: Any = None

    def post(self, request: Request, user_id: int) -> Response:
        user = accounts.account_get(acting_user=request.user, user_id=user_id)  # type: ignore[arg-type]
        type(self).step(acting_user=request.user, user=user, reason=validated(ReasonSerializer, request)["reason"])
        return Response(access_api.UserSerializer(_fresh(request, user)).data)


_STATUS_RESPONSES = {200: access_api.UserSerializer, 404: OpenApiResponse(description="Not found"), **_REFUSED}


@guarded(Action.USER_VIEW, api=True)
class UserDisableView(_StatusView):
    step = staticmethod(accounts.user_disable)

    @extend_schema(operation_id="users_disable", request=ReasonSerializer, responses=_STATUS_RESPONSES)
    def post(self, request: Request, user_id: int) -> Response:
        """Disable an account at once: sessions and API tokens stop working; the reason is audited."""
        return super().post(request, user_id)


@guarded(Action.USER_VIEW, api=True)
class UserEnableView(_StatusView):
    step = staticmethod(accounts.user_enable)

    @extend_schema(operation_id="users_enable", request=ReasonSerializer, responses=_STATUS_RESPONSES)
    def post(self, request: Request, user_id: int) -> Response:
        """Enable a disabled account again; tokens revoked on disabling stay revoked."""
        return super().post(request, user_id)


@guarded(Action.USER_VIEW, api=True)
class UserSignInResetView(_StatusView):
    step = staticmethod(accounts.user_sign_in_reset)

    @extend_schema(operation_id="users_sign_in_reset", request=ReasonSerializer, responses=_STATUS_RESPONSES)
    def post(self, request: Request, user_id: int) -> Response:
        """Clear a forgotten password and a lost authenticator app (sessions end at once); the
        holder sets both again through a new set-up link. API tokens are not changed."""
        return super().post(request, user_id)
