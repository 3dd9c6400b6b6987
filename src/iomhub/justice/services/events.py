"""Arrests, offences, court outcomes, warrants, the MAPPA level and custody episodes: recorded, never guessed."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction

from iomhub.access import audit
from iomhub.access.models import AuditAction, Section
from iomhub.justice import screening_table
from iomhub.justice.catalogue import normalise_code
from iomhub.justice.models import (
    Arrest,
    ArrestOutcome,
    CourtOutcome,
    CustodyEpisode,
    Disposal,
    MappaCategory,
    MappaManagement,
    Offence,
    OffenceCode,
    Requirement,
    Warrant,
)
from iomhub.justice.services._common import audit_write, authorise_change, check_date, check_text, offence_codes_lookup

if TYPE_CHECKING:
    from iomhub.access.models import User
    from iomhub.people.models import Person


REQUIREMENT_DISPOSALS = {Disposal.COMMUNITY, Disposal.SUSPENDED}


def arrest_record(
    *,
    acting_user: User,
    person: Person,
    arrested_on: datetime.date,
    custody_suite: str,
    outcome: str,
    offence_codes: Sequence[str],
    offence_committed_on: datetime.date | None = None,
) -> Arrest:
    """An arrest with the offence(s) it was for (issue 4 §2)."""
    authorise_change(acting_user, person)
    errors: dict[str, list[str]] = {}
    check_date(errors, "arrested_on", arrested_on, "date of arrest", person)
    suite = check_text(errors, "custody_suite", custody_suite, "custody suite")
    if outcome not in ArrestOutcome.values:
        errors["outcome"] = ["Select the outcome of the arrest"]
    committed = offence_committed_on or arrested_on
    if offence_committed_on is not None:
        check_date(errors, "offence_committed_on", offence_committed_on, "offence date", person)
        if isinstance(arrested_on, datetime.date) and offence_committed_on > arrested_on:
            errors.setdefault("offence_committed_on", []).append("The offence date must be on or before the date of arrest")
    codes: list[OffenceCode] = []
    if not [c for c in offence_codes if normalise_code(c)]:
        errors["offence_codes"] = ["Enter the Home Office code of at least one offence"]
    else:
        try:
            codes = offence_codes_lookup(offence_codes)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        arrest = Arrest.objects.create(person=person, arrested_on=arrested_on, custody_suite=suite, outcome=outcome)
        for code in codes:
            Offence.objects.create(person=person, code=code, committed_on=committed, arrest=arrest)
        audit_write(
            acting_user,
            "arrest",
            arrest,
            person,
            {},
            {"arrested_on": arrested_on, "custody_suite": suite, "outcome": outcome, "offence_codes": [c.code for c in codes]},
        )
        screening_table.refresh([person.pk])
    return arrest


def offence_record(*, acting_user: User, person: Person, code: str, committed_on: datetime.date) -> Offence:
    authorise_change(acting_user, person)
    errors: dict[str, list[str]] = {}
    check_date(errors, "committed_on", committed_on, "offence date", person)
    found: list[OffenceCode] = []
    if not normalise_code(code or ""):
        errors["code"] = ["Enter the Home Office offence code"]
    else:
        try:
            found = offence_codes_lookup([code], field="code")
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        offence = Offence.objects.create(person=person, code=found[0], committed_on=committed_on)
        audit_write(acting_user, "offence", offence, person, {}, {"code": found[0].code, "committed_on": committed_on})
        screening_table.refresh([person.pk])
    return offence


def court_outcome_record(
    *,
    acting_user: User,
    person: Person,
    decided_on: datetime.date,
    disposal: str,
    court: str = "",
    requirements: Sequence[str] = (),
    fine_pounds: int | None = None,
    offence_ids: Sequence[int] = (),
) -> CourtOutcome:
    """A conviction (or caution) and its disposal; community order requirements such as DRR, ATR
    and RAR (000 §6; 002 §5)."""
    authorise_change(acting_user, person)
    errors: dict[str, list[str]] = {}
    check_date(errors, "decided_on", decided_on, "date of conviction or caution", person)
    court = check_text(errors, "court", court, "court", required=False)
    if disposal not in Disposal.values:
        errors["disposal"] = ["Select the disposal"]
    reqs = list(dict.fromkeys(requirements))
    bad = [r for r in reqs if r not in Requirement.values]
    if bad:
        errors["requirements"] = [f"Unknown requirement {', '.join(bad)}"]
    elif reqs and disposal not in REQUIREMENT_DISPOSALS:
        errors["requirements"] = ["Requirements only apply to a community order or a suspended sentence order"]
    elif disposal == Disposal.COMMUNITY and not reqs:
        errors["requirements"] = ["Select at least one requirement of the community order"]
    if disposal == Disposal.FINE:
        if fine_pounds is None or fine_pounds < 1:
            errors["fine_pounds"] = ["Enter the amount of the fine in pounds"]
    elif fine_pounds is not None:
        errors["fine_pounds"] = ["Only enter an amount for a fine"]
    offences = list(Offence.objects.filter(person=person, pk__in=list(offence_ids)))
    if len(offences) != len(set(offence_ids)):
        errors["offence_ids"] = ["Select offences from this person's record"]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        outcome = CourtOutcome.objects.create(
            person=person, decided_on=decided_on, court=court, disposal=disposal, requirements=reqs, fine_pounds=fine_pounds
        )
        outcome.offences.set(offences)
        audit_write(
            acting_user,
            "court-outcome",
            outcome,
            person,
            {},
            {
                "decided_on": decided_on,
                "court": court,
                "disposal": disposal,
                "requirements": reqs,
                "fine_pounds": fine_pounds,
                "offences": [o.pk for o in offences],
            },
        )
        screening_table.refresh([person.pk])
    return outcome


def warrant_record(*, acting_user: User, person: Person, kind: str, issued_on: datetime.date, issued_by: str = "") -> Warrant:
    """A warrant: feeds the Red Alert prompt (002 appendix 1: wanted)."""
    authorise_change(acting_user, person)
    errors: dict[str, list[str]] = {}
    if kind not in Warrant.Kind.values:
        errors["kind"] = ["Select the kind of warrant"]
    check_date(errors, "issued_on", issued_on, "date the warrant was issued", person)
    issued_by = check_text(errors, "issued_by", issued_by, "issuing court or force", required=False)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        warrant = Warrant.objects.create(person=person, kind=kind, issued_on=issued_on, issued_by=issued_by)
        audit_write(acting_user, "warrant", warrant, person, {}, {"kind": kind, "issued_on": issued_on, "issued_by": issued_by})
        screening_table.refresh([person.pk])
    return warrant


def warrant_execute(*, acting_user: User, warrant: Warrant, executed_on: datetime.date) -> Warrant:
    person = warrant.person
    authorise_change(acting_user, person)
    errors: dict[str, list[str]] = {}
    check_date(errors, "executed_on", executed_on, "date the warrant was executed", person)
    if not errors and executed_on < warrant.issued_on:
        errors["executed_on"] = ["The warrant cannot be executed before it was issued"]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = Warrant.objects.select_for_update().get(pk=warrant.pk)
        if current.executed_on is not None:
            raise ValidationError({"executed_on": ["This warrant has already been executed"]})
        current.executed_on = executed_on
        current.save(update_fields=["executed_on"])
        audit_write(acting_user, "warrant", current, person, {"executed_on": None}, {"executed_on": executed_on})
    return current


def mappa_record(
    *,
    acting_user: User,
    person: Person,
    level: int | None,
    category: str = "",
    from_date: datetime.date,
    source: str = "",
) -> MappaManagement:
    """Record the person's MAPPA management level from ``from_date`` (``level`` None: MAPPA
    management ended). The one record of MAPPA level that screening and deregistration read."""
    authorise_change(acting_user, person)
    errors: dict[str, list[str]] = {}
    if level is not None and (isinstance(level, bool) or level not in (1, 2, 3)):
        errors["level"] = ["Select MAPPA level 1, 2 or 3, or that MAPPA management has ended"]
    category = str(category or "")
    if level is not None and category not in MappaCategory.values:
        errors["category"] = ["Select the MAPPA category"]
    elif level is None and category:
        errors["category"] = ["Leave the category empty when MAPPA management has ended"]
    check_date(errors, "from_date", from_date, "date the level applies from", person)
    source = check_text(errors, "source", source, "meeting or source", required=False)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        previous = MappaManagement.objects.filter(person=person, from_date__lte=from_date).order_by("from_date", "id").last()
        if previous is None and level is None:
            raise ValidationError({"level": ["No MAPPA level is recorded before this date, so there is nothing to end"]})
        record = MappaManagement.objects.create(
            person=person,
            level=level,
            category=category,
            from_date=from_date,
            source=source,
            recorded_by=acting_user,
            recorded_by_name=acting_user.display_name,
        )
        before = {"level": previous.level, "category": previous.category} if previous is not None else {"level": None, "category": ""}
        audit.record(
            actor=acting_user,
            action=AuditAction.CREATE,
            object_type="mappa-level",
            object_id=record.pk,
            person_id=person.pk,
            changes={
                "section": Section.JUSTICE,
                **audit.diff(before, {"level": level, "category": category}),
                "from_date": from_date,
                "source": source,
            },
        )
    return record


def custody_episode_record(
    *, acting_user: User, person: Person, kind: str, prison: str, started_on: datetime.date, ended_on: datetime.date | None = None
) -> CustodyEpisode:
    authorise_change(acting_user, person)
    errors: dict[str, list[str]] = {}
    if kind not in CustodyEpisode.Kind.values:
        errors["kind"] = ["Select remand or sentenced custody"]
    prison = check_text(errors, "prison", prison, "prison")
    check_date(errors, "started_on", started_on, "date custody began", person)
    if ended_on is not None:
        check_date(errors, "ended_on", ended_on, "date custody ended", person)
        if isinstance(started_on, datetime.date) and ended_on < started_on:
            errors.setdefault("ended_on", []).append("The date custody ended must be on or after the date it began")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        episode = CustodyEpisode.objects.create(person=person, kind=kind, prison=prison, started_on=started_on, ended_on=ended_on)
        audit_write(
            acting_user,
            "custody-episode",
            episode,
            person,
            {},
            {"kind": kind, "prison": prison, "started_on": started_on, "ended_on": ended_on},
        )
    return episode
