"""What every justice service shares: who may change the record, the audit, the checks on dates and text,
and the offence catalogue lookup."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError

from iomhub.access import audit
from iomhub.access.models import AuditAction, Section
from iomhub.access.refusals import require_person_change
from iomhub.justice.catalogue import normalise_code, unknown_codes
from iomhub.justice.models import (
    OffenceCode,
)
from iomhub.validation import clean_date, clean_text

if TYPE_CHECKING:
    from iomhub.access.models import User
    from iomhub.people.models import Person


MAX_TEXT = 200


def authorise_change(acting_user: User, person: Person) -> None:
    require_person_change(acting_user, person, Section.JUSTICE)


def audit_write(acting_user: User, kind: str, obj: Any, person: Person, before: dict[str, Any], after: dict[str, Any]) -> None:
    audit.record(
        actor=acting_user,
        action=AuditAction.CREATE if not before else AuditAction.CHANGE,
        object_type=kind,
        object_id=obj.pk,
        person_id=person.pk,
        changes={"section": Section.JUSTICE, **audit.diff(before, after)},
    )


def check_date(errors: dict[str, list[str]], name: str, value: Any, label: str, person: Person, *, future: bool = False) -> None:
    clean_date(errors, name, value, f"the {label}", born=person.date_of_birth, future=future)


def check_text(errors: dict[str, list[str]], name: str, value: str, label: str, *, required: bool = True) -> str:
    return clean_text(errors, name, value, f"the {label}", required=required, limit=MAX_TEXT, collapse=True)


def offence_codes_lookup(codes: Sequence[str], *, field: str = "offence_codes") -> list[OffenceCode]:
    """The catalogue entries for ``codes``; unknown codes are refused by name, never guessed."""
    wanted = [normalise_code(c) for c in codes if normalise_code(c)]
    found = {o.code: o for o in OffenceCode.objects.filter(code__in=wanted)}
    unknown = [c for c in wanted if c not in found]
    if unknown:
        raise ValidationError({field: [unknown_codes(unknown)]})
    return [found[c] for c in wanted]
