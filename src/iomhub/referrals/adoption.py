"""What adopting a referral does besides deciding it: the person adopted (linked, chosen, or added
after the duplicate check), and the referral's details merged into a record they already had.

The rest of adoption belongs to apps above referrals (ADR 0032): the IOM registration opened
(``cohort``) and the referral carried into the case (``casework``: the agencies involved with their
contacts, the first needs assessment). Casework, the highest of them, installs that step here when
it loads (``CaseworkConfig.ready``, ``casework.adoption``); ``referral_decide`` calls it inside its
own transaction, so an adoption is kept whole or not at all, each write audited by its own service.
Until it is installed an adoption is refused, never half done.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from django.core.exceptions import ValidationError

from iomhub.referrals.models import Referral
from iomhub.slots import Slot

if TYPE_CHECKING:
    from iomhub.access.models import User
    from iomhub.people.models import Person

from iomhub.referrals.answers import parse_contact_numbers


@dataclass(frozen=True)
class Adoption:
    """What the chair sets when adopting: the initial RAG classification and the cohort flags."""

    rag: str
    neighbourhood_crime: bool = False
    domestic_abuse: bool = False
    ppo: bool = False
    strand: str = ""
    person_id: int | None = None  # an existing record the chair chose (after the duplicate check)
    confirm_new_person: bool = False  # or: add the person from the referral's details


def person_for_adoption(acting_user: User, referral: Referral, adoption: Adoption) -> tuple[Person, bool]:
    """The person being adopted: the linked record, the one the chair chose, or a new record
    (only when the chair has seen the possible duplicates and confirmed, ADR 0004). A new record
    takes everything the referral says of the person at once (issue 18 §2), through
    ``people.services.person_create`` so its validation and duplicate check hold."""
    from iomhub.people import selectors, services

    if referral.person is not None:
        return referral.person, False
    if adoption.person_id is not None:
        return selectors.person_get_for(user=acting_user, person_id=adoption.person_id), False
    fields = {
        k: getattr(referral, k)
        for k in ("first_name", "last_name", "date_of_birth", "sex", "pnc_id", "ni_number", "urn", "email")
        if getattr(referral, k) not in (None, "")
    }
    try:
        created = services.person_create(
            acting_user=acting_user,
            new=services.NewPerson(
                fields=fields,
                addresses=[_address_of(referral)] if referral.address or referral.postcode else [],
                contact_numbers=[{"kind": k, "number": n} for k, n in parse_contact_numbers(referral.contact_numbers)],
                markers=[{"kind": "other", "note": note} for note in _warning_notes(referral)],
            ),
            confirmed_new=adoption.confirm_new_person,
            purpose=f"adopt referral {referral.pk}",
        )
    except services.PossibleDuplicates as exc:
        raise ValidationError(
            {"person": ["This person may already be on IOM Hub: choose their record, or confirm that they are new"]}
        ) from exc
    except (ValidationError, ValueError) as exc:
        detail = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        raise ValidationError({"person": [f"The referral's identity cannot be recorded: {detail}"]}) from exc
    return created, True


def _address_of(referral: Referral) -> dict[str, Any]:
    """The referral's one-line address as ``people.Address`` lines: the first part the first line,
    the last the town, the rest the second line (002 appendix 2 asks for "Address" and "Postcode")."""
    parts = [p.strip() for p in referral.address.split(",") if p.strip()]
    line_1 = parts[0] if parts else "Address not given (postcode only)"
    town = parts[-1] if len(parts) > 1 else ""
    line_2 = ", ".join(parts[1:-1])
    return {"line_1": line_1[:200], "line_2": line_2[:200], "town": town[:100], "postcode": referral.postcode}


def _warning_notes(referral: Referral) -> list[str]:
    """The referral's PNC/Niche warnings as marker notes, one a line (a marker's note holds 500)."""
    notes: list[str] = []
    for line in referral.warnings.splitlines():
        line = " ".join(line.split())
        while line:
            notes.append(line[:500])
            line = line[500:]
    return notes


def merge_into_record(acting_user: User, referral: Referral, person: Person) -> None:
    """A person already on record keeps their own details; the referral adds what they lack (issue
    18 §2): the sex if theirs was not known, the e-mail if none, the address if it is not their
    current one, the numbers and warnings they do not have, each through ``people.services``."""
    from iomhub.people import services as people

    changes: dict[str, Any] = {}
    if referral.sex and referral.sex != "not-known" and person.sex == "not-known":
        changes["sex"] = referral.sex
    if referral.email and not person.email:
        changes["email"] = referral.email
    if changes:
        people.person_update(acting_user=acting_user, person=person, changes=changes)
    if referral.address or referral.postcode:
        lines = _address_of(referral)
        current = person.addresses.filter(to_date__isnull=True).first()
        same = current is not None and (
            current.line_1.lower() == lines["line_1"].lower() or (lines["postcode"] and current.postcode == lines["postcode"])
        )
        if not same:
            people.address_add(acting_user=acting_user, person=person, from_date=referral.referral_date, **lines)
    known = {"".join(c for c in n.number if c.isdigit()) for n in person.contact_numbers.all()}
    for kind, number in parse_contact_numbers(referral.contact_numbers):
        if "".join(c for c in number if c.isdigit()) not in known:
            people.contact_number_add(acting_user=acting_user, person=person, kind=kind, number=number)
    notes = set(person.markers.values_list("note", flat=True))
    for note in _warning_notes(referral):
        if note not in notes:
            people.marker_add(acting_user=acting_user, person=person, kind="other", note=note)


class AdoptionStep(Protocol):
    """The registration opened and the referral carried into the case; returns the agencies named
    on the referral that could not be involved, for the chair to see."""

    def __call__(
        self,
        acting_user: User,
        referral: Referral,
        adoption: Adoption,
        *,
        reasons: str,
        decided_on: datetime.date,
        chair: User | None,
        on_record: bool,
    ) -> list[str]: ...


_adopted: Slot[AdoptionStep] = Slot("adoption step", installed_by="casework (CaseworkConfig.ready)")


def install(*, adopted: AdoptionStep) -> None:
    _adopted.install(adopted)


def adopted(
    acting_user: User,
    referral: Referral,
    adoption: Adoption,
    *,
    reasons: str,
    decided_on: datetime.date,
    chair: User | None,
    on_record: bool,
) -> list[str]:
    """The rest of the adoption of ``referral`` (decided, its person set), in the caller's
    transaction: the step casework installed. ``on_record``: the person was on record before."""
    return _adopted.step()(acting_user, referral, adoption, reasons=reasons, decided_on=decided_on, chair=chair, on_record=on_record)


def identity_of_referral(referral: Referral) -> Any:
    from iomhub.people import matching

    return matching.identity_from(
        first_name=referral.first_name,
        last_name=referral.last_name,
        date_of_birth=referral.date_of_birth,
        identifiers={"pnc_id": referral.pnc_id, "ni_number": referral.ni_number, "urn": referral.urn},
    )
