"""Licence conditions and post-sentence supervision requirements, versioned (002 §5)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction

from iomhub.justice.models import (
    AdditionalCondition,
    LicenceCondition,
    PssRequirement,
    Sentence,
    SupervisionConditions,
)
from iomhub.justice.services._common import audit_write, authorise_change, check_date
from iomhub.validation import text_direction_errors

if TYPE_CHECKING:
    from iomhub.access.models import User


class StaleConditions(ValidationError):
    """Someone else changed the conditions since the form was opened."""


def _has_licence(sentence: Sentence) -> bool | None:
    """True if released on licence, False if released without one (ARD), None if the dates are
    not known (neither calculated nor entered by the prison)."""
    if sentence.release_type == "ARD" and not sentence.override_expiry_date:
        return False
    if sentence.effective("release_date") is None or sentence.effective("expiry_date") is None:
        return None
    return True


def conditions_set(
    *,
    acting_user: User,
    sentence: Sentence,
    set_on: datetime.date,
    licence_standard: Sequence[str] = (),
    licence_additional: Sequence[str] = (),
    additional_wording: str = "",
    pss_requirements: Sequence[str] = (),
    drug_test_criteria_met: bool = False,
    expected_version: int | None = None,
) -> SupervisionConditions:
    """Record (or vary) the licence conditions and supervision requirements of ``sentence`` as the
    governor of the releasing prison set them (issue 4 §4; 002 §5). Refused by field, storing
    nothing: every standard condition on a licence (they are given to everyone), wording for
    additional conditions, supervision requirements only where the sentence has post-sentence
    supervision and only from the list of 002 §5, and drug testing only where the criteria are met."""
    person = sentence.person
    authorise_change(acting_user, person)
    errors: dict[str, list[str]] = {}
    check_date(errors, "set_on", set_on, "date the conditions were set", person)
    if "set_on" not in errors and set_on < sentence.sentenced_on:
        errors["set_on"] = [f"The conditions must be set on or after the date of sentence ({sentence.sentenced_on:%-d %B %Y})"]
    standard = list(dict.fromkeys(licence_standard))
    additional = list(dict.fromkeys(licence_additional))
    pss = list(dict.fromkeys(pss_requirements))
    for name, chosen, allowed, what in (
        ("licence_standard", standard, LicenceCondition.values, "standard licence condition"),
        ("licence_additional", additional, AdditionalCondition.values, "additional licence condition"),
        ("pss_requirements", pss, PssRequirement.values, "post-sentence supervision requirement"),
    ):
        bad = [c for c in chosen if c not in allowed]
        if bad:
            extra = " (additional licence conditions are not available for supervision, 002 §5)" if name == "pss_requirements" else ""
            errors[name] = [f"Unknown {what}: {', '.join(map(str, bad))}{extra}"]
    wording = " ".join(str(additional_wording or "").split())
    _check_licence(errors, sentence, standard, additional, pss)
    _check_wording_and_drugs(errors, additional, pss, wording, drug_test_criteria_met)
    if not (standard or additional or pss) and not errors:
        errors["licence_standard"] = ["Select the licence conditions or supervision requirements the governor set"]
    if errors:
        raise ValidationError(errors)
    after = {
        "set_on": set_on,
        "licence_standard": standard,
        "licence_additional": additional,
        "additional_wording": wording,
        "pss_requirements": pss,
        "drug_test_criteria_met": bool(drug_test_criteria_met),
    }
    return _save(acting_user, sentence, after, expected_version)


def _check_licence(errors: dict[str, list[str]], sentence: Sentence, standard: list[str], additional: list[str], pss: list[str]) -> None:
    """Licence conditions only on a licence, with every standard one; requirements only with supervision."""
    has_licence = _has_licence(sentence)
    if (standard or additional) and has_licence is False:
        errors["licence_standard"] = ["This sentence has no licence (released without licence), so it has no licence conditions"]
    elif (standard or additional) and has_licence is None:
        errors["licence_standard"] = ["The sentence has no release and expiry dates: enter the prison's dates first"]
    elif (standard or additional) and "licence_standard" not in errors:
        missing = [LicenceCondition(c).label for c in LicenceCondition.values if c not in standard]
        if missing:
            errors["licence_standard"] = [
                "The standard licence conditions are given to everyone on licence (002 §5): select all of them. Missing: "
                + "; ".join(missing)
            ]
    if pss and sentence.effective("tused") is None:
        errors["pss_requirements"] = ["This sentence has no post-sentence supervision, so it has no supervision requirements"]


def _check_wording_and_drugs(
    errors: dict[str, list[str]], additional: list[str], pss: list[str], wording: str, drug_test_criteria_met: bool
) -> None:
    """Wording for the additional conditions (other than the drug ones); drug testing only on the criteria of 002 §5."""
    non_drug = [c for c in additional if c not in {"drug-testing", "drug-appointments"}]
    if non_drug and not wording:
        errors["additional_wording"] = ["Enter the wording of the additional licence conditions, as the licence gives it"]
    elif wording and not non_drug:
        errors["additional_wording"] = ["Only enter wording when an additional condition (other than the drug conditions) is selected"]
    elif len(wording) > 4000:
        errors["additional_wording"] = ["The wording must be 4000 characters or fewer"]
    elif "\x00" in wording:
        errors["additional_wording"] = ["The wording must not contain null characters"]
    else:
        text_direction_errors(errors, {"additional_wording": (wording, "the wording")})
    drug_testing = "drug-testing" in additional or "drug-testing" in pss
    if drug_testing and not drug_test_criteria_met:
        errors["drug_test_criteria_met"] = [
            "Drug testing needs the criteria of 002 §5: confirm the person has a propensity to misuse Class A or B drugs "
            "that caused or contributed to an offence, or is likely to cause or contribute to further offences"
        ]
    elif drug_test_criteria_met and not drug_testing:
        errors["drug_test_criteria_met"] = ["Only confirm the drug-testing criteria when drug testing is a condition"]


def _save(acting_user: User, sentence: Sentence, after: dict[str, Any], expected_version: int | None) -> SupervisionConditions:
    """Write the conditions (a new version of them, unless someone else changed them meanwhile), audited."""
    person = sentence.person
    with transaction.atomic():
        Sentence.objects.select_for_update().get(pk=sentence.pk)  # one writer at a time per sentence
        current = SupervisionConditions.objects.filter(sentence=sentence).first()
        if expected_version is not None and (current.version if current else 0) != expected_version:
            raise StaleConditions(
                "Someone else changed these conditions while you were editing them. Your changes have not been saved: reload and try again."
            )
        before = {name: getattr(current, name) for name in after} if current else {}
        if current is None:
            current = SupervisionConditions(person=person, sentence=sentence, version=1, **after)
        else:
            for name, value in after.items():
                setattr(current, name, value)
            current.version += 1
        current.updated_by = acting_user
        current.save()
        audit_write(
            acting_user, "supervision-conditions", current, person, before, {**after, "sentence": sentence.pk} if not before else after
        )
    return current
