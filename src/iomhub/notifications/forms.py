"""The form for recording a person's agreement to appointment reminders by text (issue 11 §6)."""

from __future__ import annotations

from django import forms

from iomhub.web.forms import GovukForm


class TextRemindersForm(GovukForm):
    agreed = forms.ChoiceField(
        label="Have they agreed to appointment reminders by text?",
        choices=[("yes", "Yes, they agreed"), ("no", "No, they have withdrawn their agreement (or replied STOP)")],
        widget=forms.RadioSelect,
    )
    number = forms.CharField(
        label="Mobile number",
        max_length=20,
        required=False,
        help_text="The UK mobile number they agreed to be sent reminders at. Needed when they agree.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel", "class": "govuk-input--width-20"}),
    )
