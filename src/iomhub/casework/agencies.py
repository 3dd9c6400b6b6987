"""The agencies involved in a case and their named contacts (issue 6 §1): involving an agency lets
its partner workers see the person (the policy reads the open involvements), ending it takes the
person away from them (issue 9 §3). The coordinator or chair (``Action.COHORT_MANAGE``), for a
person they see; each change audited with before and after."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction

from iomhub import clock
from iomhub.access.models import Organisation, Section, User
from iomhub.casework.checks import audit_write as _audit
from iomhub.casework.checks import authorise
from iomhub.casework.checks import date as _date
from iomhub.casework.checks import text as _text
from iomhub.casework.models import AgencyContact, AgencyInvolvement
from iomhub.casework.plan import plan_actions_end_on_exit

if TYPE_CHECKING:
    from iomhub.people.models import Person


def agency_involve(
    *, acting_user: User, person: Person, organisation: Organisation, role_in_case: str = "", started_on: datetime.date | None = None
) -> AgencyInvolvement:
    """Record that ``organisation`` is involved (its partner workers then see the person)."""
    authorise(acting_user, person, section=Section.PLAN, manage=True)
    errors: dict[str, list[str]] = {}
    role_in_case = _text(errors, "role_in_case", role_in_case, "agency's role in the case", required=False)
    started = _date(errors, "started_on", started_on or clock.today(), "start date", person)
    if not organisation.active:
        errors.setdefault("organisation", []).append("That organisation is no longer active")
    if AgencyInvolvement.objects.filter(person=person, organisation=organisation, ended_on__isnull=True).exists():
        errors.setdefault("organisation", []).append(f"{organisation.name} is already involved in this case")
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            inv = AgencyInvolvement.objects.create(person=person, organisation=organisation, role_in_case=role_in_case, started_on=started)
    except IntegrityError:
        raise ValidationError({"organisation": [f"{organisation.name} is already involved in this case"]}) from None
    _audit(
        acting_user, "agency-involvement", inv, person, Section.PLAN, {}, {"organisation": organisation.name, "role_in_case": role_in_case}
    )
    return inv


def agency_end(
    *, acting_user: User, involvement: AgencyInvolvement, ended_on: datetime.date | None = None, reason: str
) -> AgencyInvolvement:
    """End an agency's involvement in the case, with the date and the reason (issue 9 §3): from that
    day its partner workers no longer see the person (the policy reads open involvements only).
    The coordinator or chair; audited with before and after."""
    person = involvement.person
    authorise(acting_user, person, section=Section.PLAN, manage=True)
    errors: dict[str, list[str]] = {}
    ended = _date(errors, "ended_on", ended_on or clock.today(), "end date", person)
    reason = _text(errors, "reason", reason, "why the involvement ends", limit=500)
    with transaction.atomic():
        current = AgencyInvolvement.objects.select_for_update().get(pk=involvement.pk)
        if current.ended_on is not None:
            errors.setdefault("ended_on", []).append("This agency's involvement has already ended")
        elif "ended_on" not in errors and ended < current.started_on:
            errors.setdefault("ended_on", []).append(
                f"The end date must be on or after the start date ({current.started_on.day} {current.started_on:%B %Y})"
            )
        if errors:
            raise ValidationError(errors)
        _end(acting_user, current, person, ended, reason)
    involvement.ended_on, involvement.end_reason = current.ended_on, current.end_reason
    return current


def _end(acting_user: User, involvement: AgencyInvolvement, person: Person, ended: datetime.date, reason: str) -> None:
    involvement.ended_on = max(ended, involvement.started_on)
    involvement.end_reason = reason[:500]
    involvement.save(update_fields=["ended_on", "end_reason"])
    _audit(
        acting_user,
        "agency-involvement",
        involvement,
        person,
        Section.PLAN,
        {"ended_on": None, "end_reason": ""},
        {"organisation": involvement.organisation.name, "ended_on": involvement.ended_on, "end_reason": involvement.end_reason},
    )


def involvements_end_on_exit(
    *, acting_user: User, person: Person, ended_on: datetime.date, reason: str, continuing: Sequence[int] = ()
) -> list[str]:
    """When a person leaves IOM (deregistration, a completed transfer out), every agency still
    involved stops seeing them, except those the exit plan names to keep supporting them
    (``continuing``: organisation ids; ADR 0005, 0013); their open plan actions are cancelled, those
    of a continuing agency handed over (``plan.plan_actions_end_on_exit``). Called inside the leaving service's
    transaction, after it has authorised the chair or coordinator (installed in ``cohort.agencies`` by
    ``CaseworkConfig.ready``); each ending is audited. Returns the names of the agencies ended."""
    authorise(acting_user, person, section=Section.PLAN, manage=True)
    ended = []
    for involvement in (
        AgencyInvolvement.objects.select_for_update()
        .filter(person=person, ended_on__isnull=True)
        .exclude(organisation_id__in=list(continuing))
        .select_related("organisation")
    ):
        _end(acting_user, involvement, person, ended_on, reason)
        ended.append(involvement.organisation.name)
    plan_actions_end_on_exit(acting_user=acting_user, person=person, ended_on=ended_on, reason=reason, continuing=continuing)
    return ended


def agency_contact_add(
    *, acting_user: User, involvement: AgencyInvolvement, name: str, job_title: str = "", phone: str = "", email: str = ""
) -> AgencyContact:
    """A named contact at an involved agency."""
    person = involvement.person
    authorise(acting_user, person, section=Section.PLAN, manage=True)
    errors: dict[str, list[str]] = {}
    name = _text(errors, "name", name, "contact's name")
    job_title = _text(errors, "job_title", job_title, "job title", required=False)
    phone = _text(errors, "phone", phone, "phone number", required=False, limit=40)
    if phone and not all(c.isdigit() or c in " +()-" for c in phone):
        errors.setdefault("phone", []).append("Enter a phone number using digits, spaces, +, ( ) and -")
    email = str(email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors.setdefault("email", []).append("Enter an email address in the correct format, like name@example.com")
    if not phone and not email and "name" not in errors:
        errors.setdefault("phone", []).append("Enter a phone number or an email address for the contact")
    if involvement.ended_on is not None:
        errors.setdefault("involvement", []).append("This agency is no longer involved in the case")
    if errors:
        raise ValidationError(errors)
    contact = AgencyContact.objects.create(involvement=involvement, name=name, job_title=job_title, phone=phone, email=email)
    _audit(
        acting_user,
        "agency-contact",
        contact,
        person,
        Section.PLAN,
        {},
        {"organisation": involvement.organisation.name, "name": name, "job_title": job_title, "phone": phone, "email": email},
    )
    return contact
