"""The person forms (GOV.UK pattern: one question per field, errors named by field)."""

from __future__ import annotations

from typing import Any

from django import forms

from iomhub.people.models import ContactNumber, Ethnicity, Marker, Sex
from iomhub.people.services import marker_errors
from iomhub.people.validators import IDENTIFIER_NORMALISERS
from iomhub.rules.identifiers import normalise_postcode
from iomhub.web.forms import GovukDateField, GovukForm

MAX_NAME = 100


class PersonSearchForm(GovukForm):
    q = forms.CharField(
        label="Search for a person",
        help_text="Name, alias, date of birth (for example 27/03/1988), PNC ID, CRO, CRN, prison, NI or NHS number",
        max_length=200,
        required=False,
    )


class PersonForm(GovukForm):
    first_name = forms.CharField(label="First name", max_length=MAX_NAME)
    middle_names = forms.CharField(label="Middle names", max_length=200, required=False)
    last_name = forms.CharField(label="Last name", max_length=MAX_NAME)
    date_of_birth = GovukDateField(label="Date of birth", past=True, help_text="For example, 27 3 1988")
    sex = forms.ChoiceField(label="Sex", choices=Sex.choices, widget=forms.RadioSelect)
    gender_identity = forms.CharField(label="Gender identity (optional)", max_length=100, required=False)
    pnc_id = forms.CharField(label="PNC ID (optional)", max_length=20, required=False, help_text="For example, 2012/0052494Q")
    cro_number = forms.CharField(label="CRO number (optional)", max_length=20, required=False)
    urn = forms.CharField(label="Police URN (optional)", max_length=30, required=False)
    ni_number = forms.CharField(
        label="National Insurance number (optional)", max_length=13, required=False, help_text="For example, AB 12 34 56 C"
    )
    prison_number = forms.CharField(label="Prison number (optional)", max_length=10, required=False)
    crn = forms.CharField(label="Probation CRN (optional)", max_length=10, required=False)
    nhs_number = forms.CharField(label="NHS number (optional)", max_length=12, required=False)
    email = forms.EmailField(label="Email address (optional)", required=False)
    ethnicity = forms.ChoiceField(label="Ethnicity (optional)", choices=[("", "Not recorded"), *Ethnicity.choices], required=False)
    disability = forms.ChoiceField(
        label="Does the person consider themselves disabled? (optional)",
        choices=[("", "Not recorded"), ("yes", "Yes"), ("no", "No"), ("not-stated", "Prefer not to say")],
        required=False,
    )
    religion = forms.CharField(label="Religion or belief (optional)", max_length=100, required=False)
    sexual_orientation = forms.CharField(label="Sexual orientation (optional)", max_length=100, required=False)

    def clean(self) -> dict[str, Any]:
        """Check every identifier with the same rule the service uses, so all errors show at once."""
        data = super().clean() or {}
        for name, normalise in IDENTIFIER_NORMALISERS.items():
            value = data.get(name)
            if value:
                try:
                    data[name] = normalise(value)
                except ValueError as exc:
                    self.add_error(name, str(exc))
        return data


class NewPersonForm(PersonForm):
    address_line_1 = forms.CharField(label="Address line 1 (optional)", max_length=200, required=False)
    town = forms.CharField(label="Town or city (optional)", max_length=100, required=False)
    postcode = forms.CharField(label="Postcode (optional)", max_length=10, required=False)
    phone_kind = forms.ChoiceField(label="Phone type", choices=ContactNumber.Kind.choices, required=False, initial="M")
    phone = forms.CharField(label="Phone number (optional)", max_length=20, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("postcode"):
            try:
                data["postcode"] = normalise_postcode(data["postcode"])
            except ValueError as exc:
                self.add_error("postcode", str(exc))
        if data.get("postcode") and not data.get("address_line_1"):
            self.add_error("address_line_1", "Enter address line 1, or leave the postcode empty")
        return data


class AliasForm(GovukForm):
    first_name = forms.CharField(label="First name", max_length=MAX_NAME, required=False)
    last_name = forms.CharField(label="Last name", max_length=MAX_NAME)
    date_of_birth = GovukDateField(label="Date of birth used", past=True, required=False)


class BreakGlassForm(GovukForm):
    reason = forms.CharField(
        label="Why do you need to see this record?",
        help_text="This is recorded in the audit log and reviewed by information governance.",
        widget=forms.Textarea(attrs={"rows": 4}),
        min_length=20,
        max_length=2000,
    )


class AddressForm(GovukForm):
    line_1 = forms.CharField(label="Address line 1", max_length=200)
    line_2 = forms.CharField(label="Address line 2 (optional)", max_length=200, required=False)
    town = forms.CharField(label="Town or city", max_length=100, required=False)
    postcode = forms.CharField(label="Postcode", max_length=10, required=False)
    from_date = GovukDateField(label="Living here since", required=False, help_text="The previous current address will end the day before")
    no_fixed_abode = forms.BooleanField(label="No fixed abode", required=False)


class ContactNumberForm(GovukForm):
    kind = forms.ChoiceField(label="Type of number", choices=ContactNumber.Kind.choices, widget=forms.RadioSelect)
    number = forms.CharField(label="Phone number", max_length=20)


class MarkerForm(GovukForm):
    kind = forms.ChoiceField(label="Warning or marker", choices=Marker.Kind.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        label="Details",
        help_text="Needed if you choose Other: say what the warning is. Optional for the others.",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self) -> dict[str, Any]:
        """An "Other" marker needs its details (the service's rule, so the error shows with the rest)."""
        data = super().clean() or {}
        for name, messages in marker_errors(data.get("kind"), data.get("note")).items():
            for message in messages:
                self.add_error(name, message)
        return data


class MergeChooseForm(GovukForm):
    """Which record is this duplicate to be merged into? (issue 5 §2)"""

    into = forms.ChoiceField(
        label="Which record is the same person?",
        widget=forms.RadioSelect,
    )
    record_number = forms.IntegerField(
        label="Record number of the record to keep (if it is not listed)",
        help_text="The number at the end of the record's web address, for example 1234 in /people/1234/",
        required=False,
        min_value=1,
        error_messages={"invalid": "Record number must be a whole number, like 1234", "min_value": "Record number must be 1 or more"},
    )

    def __init__(self, *args: Any, matches: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        into = self.fields["into"]
        assert isinstance(into, forms.ChoiceField)
        into.choices = [*matches, ("other", "Another record (enter its record number)")]
        self.fields["into"].error_messages["required"] = "Select the record to keep, or enter its record number"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("into") == "other" and not data.get("record_number") and "record_number" not in self.errors:
            self.add_error("record_number", "Enter the record number of the record to keep")
        return data

    @property
    def chosen(self) -> int:
        into = self.cleaned_data["into"]
        return int(self.cleaned_data["record_number"] if into == "other" else into)


class MergeReasonForm(GovukForm):
    reason = forms.CharField(
        label="Why are these two records the same person?",
        help_text="For example, the same PNC history, or confirmed by the custody record. This is kept with the merge and in the audit log.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].error_messages["required"] = "Enter why these two records are the same person"


class UndoMergeReasonForm(GovukForm):
    reason = forms.CharField(
        label="Why is this merge being undone?",
        help_text="This is kept with the merge and in the audit log.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].error_messages["required"] = "Enter why this merge is being undone"
