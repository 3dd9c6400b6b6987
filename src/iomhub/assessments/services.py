"""Every instrument recorded goes through here: authorise (the health section), validate naming the
question, work the result out with the rules, write, audit (issue 12 part 1).

Who may record: anyone who may change the health section of the person's record
(``Action.PERSON_CHANGE``, ``Section.HEALTH``): the core IOM team, and partner workers whose
agreement shares health. A refusal is audited (``casework.services.authorise``).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from iomhub.access import audit
from iomhub.access.models import AuditAction, Section, User
from iomhub.assessments.models import (
    FRAMES,
    AlcoholScreening,
    BriefAdvice,
    Instrument,
    Referral,
    Session,
)
from iomhub.assessments.questions import AUDIT, AUDIT_C_QUESTIONS
from iomhub.casework.services import authorise
from iomhub.rules import alcohol
from iomhub.validation import clean_date, clean_text

if TYPE_CHECKING:
    from iomhub.people.models import Person

MAX_NOTE = 5000
MAX_UNITS_WEEK = 1000  # units in a week: more is a typing error
MAX_MINUTES = 240
MAX_INCIDENTS = 366
FRAME_KEYS = tuple(k for k, _ in FRAMES)


def escalation_threshold() -> int:
    """Incidents in 12 months that meet the potential-escalation criterion: set locally (commonly 3;
    instruments.md §2.4), ``IOMHUB_MARAC_ESCALATION_THRESHOLD`` in the settings."""
    return int(getattr(settings, "MARAC_ESCALATION_THRESHOLD", 3))


def _audit(user: User, obj: Any, person: Person, after: dict[str, Any]) -> None:
    audit.record(
        actor=user,
        action=AuditAction.CREATE,
        object_type=type(obj).AUDIT_TYPE,
        object_id=obj.pk,
        person_id=person.pk,
        changes={"section": Section.HEALTH, **audit.diff({}, after)},
    )


def _date(errors: dict[str, list[str]], name: str, value: Any, label: str, person: Person) -> datetime.date:
    return clean_date(errors, name, value, f"the {label}", born=person.date_of_birth)


def _whole(errors: dict[str, list[str]], name: str, value: Any, label: str, *, low: int, high: int, required: bool = True) -> int | None:
    if value is None or value == "":
        if required:
            errors.setdefault(name, []).append(f"Enter {label}")
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        errors.setdefault(name, []).append(f"{label[0].upper()}{label[1:]} must be a whole number")
        return None
    if not low <= value <= high:
        errors.setdefault(name, []).append(f"{label[0].upper()}{label[1:]} must be between {low} and {high}")
        return None
    return int(value)


def _choice(errors: dict[str, list[str]], name: str, value: Any, choices: Any, label: str) -> str:
    if value in (None, ""):
        errors.setdefault(name, []).append(f"Select {label}")
        return ""
    if value not in choices.values:
        errors.setdefault(name, []).append(f"Select a valid {label}")
    return str(value)


def _flag(errors: dict[str, list[str]], name: str, value: Any, label: str) -> bool:
    if not isinstance(value, bool):
        errors.setdefault(name, []).append(f"Answer yes or no: {label}")
        return False
    return value


# ---------------------------------------------------------------- AUDIT-C and AUDIT (000 §6.3.2)


def _audit_answers(errors: dict[str, list[str]], answers: Any, count: int) -> list[int]:
    if isinstance(answers, str | bytes) or not isinstance(answers, Sequence) or len(answers) != count:
        errors.setdefault("answers", []).append(f"Answer all {count} questions")
        return []
    checked = []
    for number, answer in enumerate(answers, start=1):
        question, options = AUDIT[number - 1]
        allowed = [score for score, _ in options]
        if answer is None or answer == "":
            errors.setdefault(f"q{number}", []).append(f"Question {number}: select an answer to \u201c{question}\u201d")
        elif isinstance(answer, bool) or not isinstance(answer, int) or answer not in allowed:
            scores = ", ".join(map(str, allowed))
            errors.setdefault(f"q{number}", []).append(f"Question {number}: the answer must score one of {scores}")
        else:
            checked.append(answer)
    return checked


def alcohol_screening_record(
    *,
    acting_user: User,
    person: Person,
    instrument: str,
    screened_on: datetime.date,
    session: str,
    answers: Sequence[int | None],
    units_last_week: int | None = None,
    notes: str = "",
    follows: AlcoholScreening | None = None,
) -> AlcoholScreening:
    """An AUDIT-C (3 answers) or full AUDIT (10), scored by ``iomhub.rules.alcohol``. The units drunk
    in the last week are asked at the first and final sessions (000 §6.3.2: the change in behaviour
    is measured by them, not by the AUDIT score)."""
    authorise(acting_user, person, section=Section.HEALTH)
    errors: dict[str, list[str]] = {}
    kind = _choice(errors, "instrument", instrument, Instrument, "AUDIT-C or the full AUDIT")
    day = _date(errors, "screened_on", screened_on, "date of the screening", person)
    sess = _choice(errors, "session", session, Session, "which session this is")
    checked = _audit_answers(errors, answers, AUDIT_C_QUESTIONS if kind == Instrument.AUDIT_C else len(AUDIT)) if kind else []
    needs_units = sess in (Session.FIRST, Session.FINAL)
    units = _whole(
        errors, "units_last_week", units_last_week, "the units drunk in the last week", low=0, high=MAX_UNITS_WEEK, required=needs_units
    )
    text = clean_text(errors, "notes", notes, "notes", required=False, limit=MAX_NOTE)
    if follows is not None and (follows.person_id != person.pk or follows.instrument != Instrument.AUDIT_C or kind != Instrument.AUDIT):
        errors.setdefault("follows", []).append("A full AUDIT can follow only an AUDIT-C of the same person")
    if errors:
        raise ValidationError(errors)
    result = (alcohol.audit_c if kind == Instrument.AUDIT_C else alcohol.audit)(checked)
    with transaction.atomic():
        screening = AlcoholScreening.objects.create(
            person=person,
            instrument=kind,
            screened_on=day,
            session=sess,
            answers=checked,
            units_last_week=units,
            score=result.score,
            zone=result.zone,
            brief_advice=result.brief_advice,
            refer_specialist=result.refer_specialist,
            full_audit_advised=result.full_audit_advised,
            follows=follows,
            notes=text,
            recorded_by=acting_user,
            recorded_by_name=acting_user.display_name,
        )
        after = {"instrument": kind, "screened_on": day, "session": sess, "answers": checked, "units_last_week": units}
        _audit(acting_user, screening, person, {**after, "score": result.score, "zone": result.zone})
    return screening


# ---------------------------------------------------------------- brief advice (000 §6.3.1, FRAMES)


def brief_advice_record(
    *,
    acting_user: User,
    person: Person,
    given_on: datetime.date,
    frames: Sequence[str],
    goals: str,
    leaflet_given: bool,
    referral: str,
    duration_minutes: int | None,
    screening: AlcoholScreening | None = None,
) -> BriefAdvice:
    authorise(acting_user, person, section=Section.HEALTH)
    errors: dict[str, list[str]] = {}
    day = _date(errors, "given_on", given_on, "date the advice was given", person)
    covered = [f for f in FRAME_KEYS if f in set(frames or ())]
    unknown = set(frames or ()) - set(FRAME_KEYS)
    if unknown:
        errors.setdefault("frames", []).append(f"Not a FRAMES element: {', '.join(sorted(map(str, unknown)))[:200]}")
    elif not covered:
        errors.setdefault("frames", []).append("Select the FRAMES elements covered")
    goal_text = clean_text(errors, "goals", goals, "the goals agreed", required=False, limit=MAX_NOTE)
    leaflet = _flag(errors, "leaflet_given", leaflet_given, "was a leaflet given")
    ref = _choice(errors, "referral", referral, Referral, "the referral made")
    minutes = _whole(errors, "duration_minutes", duration_minutes, "how long the advice took, in minutes", low=1, high=MAX_MINUTES)
    if screening is not None and screening.person_id != person.pk:
        errors.setdefault("screening", []).append("The screening must be of the same person")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        advice = BriefAdvice.objects.create(
            person=person,
            given_on=day,
            screening=screening,
            frames=covered,
            goals=goal_text,
            leaflet_given=leaflet,
            referral=ref,
            duration_minutes=minutes or 0,
            recorded_by=acting_user,
            recorded_by_name=acting_user.display_name,
        )
        after = {
            "given_on": day,
            "frames": covered,
            "goals": goal_text,
            "leaflet_given": leaflet,
            "referral": ref,
            "duration_minutes": minutes,
        }
        _audit(acting_user, advice, person, after)
    return advice
