"""Many arrests at once (a feed import's batch, issue 11): ``events.arrest_record``'s rules for each —
the change authorised for the person, the dates, custody suite, outcome and offence codes checked —
with the arrests, their offences and one audit event per arrest (against its person) written in
bulk. Refusals are answered item by item, never raised, so one bad arrest does not stop the rest."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from iomhub.access import audit
from iomhub.access.models import AuditAction, Section
from iomhub.bulk_insert import insert_many, insert_values
from iomhub.justice import screening_table
from iomhub.justice.catalogue import normalise_code
from iomhub.justice.models import Arrest, ArrestOutcome, Offence, OffenceCode
from iomhub.justice.services._common import authorise_change, check_date, check_text

if TYPE_CHECKING:
    from iomhub.access.models import User
    from iomhub.people.models import Person


@dataclass(frozen=True)
class NewArrest:
    person: Person
    arrested_on: datetime.date
    custody_suite: str
    outcome: str
    offence_codes: tuple[str, ...]


# ``ArrestOutcome.values`` as a set, made once: the enum makes a new list at each read (~80 µs, issue 11).
_OUTCOMES = frozenset(ArrestOutcome.values)


def _checked(item: NewArrest, catalogue: dict[str, OffenceCode]) -> tuple[Arrest, list[OffenceCode]]:
    errors: dict[str, list[str]] = {}
    check_date(errors, "arrested_on", item.arrested_on, "date of arrest", item.person)
    suite = check_text(errors, "custody_suite", item.custody_suite, "custody suite")
    if item.outcome not in _OUTCOMES:
        errors["outcome"] = ["Select the outcome of the arrest"]
    wanted = [code for code in map(normalise_code, item.offence_codes) if code]
    if not wanted:
        errors["offence_codes"] = ["Enter the Home Office code of at least one offence"]
    unknown = sorted({c for c in wanted if c not in catalogue})
    if unknown:
        errors["offence_codes"] = [f"Unknown Home Office offence code {', '.join(unknown)}: not in the offence catalogue"]
    if errors:
        raise ValidationError(errors)
    arrest = Arrest(person=item.person, arrested_on=item.arrested_on, custody_suite=suite, outcome=item.outcome)
    return arrest, [catalogue[c] for c in wanted]


def arrests_record_many(*, acting_user: User, items: list[NewArrest]) -> list[Arrest | ValidationError | PermissionDenied]:
    """Each arrest recorded, or why not, in the order given."""
    codes = {normalise_code(c) for item in items for c in item.offence_codes}
    catalogue = {o.code: o for o in OffenceCode.objects.filter(code__in=codes)}
    outcomes: list[Arrest | ValidationError | PermissionDenied] = []
    made: list[tuple[Arrest, list[OffenceCode]]] = []
    for item in items:
        try:
            authorise_change(acting_user, item.person)
            arrest, offences = _checked(item, catalogue)
        except (ValidationError, PermissionDenied) as exc:
            outcomes.append(exc)
            continue
        made.append((arrest, offences))
        outcomes.append(arrest)
    with transaction.atomic():
        insert_many([a for a, _ in made])  # by COPY on PostgreSQL (issue 11)
        # As values by ids (the arrests have theirs now): the rows Offence instances would give, none made.
        insert_values(
            Offence,
            ("person_id", "code_id", "committed_on", "arrest_id"),
            [(a.person_id, code.pk, a.arrested_on, a.pk) for a, offences in made for code in offences],
        )
        # The screening table (ADR 0036) as every justice service keeps it: the people written, worked out again.
        screening_table.refresh(a.person_id for a, _ in made)
        audit.record_many(
            actor=acting_user,
            entries=[
                {
                    "action": AuditAction.CREATE,
                    "object_type": "arrest",
                    "object_id": a.pk,
                    "person_id": a.person_id,
                    "changes": {
                        "section": Section.JUSTICE,
                        **audit.diff(
                            {},
                            {
                                "arrested_on": a.arrested_on,
                                "custody_suite": a.custody_suite,
                                "outcome": a.outcome,
                                "offence_codes": [c.code for c in offences],
                            },
                        ),
                    },
                }
                for a, offences in made
            ],
        )
    return outcomes
