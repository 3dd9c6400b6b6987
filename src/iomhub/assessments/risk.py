"""The DASH risk checklist and the MARAC referral (000 §6.6.2-6.7; ``iomhub.rules.dash``):
authorise (the health section), validate naming the question, work out the criteria, write, audit."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from iomhub.access.models import Section, User
from iomhub.assessments.models import DashChecklist, MaracReferral
from iomhub.assessments.questions import DASH
from iomhub.assessments.services import MAX_INCIDENTS, MAX_NOTE, _audit, _date, _flag, _whole, escalation_threshold
from iomhub.casework.services import authorise
from iomhub.rules import dash
from iomhub.validation import clean_text

if TYPE_CHECKING:
    from iomhub.people.models import Person

ANSWERS = ("yes", "no", "not-known")
REPEAT_WINDOW = datetime.timedelta(days=365)  # "within 12 months of the last MARAC referral"


def _answers(errors: dict[str, list[str]], answers: object) -> list[str]:
    if isinstance(answers, str | bytes) or not isinstance(answers, Sequence) or len(answers) != len(DASH):
        errors.setdefault("answers", []).append(f"Answer all {len(DASH)} questions (yes, no or not known)")
        return []
    checked = []
    for number, answer in enumerate(answers, start=1):
        if answer in ANSWERS:
            checked.append(str(answer))
        elif answer in (None, ""):
            errors.setdefault(f"q{number}", []).append(f"Question {number}: answer \u201c{DASH[number - 1]}\u201d (yes, no or not known)")
        else:
            errors.setdefault(f"q{number}", []).append(f"Question {number}: the answer must be yes, no or not known")
    return checked


def last_marac_referral_before(person: Person, day: datetime.date) -> MaracReferral | None:
    """The person's latest MARAC referral on or before ``day`` (the caller has authorised)."""
    return MaracReferral.objects.filter(person=person, referred_on__lte=day).order_by("-referred_on", "-pk").first()


def dash_record(
    *,
    acting_user: User,
    person: Person,
    completed_on: datetime.date,
    answers: Sequence[str | None],
    professional_judgement: bool,
    judgement_reasons: str = "",
    incidents_last_12_months: int | None = None,
) -> DashChecklist:
    """A completed DASH checklist. "Repeat" is worked out: a MARAC referral of this person in the 12
    months before the checklist (a further incident within 12 months of it; instruments.md §2.4)."""
    authorise(acting_user, person, section=Section.HEALTH)
    errors: dict[str, list[str]] = {}
    day = _date(errors, "completed_on", completed_on, "date of the checklist", person)
    checked = _answers(errors, answers)
    judgement = _flag(errors, "professional_judgement", professional_judgement, "is the referral on professional judgement")
    reasons = clean_text(
        errors, "judgement_reasons", judgement_reasons, "the reasons for your professional judgement", required=judgement, limit=MAX_NOTE
    )
    incidents = _whole(
        errors,
        "incidents_last_12_months",
        incidents_last_12_months,
        "the number of incidents in the last 12 months",
        low=0,
        high=MAX_INCIDENTS,
    )
    if errors:
        raise ValidationError(errors)
    repeat, threshold, result = _dash_result(person, day, checked, judgement, incidents)
    with transaction.atomic():
        checklist = DashChecklist.objects.create(
            person=person,
            completed_on=day,
            answers=checked,
            professional_judgement=judgement,
            judgement_reasons=reasons,
            incidents_last_12_months=incidents or 0,
            escalation_threshold=threshold,
            repeat=repeat,
            yes_count=result.yes_count,
            high_risk=result.high_risk,
            refer_to_marac=result.refer_to_marac,
            reasons=list(result.reasons),
            recorded_by=acting_user,
            recorded_by_name=acting_user.display_name,
        )
        after = {
            "completed_on": day,
            "answers": checked,
            "professional_judgement": judgement,
            "judgement_reasons": reasons,
            "incidents_last_12_months": incidents,
            "yes_count": result.yes_count,
            "refer_to_marac": result.refer_to_marac,
        }
        _audit(acting_user, checklist, person, after)
    return checklist


def _dash_result(person: Person, day: datetime.date, checked: list[str], judgement: bool, incidents: int | None) -> tuple[bool, int, Any]:
    """(a repeat?, the escalation threshold in force, the DASH rule's result): a repeat is a MARAC
    referral of the person in the 12 months before the checklist (instruments.md §2.4)."""
    last = last_marac_referral_before(person, day)
    repeat = last is not None and day - last.referred_on <= REPEAT_WINDOW
    threshold = escalation_threshold()
    result = dash.dash(
        checked,
        professional_judgement=judgement,
        incidents_last_12_months=incidents or 0,
        escalation_threshold=threshold,
        repeat_within_12_months_of_last_marac=repeat,
    )
    return repeat, threshold, result


def marac_referral_record(
    *, acting_user: User, checklist: DashChecklist, referred_on: datetime.date, marac: str, notes: str = ""
) -> MaracReferral:
    """The referral made to MARAC after a checklist that meets the criteria: it flags the case for
    the MARAC link (000 §6.6.2). One per checklist."""
    person = checklist.person
    authorise(acting_user, person, section=Section.HEALTH)
    errors: dict[str, list[str]] = {}
    day = _date(errors, "referred_on", referred_on, "date of the referral", person)
    if day != datetime.date.min and day < checklist.completed_on:
        errors.setdefault("referred_on", []).append("The date of the referral must be on or after the date of the checklist")
    name = clean_text(errors, "marac", marac, "which MARAC it was referred to", required=True, limit=200)
    text = clean_text(errors, "notes", notes, "notes", required=False, limit=MAX_NOTE)
    if not checklist.refer_to_marac:
        errors.setdefault("__all__", []).append(
            "This checklist does not meet the MARAC referral criteria: complete a new checklist recording your professional judgement"
        )
    if MaracReferral.objects.filter(checklist=checklist).exists():
        errors.setdefault("__all__", []).append("The MARAC referral for this checklist is already recorded")
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            referral = MaracReferral.objects.create(
                person=person,
                checklist=checklist,
                referred_on=day,
                marac=name,
                notes=text,
                recorded_by=acting_user,
                recorded_by_name=acting_user.display_name,
            )
            _audit(acting_user, referral, person, {"referred_on": day, "marac": name, "notes": text, "checklist": checklist.pk})
    except IntegrityError:  # two saves at once: the other one won
        raise ValidationError({"__all__": ["The MARAC referral for this checklist is already recorded"]}) from None
    return referral
