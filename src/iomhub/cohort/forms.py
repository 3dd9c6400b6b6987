"""Recording one item of the adoption checklist (002 appendix 2, Administration)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from iomhub.access.models import Team
from iomhub.cohort.models import ChecklistItem, RemovalItem, Review, TransferKind
from iomhub.referrals.models import RagLevel
from iomhub.web.forms import GovukDateField, GovukForm


class ChecklistForm(GovukForm):
    item = forms.ChoiceField(label="Which action was done?", choices=ChecklistItem.choices, widget=forms.RadioSelect)
    done_on = GovukDateField(label="Date done", required=False, help_text="For example, 14 11 2026")
    done_by = forms.CharField(label="By whom", max_length=200, required=False, help_text="Name and agency")
    not_applicable = forms.BooleanField(label="Does not apply (social services only)", required=False)


class AsOfForm(GovukForm):
    as_of = GovukDateField(label="Screen as at", required=False, help_text="Leave empty for today. For example, 14 11 2026")


MEETING_HELP = "A meeting reference or date, for example 'IOM meeting 12 November 2026'"


class RagChangeForm(GovukForm):
    level = forms.ChoiceField(label="New RAG level", choices=RagLevel.choices, widget=forms.RadioSelect)
    changed_on = GovukDateField(label="Date of the change", required=False, help_text="For example, 14 11 2026")
    reason = forms.CharField(label="Why the level changed", widget=forms.Textarea(attrs={"rows": 4}), max_length=5000, required=False)
    meeting = forms.CharField(label="At which meeting (optional)", max_length=200, required=False, help_text=MEETING_HELP)
    expected_level = forms.CharField(widget=forms.HiddenInput, required=False)


class ReviewForm(GovukForm):
    reviewed_on = GovukDateField(label="Date of the review", required=False, help_text="For example, 14 11 2026")
    outcome = forms.ChoiceField(label="Outcome", choices=Review.Outcome.choices, widget=forms.RadioSelect)
    notes = forms.CharField(label="Justification", widget=forms.Textarea(attrs={"rows": 5}), max_length=5000, required=False)
    meeting = forms.CharField(label="At which meeting (optional)", max_length=200, required=False, help_text=MEETING_HELP)


class TeamPostcodesForm(GovukForm):
    postcodes = forms.CharField(
        label="Postcode areas and districts the team covers",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Separate them with commas, for example SO14, SO15, BH. People whose current address is in none of "
        "the teams' postcodes live outside the area (000 §5.7).",
    )


class CircumstancesForm(GovukForm):
    other_forum = forms.CharField(
        label="Risk managed in another forum (optional)",
        max_length=200,
        required=False,
        help_text="For example, MAPPA level 2 panel or MARAC",
    )


class DeregistrationForm(GovukForm):
    approved_on = GovukDateField(label="Date the chair approved removal", required=False, help_text="For example, 14 11 2026")
    meeting = forms.CharField(label="At which meeting (optional)", max_length=200, required=False, help_text=MEETING_HELP)
    reasons = forms.CharField(label="Reasons for removal", widget=forms.Textarea(attrs={"rows": 4}), max_length=5000, required=False)
    exit_plan = forms.CharField(label="Exit plan", widget=forms.Textarea(attrs={"rows": 4}), max_length=5000, required=False)
    supported_by = forms.CharField(
        label="Who keeps supporting the person",
        max_length=200,
        required=False,
        help_text="Name and agency, for example the responsible officer",
    )
    exceptional = forms.BooleanField(label="Removal before six months on the scheme for another reason (give it above)", required=False)
    continuing = forms.TypedMultipleChoiceField(
        label="Agencies that keep supporting the person under the exit plan",
        help_text="Every other agency involved stops seeing the person on the date removal was approved",
        coerce=int,
        choices=[],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, agencies: Sequence[tuple[int, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["continuing"].choices = list(agencies)  # type: ignore[attr-defined]
        if not agencies:
            del self.fields["continuing"]


class RemovalForm(GovukForm):
    item = forms.ChoiceField(label="Which removal action was done?", choices=RemovalItem.choices, widget=forms.RadioSelect)
    done_on = GovukDateField(label="Date done", required=False, help_text="For example, 14 11 2026")
    done_by = forms.CharField(label="By whom", max_length=200, required=False, help_text="Name and agency")
    not_applicable = forms.BooleanField(label="Does not apply (social services only)", required=False)


class TransferForm(GovukForm):
    kind = forms.ChoiceField(label="Kind of transfer", choices=TransferKind.choices, widget=forms.RadioSelect)
    to_team = forms.ModelChoiceField(
        label="Receiving team (internal transfers)", queryset=Team.objects.all(), required=False, empty_label="Select a team"
    )
    other_area = forms.CharField(label="Other area (external transfers)", max_length=200, required=False)
    proposed_address = forms.CharField(label="Proposed address", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, required=False)
    index_offence = forms.CharField(label="Index offence", widget=forms.Textarea(attrs={"rows": 2}), max_length=5000, required=False)
    offending_history = forms.CharField(
        label="Offending history", widget=forms.Textarea(attrs={"rows": 4}), max_length=5000, required=False
    )
    risk_factors = forms.CharField(label="Current risk factors", widget=forms.Textarea(attrs={"rows": 4}), max_length=5000, required=False)
    safeguarding = forms.CharField(label="Safeguarding concerns", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, required=False)


YES_NO = [("yes", "Yes"), ("no", "No")]


class HomeVisitForm(GovukForm):
    visited_on = GovukDateField(label="Date of the joint home visit", required=False, help_text="For example, 14 11 2026")
    police_officer = forms.CharField(label="Police officer on the visit", max_length=200, required=False)
    probation_officer = forms.CharField(label="Probation officer on the visit", max_length=200, required=False)
    address_suitable = forms.ChoiceField(label="Is the address suitable?", choices=YES_NO, widget=forms.RadioSelect, required=False)
    notes = forms.CharField(label="Notes (optional)", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, required=False)


class SpocForm(GovukForm):
    spoc_name = forms.CharField(label="Name of the receiving scheme's SPOC", max_length=200, required=False)
    spoc_contact = forms.CharField(label="SPOC contact details", max_length=200, required=False)


class TransferDecisionForm(GovukForm):
    accepted = forms.ChoiceField(
        label="Did the receiving meeting accept the case?", choices=YES_NO, widget=forms.RadioSelect, required=False
    )
    decided_on = GovukDateField(label="Date of the decision", required=False, help_text="For example, 14 11 2026")
    meeting = forms.CharField(label="Receiving meeting", max_length=200, required=False, help_text=MEETING_HELP)
    notes = forms.CharField(
        label="Notes (required if not accepted)", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, required=False
    )


class DeselectForm(GovukForm):
    deselected_on = GovukDateField(label="Date deselected at the sending end", required=False, help_text="For example, 14 11 2026")


class WithdrawForm(GovukForm):
    reason = forms.CharField(
        label="Why the transfer is withdrawn", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, required=False
    )


STEP_FORMS: dict[str, type[GovukForm]] = {
    "home-visit": HomeVisitForm,
    "spoc": SpocForm,
    "decision": TransferDecisionForm,
    "deselect": DeselectForm,
    "withdraw": WithdrawForm,
}
STEP_TITLES = {
    "home-visit": "Record the joint home visit",
    "spoc": "Name the receiving scheme's SPOC",
    "decision": "Record the receiving meeting's decision",
    "deselect": "Record deselection at the sending end",
    "withdraw": "Withdraw the transfer",
}


def step_data(step: str, cleaned: dict[str, object]) -> dict[str, object]:
    """A step form's data as the service takes it (yes/no as booleans, unanswered as None)."""
    data = dict(cleaned)
    for name in ("address_suitable", "accepted"):
        if name in data:
            data[name] = {"yes": True, "no": False}.get(str(data[name]))
    return data
