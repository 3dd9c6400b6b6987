"""``justice.services.bulk.arrests_record_many`` (a feed import's batch, issue 11) writes what
``arrest_record`` writes one arrest at a time, on both databases: the same arrests and offences, the
same audit event per arrest with the same ``changes``, and the same screening table (ADR 0036),
refreshed in the same transaction; a refused arrest is answered, not raised, and writes nothing.
The oracle is the same arrests recorded one by one through ``arrest_record``."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from iomhub import clock
from iomhub.access.models import AuditEvent, Role
from iomhub.justice import screening_table
from iomhub.justice import services as justice
from iomhub.justice.models import Arrest, CourtOutcome, Offence, ScreeningPeriod, Sentence, Warrant
from iomhub.justice.services.bulk import NewArrest, arrests_record_many
from iomhub.people.models import Person
from iomhub.rules.screening_periods import periods
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2026, 6, 30)


@pytest.fixture(autouse=True)
def fixed_today():
    with clock.frozen(TODAY):
        yield


@pytest.fixture
def police(partnership):
    return partnership.users[Role.POLICE_IOM_OFFICER]


@pytest.fixture
def people(partnership, police):
    """People on record, with histories that do and do not make screening periods."""
    found = [PersonFactory(managing_team=partnership.team, date_of_birth=D(1990, 1, 1)) for _ in range(5)]
    for i in range(5):  # five arrests: one more in the batch makes six in the year
        justice.arrest_record(
            acting_user=police,
            person=found[0],
            arrested_on=D(2026, 5, 1) - datetime.timedelta(days=30 * i),
            custody_suite="Northbridge custody suite",
            outcome="charge",
            offence_codes=["105A"],
        )
    justice.arrest_record(
        acting_user=police, person=found[1], arrested_on=D(2025, 3, 1), custody_suite="Eastgate", outcome="nfa", offence_codes=["28C"]
    )
    justice.court_outcome_record(acting_user=police, person=found[2], decided_on=D(2025, 11, 1), disposal="suspended")
    justice.warrant_record(acting_user=police, person=found[2], kind="breach", issued_on=D(2026, 1, 10))
    screening_table.rebuild()  # the table in use: kept current by every write
    return found


def _items(people, partnership):
    return [
        NewArrest(people[0], D(2026, 6, 1), "  Northbridge   custody suite ", "charge", ("105a", "28C")),
        NewArrest(people[1], D(2026, 6, 2), "Eastgate", "bail", (" 28 c",)),
        NewArrest(people[2], D(2026, 6, 3), "Eastgate", "charge", ("105A",)),
        NewArrest(people[3], D(2026, 6, 4), "Eastgate", "charge", ("ZZZ9",)),  # unknown code: refused
        NewArrest(people[3], D(2026, 6, 5), "Eastgate", "not-an-outcome", ("105A",)),  # refused
        NewArrest(partnership.restricted, D(2026, 6, 6), "Eastgate", "charge", ("105A",)),  # not the officer's to change
        NewArrest(people[0], D(2026, 6, 7), "Westfield", "caution", ("28C", "105A", "28C")),  # the same person again
        NewArrest(people[4], D(2026, 6, 8), "Westfield", "charge", ("105A",)),  # no history
    ]


def _periods_read_person_by_person(person_ids):
    """The table as the rule makes it from each person's record, read here with the ORM one person
    at a time (not through the screening table's own reads)."""
    rows = []
    for pid in person_ids:
        found = periods(
            arrest_dates=[a.arrested_on for a in Arrest.objects.filter(person_id=pid)],
            offences=[(o.committed_on, o.code.neighbourhood_crime or "other") for o in Offence.objects.filter(person_id=pid)],
            custodial_sentences=[
                (s.sentenced_on, s.length_days) for s in Sentence.objects.filter(person_id=pid, length_days__isnull=False)
            ],
            breach_warrants=[w.issued_on for w in Warrant.objects.filter(person_id=pid, kind=Warrant.Kind.BREACH)],
            orders=[c.decided_on for c in CourtOutcome.objects.filter(person_id=pid, disposal__in=["community-order", "suspended"])],
        )
        rows += [(pid, p.starts_on, p.ends_on, p.arrests_in_year, p.last_arrest) for p in found]
    return sorted(rows)


def _written(since_event: int, since_arrest: int):
    arrests = list(Arrest.objects.filter(pk__gt=since_arrest).order_by("pk"))
    index = {a.pk: i for i, a in enumerate(arrests)}
    return {
        "arrests": [(a.person_id, a.arrested_on, a.custody_suite, a.outcome) for a in arrests],
        "offences": sorted(
            (o.person_id, o.code_id, o.committed_on, index[o.arrest_id]) for o in Offence.objects.filter(arrest_id__in=index)
        ),
        "events": [
            (e.actor_id, e.action, e.object_type, index[int(e.object_id)], e.person_id, e.changes, e.outcome, e.reason)
            for e in AuditEvent.objects.filter(pk__gt=since_event, object_type="arrest").order_by("pk")
        ],
        "screening": sorted(ScreeningPeriod.objects.values_list("person_id", "starts_on", "ends_on", "arrests_in_year", "last_arrest")),
        "screening_by_rule": _periods_read_person_by_person(Person.objects.order_by("pk").values_list("pk", flat=True)),
    }


def _answer(outcome):
    if isinstance(outcome, ValidationError):
        return ("refused", outcome.message_dict)  # each field's messages, word for word
    if isinstance(outcome, PermissionDenied):
        return ("denied",)
    return ("recorded",)


def _one_at_a_time(police, items):
    answers = []
    for item in items:
        try:
            justice.arrest_record(
                acting_user=police,
                person=item.person,
                arrested_on=item.arrested_on,
                custody_suite=item.custody_suite,
                outcome=item.outcome,
                offence_codes=list(item.offence_codes),
            )
        except (ValidationError, PermissionDenied) as exc:
            answers.append(_answer(exc))
        else:
            answers.append(("recorded",))
    return answers


def _run(record):
    since_event = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    since_arrest = Arrest.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    with transaction.atomic():
        answers = record()
        found = _written(since_event, since_arrest)
        transaction.set_rollback(True)
    return answers, found


def test_a_batch_writes_what_one_arrest_at_a_time_writes(partnership, police, people):
    items = _items(people, partnership)
    before = sorted(ScreeningPeriod.objects.values_list("person_id", "starts_on", "ends_on", "arrests_in_year", "last_arrest"))
    batch_answers, batch = _run(lambda: [_answer(o) for o in arrests_record_many(acting_user=police, items=items)])
    one_answers, one = _run(lambda: _one_at_a_time(police, items))

    assert batch_answers == one_answers
    assert [a[0] for a in batch_answers] == ["recorded", "recorded", "recorded", "refused", "refused", "denied", "recorded", "recorded"]
    assert batch == one
    assert batch["screening"] == batch["screening_by_rule"]  # every person's periods, from their whole record
    assert len(batch["arrests"]) == 5 and len(batch["offences"]) == 8 and len(batch["events"]) == 5
    # The screening table changed with the batch (the sixth arrest in the year), inside its transaction.
    assert batch["screening"] != before
    assert any(pid == people[0].pk and count >= 6 for pid, _, _, count, _ in batch["screening"])
