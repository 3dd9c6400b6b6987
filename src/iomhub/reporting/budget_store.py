"""Budget returns kept (issue 16 §5, ADR 0031): a filled template is read back (``reporting.budget``)
and, when read without a problem, stored once; listed and read by the report roles
(``Action.REPORT_VIEW``, the same policy as /reports/budget/), every read and store audited."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.http import Http404

from iomhub.access import audit
from iomhub.access.models import AuditAction
from iomhub.access.policy import Action
from iomhub.reporting import budget
from iomhub.reporting.models import StoredBudgetReturn
from iomhub.reporting.selectors.base import _authorise
from iomhub.rules.budget import Problem

if TYPE_CHECKING:
    from iomhub.access.models import User

OBJECT_TYPE = "budget-return"


class BudgetReturnProblems(Exception):
    """The return could not be read cleanly: nothing was stored. Each problem names its row and column."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


class AlreadyStored(Exception):
    def __init__(self, existing: StoredBudgetReturn) -> None:
        super().__init__(f"This file was stored already, as budget return {existing.pk}")
        self.existing = existing


def _lines_json(found: budget.BudgetReturn) -> dict[str, dict[str, Any]]:
    return {
        line.key: {"amount": None if line.amount is None else str(line.amount), "staff": line.staff, "specify": line.specify}
        for _, _, line in found.rows()
    }


def budget_return_store(*, acting_user: User, filename: str, data: bytes) -> StoredBudgetReturn:
    """Read the file and keep it; ``BudgetReturnProblems`` (nothing stored) when any row has a
    problem, ``AlreadyStored`` when the same file was stored before."""
    _authorise(acting_user, Action.REPORT_VIEW, "budget return")
    digest = hashlib.sha256(data).hexdigest()
    existing = StoredBudgetReturn.objects.filter(sha256=digest).first()
    if existing is not None:
        raise AlreadyStored(existing)
    found = budget.read_return(data)
    if found.problems:
        raise BudgetReturnProblems(found.problems)
    totals = found.totals
    try:
        with transaction.atomic():
            stored = StoredBudgetReturn.objects.create(
                uploaded_by=acting_user,
                filename=filename[:200],
                sha256=digest,
                organisation=found.organisation,
                period=found.period,
                dates=found.dates,
                lines=_lines_json(found),
                income_total=totals.get("income", 0),
                expenditure_total=totals.get("expenditure", 0),
            )
    except IntegrityError as exc:  # the same file stored at the same moment by someone else
        raise AlreadyStored(StoredBudgetReturn.objects.get(sha256=digest)) from exc
    audit.record(actor=acting_user, action=AuditAction.CREATE, object_type=OBJECT_TYPE, object_id=stored.pk, changes={"sha256": digest})
    return stored


def budget_returns_for(*, user: User) -> list[StoredBudgetReturn]:
    _authorise(user, Action.REPORT_VIEW, "budget returns")
    audit.record(actor=user, action=AuditAction.SEARCH, object_type=OBJECT_TYPE, object_id="list")
    return list(StoredBudgetReturn.objects.select_related("uploaded_by"))


def budget_return_for(*, user: User, return_id: int) -> StoredBudgetReturn:
    _authorise(user, Action.REPORT_VIEW, "budget return")
    found = StoredBudgetReturn.objects.select_related("uploaded_by").filter(pk=return_id).first()
    if found is None:
        raise Http404("No such budget return")
    audit.record(actor=user, action=AuditAction.VIEW, object_type=OBJECT_TYPE, object_id=found.pk)
    return found
