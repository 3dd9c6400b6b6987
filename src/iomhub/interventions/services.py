"""Every change to drug tests and DRR / ATR orders: authorise, validate, write, audit.

Drug tests, orders and reviews are health data (special category, ADR 0010): only a user who may
change both the health section and (for a test, which is a visit on the timeline) the timeline may
record them; every refusal is audited (``access.errors.deny``).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction

from iomhub.access import audit
from iomhub.access.models import AuditAction, Section
from iomhub.access.refusals import require_person_change
from iomhub.casework.models import DrugResult, EntryKind, EntryOutcome, Substance, TimelineEntry
from iomhub.interventions.models import (
    Attendance,
    DrugTest,
    DrugTestResult,
    Intensity,
    OrderKind,
    OrderReview,
    Progress,
    SampleType,
    Specified,
    SubstanceResult,
    TreatmentOrder,
)
from iomhub.rules import interventions as rules
from iomhub.rules.date_windows import latest_order_start
from iomhub.validation import clean_choice, clean_date, clean_text, not_after

if TYPE_CHECKING:
    from iomhub.access.models import User
    from iomhub.people.models import Person

MAX_NOTE = 5000


def authorise(user: User, person: Person, *sections: str) -> None:
    """Refuse (audited) unless ``user`` may change every one of ``sections`` of ``person``'s record."""
    require_person_change(user, person, *sections, name_section=True)


def _past_date(errors: dict[str, list[str]], name: str, value: Any, label: str, person: Person) -> datetime.date:
    return clean_date(errors, name, value, label, born=person.date_of_birth)


def order_for(person: Person, order_id: int | str | None) -> TreatmentOrder | None:
    if order_id in (None, ""):
        return None
    try:
        return TreatmentOrder.objects.get(pk=int(order_id), person=person)  # type: ignore[arg-type]
    except (TreatmentOrder.DoesNotExist, ValueError, TypeError, OverflowError):
        raise ValidationError({"order": ["Select one of this person's orders"]}) from None


# ---------------------------------------------------------------- drug tests (000 §5.6)


def _check_results(errors: dict[str, list[str]], results: Mapping[str, str], refused: bool, specified: str) -> dict[str, str]:
    found = {str(k): str(v) for k, v in results.items() if v not in (None, "", "not-tested")}
    bad = sorted(s for s in found if s not in Substance.values)
    if bad:
        errors.setdefault("results", []).append(f"Unknown substance: {', '.join(bad)}")
    wrong = sorted(s for s, r in found.items() if r not in SubstanceResult.values)
    if wrong:
        errors.setdefault("results", []).append(f"Select negative or positive for: {', '.join(wrong)}")
    if refused and found:
        errors.setdefault("results", []).append("A refused test has no results: leave every substance as not tested")
    elif not refused and not found:
        errors.setdefault("results", []).append("Select negative or positive for at least one substance tested")
    elif not refused:
        missing = rules.missing_for_specified(frozenset(found), specified)
        if missing and specified == Specified.CLASS_A:
            labels = ", ".join(str(Substance(s).label).lower() for s in sorted(missing))
            errors.setdefault("results", []).append(f"A test for specified Class A drugs tests for opiates and cocaine: add {labels}")
        elif missing:
            errors.setdefault("results", []).append("A test for Class A or B drugs tests for at least one Class A or B drug")
    return found


def drug_test_record(
    *,
    acting_user: User,
    person: Person,
    tested_on: datetime.date,
    sample_type: str,
    results: Mapping[str, str],
    refused: bool = False,
    specified: str = Specified.NONE,
    notes: str = "",
    order: TreatmentOrder | None = None,
) -> DrugTest:
    """Record a drug test: the visit on the timeline and the test's record linked to it, in one
    transaction. ``results`` maps each substance tested to ``negative`` or ``positive``."""
    authorise(acting_user, person, Section.TIMELINE, Section.HEALTH)
    errors: dict[str, list[str]] = {}
    when = _past_date(errors, "tested_on", tested_on, "the date of the test", person)
    sample_type = clean_choice(errors, "sample_type", sample_type, SampleType, "the sample type")
    specified = clean_choice(errors, "specified", specified or Specified.NONE, Specified, "which drugs are specified")
    found = _check_results(errors, results, bool(refused), specified)
    notes = clean_text(errors, "notes", notes, "the notes", required=False, limit=MAX_NOTE)
    if order is not None and order.person_id != person.pk:
        errors.setdefault("order", []).append("Select one of this person's orders")
    if errors:
        raise ValidationError(errors)
    from iomhub.interventions.signals import recording_test

    result = rules.overall_result(found, refused=bool(refused))
    token = recording_test.set(True)
    try:
        with transaction.atomic():
            entry = _visit(acting_user, person, when, found, result, refused=bool(refused))
            test = _test_create(acting_user, person, entry, sample_type, specified, bool(refused), notes, order, found)
    finally:
        recording_test.reset(token)
    return test


def _visit(
    acting_user: User, person: Person, when: datetime.date, found: Mapping[str, str], result: str, *, refused: bool
) -> TimelineEntry:
    """The test as a visit on the timeline, with the summary the deregistration evidence and the
    reports read (``TimelineEntry.drug_result``, ``substances_tested``, ``positive_for``)."""
    from iomhub.casework import services as casework

    return casework.timeline_record(
        acting_user=acting_user,
        person=person,
        kind=EntryKind.DRUG_TEST,
        occurred_on=when,
        outcome=EntryOutcome.DONE,
        substances_tested=[] if refused else sorted(found),
        drug_result=result,
        positive_for=sorted(s for s, r in found.items() if r == SubstanceResult.POSITIVE),
    )


def _test_create(
    user: User,
    person: Person,
    entry: TimelineEntry,
    sample_type: str,
    specified: str,
    refused: bool,
    notes: str,
    order: TreatmentOrder | None,
    found: Mapping[str, str],
) -> DrugTest:
    test = DrugTest.objects.create(
        person=person,
        entry=entry,
        order=order,
        tested_on=entry.occurred_on,
        sample_type=sample_type,
        specified=specified,
        refused=refused,
        notes=notes,
        recorded_by=user,
        recorded_by_name=user.display_name,
    )
    DrugTestResult.objects.bulk_create(DrugTestResult(test=test, substance=s, result=r) for s, r in sorted(found.items()))
    audit.record(
        actor=user,
        action=AuditAction.CREATE,
        object_type="drug-test",
        object_id=test.pk,
        person_id=person.pk,
        changes={
            "section": Section.HEALTH,
            "tested_on": entry.occurred_on,
            "sample_type": sample_type,
            "specified": specified,
            "refused": refused,
            "results": dict(sorted(found.items())),
            "order": order.pk if order else None,
        },
    )
    return test


def drug_test_from_entry(*, acting_user: User, entry: TimelineEntry) -> DrugTest | None:
    """The record of a drug test entered on the timeline with its summary only (the timeline API's
    drug-test fields): the substances tested, each positive or negative, the sample not recorded.
    None for a test booked ahead or one already recorded."""
    if entry.kind != EntryKind.DRUG_TEST or entry.outcome == EntryOutcome.BOOKED or not entry.drug_result:
        return None
    if DrugTest.objects.filter(entry=entry).exists():
        return None
    refused = entry.drug_result == DrugResult.REFUSED
    positives = set(entry.positive_for or [])
    found = {} if refused else {s: ("positive" if s in positives else "negative") for s in entry.substances_tested or []}
    return _test_create(acting_user, entry.person, entry, SampleType.NOT_RECORDED, Specified.NONE, refused, "", None, found)


# ---------------------------------------------------------------- DRR and ATR orders (000 §6.1, appendix 4)


def order_record(
    *,
    acting_user: User,
    person: Person,
    kind: str,
    court: str,
    made_on: datetime.date,
    starts_on: datetime.date,
    months: int,
    intensity: str,
    provider: str,
    offender_manager: str = "",
) -> TreatmentOrder:
    """Record a DRR or ATR made by a court."""
    authorise(acting_user, person, Section.HEALTH)
    errors: dict[str, list[str]] = {}
    kind = clean_choice(errors, "kind", kind, OrderKind, "the kind of order")
    intensity = clean_choice(errors, "intensity", intensity, Intensity, "the intensity")
    court = clean_text(errors, "court", court, "the court", required=True, limit=200)
    provider = clean_text(errors, "provider", provider, "the treatment provider", required=True, limit=200)
    offender_manager = clean_text(errors, "offender_manager", offender_manager, "the offender manager", required=False, limit=200)
    made = _past_date(errors, "made_on", made_on, "the date the order was made", person)
    if not isinstance(starts_on, datetime.date):
        errors.setdefault("starts_on", []).append("Enter the start date")
    elif "made_on" not in errors and starts_on < made:
        errors.setdefault("starts_on", []).append("The start date must be on or after the date the order was made")
    elif "made_on" not in errors:
        # An order's requirements are complied with within 3 years of its making (rules.date_windows).
        not_after(
            errors, "starts_on", starts_on, "the start date", latest_order_start(made), "within 3 years of the date the order was made"
        )
    try:
        length = int(months)
    except (TypeError, ValueError):
        errors.setdefault("months", []).append("Enter the length of the order in months")
        length = 0
    else:
        problem = rules.order_length_problem(length)
        if problem:
            errors.setdefault("months", []).append(problem)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        order = TreatmentOrder.objects.create(
            person=person,
            kind=kind,
            court=court,
            made_on=made,
            starts_on=starts_on,
            months=length,
            intensity=intensity,
            provider=provider,
            offender_manager=offender_manager,
            recorded_by=acting_user,
        )
        values = {"kind": kind, "court": court, "made_on": made, "starts_on": starts_on, "months": length, "intensity": intensity}
        audit.record(
            actor=acting_user,
            action=AuditAction.CREATE,
            object_type="treatment-order",
            object_id=order.pk,
            person_id=person.pk,
            changes={"section": Section.HEALTH, **values, "provider": provider},
        )
    return order


def review_record(
    *,
    acting_user: User,
    order: TreatmentOrder,
    reviewed_on: datetime.date,
    progress: str,
    attendance: str,
    notes: str,
    tests_summary: str = "",
) -> OrderReview:
    """Record a progress review of an order."""
    person = order.person
    authorise(acting_user, person, Section.HEALTH)
    errors: dict[str, list[str]] = {}
    when = _past_date(errors, "reviewed_on", reviewed_on, "the date of the review", person)
    if "reviewed_on" not in errors and when < order.starts_on:
        errors.setdefault("reviewed_on", []).append("The review must be on or after the order's start date")
    progress = clean_choice(errors, "progress", progress, Progress, "the progress made")
    attendance = clean_choice(errors, "attendance", attendance, Attendance, "the attendance")
    notes = clean_text(errors, "notes", notes, "the progress notes", required=True, limit=MAX_NOTE)
    tests_summary = clean_text(errors, "tests_summary", tests_summary, "the test results", required=False, limit=MAX_NOTE)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        review = OrderReview.objects.create(
            order=order,
            reviewed_on=when,
            progress=progress,
            attendance=attendance,
            tests_summary=tests_summary,
            notes=notes,
            reviewed_by=acting_user,
            reviewed_by_name=acting_user.display_name,
        )
        audit.record(
            actor=acting_user,
            action=AuditAction.CREATE,
            object_type="order-review",
            object_id=review.pk,
            person_id=person.pk,
            changes={"section": Section.HEALTH, "order": order.pk, "reviewed_on": when, "progress": progress, "attendance": attendance},
        )
    return review


def drug_tests_from_entries(entries: list[TimelineEntry]) -> int:
    """The records of drug tests written to timelines in bulk (the demo, which bypasses ``save``):
    as ``drug_test_from_entry``, in two inserts, without an audit event each (the bulk load audits
    itself). Entries already recorded, booked or without a result are left."""
    tests = [
        e for e in entries if e.kind == EntryKind.DRUG_TEST and e.outcome != EntryOutcome.BOOKED and e.drug_result and e.pk is not None
    ]
    done = set(DrugTest.objects.filter(entry__in=tests).values_list("entry_id", flat=True))
    tests = [e for e in tests if e.pk not in done]
    made = DrugTest.objects.bulk_create(
        [
            DrugTest(
                person_id=e.person_id,
                entry=e,
                tested_on=e.occurred_on,
                sample_type=SampleType.NOT_RECORDED,
                refused=e.drug_result == DrugResult.REFUSED,
                recorded_by_id=e.recorded_by_id,
                recorded_by_name=e.recorded_by_name,
            )
            for e in tests
        ],
        batch_size=500,
    )
    results = [
        DrugTestResult(test=t, substance=s, result="positive" if s in set(e.positive_for or []) else "negative")
        for t, e in zip(made, tests, strict=True)
        if not t.refused
        for s in sorted(set(e.substances_tested or []))
    ]
    DrugTestResult.objects.bulk_create(results, batch_size=1000)
    return len(made)
