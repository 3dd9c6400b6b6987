"""The referral form of 002 appendix 2 as GOV.UK question pages, one section per page.

Every page saves the draft; nothing is required until the referral is submitted from "Check your
answers", where each missing answer is named and linked to its page.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator

from iomhub.people.models import Sex
from iomhub.referrals.models import SCREENING_QUESTIONS, Decision, Pathway, PriorityGroup, RagLevel, Referral, RiskLevel
from iomhub.web.forms import GovukDateField, GovukForm

AGENCY_ROWS = 4


def _text(label: str, *, max_length: int, rows: int = 0, help_text: str = "") -> forms.CharField:
    widget = forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput()
    return forms.CharField(label=label, max_length=max_length, required=False, widget=widget, help_text=help_text)


class PersonStep(GovukForm):
    first_name = _text("First name", max_length=100)
    last_name = _text("Last name", max_length=100)
    date_of_birth = GovukDateField(label="Date of birth", past=True, required=False, help_text="For example, 27 3 1988")
    sex = forms.ChoiceField(
        label="Sex",
        help_text="Needed to work out the person's OGRS3 score",
        choices=Sex.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    urn = _text("Police URN (optional)", max_length=30)
    pnc_id = _text("PNC ID (optional)", max_length=20, help_text="For example, 2012/0052494Q")
    ni_number = _text("National Insurance number (optional)", max_length=13, help_text="For example, AB 12 34 56 C")
    address = _text("Address (optional)", max_length=300)
    postcode = _text("Postcode (optional)", max_length=10)
    contact_numbers = _text("Contact numbers (optional)", max_length=300, help_text="Say which are mobile (M), home (H), work (W) or other")
    email = forms.EmailField(label="Email address (optional)", required=False)
    warnings = _text("Warnings from PNC or Niche (optional)", max_length=5000, rows=3)


class ReferrerStep(GovukForm):
    contact = _text("Your name and contact details", max_length=300, help_text="Your agency is recorded from your account")
    referral_date = GovukDateField(label="Date of referral", required=False)


class JustificationStep(GovukForm):
    justification = _text("Evidence of a high risk of re-offending", max_length=10000, rows=6)
    ogrs_score = forms.IntegerField(
        label="OGRS score (optional)",
        required=False,
        help_text="The two-year OGRS3 probability as a percentage, 0 to 100",
        validators=[
            MinValueValidator(0, "OGRS score must be a whole number from 0 to 100"),
            MaxValueValidator(100, "OGRS score must be a whole number from 0 to 100"),
        ],
        error_messages={"invalid": "OGRS score must be a whole number from 0 to 100"},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-3"}),
    )
    licence_expiry = GovukDateField(label="Licence expiry date (LED) (optional)", required=False)
    sentence_expiry = GovukDateField(label="Sentence expiry date (SED) (optional)", required=False)
    index_offences = _text("Index offences", max_length=5000, rows=3)
    offending_history = _text("Offending history: known for, previous convictions (optional)", max_length=10000, rows=5)


class _AgenciesBase(GovukForm):
    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for i in range(1, AGENCY_ROWS + 1):
            if (data.get(f"person_{i}") or data.get(f"contact_{i}")) and not data.get(f"agency_{i}"):
                self.add_error(f"agency_{i}", f"Enter agency {i}, or leave its person and contact empty")
        return data


def _agency_fields() -> dict[str, forms.Field]:
    found: dict[str, forms.Field] = {}
    for i in range(1, AGENCY_ROWS + 1):
        found[f"agency_{i}"] = _text(f"Agency {i} (optional)", max_length=200)
        found[f"person_{i}"] = _text(f"Person at agency {i} (optional)", max_length=200)
        found[f"contact_{i}"] = _text(f"Contact details at agency {i} (optional)", max_length=200)
    return found


def _pathway_fields() -> dict[str, forms.Field]:
    found: dict[str, forms.Field] = {}
    for pathway in Pathway:
        found[f"{pathway.value}_risk"] = forms.ChoiceField(
            label=f"{pathway.label}: risk level", choices=RiskLevel.choices, required=False, widget=forms.RadioSelect
        )
        found[f"{pathway.value}_needs"] = _text(f"{pathway.label}: needs (optional)", max_length=5000, rows=2)
        found[f"{pathway.value}_actions"] = _text(f"{pathway.label}: actions (optional)", max_length=5000, rows=2)
    return found


def _threat_fields() -> dict[str, forms.Field]:
    found: dict[str, forms.Field] = {
        "proposed_rag": forms.ChoiceField(
            label="Proposed initial RAG classification",
            help_text="The referring agency identifies the initial classification; the referral meeting confirms or changes it",
            choices=RagLevel.choices,
            required=False,
            widget=forms.RadioSelect,
        ),
        "threat_harm_risk": _text("Threat, harm and risk assessment", max_length=10000, rows=5),
    }
    for i, (key, question) in enumerate(SCREENING_QUESTIONS, start=1):
        found[key] = _text(f"Screening question {i}: {question}", max_length=5000, rows=3)
    return found


# Forms whose fields come from the lists of 002 appendix 2 (agencies, pathways, questions).
AgenciesStep: type[GovukForm] = type("AgenciesStep", (_AgenciesBase,), _agency_fields())
RiskStep: type[GovukForm] = type("RiskStep", (GovukForm,), _pathway_fields())


class PriorityStep(GovukForm):
    priority_groups = forms.MultipleChoiceField(
        label="Which priority groups is the person in?",
        help_text="Select all that apply. Groups not selected are recorded as N.",
        choices=PriorityGroup.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


ThreatStep: type[GovukForm] = type("ThreatStep", (GovukForm,), _threat_fields())


# slug -> (page title, form)
STEPS: dict[str, tuple[str, type[GovukForm]]] = {
    "person": ("Offender personal details", PersonStep),
    "referrer": ("Referral details", ReferrerStep),
    "justification": ("Justification and reasons for referral", JustificationStep),
    "agencies": ("Other agencies involved", AgenciesStep),
    "risk": ("Risk factors by pathway", RiskStep),
    "priority": ("Priority groups", PriorityStep),
    "threat": ("Threat, harm and risk, and screening questions", ThreatStep),
}
STEP_ORDER = list(STEPS)
PLAIN_FIELDS = {
    "person": [
        "first_name",
        "last_name",
        "date_of_birth",
        "sex",
        "urn",
        "pnc_id",
        "ni_number",
        "address",
        "postcode",
        "contact_numbers",
        "email",
        "warnings",
    ],
    "referrer": ["contact", "referral_date"],
    "justification": ["justification", "ogrs_score", "licence_expiry", "sentence_expiry", "index_offences", "offending_history"],
    "threat": ["proposed_rag", "threat_harm_risk"],
}


def answers_from(step: str, cleaned: dict[str, Any]) -> dict[str, Any]:
    """A step's cleaned form data as referral answers (the service's shape)."""
    answers = {name: cleaned.get(name) for name in PLAIN_FIELDS.get(step, [])}
    if step == "agencies":
        answers["agencies"] = [
            {k: cleaned.get(f"{k}_{i}") or "" for k in ("agency", "person", "contact")} for i in range(1, AGENCY_ROWS + 1)
        ]
    elif step == "risk":
        answers["pathways"] = {
            p: {
                "risk": cleaned.get(f"{p}_risk") or "",
                "needs": cleaned.get(f"{p}_needs") or "",
                "actions": cleaned.get(f"{p}_actions") or "",
            }
            for p in Pathway.values
        }
    elif step == "priority":
        answers["priority_groups"] = {g: g in (cleaned.get("priority_groups") or []) for g in PriorityGroup.values}
    elif step == "threat":
        answers["screening"] = {key: cleaned.get(key) or "" for key, _ in SCREENING_QUESTIONS}
    return answers


def initial_for(step: str, referral: Referral) -> dict[str, Any]:
    initial: dict[str, Any] = {name: getattr(referral, name) for name in PLAIN_FIELDS.get(step, [])}
    if step == "agencies":
        for i, row in enumerate(referral.agencies[:AGENCY_ROWS], start=1):
            for k in ("agency", "person", "contact"):
                initial[f"{k}_{i}"] = row.get(k, "")
    elif step == "risk":
        for p, entry in (referral.pathways or {}).items():
            for k in ("risk", "needs", "actions"):
                initial[f"{p}_{k}"] = entry.get(k, "")
    elif step == "priority":
        initial["priority_groups"] = [g for g, yes in (referral.priority_groups or {}).items() if yes]
    elif step == "threat":
        initial.update(referral.screening or {})
    return initial


def where_to_answer(key: str) -> tuple[str, str]:
    """The page and the form field (for the error link) where an answer named ``key`` is given."""
    if key.startswith("pathways."):
        parts = key.split(".")
        return "risk", f"{parts[1]}_{parts[2] if len(parts) > 2 else 'risk'}"
    if key.startswith("screening."):
        return "threat", key.split(".", 1)[1]
    if key.startswith("agencies"):
        return "agencies", "agency_1"
    if key == "priority_groups":
        return "priority", "priority_groups"
    for step, names in PLAIN_FIELDS.items():
        if key in names:
            return step, key
    return "person", "first_name"


class DecisionForm(GovukForm):
    outcome = forms.ChoiceField(label="Decision", choices=Decision.Outcome.choices, widget=forms.RadioSelect)
    reasons = forms.CharField(label="Reasons for the decision", max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
    meeting_date = GovukDateField(label="Date of the referral meeting", help_text="For example, 14 11 2026")
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
    strand = forms.CharField(label="Strand (optional)", max_length=100, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("outcome") == Decision.Outcome.ADOPT and not data.get("rag"):
            self.add_error("rag", "Select the initial RAG classification")
        return data
