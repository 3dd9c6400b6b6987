"""The record sheet's forms (GOV.UK pattern): one question page per part. The services validate again."""

from __future__ import annotations

from typing import Any

from django import forms

from iomhub.access.models import Organisation, User
from iomhub.casework.forms import UserChoiceField
from iomhub.cohort.models import Review
from iomhub.meetings.models import ActionOutcome
from iomhub.referrals.models import Decision, RagLevel
from iomhub.web.forms import GovukDateField, GovukForm

TEXT = 10000


class SheetForm(GovukForm):
    current_situation = forms.CharField(
        label="Current situation", required=False, max_length=TEXT, widget=forms.Textarea(attrs={"rows": 5})
    )
    risk_factors = forms.CharField(label="Risk factors", required=False, max_length=TEXT, widget=forms.Textarea(attrs={"rows": 5}))
    interventions = forms.CharField(label="Interventions", required=False, max_length=TEXT, widget=forms.Textarea(attrs={"rows": 5}))


class MeetingRagForm(GovukForm):
    level = forms.ChoiceField(label="New RAG level", choices=RagLevel.choices, widget=forms.RadioSelect)
    reason = forms.CharField(label="Why the level changed", max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))


class MeetingReviewForm(GovukForm):
    outcome = forms.ChoiceField(label="Outcome of the review", choices=Review.Outcome.choices, widget=forms.RadioSelect)
    notes = forms.CharField(label="Justification", max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))


class MeetingDeregisterForm(GovukForm):
    reasons = forms.CharField(label="Reasons for removal from IOM", max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
    exit_plan = forms.CharField(label="Exit plan", max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
    supported_by = forms.CharField(label="Who keeps supporting them", max_length=200)
    exceptional = forms.BooleanField(label="Exceptionally, before six months on IOM (give the reason above)", required=False)


class AllocateForm(GovukForm):
    description = forms.CharField(label="Action", max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    agency = forms.ModelChoiceField(label="Agency responsible", queryset=Organisation.objects.filter(active=True).order_by("name"))
    owner = UserChoiceField(label="Worker responsible (their caseload lists it)", queryset=User.objects.none(), required=False)
    owner_name = forms.CharField(label="Or the name of someone without an account", max_length=200, required=False)
    due_on = GovukDateField(label="Due date")
    sentence_plan = forms.BooleanField(label="Linked to the sentence plan", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = (  # type: ignore[attr-defined]
            User.objects.filter(is_active=True, organisation__isnull=False, role_assignments__isnull=False)
            .distinct()
            .select_related("organisation")
            .order_by("organisation__name", "last_name", "username")
        )


class ActionReviewForm(GovukForm):
    outcome = forms.ChoiceField(
        label="What the meeting decided", choices=[c for c in ActionOutcome.choices if c[0] != "allocated"], widget=forms.RadioSelect
    )
    note = forms.CharField(label="Progress", max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    due_on = GovukDateField(label="New due date (when carried over)", required=False)


class MeetingReferralForm(GovukForm):
    outcome = forms.ChoiceField(label="Decision", choices=Decision.Outcome.choices, widget=forms.RadioSelect)
    reasons = forms.CharField(label="Reasons for the decision", max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
    rag = forms.ChoiceField(
        label="Initial RAG classification (if adopting)", choices=RagLevel.choices, required=False, widget=forms.RadioSelect
    )
    flags = forms.MultipleChoiceField(
        label="Cohort flags (if adopting)",
        choices=[
            ("neighbourhood_crime", "Neighbourhood crime"),
            ("domestic_abuse", "Domestic abuse"),
            ("ppo", "Prolific and priority offender (PPO)"),
        ],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    confirm_new_person = forms.BooleanField(label="The person is not yet on IOM Hub: add them from the referral", required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("outcome") == Decision.Outcome.ADOPT and not data.get("rag"):
            self.add_error("rag", "Select the initial RAG classification")
        return data


class WrittenUpdateForm(GovukForm):
    text = forms.CharField(label="Your written update for the chair", max_length=TEXT, widget=forms.Textarea(attrs={"rows": 8}))


class TransferDecisionForm(GovukForm):
    accepted = forms.TypedChoiceField(
        label="Does the meeting accept the case?",
        choices=[("yes", "Yes, accept the transfer"), ("no", "No")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    notes = forms.CharField(
        label="Notes (the reasons, if not accepted)", max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
