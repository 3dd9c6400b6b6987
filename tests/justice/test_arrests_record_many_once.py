"""``justice.services.bulk.arrests_record_many`` with the policy's decision made once a person and
today's date read once a call, the arrests written as values and answered by id (ADR 0037 addendum
"an arrests batch's per-arrest costs"), still answers and writes what ``arrest_record`` does one
arrest at a time: every column of the arrests, offences and audit events (the refusals' own
``denied`` events included), and each answer: the id of the arrest written, the same
``ValidationError`` messages, the same ``PermissionDenied`` reason for every refused arrest, in a
batch mixing people the user may and may not change, the same person several times.

The oracle is ``arrest_record`` (one ``decide``, one clock reading, one ``Arrest.objects.create``
an arrest), read back with SQL as stored (``tests/toolkit/test_insert_values.py``'s readers)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from iomhub import clock
from iomhub.access import audit
from iomhub.access.models import AuditEvent, Role
from iomhub.justice import screening_table
from iomhub.justice import services as justice
from iomhub.justice.models import Arrest, Offence
from iomhub.justice.services.bulk import NewArrest, arrests_record_many
from tests.factories import PersonFactory
from tests.toolkit.test_insert_values import _comparable, _context, _in_rolled_back

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2026, 6, 30)
DAY = datetime.timedelta(days=1)


@pytest.fixture
def people(partnership):
    police = partnership.users[Role.POLICE_IOM_OFFICER]
    with clock.frozen(TODAY):
        found = [PersonFactory(managing_team=partnership.team, date_of_birth=D(1990, 1, 1)) for _ in range(3)]
        justice.arrest_record(
            acting_user=police,
            person=found[0],
            arrested_on=D(2026, 5, 1),
            custody_suite="Northbridge",
            outcome="charge",
            offence_codes=["28C"],
        )
        screening_table.rebuild()
    return found


def _items(people, partnership, today):
    restricted = partnership.restricted
    housing = partnership.housing_case
    return [
        NewArrest(people[0], D(2026, 6, 1), " Northbridge  custody suite", "charge", ("105a", "28C")),
        NewArrest(restricted, D(2026, 6, 2), "Eastgate", "bail", ("28C",)),  # the police officer may not
        NewArrest(people[0], D(2026, 6, 3), "Eastgate", "charge", ("28C",)),  # the same person again
        NewArrest(restricted, D(2026, 6, 4), "Eastgate", "charge", ("105A",)),  # refused again: audited again
        NewArrest(people[1], today, "Westfield", "caution", ("28C",)),  # today: in the past enough
        NewArrest(people[1], today + DAY, "Westfield", "charge", ("28C",)),  # tomorrow: refused
        NewArrest(people[2], D(1989, 12, 31), "Westfield", "charge", ("28C",)),  # before the birth
        NewArrest(people[2], datetime.datetime(2026, 6, 1, 10, 0), "Westfield", "charge", ("28C",)),  # a time
        NewArrest(people[1], today + 2 * DAY, "Westfield", "nope", ("28C",)),  # two faults
        NewArrest(housing, D(2026, 6, 5), "Westfield", "charge", ("28C",)),
        NewArrest(restricted, D(2026, 6, 6), "Eastgate", "charge", ("105A", "28C")),
        NewArrest(people[2], D(2026, 6, 7), "Westfield", "charge", ("28C", "105A", "28C")),
        NewArrest(housing, D(2026, 6, 8), "Westfield", "nfa", ("105A",)),
    ]


def _answer(outcome):
    if isinstance(outcome, ValidationError):
        return ("refused", outcome.message_dict)
    if isinstance(outcome, PermissionDenied):
        return ("denied", str(outcome))
    return ("recorded", outcome)


def _one_at_a_time(user, items):
    answers = []
    for item in items:
        try:
            arrest = justice.arrest_record(
                acting_user=user,
                person=item.person,
                arrested_on=item.arrested_on,
                custody_suite=item.custody_suite,
                outcome=item.outcome,
                offence_codes=list(item.offence_codes),
            )
        except (ValidationError, PermissionDenied) as exc:
            answers.append(_answer(exc))
        else:
            answers.append(("recorded", arrest.pk))
    return answers


def _normalised(answers, started, found):
    """Answers and rows with each arrest's id replaced by its place in the order written."""
    index = {row["id"]: i for i, row in enumerate(found[Arrest])}
    answers = [(kind, index[value]) if kind == "recorded" else (kind, value) for kind, value in answers]
    arrests = _comparable(found[Arrest], started, ("created_at",))
    offences = [
        {k: index[v] if k == "arrest_id" else v for k, v in row.items()} for row in _comparable(found[Offence], started, ("created_at",))
    ]
    events = []
    for row in _comparable(found[AuditEvent], started, ("occurred_at",)):
        if row["object_type"] == "arrest":
            row["object_id"] = index[int(row["object_id"])]
        events.append(row)
    # The batch writes its refusals' events as it meets them and its arrests' events together after
    # (as before this change), so each kind is compared in its own order, not interleaved.
    by_kind = ([e for e in events if e["object_type"] == "arrest"], [e for e in events if e["object_type"] != "arrest"])
    return answers, arrests, sorted(offences, key=lambda r: sorted(r.items())), by_kind


def _both(user, items):
    token = _context()
    try:
        batch = _in_rolled_back(lambda: [_answer(o) for o in arrests_record_many(acting_user=user, items=items)])
        one = _in_rolled_back(lambda: _one_at_a_time(user, items))
    finally:
        audit.reset_request_context(token)
    return _normalised(*batch), _normalised(*one)


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        # The police officer: the restricted person refused (not visible), everyone else theirs.
        (Role.POLICE_IOM_OFFICER, "R D R D R F F F F R D R R"),
        # The probation officer holds a grant on the restricted person: allowed.
        (Role.PROBATION_OFFICER, "R R R R R F F F F R R R R"),
        # A housing worker: the justice section is not shared, so everyone is refused.
        (Role.PARTNER_WORKER, "D D D D D D D D D D D D D"),
    ],
)
def test_a_batch_answers_and_writes_what_one_arrest_at_a_time_does(partnership, people, role, expected):
    user = partnership.users[role]
    with clock.frozen(TODAY):
        batch, one = _both(user, _items(people, partnership, TODAY))
    assert batch == one
    answers, arrests, _offences, (written, others) = batch
    events = written + others
    assert " ".join({"recorded": "R", "refused": "F", "denied": "D"}[kind] for kind, _ in answers) == expected
    assert [value for kind, value in answers if kind == "recorded"] == list(range(len(arrests)))  # each its own id, in order
    denied = [e for e in events if e["outcome"] == "denied"]
    assert len(denied) == expected.count("D")  # every refused arrest audited, the same person each time too
    assert len([e for e in events if e["object_type"] == "arrest"]) == len(arrests) == expected.count("R")
    refusals = [value for kind, value in answers if kind == "refused"]
    if refusals:
        assert refusals[0] == {"arrested_on": ["The date of arrest must be today or in the past"]}
        assert refusals[1] == {"arrested_on": ["The date of arrest must be after the person's date of birth"]}
        assert refusals[2] == {"arrested_on": ["Enter the date of arrest"]}
    reasons = {value for kind, value in answers if kind == "denied"}
    assert reasons <= {"person not visible to this user", "section justice not shared with this user"}


@pytest.mark.parametrize(
    "now",
    [
        datetime.datetime(2026, 6, 30, 23, 30, tzinfo=datetime.UTC),  # already 1 July in England (BST)
        datetime.datetime(2026, 12, 31, 23, 59, 59, tzinfo=datetime.UTC),  # still 31 December (GMT)
        datetime.datetime(2026, 3, 29, 0, 30, tzinfo=datetime.UTC),  # the night the clocks go forward
    ],
)
def test_today_is_englands_date_as_one_arrest_at_a_time(partnership, people, now):
    """Today read once a call is the date ``arrest_record`` reads: in England, not UTC. (A date read
    once that ran ahead of England's would record tomorrow's arrests; one behind it only sends more
    arrests to the clock again, so it is the one direction that must fail here.)"""
    police = partnership.users[Role.POLICE_IOM_OFFICER]
    with clock.frozen(now):
        today = clock.today()
        items = [
            NewArrest(people[1], on, "Westfield", "charge", ("28C",))
            for on in (today - DAY, today, today + DAY, now.date(), now.date() + DAY)
        ]
        batch, one = _both(police, items)
    assert batch == one
    kinds = [kind for kind, _ in batch[0]]
    assert kinds[:3] == ["recorded", "recorded", "refused"]


def test_the_policy_asked_once_a_person(partnership, people):
    """A person with a restricted record the user holds a grant on costs the policy a query each time
    it decides: once a person in a batch, however many of their arrests it holds."""
    probation = partnership.users[Role.PROBATION_OFFICER]
    restricted = partnership.restricted
    items = [NewArrest(restricted, D(2026, 6, d), "Eastgate", "charge", ("28C",)) for d in range(1, 6)]
    items += [NewArrest(people[0], D(2026, 6, 6), "Eastgate", "charge", ("28C",))]
    with clock.frozen(TODAY), CaptureQueriesContext(connection) as queries:
        _in_rolled_back(lambda: arrests_record_many(acting_user=probation, items=items))
    grants = [q["sql"] for q in queries.captured_queries if "personaccessgrant" in q["sql"].lower()]
    assert len(grants) == 1, grants
    with clock.frozen(TODAY), CaptureQueriesContext(connection) as queries:
        _in_rolled_back(lambda: _one_at_a_time(probation, items))
    assert len([q for q in queries.captured_queries if "personaccessgrant" in q["sql"].lower()]) == 5  # the oracle asks each time
