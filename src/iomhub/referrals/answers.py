"""The answers of a referral (002 appendix 2): their limits and formats, the cleaning every save
applies (a draft may be incomplete, never wrong), the contact numbers' notation and which answers
are still missing before it can be submitted."""

from __future__ import annotations

import datetime
import re
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from iomhub import clock
from iomhub.people.validators import name_errors
from iomhub.referrals.models import SCREENING_QUESTIONS, Pathway, PriorityGroup, RagLevel, Referral, RiskLevel
from iomhub.rules import identifiers

if TYPE_CHECKING:
    pass


TEXT_LIMITS: dict[str, int] = {
    "first_name": 100,
    "last_name": 100,
    "urn": 30,
    "address": 300,
    "contact_numbers": 300,
    "contact": 300,
    "warnings": 5000,
    "justification": 10000,
    "index_offences": 5000,
    "offending_history": 10000,
    "threat_harm_risk": 10000,
}
DATE_FIELDS = ("date_of_birth", "referral_date", "licence_expiry", "sentence_expiry")
IDENTIFIER_FIELDS = {
    "pnc_id": identifiers.normalise_pnc_id,
    "ni_number": identifiers.normalise_ni_number,
    "postcode": identifiers.normalise_postcode,
}
ANSWER_FIELDS = (
    *TEXT_LIMITS,
    *DATE_FIELDS,
    *IDENTIFIER_FIELDS,
    "email",
    "sex",
    "proposed_rag",
    "ogrs_score",
    "agencies",
    "pathways",
    "priority_groups",
    "screening",
)
SCREENING_KEYS = tuple(key for key, _ in SCREENING_QUESTIONS)
MAX_AGENCIES = 20

# What submission requires, with the GOV.UK message naming each missing answer (002 appendix 2).
REQUIRED: dict[str, str] = {
    "first_name": "Enter the person's first name",
    "last_name": "Enter the person's last name",
    "date_of_birth": "Enter the person's date of birth",
    "sex": "Select the person's sex, or not known",
    "contact": "Enter your name and contact details",
    "referral_date": "Enter the date of referral",
    "justification": "Enter the evidence of a high risk of re-offending",
    "index_offences": "Enter the index offences",
    "threat_harm_risk": "Enter the threat, harm and risk assessment",
    "proposed_rag": "Select the proposed initial RAG classification",
}


def clean_answers(data: dict[str, Any]) -> dict[str, Any]:
    """Check the format of the answers given (any subset). Returns them normalised; raises a
    ValidationError naming every wrong field. Nothing here requires an answer."""
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    unknown = sorted(set(data) - set(ANSWER_FIELDS))
    for name in unknown:
        errors[name] = ["Unknown field"]
    for step in (_clean_text, _clean_identifiers, _clean_dates, _clean_choices):
        step(data, cleaned, errors)
    if "agencies" in data:
        _clean_agencies(data["agencies"], cleaned, errors)
    if "pathways" in data:
        _clean_pathways(data["pathways"], cleaned, errors)
    _clean_groups_and_screening(data, cleaned, errors)
    if errors:
        raise ValidationError(errors)
    return cleaned


def _clean_text(data: dict[str, Any], cleaned: dict[str, Any], errors: dict[str, list[str]]) -> None:
    """Free text within its limit, and the person's names as people services refuse them."""
    for name, limit in TEXT_LIMITS.items():
        if name in data:
            value = data[name]
            if value is None:
                value = ""
            if not isinstance(value, str):
                errors[name] = ["Enter text"]
            elif "\x00" in value:
                errors[name] = ["Null characters are not allowed"]
            elif len(value) > limit:
                errors[name] = [f"Must be {limit} characters or fewer"]
            else:
                cleaned[name] = value.strip()
    for name, messages in name_errors(cleaned).items():  # the person's names, as people services refuse them
        errors.setdefault(name, []).extend(messages)


def _clean_identifiers(data: dict[str, Any], cleaned: dict[str, Any], errors: dict[str, list[str]]) -> None:
    """PNC, CRO, NI number and the like normalised, the URN and the email address checked."""
    for name, normalise in IDENTIFIER_FIELDS.items():
        if name in data:
            value = data[name] or ""
            if not isinstance(value, str):
                errors[name] = ["Enter text"]
                continue
            try:
                cleaned[name] = normalise(value) if value.strip() else ""
            except ValueError as exc:
                errors[name] = [str(exc)]
    if cleaned.get("urn"):
        try:
            cleaned["urn"] = identifiers.normalise_urn(cleaned["urn"])
        except ValueError as exc:
            errors["urn"] = [str(exc)]
    if "email" in data:
        value = data["email"] or ""
        try:
            if value:
                validate_email(value)
            cleaned["email"] = value
        except (ValidationError, TypeError):
            errors["email"] = ["Enter an email address in the correct format, like name@example.com"]


def _clean_dates(data: dict[str, Any], cleaned: dict[str, Any], errors: dict[str, list[str]]) -> None:
    today = clock.today()
    for name in DATE_FIELDS:
        if name in data:
            value = data[name]
            if value in (None, ""):
                cleaned[name] = None
            elif not isinstance(value, datetime.date):
                errors[name] = ["Enter a real date"]
            elif value.year < 1900:
                errors[name] = ["Must be after 1900"]
            elif name == "date_of_birth" and value >= today:
                errors[name] = ["Date of birth must be in the past"]
            elif name == "referral_date" and value > today:
                errors[name] = ["Date of referral must be today or in the past"]
            else:
                cleaned[name] = value


def _clean_choices(data: dict[str, Any], cleaned: dict[str, Any], errors: dict[str, list[str]]) -> None:
    """The OGRS score, sex, proposed RAG and the contact numbers' notation."""
    if "ogrs_score" in data:
        value = data["ogrs_score"]
        if value in (None, ""):
            cleaned["ogrs_score"] = None
        elif isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
            errors["ogrs_score"] = ["OGRS score must be a whole number from 0 to 100"]
        else:
            cleaned["ogrs_score"] = value
    for name, choices, message in (
        ("sex", _sex_values(), "Select male, female or not known"),
        ("proposed_rag", _rag_values(), "Select a RAG classification: red alert, red, amber, green or prison"),
    ):
        if name in data:
            value = data[name] or ""
            if value not in ("", *choices):
                errors[name] = [message]
            else:
                cleaned[name] = value
    if cleaned.get("contact_numbers"):
        try:
            parse_contact_numbers(cleaned["contact_numbers"])
        except ValueError as exc:
            errors["contact_numbers"] = [str(exc)]


def _clean_groups_and_screening(data: dict[str, Any], cleaned: dict[str, Any], errors: dict[str, list[str]]) -> None:
    if "priority_groups" in data:
        value = data["priority_groups"] or {}
        if not isinstance(value, dict) or set(value) - set(PriorityGroup.values) or any(not isinstance(v, bool) for v in value.values()):
            errors["priority_groups"] = [f"Answer each priority group true or false: {', '.join(PriorityGroup.values)}"]
        else:
            cleaned["priority_groups"] = {g: bool(value.get(g, False)) for g in PriorityGroup.values}
    if "screening" in data:
        value = data["screening"] or {}
        if not isinstance(value, dict) or set(value) - set(SCREENING_KEYS):
            errors["screening"] = [f"Screening answers are keyed {', '.join(SCREENING_KEYS)}"]
        else:
            answers: dict[str, str] = {}
            for key in SCREENING_KEYS:
                answer = value.get(key) or ""
                if not isinstance(answer, str) or len(answer) > 5000 or "\x00" in answer:
                    errors[f"screening.{key}"] = ["Enter an answer of 5000 characters or fewer"]
                elif answer.strip():
                    answers[key] = answer.strip()
            cleaned["screening"] = answers


def _clean_agencies(value: Any, cleaned: dict[str, Any], errors: dict[str, list[str]]) -> None:
    if value in (None, ""):
        cleaned["agencies"] = []
        return
    if not isinstance(value, list) or len(value) > MAX_AGENCIES:
        errors["agencies"] = [f"List up to {MAX_AGENCIES} agencies, each with agency, person and contact"]
        return
    rows = []
    for i, row in enumerate(value):
        if not isinstance(row, dict) or set(row) - {"agency", "person", "contact"}:
            errors[f"agencies[{i}]"] = ["Give agency, person and contact"]
            continue
        texts = {k: row.get(k) or "" for k in ("agency", "person", "contact")}
        if any(not isinstance(v, str) or len(v) > 200 or "\x00" in v for v in texts.values()):
            errors[f"agencies[{i}]"] = ["Agency, person and contact must each be text of 200 characters or fewer"]
            continue
        texts = {k: v.strip() for k, v in texts.items()}
        if not any(texts.values()):
            continue
        if not texts["agency"]:
            errors[f"agencies[{i}].agency"] = ["Enter the agency"]
            continue
        rows.append(texts)
    cleaned["agencies"] = rows


def _clean_pathways(value: Any, cleaned: dict[str, Any], errors: dict[str, list[str]]) -> None:
    value = value or {}
    if not isinstance(value, dict) or set(value) - set(Pathway.values):
        errors["pathways"] = [f"Pathways are keyed {', '.join(Pathway.values)}"]
        return
    result: dict[str, dict[str, str]] = {}
    for pathway in Pathway.values:
        entry = value.get(pathway) or {}
        if not isinstance(entry, dict) or set(entry) - {"risk", "needs", "actions"}:
            errors[f"pathways.{pathway}"] = ["Give risk, needs and actions"]
            continue
        risk = entry.get("risk") or ""
        if risk not in ("", *RiskLevel.values):
            errors[f"pathways.{pathway}.risk"] = ["Risk level must be red, amber or green"]
            continue
        texts = {k: entry.get(k) or "" for k in ("needs", "actions")}
        if any(not isinstance(v, str) or len(v) > 5000 or "\x00" in v for v in texts.values()):
            errors[f"pathways.{pathway}.needs"] = ["Needs and actions must be text of 5000 characters or fewer"]
            continue
        if risk or any(v.strip() for v in texts.values()):
            result[pathway] = {"risk": risk, "needs": texts["needs"].strip(), "actions": texts["actions"].strip()}
    cleaned["pathways"] = result


def _sex_values() -> list[str]:
    from iomhub.people.models import Sex

    return list(Sex.values)


def _rag_values() -> list[str]:
    return list(RagLevel.values)


_KINDS = {"m": "M", "mobile": "M", "h": "H", "home": "H", "w": "W", "work": "W", "o": "O", "other": "O"}
_KIND_SUFFIX = re.compile(r"\(\s*(mobile|home|work|other|m|h|w|o)\s*\)\s*$", re.I)
_KIND_PREFIX = re.compile(r"^(mobile|home|work|other|m|h|w|o)\s*[:\-]\s*", re.I)
_NUMBER = re.compile(r"\+?[0-9 ()-]{6,20}")
CONTACT_NUMBERS_FORMAT = "Enter each number followed by (M), (H), (W) or (O), separated by commas, like 07700 900123 (M)"


def parse_contact_numbers(text: str) -> list[tuple[str, str]]:
    """The referral's contact numbers (002 appendix 2: "Specify Mobile (M), Home (H), Work (W) or
    Other") as (kind, number) pairs, the kinds of ``people.ContactNumber``: "07700 900123 (M),
    H: 0121 496 0000". A number without a kind is Other. Raises ValueError naming the format if a
    part is not a phone number, so what the referrer typed is never lost at adoption."""
    found: list[tuple[str, str]] = []
    for part in re.split(r"[,;\n]", text or ""):
        part = " ".join(part.split())
        if not part:
            continue
        kind = "O"
        if match := _KIND_SUFFIX.search(part):
            kind, part = _KINDS[match.group(1).lower()], part[: match.start()].strip()
        elif match := _KIND_PREFIX.match(part):
            kind, part = _KINDS[match.group(1).lower()], part[match.end() :].strip()
        if not _NUMBER.fullmatch(part):
            raise ValueError(CONTACT_NUMBERS_FORMAT)
        found.append((kind, part))
    return found


def missing_answers(referral: Referral) -> dict[str, list[str]]:
    """Everything a submitted referral must have that this one lacks, named field by field."""
    errors: dict[str, list[str]] = {}
    for name, message in REQUIRED.items():
        if getattr(referral, name) in (None, ""):
            errors[name] = [message]
    for pathway in Pathway:
        entry = (referral.pathways or {}).get(pathway.value, {})
        if not entry.get("risk"):
            errors[f"pathways.{pathway.value}.risk"] = [f"Select a risk level for {pathway.label.lower()}"]
        elif entry["risk"] in (RiskLevel.RED, RiskLevel.AMBER) and not entry.get("needs"):
            # The same rule as every needs assessment, since adoption makes these ratings the first one.
            errors[f"pathways.{pathway.value}.needs"] = [f"Describe the needs for {pathway.label.lower()} (rated {entry['risk']})"]
    for key, question in SCREENING_QUESTIONS:
        if not (referral.screening or {}).get(key):
            errors[f"screening.{key}"] = [f"Answer the screening question: {question}"]
    if referral.licence_expiry and referral.sentence_expiry and referral.licence_expiry > referral.sentence_expiry:
        errors["licence_expiry"] = ["Licence expiry date must be the same as or before the sentence expiry date"]
    return errors
