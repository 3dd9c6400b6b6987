"""Every form message names its field (GOV.UK: "Months must be a whole number", never Django's
"Enter a whole number."), and an optional field's "(optional)" is its label's hint, not part of its
name in a message (a reviewer saw "Date of the offence (optional) must be a real date")."""

from __future__ import annotations

from django import forms

from iomhub.web.forms import GovukDateField, GovukForm


class _Order(GovukForm):
    months = forms.IntegerField(label="Length in months", min_value=6, max_value=36)
    note = forms.CharField(label="Notes (optional)", required=False, max_length=50)
    offence_on = GovukDateField(label="Date of the offence (optional)", required=False)


def _errors(**data: str) -> dict[str, list[str]]:
    base = {"months": "12", "note": "", "offence_on_day": "", "offence_on_month": "", "offence_on_year": ""}
    form = _Order({**base, **data})
    form.is_valid()
    return {name: list(errors) for name, errors in form.errors.items()}


def test_a_number_that_is_not_one_or_out_of_range_is_named():
    assert _errors(months="twelve") == {"months": ["Length in months must be a whole number"]}
    assert _errors(months="37") == {"months": ["Length in months must be 36 or less"]}
    assert _errors(months="5") == {"months": ["Length in months must be 6 or more"]}
    assert _errors(months="12") == {}


def test_a_null_character_is_named_by_its_field():
    assert _errors(note="Left a\x00message") == {"note": ["Notes contains a null character, which is not allowed"]}


def test_an_optional_dates_message_names_the_field_without_its_hint():
    assert _errors(offence_on_day="31", offence_on_month="2", offence_on_year="2025") == {
        "offence_on": ["Date of the offence must be a real date"]
    }
