"""The instruments' question pages (GOV.UK radios; no JavaScript). The answers are checked by the
services, which name the question in every message, so a page and the API say the same."""

from __future__ import annotations

from typing import Any

from django import forms

from iomhub.assessments.models import FRAMES, Referral, Session, Stage
from iomhub.assessments.questions import AUDIT, DASH, DASH_ANSWERS
from iomhub.rules import top
from iomhub.validation import NotWhole, whole_number
from iomhub.web.forms import GovukDateField, GovukForm

YES_NO = (("yes", "Yes"), ("no", "No"))


def _whole(label: str, **kwargs: Any) -> forms.IntegerField:
    bare = label.removesuffix(" (optional)")
    return forms.IntegerField(
        label=label,
        required=False,
        error_messages={"invalid": f"{bare} must be a whole number"},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-3"}),
        **kwargs,
    )


def _radios(label: str, choices: Any) -> forms.CharField:
    """Radios whose answer the service checks (so a missing or impossible answer is named with
    every other one, not alone by the form)."""
    return forms.CharField(label=label, required=False, max_length=20, widget=forms.RadioSelect(choices=choices))


def _score(value: str | None) -> int | str | None:
    """An AUDIT answer's score; anything else is passed on as it came, for the service to name."""
    if not value:
        return None
    try:
        return whole_number(value, maximum=99)  # ASCII digits only: "²" and "٣" go on as they came
    except NotWhole:
        return value


def _yes_no(value: str | None) -> bool | None:
    return {"yes": True, "no": False}.get(value or "")


class AlcoholForm(GovukForm):
    screened_on = GovukDateField(label="Date of the screening")
    session = _radios("Which session is this?", Session.choices)
    units_last_week = _whole(
        "Units of alcohol drunk in the last week", help_text="Asked at the first and final sessions, to measure change"
    )

    def __init__(self, *args: Any, questions: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for number, (question, options) in enumerate(AUDIT[:questions], start=1):
            self.fields[f"q{number}"] = _radios(f"{number}. {question}", [(str(s), a) for s, a in options])
        self.fields["notes"] = forms.CharField(
            label="Notes (optional)", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
        )
        self.order_fields(["screened_on", "session", *[f"q{n}" for n in range(1, questions + 1)], "units_last_week", "notes"])
        self.questions = questions

    def service_args(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "screened_on": data["screened_on"],
            "session": data.get("session") or "",
            "answers": [_score(data.get(f"q{n}")) for n in range(1, self.questions + 1)],
            "units_last_week": data.get("units_last_week"),
            "notes": data.get("notes") or "",
        }


class BriefAdviceForm(GovukForm):
    given_on = GovukDateField(label="Date the advice was given")
    frames = forms.MultipleChoiceField(label="FRAMES elements covered", choices=FRAMES, widget=forms.CheckboxSelectMultiple, required=False)
    goals = forms.CharField(label="Goals agreed (optional)", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    leaflet_given = _radios("Was a leaflet given?", YES_NO)
    referral = _radios("Referral made", Referral.choices)
    duration_minutes = _whole("How long it took, in minutes")

    def service_args(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["leaflet_given"] = _yes_no(data.get("leaflet_given"))
        return data


class DashForm(GovukForm):
    completed_on = GovukDateField(label="Date of the checklist")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for number, question in enumerate(DASH, start=1):
            self.fields[f"q{number}"] = _radios(f"{number}. {question}", DASH_ANSWERS)
        self.fields["incidents_last_12_months"] = _whole(
            "Incidents reported in the last 12 months", help_text="Police call-outs or other reports of domestic abuse"
        )
        self.fields["professional_judgement"] = _radios("Are you referring to MARAC on professional judgement?", YES_NO)
        self.fields["judgement_reasons"] = forms.CharField(
            label="Reasons for your professional judgement (if referring on it)",
            required=False,
            max_length=5000,
            widget=forms.Textarea(attrs={"rows": 3}),
        )

    def service_args(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "completed_on": data["completed_on"],
            "answers": [data.get(f"q{n}") or None for n in range(1, len(DASH) + 1)],
            "professional_judgement": _yes_no(data.get("professional_judgement")),
            "judgement_reasons": data.get("judgement_reasons") or "",
            "incidents_last_12_months": data.get("incidents_last_12_months"),
        }


class MaracReferralForm(GovukForm):
    referred_on = GovukDateField(label="Date of the referral")
    marac = forms.CharField(
        label="MARAC referred to", max_length=200, required=False, help_text="The area's MARAC, for example Portsmouth MARAC"
    )
    notes = forms.CharField(label="Notes (optional)", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))


class TopForm(GovukForm):
    completed_on = GovukDateField(label="Date of the profile")
    stage = _radios("Stage of treatment", Stage.choices)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for m in top.MEASURES:
            if m.kind == top.YES_NO:
                self.fields[m.name] = _radios(m.label, YES_NO)
            elif m.name == "alcohol_units":
                self.fields[m.name] = _whole(f"{m.label} (if there were drinking days)")
            else:
                hint = "0 to 28, in the last 28 days" if m.kind == top.DAYS else "0 to 20"
                self.fields[m.name] = _whole(m.label, help_text=hint)
            if m.name == "other_drug_days":
                self.fields["other_drug"] = forms.CharField(label="Which other drug (if any days)", required=False, max_length=200)
        self.fields["notes"] = forms.CharField(
            label="Notes (optional)", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
        )

    def service_args(self) -> dict[str, Any]:
        data = self.cleaned_data
        values = {m.name: _yes_no(data.get(m.name)) if m.kind == top.YES_NO else data.get(m.name) for m in top.MEASURES}
        return {
            "completed_on": data["completed_on"],
            "stage": data.get("stage") or "",
            "values": values,
            "other_drug": data.get("other_drug") or "",
            "notes": data.get("notes") or "",
        }
