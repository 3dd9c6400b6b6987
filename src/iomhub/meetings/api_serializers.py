"""The meeting's record over the JSON API: typed serializers (drf-spectacular documents them)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from iomhub.access.api_fields import StrictBooleanField, StrictCharField, StrictIntegerField
from iomhub.cohort.models import Review
from iomhub.meetings.models import ActionOutcome, CaseSheet, DecisionKind, MeetingAction, MeetingDecision, WrittenUpdate
from iomhub.people.api import StrictSerializer
from iomhub.referrals.models import RagLevel

MAX_ID = 2**63 - 1


class CaseSheetSerializer(serializers.ModelSerializer[CaseSheet]):
    """A record sheet; ``risk_factors`` is an assessment and is null for a reader who may not see assessments."""

    risk_factors = serializers.SerializerMethodField()

    def get_risk_factors(self, sheet: CaseSheet) -> str | None:
        lens = self.context["lenses"][sheet.person_id]
        return sheet.risk_factors if lens.sees("assessments") else None

    class Meta:
        model = CaseSheet
        fields = ["id", "person", "current_situation", "risk_factors", "interventions", "version", "updated_at"]


class MeetingDecisionSerializer(serializers.ModelSerializer[MeetingDecision]):
    class Meta:
        model = MeetingDecision
        fields = ["id", "person", "kind", "summary", "referral_decision", "rag_change", "review", "deregistration", "chair", "recorded_at"]


class MeetingActionSerializer(serializers.ModelSerializer[MeetingAction]):
    person = serializers.IntegerField(source="action.person_id", read_only=True)
    description = serializers.CharField(source="action.description", read_only=True)
    owner = serializers.IntegerField(source="action.owner_id", read_only=True, allow_null=True)
    owner_name = serializers.CharField(source="action.owner_name", read_only=True)
    agency = serializers.IntegerField(source="action.agency_id", read_only=True)
    due_on = serializers.DateField(source="action.due_on", read_only=True)
    status = serializers.CharField(source="action.status", read_only=True)

    class Meta:
        model = MeetingAction
        fields = [
            "id",
            "action",
            "person",
            "description",
            "owner",
            "owner_name",
            "agency",
            "due_on",
            "status",
            "outcome",
            "note",
            "recorded_at",
        ]


class WrittenUpdateSerializer(serializers.ModelSerializer[WrittenUpdate]):
    class Meta:
        model = WrittenUpdate
        fields = ["id", "person", "author", "author_name", "text", "late", "submitted_at"]


class PackCaseSerializer(serializers.Serializer[Any]):
    """One case as the reader may see it: a part they may not see is null (or absent from the lists)."""

    person = serializers.IntegerField(source="person.pk")
    name = serializers.CharField(source="person.display_name")
    rag = serializers.CharField(allow_null=True)
    current_situation = serializers.CharField(allow_null=True)
    risk_factors = serializers.CharField(allow_null=True)
    interventions = serializers.CharField(allow_null=True)
    decisions = MeetingDecisionSerializer(many=True)
    actions = MeetingActionSerializer(many=True)
    written_updates = WrittenUpdateSerializer(many=True, allow_null=True)

    def to_representation(self, case: Any) -> dict[str, Any]:
        sheet = case.sheet
        return {
            "person": case.person.pk,
            "name": case.person.display_name,
            "rag": case.rag,
            "current_situation": sheet.get("current_situation"),
            "risk_factors": sheet.get("risk_factors"),
            "interventions": sheet.get("interventions"),
            "decisions": MeetingDecisionSerializer(case.decisions, many=True).data,
            "actions": MeetingActionSerializer(case.actions, many=True).data,
            "written_updates": None if case.updates is None else WrittenUpdateSerializer(case.updates, many=True).data,
        }


class MeetingPackSerializer(serializers.Serializer[Any]):
    meeting = serializers.IntegerField(source="meeting.pk")
    held_on = serializers.DateField(source="meeting.held_on")
    closed_at = serializers.DateTimeField(source="meeting.closed_at", allow_null=True)
    minutes_circulated_on = serializers.DateField(source="meeting.minutes_circulated_on", allow_null=True)
    cases = PackCaseSerializer(many=True)
    referral_decisions = MeetingDecisionSerializer(many=True)


class SheetWriteSerializer(StrictSerializer):
    person = StrictIntegerField(min_value=1, max_value=MAX_ID)
    current_situation = StrictCharField(max_length=10000, required=False, allow_blank=True, default="")
    risk_factors = StrictCharField(max_length=10000, required=False, allow_blank=True, default="")
    interventions = StrictCharField(max_length=10000, required=False, allow_blank=True, default="")
    version = StrictIntegerField(
        required=False, allow_null=True, default=None, min_value=1, help_text="The version you read; omit for a new sheet"
    )


class MeetingDecisionWriteSerializer(StrictSerializer):
    """``kind`` adopt, reject or defer needs ``referral``; rag, review or deregister needs ``person``;
    transfer needs ``transfer`` and ``accepted``."""

    kind = serializers.ChoiceField(choices=DecisionKind.choices)
    referral = StrictIntegerField(required=False, min_value=1, max_value=MAX_ID)
    person = StrictIntegerField(required=False, min_value=1, max_value=MAX_ID)
    reasons = StrictCharField(
        max_length=5000, required=False, allow_blank=True, default="", help_text="adopt, reject, defer, deregister; the RAG change's reason"
    )
    rag = serializers.ChoiceField(
        choices=RagLevel.choices, required=False, help_text="adopt: the initial RAG (default the proposed one); rag: the new level"
    )
    neighbourhood_crime = StrictBooleanField(required=False, default=False)
    domestic_abuse = StrictBooleanField(required=False, default=False)
    ppo = StrictBooleanField(required=False, default=False)
    confirm_new_person = StrictBooleanField(required=False, default=False, help_text="adopt: add the person from the referral")
    outcome = serializers.ChoiceField(choices=Review.Outcome.choices, required=False, help_text="review: retain or drop")
    notes = StrictCharField(
        max_length=5000,
        required=False,
        allow_blank=True,
        default="",
        help_text="review: the justification; transfer: the reasons (required when not accepted)",
    )
    exit_plan = StrictCharField(max_length=5000, required=False, allow_blank=True, default="")
    supported_by = StrictCharField(max_length=200, required=False, allow_blank=True, default="")
    exceptional = StrictBooleanField(required=False, default=False)
    transfer = StrictIntegerField(required=False, min_value=1, max_value=MAX_ID)
    accepted = StrictBooleanField(required=False, allow_null=True, default=None, help_text="transfer: the case is accepted")


class ActionWriteSerializer(StrictSerializer):
    """With ``plan_action``: that open action updated, discharged, carried over or cancelled (``outcome``,
    ``note``, ``version``, ``due_on`` when carried over). Without: a new action allocated to ``person``."""

    plan_action = StrictIntegerField(required=False, min_value=1, max_value=MAX_ID)
    outcome = serializers.ChoiceField(choices=[c for c in ActionOutcome.choices if c[0] != "allocated"], required=False)
    note = StrictCharField(max_length=5000, required=False, allow_blank=True, default="")
    version = StrictIntegerField(required=False, min_value=1)
    person = StrictIntegerField(required=False, min_value=1, max_value=MAX_ID)
    description = StrictCharField(max_length=5000, required=False, allow_blank=True, default="")
    agency = StrictIntegerField(required=False, min_value=1, max_value=MAX_ID)
    owner = StrictIntegerField(required=False, allow_null=True, default=None, min_value=1, max_value=MAX_ID)
    owner_name = StrictCharField(max_length=200, required=False, allow_blank=True, default="")
    due_on = serializers.DateField(required=False, allow_null=True, default=None)
    sentence_plan = StrictBooleanField(required=False, default=False)


class WrittenUpdateWriteSerializer(StrictSerializer):
    person = StrictIntegerField(min_value=1, max_value=MAX_ID)
    text = StrictCharField(max_length=10000)


class ClosedSerializer(serializers.Serializer[Any]):
    meeting = serializers.IntegerField()
    closed_at = serializers.DateTimeField()
    minutes_circulated_on = serializers.DateField()
    circulate_by = serializers.DateField()
    late = serializers.BooleanField()
    notified = serializers.ListField(child=serializers.IntegerField(), help_text="User ids the minutes were queued to")
    without_account = serializers.ListField(child=serializers.CharField(), help_text="Attendees with no account: nothing sent")
