"""Recalls of the type the prison recorded, and breaches of post-sentence supervision (002 §5)."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from iomhub import clock
from iomhub.justice.models import (
    PssBreach,
    Recall,
    Sentence,
    SentenceType,
)
from iomhub.justice.services._common import audit_write, authorise_change, check_date
from iomhub.rules import recall as rules
from iomhub.rules.recall import FTR56_COMMENCEMENT
from iomhub.validation import text_direction_errors

if TYPE_CHECKING:
    from iomhub.access.models import User


PSS_FINE_LIMIT_POUNDS = 1000  # level 3 (002 §5)
PSS_COMMITTAL_LIMIT_DAYS = 14
PSS_UNPAID_WORK_HOURS = (20, 60)
PSS_CURFEW_MINIMUM_DAYS = 20
RECALL_REPORT_HOURS = 24


def _recall_type_errors(sentence: Sentence, recall_type: str, recalled_on: datetime.date | None) -> list[str]:
    """Whether ``recall_type`` can apply to ``sentence`` (the reference §2.2: CRDS validates the
    recorded type; RecordARecallDecisionService.kt L269-315 expects FTR56 or standard for adults,
    FTR14/FTR28 only for s.250/s.91 detention; CJA 2003 s.255B(1A), s.255BA)."""
    if recall_type not in Recall.Type.values:
        return ["Select the recall type: FTR56, FTR14, FTR28 or standard"]
    if recall_type == Recall.Type.STANDARD:
        return []
    young = sentence.sentence_type in (SentenceType.S250, SentenceType.S250_PLUS)
    if recall_type == Recall.Type.FTR56:
        if young:
            return [
                "FTR56 is for adults: a young offender's fixed-term recall is FTR14 (sentence under 12 months) or FTR28 (CJA 2003 s.255B(1A))"
            ]
        return []
    legal = "FTR14" if sentence.under_12_months else "FTR28"
    if recall_type != legal:
        term = "less than 12 months" if legal == "FTR14" else "12 months or more"
        return [f"The sentence is {term}, so a 14- or 28-day recall is {legal}, not {recall_type} (002 §5)"]
    if not young and recalled_on is not None and recalled_on >= FTR56_COMMENCEMENT:
        return [
            "Adults recalled from 31 March 2026 serve 56 days: select FTR56, or standard recall "
            "(Sentencing Act 2026 s.32, CJA 2003 s.255BA)"
        ]
    return []


def recall_record(
    *,
    acting_user: User,
    sentence: Sentence,
    recalled_at: datetime.datetime,
    reason: str,
    recall_type: str = "",
    returned_to_custody_on: datetime.date | None = None,
    kind: str | None = None,
) -> Recall:
    """Recall to custody from licence, of the type the prison recorded (FTR56, FTR14, FTR28 or
    standard; issue 10): a fixed-term recall is released after its days from the return to custody
    (``iomhub.rules.recall.fixed_term_recall``), never after the sentence and licence expiry
    date; a type that cannot apply to the sentence is refused. The recall report is due 24 hours
    after the recall decision. ``kind="standard"`` is kept for callers written before issue 10; a
    fixed-term recall must give its ``recall_type`` (it is not guessed)."""
    if not recall_type and kind == Recall.Kind.STANDARD:
        recall_type = Recall.Type.STANDARD
    person = sentence.person
    authorise_change(acting_user, person)
    errors: dict[str, list[str]] = {}
    reason, recalled_on, sled = _check_recall(errors, sentence, recalled_at, reason, recall_type, returned_to_custody_on)
    if errors:
        raise ValidationError(errors)
    assert isinstance(recalled_at, datetime.datetime) and sled is not None
    fixed = recall_type != Recall.Type.STANDARD
    recall = Recall(
        person=person,
        sentence=sentence,
        kind=Recall.Kind.FIXED_TERM if fixed else Recall.Kind.STANDARD,
        recall_type=recall_type,
        recalled_at=recalled_at,
        report_due_at=recalled_at + datetime.timedelta(hours=RECALL_REPORT_HOURS),
        returned_to_custody_on=returned_to_custody_on,
        reason=reason,
    )
    recall.breakdown = _recall_dates(recall, sentence, sled, recalled_on)
    with transaction.atomic():
        recall.save()
        audit_write(
            acting_user,
            "recall",
            recall,
            person,
            {},
            {
                "sentence": sentence.pk,
                "kind": recall.kind,
                "recall_type": recall_type,
                "recalled_at": recalled_at.isoformat(),
                "returned_to_custody_on": returned_to_custody_on,
                "recall_days": recall.recall_days,
                "release_date": recall.release_date,
                "reason": reason,
            },
        )
    return recall


def _check_recall(
    errors: dict[str, list[str]],
    sentence: Sentence,
    recalled_at: datetime.datetime,
    reason: str,
    recall_type: str,
    returned_to_custody_on: datetime.date | None,
) -> tuple[str, datetime.date | None, datetime.date | None]:
    """The reason cleaned, the day of the recall decision and the licence expiry; what is wrong in
    ``errors`` (the type for the sentence, the recall within the licence, the return after it)."""
    reason = " ".join(str(reason or "").split())
    if not reason:
        errors["reason"] = ["Enter the reason for recall"]
    elif len(reason) > 2000:
        errors["reason"] = ["The reason must be 2000 characters or fewer"]
    else:
        text_direction_errors(errors, {"reason": (reason, "the reason for recall")})
    if not isinstance(recalled_at, datetime.datetime):
        errors["recalled_at"] = ["Enter the date of the recall decision"]
        recalled_on = None
    else:
        recalled_on = timezone.localdate(recalled_at) if timezone.is_aware(recalled_at) else recalled_at.date()
    type_errors = _recall_type_errors(sentence, recall_type, recalled_on)
    if type_errors:
        errors["recall_type"] = type_errors
    release = sentence.effective("release_date")
    sled = sentence.effective("expiry_date")
    if sentence.release_type == "ARD" and not sentence.override_expiry_date:
        errors["recalled_at"] = ["This sentence has no licence (released without licence), so there is nothing to recall on"]
    elif release is None or sled is None:
        errors["recalled_at"] = ["The sentence has no release and expiry dates: enter the prison's dates first"]
    elif recalled_on is not None:
        if recalled_on < release:
            errors["recalled_at"] = [f"The recall must be on or after release on licence ({release:%-d %B %Y})"]
        elif recalled_on > sled:
            errors["recalled_at"] = [f"The licence ended on {sled:%-d %B %Y}: there is nothing to recall on after that"]
        elif recalled_on > clock.today():
            errors["recalled_at"] = ["The recall decision must be today or in the past"]
    if returned_to_custody_on is not None and recalled_on is not None and returned_to_custody_on < recalled_on:
        errors["returned_to_custody_on"] = ["The return to custody must be on or after the recall"]
    if returned_to_custody_on is not None and sled is not None and returned_to_custody_on > sled:
        errors["returned_to_custody_on"] = [f"The return to custody must be on or before the licence expiry ({sled:%-d %B %Y})"]
    return reason, recalled_on, sled


def _recall_dates(recall: Recall, sentence: Sentence, sled: datetime.date, recalled_on: datetime.date | None) -> list[str]:
    """The fixed-term recall's days and (once the return to custody is known) its release date,
    from ``iomhub.rules.recall``; the breakdown in words."""
    recall_type, returned_to_custody_on = recall.recall_type, recall.returned_to_custody_on
    fixed = recall_type != Recall.Type.STANDARD
    breakdown = [f"recall report due {RECALL_REPORT_HOURS} hours after the recall decision"]
    if fixed:
        recall.recall_days = rules.RECALL_DAYS[recall_type]
        if returned_to_custody_on is not None:
            length = sentence.length_days or (sled - sentence.sentenced_on).days + 1
            dates = rules.fixed_term_recall(
                recall_type=recall_type,
                returned_to_custody_on=returned_to_custody_on,
                sled=sled,
                sentence_length_days=length,
                revoked_on=recalled_on,
            )
            recall.release_date = dates.release_date
            breakdown += list(dates.breakdown)
        else:
            breakdown.append(f"{recall_type}: {recall.recall_days} days from the return to custody, once it is recorded")
    else:
        breakdown.append(
            "standard recall: held until the Parole Board or the Secretary of State releases, at the latest the licence expiry"
        )
    return breakdown


def pss_breach_record(
    *,
    acting_user: User,
    sentence: Sentence,
    heard_on: datetime.date,
    outcome: str,
    fine_pounds: int | None = None,
    committal_days: int | None = None,
    unpaid_work_hours: int | None = None,
    curfew_days: int | None = None,
) -> PssBreach:
    """The magistrates' court's decision on a breach of post-sentence supervision, validated
    against the limits of 002 §5 (ORA 2014 s.256AC)."""
    person = sentence.person
    authorise_change(acting_user, person)
    errors: dict[str, list[str]] = {}
    tused = sentence.effective("tused")
    release = sentence.effective("release_date")
    if tused is None:
        errors["outcome"] = ["This sentence has no post-sentence supervision, so it cannot be breached"]
    check_date(errors, "heard_on", heard_on, "date of the hearing", person)
    if "heard_on" not in errors and release is not None and heard_on < release:
        errors["heard_on"] = [f"The hearing must be after release ({release:%-d %B %Y})"]
    if outcome not in PssBreach.Outcome.values:
        errors["outcome"] = ["Select the court's decision"]
    amounts = {
        "fine_pounds": fine_pounds,
        "committal_days": committal_days,
        "unpaid_work_hours": unpaid_work_hours,
        "curfew_days": curfew_days,
    }
    needed = {
        PssBreach.Outcome.FINE: "fine_pounds",
        PssBreach.Outcome.COMMITTAL: "committal_days",
        PssBreach.Outcome.SDO_UNPAID_WORK: "unpaid_work_hours",
        PssBreach.Outcome.SDO_CURFEW: "curfew_days",
    }.get(outcome)  # type: ignore[call-overload]
    for name, value in amounts.items():
        if name != needed and value is not None:
            errors[name] = ["Only enter this for the sanction the court imposed (the court imposes one sanction at a time)"]
    if needed is not None:
        _check_sanction(errors, needed, amounts[needed], tused, heard_on)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        breach = PssBreach.objects.create(person=person, sentence=sentence, heard_on=heard_on, outcome=outcome, **amounts)
        audit_write(
            acting_user, "pss-breach", breach, person, {}, {"sentence": sentence.pk, "heard_on": heard_on, "outcome": outcome, **amounts}
        )
    return breach


SANCTION_NAMES = {
    "fine_pounds": "amount of the fine",
    "committal_days": "days of committal",
    "unpaid_work_hours": "hours of unpaid work",
    "curfew_days": "days of curfew",
}


def _check_sanction(
    errors: dict[str, list[str]], needed: str, value: int | None, tused: datetime.date | None, heard_on: datetime.date
) -> None:
    """The sanction the court imposed, within its legal limits (002 §5)."""
    if value is None:
        errors[needed] = ["Enter the " + SANCTION_NAMES[needed]]
    elif needed == "fine_pounds" and not 1 <= value <= PSS_FINE_LIMIT_POUNDS:
        errors[needed] = [f"A fine for breach of supervision must be between £1 and £{PSS_FINE_LIMIT_POUNDS:,} (level 3, 002 §5)"]
    elif needed == "committal_days" and not 1 <= value <= PSS_COMMITTAL_LIMIT_DAYS:
        errors[needed] = [f"Committal for breach of supervision must be between 1 and {PSS_COMMITTAL_LIMIT_DAYS} days (002 §5)"]
    elif needed == "unpaid_work_hours" and not PSS_UNPAID_WORK_HOURS[0] <= value <= PSS_UNPAID_WORK_HOURS[1]:
        low, high = PSS_UNPAID_WORK_HOURS
        errors[needed] = [f"A supervision default order of unpaid work must be between {low} and {high} hours (002 §5)"]
    elif needed == "curfew_days":
        if value < PSS_CURFEW_MINIMUM_DAYS:
            errors[needed] = [f"A supervision default order curfew must be at least {PSS_CURFEW_MINIMUM_DAYS} days (002 §5)"]
        elif (
            tused is not None
            and "heard_on" not in errors
            and isinstance(heard_on, datetime.date)
            and heard_on + datetime.timedelta(days=value - 1) > tused
        ):
            errors[needed] = [f"The curfew cannot run beyond the end of post-sentence supervision ({tused:%-d %B %Y}, 002 §5)"]
