"""Adopting a referral, the part above referrals (ADR 0032): the IOM registration opened at the
chair's initial classification (002 §2; ``cohort.services.registration_open``) and the referral
carried into the person's record and case (issue 18 §2).

Adoption spans referrals, cohort and casework; casework is the highest of them, so the workflow's
last step lives here. ``referrals.services.referral_decide`` decides the referral and sets its
person, then calls this step (installed in ``referrals.adoption`` by ``CaseworkConfig.ready``)
inside its transaction: the decision, the registration and the case are kept together or not at
all, and each write is authorised and audited by its own service as before.
"""

from __future__ import annotations

import datetime
import re
from typing import TYPE_CHECKING

from iomhub import clock
from iomhub.access.models import Organisation, OrganisationKind, SharingAgreement
from iomhub.access.policy import agreement_in_force
from iomhub.casework.models import AgencyInvolvement
from iomhub.casework.services import agency_contact_add, agency_involve, pathway_assessment_record
from iomhub.cohort.services import registration_open
from iomhub.referrals.adoption import Adoption, merge_into_record
from iomhub.referrals.models import Pathway, Referral

if TYPE_CHECKING:
    from iomhub.access.models import User
    from iomhub.people.models import Person


def referral_adopted(
    acting_user: User,
    referral: Referral,
    adoption: Adoption,
    *,
    reasons: str,
    decided_on: datetime.date,
    chair: User | None,
    on_record: bool,
) -> list[str]:
    """Open the registration adopted and carry the referral's details to the person's record; the
    agencies named that could not be involved, for the chair to see (``carry_referral``)."""
    assert referral.person is not None
    registration_open(
        acting_user=acting_user,
        person=referral.person,
        referral=referral,
        started_on=decided_on,
        rag=adoption.rag,
        neighbourhood_crime=adoption.neighbourhood_crime,
        domestic_abuse=adoption.domestic_abuse,
        ppo=adoption.ppo,
        strand=adoption.strand,
        reason=f"Initial classification on adoption: {reasons}",
        chair=chair,
    )
    return carry_referral(acting_user, referral, referral.person, on_record=on_record, decided_on=decided_on)


def carry_referral(acting_user: User, referral: Referral, person: Person, *, on_record: bool, decided_on: datetime.date) -> list[str]:
    """What the referral said, carried into the adopted person's record and case (issue 18 §2), each
    through its own service (authorised, validated, audited): for a person already on record, the
    sex if theirs was not known, the e-mail if none, the address if it is not their current one, the
    numbers and warnings they do not have; for everyone, the referring agency and the named agencies
    as involvements with their contacts, and the pathway ratings as the first needs assessment.
    Returns the agencies named that could not be involved (no active organisation of that name with a
    sharing agreement in force, ADR 0013), for the chair to see."""
    if on_record:
        merge_into_record(acting_user, referral, person)
    # The referring agency is involved in the case (002 §3: every involved agency is recorded).
    involved = set(AgencyInvolvement.objects.filter(person=person, ended_on__isnull=True).values_list("organisation_id", flat=True))
    if referral.referring_organisation_id not in involved:
        agency_involve(
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
            involvement = agency_involve(
                acting_user=acting_user, person=person, organisation=organisation, role_in_case="Named on the referral"
            )
        name, phone, email = _contact_of(row)
        if name and (phone or email) and not involvement.contacts.filter(name__iexact=name).exists():
            agency_contact_add(acting_user=acting_user, involvement=involvement, name=name, phone=phone, email=email)
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
        pathway_assessment_record(acting_user=acting_user, person=person, assessed_on=referral.referral_date or decided_on, ratings=ratings)
    return not_involved


def _sharing_organisation(name: str) -> Organisation | None:
    """The active organisation of that name (case and spacing aside) whose partner workers may be
    involved: one with a sharing agreement in force, or the police and probation, who are the core
    team and need none (ADR 0013)."""
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
