"""What adopting a referral does besides deciding it: the person adopted (linked, chosen, or added
after the duplicate check), and the referral's details carried to their record (addresses, contact
numbers, warnings, the agencies involved with their contacts)."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError

from iomhub import clock
from iomhub.referrals.models import Pathway, Referral

if TYPE_CHECKING:
    from iomhub.access.models import Organisation, User
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


def carry_referral(acting_user: User, referral: Referral, person: Person, *, on_record: bool, decided_on: datetime.date) -> list[str]:
    """What the referral said, carried into the adopted person's record and case (issue 18 §2), each
    through its own service (authorised, validated, audited): for a person already on record, the
    sex if theirs was not known, the e-mail if none, the address if it is not their current one, the
    numbers and warnings they do not have; for everyone, the referring agency and the named agencies
    as involvements with their contacts, and the pathway ratings as the first needs assessment.
    Returns the agencies named that could not be involved (no active organisation of that name with a
    sharing agreement in force, ADR 0013), for the chair to see."""
    from iomhub.casework import services as casework
    from iomhub.casework.models import AgencyInvolvement

    if on_record:
        _merge_into_existing(acting_user, referral, person)
    # The referring agency is involved in the case (002 §3: every involved agency is recorded).
    involved = set(AgencyInvolvement.objects.filter(person=person, ended_on__isnull=True).values_list("organisation_id", flat=True))
    if referral.referring_organisation_id not in involved:
        casework.agency_involve(
            acting_user=acting_user, person=person, organisation=referral.referring_organisation, role_in_case="Referring agency"
        )
    not_involved: list[str] = []
    for row in referral.agencies or []:
        organisation = _sharing_organisation(row["agency"])
        if organisation is None:
            not_involved.append(row["agency"])
            continue
        involvement = AgencyInvolvement.objects.filter(person=person, organisation=organisation, ended_on__isnull=True).first()
        if involvement is None:
            involvement = casework.agency_involve(
                acting_user=acting_user, person=person, organisation=organisation, role_in_case="Named on the referral"
            )
        name, phone, email = _contact_of(row)
        if name and (phone or email) and not involvement.contacts.filter(name__iexact=name).exists():
            casework.agency_contact_add(acting_user=acting_user, involvement=involvement, name=name, phone=phone, email=email)
    ratings = {
        p: {
            "rag": e.get("risk", ""),
            # A referral submitted before needs were required for Red and Amber says so, not nothing.
            "needs": e.get("needs", "") or (f"Not described on referral {referral.pk}" if e.get("risk") in ("red", "amber") else ""),
            "actions": e.get("actions", ""),
        }
        for p, e in (referral.pathways or {}).items()
    }
    if set(ratings) == set(Pathway.values) and all(e["rag"] for e in ratings.values()):
        casework.pathway_assessment_record(
            acting_user=acting_user, person=person, assessed_on=referral.referral_date or decided_on, ratings=ratings
        )
    return not_involved


def _merge_into_existing(acting_user: User, referral: Referral, person: Person) -> None:
    """A person already on record keeps their own details; the referral adds what they lack."""
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


def _sharing_organisation(name: str) -> Organisation | None:
    """The active organisation of that name (case and spacing aside) whose partner workers may be
    involved: one with a sharing agreement in force, or the police and probation, who are the core
    team and need none (ADR 0013)."""
    from iomhub.access.models import Organisation, OrganisationKind, SharingAgreement
    from iomhub.access.policy import agreement_in_force

    wanted = " ".join(name.split())
    organisation = Organisation.objects.filter(name__iexact=wanted, active=True).first()
    if organisation is None:
        return None
    if organisation.kind in (OrganisationKind.POLICE, OrganisationKind.PROBATION):
        return organisation
    agreement = SharingAgreement.objects.filter(organisation=organisation).first()
    return organisation if agreement_in_force(agreement, clock.today()) else None


_EMAIL = re.compile(r"[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+")
_PHONE = re.compile(r"\+?[0-9][0-9 ()-]{5,18}[0-9]")


def _contact_of(row: dict[str, str]) -> tuple[str, str, str]:
    """The named person at an agency and their phone and e-mail, from the referral's free text."""
    details = row.get("contact", "")
    email = m.group(0) if (m := _EMAIL.search(details)) else ""
    phone = m.group(0).strip() if (m := _PHONE.search(details.replace(email, ""))) else ""
    return row.get("person", "").strip(), phone, email


def identity_of_referral(referral: Referral) -> Any:
    from iomhub.people import matching

    return matching.identity_from(
        first_name=referral.first_name,
        last_name=referral.last_name,
        date_of_birth=referral.date_of_birth,
        identifiers={"pnc_id": referral.pnc_id, "ni_number": referral.ni_number, "urn": referral.urn},
    )
