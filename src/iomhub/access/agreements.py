"""Sharing agreements as data the information governance lead manages (issue 9 §2; 000 §5.10.2
"levels of access, confidentiality, information exchange").

An organisation's agreement names the sections of a person's record its partner workers may read,
why (the purpose), when it was signed and when it must be reviewed by. The policy
(``policy.partner_sections``) reads it; this module is the one way to read it for management and
to change it: the IG lead only, every change audited with its before and after. An agreement past
its review date shares nothing (``policy.agreement_in_force``) and the list flags it.
Police intelligence is shared with police organisations only, whatever an agreement says: it is
refused here with a message rather than silently dropped (ADR 0013).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction

from iomhub import clock
from iomhub.access import audit
from iomhub.access.errors import deny
from iomhub.access.models import AuditAction, Organisation, OrganisationKind, Section, SharingAgreement
from iomhub.access.policy import Action, agreement_in_force, decide
from iomhub.access.refusals import get_or_deny
from iomhub.validation import clean_text

if TYPE_CHECKING:
    from iomhub.access.models import User

REVIEW_DUE_DAYS = 30  # "Review due" is shown this many days before the review date
PURPOSE_LIMIT = 2000


@dataclass(frozen=True)
class AgreementRow:
    organisation: Organisation
    agreement: SharingAgreement | None
    status: str  # "none", "expired", "review-due", "in-force"

    @property
    def sections(self) -> list[str]:
        if self.agreement is None:
            return []
        return [Section(code).label for code in Section.values if code in self.agreement.sections]


def _status(agreement: SharingAgreement | None, today: datetime.date) -> str:
    if agreement is None:
        return "none"
    if not agreement_in_force(agreement, today):
        return "expired"
    if agreement.review_by is not None and agreement.review_by <= today + datetime.timedelta(days=REVIEW_DUE_DAYS):
        return "review-due"
    return "in-force"


def _may_manage(user: User, *, object_id: Any = "") -> None:
    decision = decide(user, Action.AGREEMENT_MANAGE)
    if not decision:
        deny(user=user, action=Action.AGREEMENT_MANAGE, reason=decision.reason, object_type="sharing-agreement", object_id=object_id)


def agreement_list(*, user: User) -> list[AgreementRow]:
    """Every organisation with its agreement and whether it is in force, expired or due for review."""
    _may_manage(user)
    today = clock.today()
    rows = []
    for org in Organisation.objects.select_related("sharing_agreement").order_by("name"):
        agreement = getattr(org, "sharing_agreement", None)
        rows.append(AgreementRow(org, agreement, _status(agreement, today)))
    return rows


def agreement_get(*, user: User, organisation_id: int | str) -> AgreementRow:
    """One organisation's agreement (or its absence); 404 for a missing organisation."""
    _may_manage(user, object_id=organisation_id)
    org = get_or_deny(
        Organisation.objects.select_related("sharing_agreement"),
        organisation_id,
        user=user,
        action=Action.AGREEMENT_MANAGE,
        reason="no such organisation",
        object_type="sharing-agreement",
    )
    agreement = getattr(org, "sharing_agreement", None)
    return AgreementRow(org, agreement, _status(agreement, clock.today()))


def _snapshot(agreement: SharingAgreement | None) -> dict[str, Any]:
    if agreement is None:
        return {}
    return {
        "sections": sorted(agreement.sections),
        "purpose": agreement.purpose,
        "signed_on": agreement.signed_on,
        "review_by": agreement.review_by,
    }


def agreement_set(
    *,
    acting_user: User,
    organisation: Organisation,
    sections: list[str],
    purpose: str,
    signed_on: datetime.date | None,
    review_by: datetime.date | None,
) -> SharingAgreement:
    """Create or change ``organisation``'s agreement. Audited with before and after."""
    _may_manage(acting_user, object_id=organisation.pk)
    errors: dict[str, list[str]] = {}
    unknown = sorted(set(sections) - set(Section.values))
    if unknown:
        errors["sections"] = [f"Unknown section: {', '.join(unknown)}"]
    if Section.INTELLIGENCE in sections and organisation.kind != OrganisationKind.POLICE:
        errors.setdefault("sections", []).append(
            f"Police intelligence is shared with police organisations only, not with {organisation.get_kind_display().lower()} "
            "(issue 6 §5): untick it"
        )
    if Section.IDENTITY not in sections and sections:
        errors.setdefault("sections", []).append("An agreement that shares anything shares identity: partners must know who the person is")
    purpose = clean_text(errors, "purpose", purpose, "the purpose of the agreement", required=True, limit=PURPOSE_LIMIT)
    if signed_on is None:
        errors["signed_on"] = ["Enter the date the agreement was signed"]
    elif signed_on > clock.today():
        errors["signed_on"] = ["The date the agreement was signed must be today or in the past"]
    if review_by is None:
        errors["review_by"] = ["Enter the date the agreement must be reviewed by"]
    elif signed_on is not None and review_by <= signed_on:
        errors["review_by"] = ["The review date must be after the date the agreement was signed"]
    if errors:
        raise ValidationError(errors)
    ordered = [code for code in Section.values if code in sections]
    with transaction.atomic():
        Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
        agreement = SharingAgreement.objects.filter(organisation=organisation).first()
        before = _snapshot(agreement)
        if agreement is None:
            agreement = SharingAgreement(organisation=organisation)
        agreement.sections = ordered
        agreement.purpose = purpose
        agreement.signed_on = signed_on
        agreement.review_by = review_by
        agreement.save()
        changes = audit.diff(before, _snapshot(agreement))
        if changes:
            audit.record(
                actor=acting_user,
                action=AuditAction.CHANGE if before else AuditAction.CREATE,
                object_type="sharing-agreement",
                object_id=organisation.pk,
                changes={"organisation": organisation.name, **changes},
            )
    return agreement
