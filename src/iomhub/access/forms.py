from __future__ import annotations

from django import forms

from iomhub.access.models import AuditAction
from iomhub.web.forms import GovukDateField, GovukForm


class SignInForm(GovukForm):
    username = forms.CharField(
        label="Username", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "username", "spellcheck": "false"})
    )
    password = forms.CharField(
        label="Password", max_length=200, strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class OtpForm(GovukForm):
    token = forms.CharField(
        label="Security code",
        help_text="The 6-digit code from your authenticator app",
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "class": "govuk-input--width-5"}),
    )

    def clean_token(self) -> str:
        token: str = self.cleaned_data["token"].strip()
        if not token.isdigit():
            raise forms.ValidationError("Security code must be 6 digits")
        return token


class AuditSearchForm(GovukForm):
    person = forms.IntegerField(label="Person reference (optional)", required=False, min_value=1)
    username = forms.CharField(label="Username (optional)", max_length=150, required=False)
    action = forms.ChoiceField(label="Action (optional)", choices=[("", "Any"), *AuditAction.choices], required=False)
    date_from = GovukDateField(label="From date", required=False)
    date_to = GovukDateField(label="To date", required=False)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "To date must be the same as or after from date")
        return data


class ApiTokenForm(GovukForm):
    name = forms.CharField(label="Name of the token", help_text="What will use it, for example 'custody feed'", max_length=100)
