"""The outbox over the JSON API, for the administrator who keeps delivery working (issue 11 §6): the
failed messages, as the outbox page lists them, and sending one again. The same policy
(``Action.USER_VIEW``) and audit as the page; like the page it shows neither a message's subject,
kind nor body, and a person's number only by its last three digits (``notifications.selectors``).
And a person's agreement to appointment reminders by text, read and recorded as on their page
(``consent``: the CONTACT section, audited against the person)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from iomhub.access.api_errors import service_errors, validated
from iomhub.access.api_fields import StrictBooleanField, StrictCharField
from iomhub.access.api_times import utc_timestamp
from iomhub.access.policy import Action
from iomhub.access.routes import guarded
from iomhub.casework.api_common import FIELD_ERRORS, REFUSALS
from iomhub.notifications.consent import TextReminders, text_reminders_for, text_reminders_for_change, text_reminders_set
from iomhub.notifications.models import Channel, Notification, NotificationStatus
from iomhub.notifications.selectors import failed_messages
from iomhub.notifications.services import failed_send_again
from iomhub.people.api import StrictSerializer


class OutboxMessageSerializer(serializers.Serializer[Notification]):
    id = serializers.IntegerField(read_only=True)
    queued_at = serializers.CharField(read_only=True, help_text="When the message was queued (UTC)")
    channel = serializers.ChoiceField(choices=Channel.choices, read_only=True)
    to = serializers.CharField(read_only=True, help_text="A user by name; a person never by name, their number by its last 3 digits")
    recipient = serializers.IntegerField(read_only=True, allow_null=True, help_text="The user an e-mail was for; null for a text")
    status = serializers.ChoiceField(choices=NotificationStatus.choices, read_only=True)
    attempts = serializers.IntegerField(read_only=True)
    reason = serializers.CharField(read_only=True, help_text="Why the provider refused it, as it said")

    def to_representation(self, instance: Notification) -> dict[str, Any]:
        return {
            "id": instance.pk,
            "queued_at": utc_timestamp(instance.created_at),
            "channel": instance.channel,
            "to": instance.shown_to,
            "recipient": instance.recipient_id,
            "status": instance.status,
            "attempts": instance.attempts,
            "reason": instance.error,
        }


@guarded(Action.USER_VIEW, api=True)
@extend_schema_view(get=extend_schema(operation_id="outbox_failed_list", summary="The messages that could not be delivered, newest first"))
class OutboxView(generics.ListAPIView[Notification]):
    serializer_class = OutboxMessageSerializer

    def get_queryset(self) -> QuerySet[Notification]:
        return failed_messages()


@guarded(Action.USER_VIEW, api=True)
class OutboxRetryView(APIView):
    @extend_schema(
        operation_id="outbox_send_again",
        summary="Send a failed message again, once its cause is fixed; it is queued for sending",
        request=None,
        responses={
            202: OutboxMessageSerializer,
            403: OpenApiResponse(description="Not allowed"),
            404: OpenApiResponse(description="No such failed message"),
        },
    )
    def post(self, request: Request, notification_id: int) -> Response:
        note = failed_send_again(acting_user=request.user, notification_id=notification_id)  # type: ignore[arg-type]
        note.refresh_from_db()
        return Response(OutboxMessageSerializer(note).data, status=status.HTTP_202_ACCEPTED)


class TextRemindersSerializer(serializers.Serializer[TextReminders]):
    agreed = serializers.BooleanField(read_only=True, help_text="Whether reminders are sent: agreed and not withdrawn")
    number = serializers.CharField(read_only=True, allow_null=True, help_text="The mobile number agreed to (+44…); null if never agreed")
    agreed_on = serializers.DateField(read_only=True, allow_null=True)
    withdrawn_on = serializers.DateField(read_only=True, allow_null=True)
    recorded_by = serializers.CharField(read_only=True, allow_null=True, help_text="Username of who last recorded it")

    def to_representation(self, instance: TextReminders) -> dict[str, Any]:
        c = instance.consent
        return {
            "agreed": instance.agreed,
            "number": c.number if c else None,
            "agreed_on": c.agreed_on.isoformat() if c else None,
            "withdrawn_on": c.withdrawn_on.isoformat() if c and c.withdrawn_on else None,
            "recorded_by": c.recorded_by.get_username() if c else None,
        }


class TextRemindersSetSerializer(StrictSerializer):
    agreed = StrictBooleanField(help_text="true: they agreed (give the number); false: they withdrew (or replied STOP)")
    number = StrictCharField(
        required=False, allow_blank=True, max_length=20, help_text="The UK mobile number agreed to; needed when agreed"
    )


@guarded(Action.PERSON_VIEW, personal_data=True, api=True)
class TextRemindersView(APIView):
    @extend_schema(
        operation_id="text_reminders_read",
        summary="Whether the person agreed to appointment reminders by text (their contact details)",
        responses={200: TextRemindersSerializer, **REFUSALS},
    )
    def get(self, request: Request, person_id: int) -> Response:
        return Response(TextRemindersSerializer(text_reminders_for(user=request.user, person_id=person_id)).data)  # type: ignore[arg-type]

    @extend_schema(
        operation_id="text_reminders_set",
        summary="Record that the person agreed to appointment reminders by text at a number, or withdrew",
        request=TextRemindersSetSerializer,
        responses={200: TextRemindersSerializer, **FIELD_ERRORS},
    )
    def post(self, request: Request, person_id: int) -> Response:
        reminders = text_reminders_for_change(user=request.user, person_id=person_id)  # type: ignore[arg-type]
        data = validated(TextRemindersSetSerializer, request)
        with service_errors():
            saved = text_reminders_set(acting_user=request.user, reminders=reminders, agreed=data["agreed"], number=data.get("number", ""))  # type: ignore[arg-type]
        return Response(TextRemindersSerializer(saved).data)
