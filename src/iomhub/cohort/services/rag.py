"""RAG classification of a registration (002 appendix 1) and its reviews at the monthly meeting."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction

from iomhub.access import audit
from iomhub.access.models import AuditAction
from iomhub.access.policy import Action
from iomhub.cohort.models import RagChange, Registration, Review
from iomhub.cohort.services._common import SHORT_LIMIT, TEXT_LIMIT, authorise, locked_open, past_date
from iomhub.referrals.models import RagLevel
from iomhub.validation import clean_text

if TYPE_CHECKING:
    from iomhub.access.models import User


def rag_change(
    *,
    acting_user: User,
    registration: Registration,
    level: str,
    changed_on: datetime.date | None,
    reason: str,
    meeting: str = "",
    expected_level: str | None = None,
) -> RagChange:
    """Change the RAG level (002 appendix 1): who, when, why, at which meeting. ``expected_level`` is
    the level the user saw; if someone changed it meanwhile the change is refused, not overwritten.
    A transfer-in stays Red (or Red Alert / Prison) for its first 8 weeks (002 §4)."""
    authorise(acting_user, Action.COHORT_RAG, registration.person, object_type="registration", object_id=registration.pk)
    errors: dict[str, list[str]] = {}
    if level not in RagLevel.values:
        errors["level"] = ["Select the RAG level"]
    reason = clean_text(errors, "reason", reason, "why the level changed", required=True, limit=TEXT_LIMIT)
    meeting = clean_text(errors, "meeting", meeting, "the meeting", required=False, limit=SHORT_LIMIT)
    with transaction.atomic():
        current = locked_open(registration)
        _check_change(errors, current, level, changed_on, expected_level)
        if errors:
            raise ValidationError(errors)
        assert changed_on is not None
        before = current.rag
        current.rag = level
        current.save(update_fields=["rag"])
        change = RagChange.objects.create(
            registration=current,
            level=level,
            changed_on=changed_on,
            reason=reason,
            meeting=meeting,
            decided_by=acting_user,
            decided_by_name=acting_user.display_name,
        )
        audit.record(
            actor=acting_user,
            action=AuditAction.CHANGE,
            object_type="registration",
            object_id=current.pk,
            person_id=current.person_id,
            changes={
                **audit.diff({"rag": before}, {"rag": level}),
                "changed_on": changed_on,
                "meeting": meeting,
                "wanted_alert_published": level == RagLevel.RED_ALERT,
            },
            reason=reason,
        )
    registration.rag = level
    return change


def _check_change(
    errors: dict[str, list[str]], current: Registration, level: str, changed_on: datetime.date | None, expected_level: str | None
) -> None:
    """The date after the last change; not a stale or unchanged level; a transfer in Red for 8 weeks."""
    from iomhub.rules import regime

    history = list(current.rag_history.all())
    last = history[-1].changed_on if history else current.started_on
    past_date(
        errors,
        "changed_on",
        changed_on,
        "the date of the change",
        not_before=last,
        before_text=f"the last change ({last.day} {last:%B %Y})",
    )
    if expected_level is not None and expected_level != current.rag:
        errors["level"] = [
            f"Someone changed the RAG level to {current.get_rag_display()} while you were editing: nothing was saved, check and try again"
        ]
    elif level == current.rag:
        errors.setdefault("level", []).append(f"The RAG level is already {current.get_rag_display()}")
    if current.transferred_in_on and changed_on and level in (RagLevel.AMBER, RagLevel.GREEN):
        red_until = regime.transfer_in_red_until(transferred_in_on=current.transferred_in_on)
        if changed_on <= red_until:
            errors.setdefault("level", []).append(
                f"A transfer in is managed as Red for its first 8 weeks, until {red_until.day} {red_until:%B %Y} (002 §4)"
            )


def review_record(
    *,
    acting_user: User,
    registration: Registration,
    reviewed_on: datetime.date | None,
    outcome: str,
    notes: str,
    meeting: str = "",
) -> Review:
    """Record a review (000 §5.7, §6.4; 002 §2): retain or drop, with the justification."""
    authorise(acting_user, Action.COHORT_MANAGE, registration.person, object_type="registration-review", object_id=registration.pk)
    errors: dict[str, list[str]] = {}
    if outcome not in Review.Outcome.values:
        errors["outcome"] = ["Select retain or drop"]
    notes = clean_text(errors, "notes", notes, "the justification", required=True, limit=TEXT_LIMIT)
    meeting = clean_text(errors, "meeting", meeting, "the meeting", required=False, limit=SHORT_LIMIT)
    past_date(
        errors,
        "reviewed_on",
        reviewed_on,
        "the date of the review",
        not_before=registration.started_on,
        before_text=f"the registration date ({registration.started_on.day} {registration.started_on:%B %Y})",
    )
    with transaction.atomic():
        current = locked_open(registration)
        if reviewed_on and current.reviews.filter(reviewed_on=reviewed_on).exists():
            errors.setdefault("reviewed_on", []).append("A review is already recorded on this date")
        if outcome == Review.Outcome.RETAIN and reviewed_on and "reviewed_on" not in errors:
            from iomhub.cohort.advice import LABELS, advise

            # Coordinators and chairs see the whole record, so the rule may use the justice record.
            required = advise(current, reviewed_on).required
            if required:
                errors.setdefault("outcome", []).append(
                    f"Deregistration is required ({'; '.join(LABELS[c] for c in required)}, 002 §2): "
                    "record 'drop' and bring the case to the chair for removal"
                )
        if errors:
            raise ValidationError(errors)
        assert reviewed_on is not None
        review = Review.objects.create(
            registration=current,
            reviewed_on=reviewed_on,
            meeting=meeting,
            outcome=outcome,
            notes=notes,
            reviewed_by=acting_user,
            reviewed_by_name=acting_user.display_name,
        )
        audit.record(
            actor=acting_user,
            action=AuditAction.CREATE,
            object_type="registration-review",
            object_id=review.pk,
            person_id=current.person_id,
            changes=audit.diff({}, {"reviewed_on": reviewed_on, "outcome": outcome, "meeting": meeting}),
        )
    return review
