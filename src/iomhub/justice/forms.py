"""The justice record's forms (GOV.UK pattern: one question per field, errors named by field).
The services validate again; these only parse what was typed."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms

from iomhub.justice.models import (
    COUNT_LIMITS,
    AdditionalCondition,
    ArrestOutcome,
    CustodyEpisode,
    Disposal,
    LicenceCondition,
    MappaCategory,
    ProgressionModelExclusion,
    PssBreach,
    PssRequirement,
    Recall,
    Requirement,
    SentenceType,
    Warrant,
)
from iomhub.web.forms import GovukDateField, GovukForm


def _count(label: str, *, help_text: str = "", maximum: int = 36500) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        max_value=maximum,
        help_text=help_text,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


class ArrestForm(GovukForm):
    arrested_on = GovukDateField(label="Date of arrest", help_text="For example, 27 3 2026")
    custody_suite = forms.CharField(label="Custody suite", max_length=200)
    outcome = forms.ChoiceField(label="Outcome", choices=ArrestOutcome.choices, widget=forms.RadioSelect)
    offence_codes = forms.CharField(
        label="Home Office offence codes", max_length=200, help_text="Separate codes with commas, for example 28E, 34B"
    )
    offence_committed_on = GovukDateField(
        label="Date of the offence (optional)", required=False, help_text="Leave empty if the same as the arrest"
    )

    def clean_offence_codes(self) -> list[str]:
        return [c.strip() for c in self.cleaned_data["offence_codes"].split(",") if c.strip()]


class OffenceForm(GovukForm):
    code = forms.CharField(label="Home Office offence code", max_length=10, help_text="For example, 28E")
    committed_on = GovukDateField(label="Date of the offence")


class CourtOutcomeForm(GovukForm):
    decided_on = GovukDateField(label="Date of conviction or caution")
    court = forms.CharField(label="Court (optional)", max_length=200, required=False)
    disposal = forms.ChoiceField(label="Disposal", choices=Disposal.choices, widget=forms.RadioSelect)
    requirements = forms.MultipleChoiceField(
        label="Requirements (community order or suspended sentence order)",
        choices=Requirement.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    fine_pounds = _count("Amount of fine in pounds (optional)", maximum=10_000_000)

    def __init__(self, *args: Any, offences: list[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["offence_ids"] = forms.MultipleChoiceField(
            label="Offences (optional)",
            choices=[(str(o.pk), f"{o.code.code} {o.code.description} ({o.committed_on:%-d %b %Y})") for o in offences or []],
            widget=forms.CheckboxSelectMultiple,
            required=False,
        )

    def clean_offence_ids(self) -> list[int]:
        return [int(i) for i in self.cleaned_data["offence_ids"]]


class WarrantForm(GovukForm):
    kind = forms.ChoiceField(label="Kind of warrant", choices=Warrant.Kind.choices, widget=forms.RadioSelect)
    issued_on = GovukDateField(label="Date issued")
    issued_by = forms.CharField(label="Issuing court or force (optional)", max_length=200, required=False)


class MappaForm(GovukForm):
    level = forms.TypedChoiceField(
        label="MAPPA level",
        choices=[("1", "Level 1"), ("2", "Level 2"), ("3", "Level 3"), ("ended", "No longer managed under MAPPA")],
        coerce=lambda v: None if v == "ended" else int(v),
        widget=forms.RadioSelect,
        help_text="Level 2 may be managed with IOM; level 3 is not managed by IOM",
    )
    category = forms.ChoiceField(
        label="MAPPA category (if managed under MAPPA)", choices=MappaCategory.choices, required=False, widget=forms.RadioSelect
    )
    from_date = GovukDateField(label="Date the level applies from", help_text="For example, 3 11 2026")
    source = forms.CharField(
        label="Where it was decided (optional)", max_length=200, required=False, help_text="For example, MAPPA level 2 meeting"
    )


class WarrantExecutedForm(GovukForm):
    executed_on = GovukDateField(label="Date the warrant was executed")


class CustodyEpisodeForm(GovukForm):
    kind = forms.ChoiceField(label="Remand or sentenced", choices=CustodyEpisode.Kind.choices, widget=forms.RadioSelect)
    prison = forms.CharField(label="Prison", max_length=200)
    started_on = GovukDateField(label="Date custody began")
    ended_on = GovukDateField(label="Date custody ended (optional)", required=False)


class SentenceForm(GovukForm):
    sentenced_on = GovukDateField(label="Date of sentence")
    offence_committed_on = GovukDateField(label="Date of the offence", help_text="The earliest offence date for this sentence")
    years = _count("Years", maximum=COUNT_LIMITS["years"])
    months = _count("Months", maximum=COUNT_LIMITS["months"])
    weeks = _count("Weeks", maximum=COUNT_LIMITS["weeks"])
    days = _count("Days", maximum=COUNT_LIMITS["days"])
    remand_days = _count("Days on remand", help_text="Days in custody on remand that count towards the sentence")
    tagged_bail_days = _count("Days of tagged bail credit", help_text="Credit for a qualifying curfew on bail")
    unlawfully_at_large_days = _count(
        "Days unlawfully at large", help_text="Days unlawfully at large (for example escaped) that move release and expiry later"
    )
    prison = forms.CharField(label="Prison (optional)", max_length=200, required=False)
    sentence_type = forms.ChoiceField(
        label="Type of sentence",
        choices=SentenceType.choices,
        initial=SentenceType.SDS,
        required=False,
        widget=forms.RadioSelect,
        help_text="Standard determinate (SDS) unless the court passed an SDS+ or detention under section 250 or 91",
    )
    sds40_excluded = forms.BooleanField(label="Offence excluded from release at 40 per cent (SDS40)", required=False)
    hdc_excluded = forms.BooleanField(label="Statutory exclusion from home detention curfew", required=False)
    progression_model_exclusion = forms.ChoiceField(
        label="Exclusion from the progression model (Sentencing Act 2026)",
        choices=ProgressionModelExclusion.choices,
        required=False,
        initial="",
        widget=forms.RadioSelect,
        help_text="From 1 October 2026 most sentences are released at one third (SDS) or one half (SDS+)",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("years", "months", "weeks", "days", "remand_days", "tagged_bail_days", "unlawfully_at_large_days"):
            if data.get(name) is None and name not in self.errors:
                data[name] = 0
        if not data.get("sentence_type") and "sentence_type" not in self.errors:
            data["sentence_type"] = SentenceType.SDS
        return data


class SentenceOverrideForm(GovukForm):
    release_date = GovukDateField(label="Release date (CRD or ARD) (optional)", required=False)
    expiry_date = GovukDateField(label="Sentence and licence expiry date (optional)", required=False)
    tused = GovukDateField(label="Top-up supervision expiry date (optional)", required=False)
    hdced = GovukDateField(label="HDC eligibility date (optional)", required=False)
    reason = forms.CharField(
        label="Why these dates differ from the calculated ones",
        help_text="For example: the prison's calculation sheet of 3 March 2026. The prison's calculation wins.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
    )


class RecallForm(GovukForm):
    recall_type = forms.ChoiceField(
        label="Recall type",
        choices=Recall.Type.choices,
        widget=forms.RadioSelect,
        help_text="As the prison recorded it. Adults recalled from 31 March 2026 serve 56 days (FTR56) unless it is a standard recall.",
    )
    recalled_on = GovukDateField(label="Date of the recall decision")
    recalled_time = forms.TimeField(
        label="Time of the recall decision", help_text="24-hour clock, for example 14:30", input_formats=["%H:%M"]
    )
    returned_to_custody_on = GovukDateField(label="Date returned to custody (optional)", required=False)
    reason = forms.CharField(label="Reason for recall", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)

    def recalled_at(self) -> datetime.datetime:
        from django.utils import timezone

        day, time = self.cleaned_data["recalled_on"], self.cleaned_data["recalled_time"]
        return timezone.make_aware(datetime.datetime.combine(day, time))


class PssBreachForm(GovukForm):
    heard_on = GovukDateField(label="Date of the hearing")
    outcome = forms.ChoiceField(label="The court's decision", choices=PssBreach.Outcome.choices, widget=forms.RadioSelect)
    fine_pounds = _count("Fine in pounds (only for a fine)", maximum=10_000_000)
    committal_days = _count("Days of committal (only for committal)", maximum=10_000)
    unpaid_work_hours = _count("Hours of unpaid work (only for that order)", maximum=10_000)
    curfew_days = _count("Days of curfew (only for that order)", maximum=10_000)


class ConditionsForm(GovukForm):
    """Licence conditions and post-sentence supervision requirements (002 §5), as checkboxes."""

    set_on = GovukDateField(label="Date the governor set the conditions", help_text="For example, 14 3 2026")
    licence_standard = forms.MultipleChoiceField(
        label="Standard licence conditions",
        help_text="Given to everyone released on licence: select all of them",
        choices=LicenceCondition.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    licence_additional = forms.MultipleChoiceField(
        label="Additional licence conditions (optional)",
        choices=AdditionalCondition.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    additional_wording = forms.CharField(
        label="Wording of the additional licence conditions (optional)",
        help_text="As the licence gives it, for example: not to enter Northbridge town centre as shown on the map",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        required=False,
    )
    pss_requirements = forms.MultipleChoiceField(
        label="Post-sentence supervision requirements (optional)",
        help_text="Only for a sentence with post-sentence supervision (002 §5)",
        choices=PssRequirement.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    drug_test_criteria_met = forms.BooleanField(
        label=(
            "For drug testing: the person has a propensity to misuse Class A or B drugs, and that misuse caused or contributed "
            "to an offence, or is likely to cause or contribute to further offences"
        ),
        required=False,
    )
