"""The drug test, order and review forms (GOV.UK; they work without JavaScript, one page each, short
enough for a custody suite on a tablet)."""

from __future__ import annotations

from typing import Any

from django import forms

from iomhub.casework.models import Substance
from iomhub.interventions.models import Attendance, Intensity, OrderKind, Progress, SampleType, Specified, TreatmentOrder
from iomhub.web.forms import GovukDateField, GovukForm

RESULT_CHOICES = [("", "Not tested"), ("negative", "Negative"), ("positive", "Positive")]


class DrugTestForm(GovukForm):
    tested_on = GovukDateField(label="Date of the test")
    sample_type = forms.ChoiceField(
        label="Sample", choices=[c for c in SampleType.choices if c[0] != SampleType.NOT_RECORDED], widget=forms.RadioSelect
    )
    specified = forms.ChoiceField(
        label="Drugs the test is for",
        help_text="Specified Class A on arrest; Class A or B under a licence or DRR drug-testing requirement",
        choices=Specified.choices,
        widget=forms.RadioSelect,
        initial=Specified.NONE,
    )
    refused = forms.ChoiceField(
        label="Did the person take the test?",
        choices=[("no", "Yes, the test was taken"), ("yes", "No, the person refused")],
        widget=forms.RadioSelect,
        initial="no",
    )
    order = forms.ChoiceField(label="Taken under an order (optional)", required=False)
    notes = forms.CharField(label="Notes (optional)", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, orders: list[TreatmentOrder] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        order: Any = self.fields["order"]
        order.choices = [("", "Not under an order"), *((str(o.pk), str(o)) for o in orders)]
        if not orders:
            del self.fields["order"]
        for value, label in Substance.choices:
            field = forms.ChoiceField(label=label, choices=RESULT_CHOICES, required=False)
            field.widget.attrs["class"] = "govuk-select"
            self.fields[f"result_{value}"] = field
        self.order_fields(
            ["tested_on", "sample_type", "specified", "refused", *(f"result_{v}" for v in Substance.values), "order", "notes"]
        )

    def results(self) -> dict[str, str]:
        return {s: self.cleaned_data.get(f"result_{s}", "") for s in Substance.values if self.cleaned_data.get(f"result_{s}")}

    def service_data(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if not k.startswith("result_") and k != "order"}
        return {**data, "refused": data.get("refused") == "yes", "results": self.results()}


class OrderForm(GovukForm):
    kind = forms.ChoiceField(label="Kind of order", choices=OrderKind.choices, widget=forms.RadioSelect)
    court = forms.CharField(label="Court that made the order", max_length=200)
    made_on = GovukDateField(label="Date the order was made")
    starts_on = GovukDateField(label="Start date")
    months = forms.IntegerField(
        label="Length in months",
        help_text="From 6 to 36 months",
        min_value=1,
        max_value=99,
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-3"}),
    )
    intensity = forms.ChoiceField(label="Intensity", choices=Intensity.choices, widget=forms.RadioSelect)
    provider = forms.CharField(label="Treatment provider", max_length=200)
    offender_manager = forms.CharField(label="Offender manager (optional)", max_length=200, required=False)


class ReviewForm(GovukForm):
    reviewed_on = GovukDateField(label="Date of the review")
    progress = forms.ChoiceField(label="Progress", choices=Progress.choices, widget=forms.RadioSelect)
    attendance = forms.ChoiceField(label="Attendance", choices=Attendance.choices, widget=forms.RadioSelect)
    tests_summary = forms.CharField(
        label="Test results since the last review (optional)",
        help_text="Filled in from the tests recorded under this order; change it if you need to",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    notes = forms.CharField(label="Progress notes", max_length=5000, widget=forms.Textarea(attrs={"rows": 5}))


class ReportForm(GovukForm):
    audience = forms.ChoiceField(
        label="Who is the report for?",
        choices=[("court", "The court"), ("offender-manager", "The offender manager")],
        widget=forms.RadioSelect,
    )
