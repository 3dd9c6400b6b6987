"""Retention rules as data the information governance lead manages (issue 13 §3, ADR 0021): the
list, one rule, and changing its period, whether it applies and why, audited before and after.
The rules are installed with the defaults of ``iomhub.rules.retention`` (``operations.apps``), never
overwritten by a later migration."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction

from iomhub import clock
from iomhub.access import audit
from iomhub.access.errors import deny
from iomhub.access.models import AuditAction
from iomhub.access.policy import Action, decide
from iomhub.access.refusals import get_or_deny
from iomhub.operations.models import RetentionRule
from iomhub.rules.retention import DEFAULT_PERIODS, MAX_MONTHS
from iomhub.validation import clean_text

if TYPE_CHECKING:
    from iomhub.access.models import User

BASIS_LIMIT = 2000


def ensure_default_rules() -> None:
    """One rule per kind of record, with the default period, where none exists yet."""
    for record_type, default in DEFAULT_PERIODS.items():
        RetentionRule.objects.get_or_create(
            record_type=record_type,
            defaults={"period_months": default.months, "starts": default.starts, "basis": default.basis},
        )


def _may_manage(user: User, *, object_id: Any = "") -> None:
    decision = decide(user, Action.RETENTION_MANAGE)
    if not decision:
        deny(user=user, action=Action.RETENTION_MANAGE, reason=decision.reason, object_type="retention-rule", object_id=object_id)


def may_manage(user: User) -> None:
    """Refuse (audited) anyone but the IG lead."""
    _may_manage(user)


def rule_list(*, user: User) -> list[RetentionRule]:
    _may_manage(user)
    return list(RetentionRule.objects.select_related("updated_by").order_by("record_type"))


def rule_get(*, user: User, rule_id: int | str) -> RetentionRule:
    _may_manage(user, object_id=rule_id)
    return get_or_deny(
        RetentionRule.objects.select_related("updated_by"),
        rule_id,
        user=user,
        action=Action.RETENTION_MANAGE,
        reason="no such retention rule",
        object_type="retention-rule",
    )


def _snapshot(rule: RetentionRule) -> dict[str, Any]:
    return {"period_months": rule.period_months, "enabled": rule.enabled, "basis": rule.basis}


def rule_set(*, acting_user: User, rule: RetentionRule, period_months: int | None, enabled: bool, basis: str) -> RetentionRule:
    """Change one rule. Every refusal names the field; every change is audited before/after."""
    _may_manage(acting_user, object_id=rule.pk)
    errors: dict[str, list[str]] = {}
    if period_months is None:
        errors["period_months"] = ["Enter how many months records of this kind are kept"]
    elif not 1 <= period_months <= MAX_MONTHS:
        errors["period_months"] = [f"The period must be between 1 and {MAX_MONTHS} months"]
    basis = clean_text(errors, "basis", basis, "why records are kept this long", required=True, limit=BASIS_LIMIT)
    if errors or period_months is None:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = RetentionRule.objects.select_for_update().get(pk=rule.pk)
        before = _snapshot(locked)
        locked.period_months = period_months
        locked.enabled = enabled
        locked.basis = basis
        changes = audit.diff(before, _snapshot(locked))
        if changes:
            locked.updated_at = clock.now()
            locked.updated_by = acting_user
            locked.save()
            audit.record(
                actor=acting_user,
                action=AuditAction.CHANGE,
                object_type="retention-rule",
                object_id=locked.pk,
                changes={"record_type": locked.record_type, **changes},
            )
    return locked
