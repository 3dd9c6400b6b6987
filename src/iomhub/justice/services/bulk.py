"""Many arrests at once (a feed import's batch, issue 11): ``events.arrest_record``'s rules for each —
the change authorised for the person, the dates, custody suite, outcome and offence codes checked —
with the arrests, their offences and one audit event per arrest (against its person) written in
bulk. Refusals are answered item by item, never raised, so one bad arrest does not stop the rest.

What is worked out once a call, not once an arrest (ADR 0037 addendum "an arrests batch's per-arrest
costs"): the policy's decision for a person it lets the user change (one ``decide`` per distinct
person; a refused arrest still goes through ``authorise_change`` itself, so each is answered and
audited as before), and today's date (an arrest on or before it cannot be in the future later in
the call either). The arrests are written as values (``insert_values``): no ``Arrest`` instance
each, and the caller is answered with their ids."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from iomhub import clock
from iomhub.access import audit
from iomhub.access.models import AuditAction, Section
from iomhub.bulk_insert import insert_values
from iomhub.justice import screening_table
from iomhub.justice.catalogue import normalise_code, unknown_codes
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


def _checked(item: NewArrest, catalogue: dict[str, OffenceCode], today: datetime.date) -> tuple[str, list[OffenceCode]]:
    """The arrest's custody suite as written and its offences, or why not (``arrest_record``'s checks)."""
    errors: dict[str, list[str]] = {}
    on = item.arrested_on
    # On or before ``today`` (the call's first reading of the clock) is on or before today at any later
    # moment of the call: the "today or in the past" check cannot refuse it, so the clock is read again
    # (inside ``check_date``) only for any other value, as it was for every arrest.
    check_date(errors, "arrested_on", on, "date of arrest", item.person, future=type(on) is datetime.date and on <= today)
    suite = check_text(errors, "custody_suite", item.custody_suite, "custody suite")
    if item.outcome not in _OUTCOMES:
        errors["outcome"] = ["Select the outcome of the arrest"]
    wanted = [code for code in map(normalise_code, item.offence_codes) if code]
    if not wanted:
        errors["offence_codes"] = ["Enter the Home Office code of at least one offence"]
    unknown = sorted({c for c in wanted if c not in catalogue})
    if unknown:
        errors["offence_codes"] = [unknown_codes(unknown)]
    if errors:
        raise ValidationError(errors)
    return suite, [catalogue[c] for c in wanted]


def arrests_record_many(*, acting_user: User, items: list[NewArrest]) -> list[int | ValidationError | PermissionDenied]:
    """Each arrest recorded (answered with its id), or why not, in the order given."""
    codes = {normalise_code(c) for item in items for c in item.offence_codes}
    catalogue = {o.code: o for o in OffenceCode.objects.filter(code__in=codes)}
    today = clock.today()
    # The people the policy let the user change, by (id, restriction): all the policy reads of a person
    # (``access.subjects.Subject``), and nothing the loop writes (a refusal's audit event) changes it.
    allowed: set[tuple[Any, str]] = set()
    outcomes: list[int | ValidationError | PermissionDenied] = []
    made: list[tuple[NewArrest, str, list[OffenceCode]]] = []
    slots: list[int] = []  # where each arrest made answers in ``outcomes``
    for item in items:
        person = item.person
        seen = (person.pk, person.restriction)
        try:
            if person.pk is None or seen not in allowed:
                authorise_change(acting_user, person)  # a refusal is audited and raised for every refused arrest
                allowed.add(seen)
            suite, offences = _checked(item, catalogue, today)
        except (ValidationError, PermissionDenied) as exc:
            outcomes.append(exc)
            continue
        made.append((item, suite, offences))
        slots.append(len(outcomes))
        outcomes.append(0)  # its id, once written
    with transaction.atomic():
        # As values (by COPY on PostgreSQL): the rows Arrest(person=..., ...) instances would give, none made.
        ids = insert_values(
            Arrest,
            ("person_id", "arrested_on", "custody_suite", "outcome"),
            [(item.person.pk, item.arrested_on, suite, item.outcome) for item, suite, _ in made],
        )
        for slot, pk in zip(slots, ids, strict=True):
            outcomes[slot] = pk
        # As values by ids (the arrests have theirs now): the rows Offence instances would give, none made.
        insert_values(
            Offence,
            ("person_id", "code_id", "committed_on", "arrest_id"),
            [
                (item.person.pk, code.pk, item.arrested_on, pk)
                for (item, _, offences), pk in zip(made, ids, strict=True)
                for code in offences
            ],
        )
        # The screening table (ADR 0036) as every justice service keeps it: the people written, worked out again.
        screening_table.refresh(item.person.pk for item, _, _ in made)
        audit.record_many(
            actor=acting_user,
            entries=[
                {
                    "action": AuditAction.CREATE,
                    "object_type": "arrest",
                    "object_id": pk,
                    "person_id": item.person.pk,
                    "changes": {
                        "section": Section.JUSTICE,
                        **audit.diff(
                            {},
                            {
                                "arrested_on": item.arrested_on,
                                "custody_suite": suite,
                                "outcome": item.outcome,
                                "offence_codes": [c.code for c in offences],
                            },
                        ),
                    },
                }
                for (item, suite, offences), pk in zip(made, ids, strict=True)
            ],
        )
    return outcomes
