"""A batch's rows written as values (``iomhub.bulk_insert.insert_values``: ``access.audit.record_many``'s
events, ``justice.services.bulk.arrests_record_many``'s offences; ADR 0037 addendum "a batch's rows as
values") are the rows the single-record path writes, column by column, on both databases.

The oracles do not share the new code: ``audit.record`` (``AuditEvent.objects.create``, one event at
a time), ``justice.arrest_record`` (one arrest at a time), and ``bulk_create`` of model instances.
Every column is read back with SQL as stored (the raw JSON text of ``changes``, the IP address as
text); only the ids and the time of the write differ, and those are checked for what they must be.
A sealed value (ADR 0039) has a fresh nonce each time it is sealed, so it is compared opened, and
its envelope (``enc:v1:<key>:``) as stored."""

from __future__ import annotations

import datetime
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone

from iomhub import clock
from iomhub.access import audit
from iomhub.access.models import AuditAction, AuditEvent, Role
from iomhub.bulk_insert import insert_many, insert_values
from iomhub.crypto.keys import decrypt, sealed_with
from iomhub.justice import screening_table
from iomhub.justice import services as justice
from iomhub.justice.models import Arrest, Offence, OffenceCode, ScreeningPeriod
from iomhub.justice.services.bulk import NewArrest, arrests_record_many
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2026, 6, 30)


@pytest.fixture(autouse=True)
def fixed_today():
    with clock.frozen(TODAY):
        yield


def _table_rows(model, since: int) -> list[dict]:
    """Every column of the rows of ``model`` after id ``since``, as the database holds them (JSON
    and addresses as text), in id order."""
    table = connection.ops.quote_name(model._meta.db_table)
    columns = [f.column for f in model._meta.concrete_fields]
    cast = {"changes": "CAST(changes AS text)", "ip_address": "CAST(ip_address AS text)"} if model is AuditEvent else {}
    select = ", ".join(cast.get(c, connection.ops.quote_name(c)) for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {select} FROM {table} WHERE id > %s ORDER BY id", [since])  # noqa: S608 - our tables' names
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def _last(model) -> int:
    return model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _opened(changes_text: str) -> dict:
    """The stored JSON, each sealed value opened and its envelope kept (``enc:v1:<key id>``)."""
    changes = json.loads(changes_text)
    return {
        k: ("sealed", sealed_with(v), json.loads(decrypt(v))) if isinstance(v, str) and sealed_with(v) else ("plain", v)
        for k, v in changes.items()
    }


def _comparable(rows: list[dict], started: datetime.datetime, times: tuple[str, ...]) -> list[dict]:
    """The rows without their ids and write times, after checking each write time is the time of the
    write (not before ``started``, not after now)."""
    out = []
    for row in rows:
        row = dict(row)
        row.pop("id")
        for name in times:
            value = row.pop(name)
            if connection.vendor == "sqlite" and value is not None:  # SQLite keeps UTC without its zone
                value = value.replace(tzinfo=datetime.UTC)
            assert value is not None and started <= value <= timezone.now(), (name, value)
        if "changes" in row:
            row["changes"] = _opened(row["changes"])
        out.append(row)
    return out


def _in_rolled_back(write):
    """What ``write`` adds to the audit log, arrests and offences, read back; then rolled back."""
    since = {model: _last(model) for model in (AuditEvent, Arrest, Offence)}
    with transaction.atomic():
        started = timezone.now()
        answer = write()
        found = {model: _table_rows(model, since[model]) for model in since}
        transaction.set_rollback(True)
    return answer, started, found


ENTRIES = [
    # A person's change whose keys are sealed (ADR 0039): religion, sexual orientation; others plain.
    {
        "action": AuditAction.CHANGE,  # a TextChoices member: stored as its text
        "object_type": "person",
        "object_id": 41,
        "person_id": 41,
        "changes": {
            "religion": {"before": "", "after": "Buddhist"},
            "sexual_orientation": {"before": "Gay", "after": ""},
            "first_name": {"before": "Ann", "after": "Anne"},
        },
        "reason": "corrected",
    },
    # Dates, decimals as text, nested lists, an empty sealed value (left as it is), no person.
    {
        "action": "create",
        "object_type": "arrest",
        "object_id": "x" * 80,  # cut to 64
        "changes": {"arrested_on": D(2026, 6, 1), "codes": ("105A", "28C"), 3: None, "ok": True, "n": 1.5},
        "outcome": "refused",
    },
    {"action": AuditAction.VIEW, "object_type": "person", "person_id": None, "changes": {"religion": ""}},
    {"action": "listed", "object_id": None},  # defaults: no type, no changes, no reason, outcome ok
]


def _context():
    return audit.set_request_context(
        audit.RequestContext(ip_address="2001:db8::7", user_agent="agent/" + "u" * 400, request_id="r-1", route="/people/" + "p" * 300)
    )


@pytest.mark.parametrize("with_actor", [True, False])
def test_record_many_writes_the_columns_record_writes(partnership, with_actor):
    actor = partnership.users[Role.POLICE_IOM_OFFICER] if with_actor else None
    token = _context()
    try:
        _, started_many, many = _in_rolled_back(lambda: audit.record_many(actor=actor, entries=ENTRIES, username="feed-bot"))
        _, started_one, one = _in_rolled_back(lambda: [audit.record(actor=actor, username="feed-bot", **entry) for entry in ENTRIES])
    finally:
        audit.reset_request_context(token)

    written = _comparable(many[AuditEvent], started_many, ("occurred_at",))
    assert written == _comparable(one[AuditEvent], started_one, ("occurred_at",))
    assert len(written) == len(ENTRIES)
    # What the comparison rests on, written out: the sealed keys sealed, the context as cut.
    first = written[0]
    assert first["changes"]["religion"][0] == "sealed" and first["changes"]["religion"][2] == {"before": "", "after": "Buddhist"}
    assert first["changes"]["first_name"] == ("plain", {"before": "Ann", "after": "Anne"})
    assert written[2]["changes"] == {"religion": ("plain", "")}
    assert first["ip_address"] in ("2001:db8::7", "2001:db8::7/128") and len(first["user_agent"]) == 300 and len(first["route"]) == 200
    assert first["actor_id"] == (actor.pk if actor else None)
    assert first["actor_username"] == (actor.get_username() if actor else "feed-bot")
    assert written[1]["object_id"] == "x" * 64 and written[1]["changes"]["arrested_on"] == ("plain", "2026-06-01")
    assert written[3] | {"changes": None} == written[3] | {"object_type": "", "reason": "", "outcome": "ok", "changes": None}
    # Each event its own time, in order, as instances made one after the other have.
    times = [row["occurred_at"] for row in many[AuditEvent]]
    assert times == sorted(times)


def test_insert_values_writes_what_bulk_create_of_instances_writes(partnership):
    """Offences (a foreign key given by id, a date, ``auto_now_add``'s ``created_at``) and arrests,
    against ``bulk_create`` of the same instances; the primary keys answered are the rows'."""
    people = [PersonFactory(managing_team=partnership.team) for _ in range(2)]
    codes = list(OffenceCode.objects.order_by("code")[:2])
    arrest = Arrest.objects.create(person=people[0], arrested_on=D(2026, 6, 1), custody_suite="Eastgate", outcome="charge")
    values = [
        (people[0].pk, codes[0].pk, D(2026, 6, 1), arrest.pk),
        (people[1].pk, codes[1].pk, D(1999, 12, 31), None),
    ]
    columns = ("person_id", "code_id", "committed_on", "arrest_id")

    pks, started_new, new = _in_rolled_back(lambda: insert_values(Offence, columns, values))
    _, started_old, old = _in_rolled_back(
        lambda: Offence.objects.bulk_create([Offence(**dict(zip(columns, row, strict=True))) for row in values])
    )
    assert [row["id"] for row in new[Offence]] == pks and len(pks) == 2
    assert _comparable(new[Offence], started_new, ("created_at",)) == _comparable(old[Offence], started_old, ("created_at",))
    assert [row["committed_on"] for row in new[Offence]] == [D(2026, 6, 1), D(1999, 12, 31)]

    arrests = [(people[1].pk, D(2026, 6, 2), "Westfield", "caution")]
    arrest_columns = ("person_id", "arrested_on", "custody_suite", "outcome")
    _, started_new, new = _in_rolled_back(lambda: insert_values(Arrest, arrest_columns, arrests))
    _, started_old, old = _in_rolled_back(lambda: insert_many([Arrest(**dict(zip(arrest_columns, arrests[0], strict=True)))]))
    assert _comparable(new[Arrest], started_new, ("created_at",)) == _comparable(old[Arrest], started_old, ("created_at",))
    assert len(new[Arrest]) == 1


def test_insert_values_refuses_what_it_cannot_write():
    with pytest.raises(TypeError):
        insert_values(Offence, ("person_id", "no_such_column"), [(1, 2)])
    assert insert_values(Offence, ("person_id",), []) == []


@pytest.fixture
def people(partnership):
    police = partnership.users[Role.POLICE_IOM_OFFICER]
    found = [PersonFactory(managing_team=partnership.team, date_of_birth=D(1990, 1, 1)) for _ in range(3)]
    for i in range(5):
        justice.arrest_record(
            acting_user=police,
            person=found[0],
            arrested_on=D(2026, 5, 1) - datetime.timedelta(days=30 * i),
            custody_suite="Northbridge",
            outcome="charge",
            offence_codes=["28C"],
        )
    screening_table.rebuild()
    return found


def test_a_batch_writes_every_column_one_arrest_at_a_time_writes(partnership, people):
    """``arrests_record_many`` against ``arrest_record`` for each, every column of the arrests,
    offences and audit events (ids mapped to the order written), and the screening table."""
    police = partnership.users[Role.POLICE_IOM_OFFICER]
    items = [
        NewArrest(people[0], D(2026, 6, 1), " Northbridge  custody suite", "charge", ("105a", "28C")),
        NewArrest(people[1], D(2026, 6, 2), "Eastgate", "bail", ("28 c",)),
        NewArrest(people[1], D(2026, 6, 3), "Eastgate", "charge", ("ZZZ9",)),  # refused: writes nothing
        NewArrest(people[2], D(2026, 6, 4), "Westfield", "caution", ("28C", "105A", "28C")),
    ]

    def one_at_a_time():
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
            except (ValidationError, PermissionDenied):  # the refusal is the batch's answer too
                continue

    periods_seen = {}

    def read(write):
        def write_and_read_periods():
            write()
            periods_seen["now"] = sorted(
                ScreeningPeriod.objects.values_list("person_id", "starts_on", "ends_on", "arrests_in_year", "last_arrest")
            )

        _, started, found = _in_rolled_back(write_and_read_periods)
        return started, found

    token = _context()
    try:
        started_batch, batch = read(lambda: arrests_record_many(acting_user=police, items=items))
        batch_periods = periods_seen["now"]
        started_one, one = read(one_at_a_time)
        one_periods = periods_seen["now"]
    finally:
        audit.reset_request_context(token)

    def normalised(found, started):
        arrest_index = {row["id"]: i for i, row in enumerate(found[Arrest])}
        arrests = _comparable(found[Arrest], started, ("created_at",))
        offences = sorted(
            (tuple(sorted((k, arrest_index.get(v, v) if k == "arrest_id" else v) for k, v in row.items())))
            for row in _comparable(found[Offence], started, ("created_at",))
        )
        events = []
        for row in _comparable([e for e in found[AuditEvent] if e["object_type"] == "arrest"], started, ("occurred_at",)):
            row["object_id"] = arrest_index[int(row["object_id"])]
            events.append(row)
        return arrests, offences, events

    assert normalised(batch, started_batch) == normalised(one, started_one)
    arrests, offences, events = normalised(batch, started_batch)
    assert len(arrests) == 3 and len(offences) == 6 and len(events) == 3
    assert events[0]["ip_address"] in ("2001:db8::7", "2001:db8::7/128") and events[0]["actor_id"] == police.pk
    assert batch_periods == one_periods
    assert any(pid == people[0].pk and count >= 6 for pid, _, _, count, _ in batch_periods)
