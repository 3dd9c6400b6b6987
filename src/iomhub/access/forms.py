from __future__ import annotations

from typing import Any

from django import forms

from iomhub.access.models import AuditAction, TokenScope
from iomhub.web.forms import GovukDateField, GovukForm


class SignInForm(GovukForm):
    username = forms.CharField(
        label="Username", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "username", "spellcheck": "false"})
    )
    password = forms.CharField(
        label="Password", max_length=200, strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class ChoosePasswordForm(GovukForm):
    """A new account's password, chosen by its holder through their set-up link (ADR 0045)."""

    password = forms.CharField(
        label="Choose a password",
        help_text="At least 12 characters. Not your name, your username or a common password.",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_again = forms.CharField(
        label="Type the password again", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password") and data.get("password_again") and data["password"] != data["password_again"]:
            self.add_error("password_again", "The passwords do not match: type the same password twice")
        return data


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
    person = forms.IntegerField(label="Person reference (optional)", required=False, min_value=1, max_value=2**63 - 1)
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
    scope = forms.ChoiceField(
        label="What it may do",
        choices=TokenScope.choices,
        initial=TokenScope.READ,
        widget=forms.RadioSelect,
        help_text="A read-only token is refused on every request that would change something",
    )
    code = forms.CharField(
        label="Security code",
        help_text="Creating a token needs a code from your authenticator app: enter the 6-digit code it shows now",
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "class": "govuk-input--width-5"}),
    )

    def __init__(self, *args: Any, ask_code: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not ask_code:
            del self.fields["code"]

    def clean_code(self) -> str:
        code: str = self.cleaned_data["code"].strip()
        if not code.isdigit():
            raise forms.ValidationError("Security code must be 6 digits")
        return code
