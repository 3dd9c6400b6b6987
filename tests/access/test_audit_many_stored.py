"""``audit.record_many`` (a feed import's events, by one ``COPY`` of its own on PostgreSQL; issue 11,
ADR 0037 addendum) stores the rows ``audit.record`` stores one event at a time, column by column, as
the database returns them: ``changes`` as its stored text (``jsonb`` on PostgreSQL, text on SQLite),
the IP address as text, with dates, date-times, decimals, UUIDs, ``None``, tuples and nested lists,
keys that are not text, non-ASCII text (accents, CJK, emoji, a quote and a backslash), large and
small numbers, sealed keys (ADR 0039: compared opened, with their envelope), values that need their
field's preparation (a ``TextChoices`` type, a person id given as text, an IPv6 address not in its
short form), and the arrests and people events a feed import's batch writes. The oracle is
``audit.record`` (``AuditEvent.objects.create``), which does not share the batch's code."""

from __future__ import annotations

import datetime
import decimal
import json
import uuid

import pytest
from django.db import connection, transaction
from django.utils import timezone

from iomhub.access import audit
from iomhub.access.models import AuditAction, AuditEvent, Role, Section
from iomhub.crypto.keys import decrypt, sealed_with

pytestmark = pytest.mark.django_db

D = datetime.date
ODD = 'Zoë Ní Bhriain — 张伟 😀 "quoted" back\\slash\ttab'

ENTRIES = [
    # What a feed import's batch writes (justice.services.bulk, people.bulk): an arrest, a search, a person.
    {
        "action": AuditAction.CREATE,
        "object_type": "arrest",
        "object_id": 9001,
        "person_id": 77,
        "changes": {
            "section": Section.JUSTICE,
            **audit.diff({}, {"arrested_on": D(2026, 6, 1), "custody_suite": ODD, "outcome": "charged", "offence_codes": ["105A", "28C"]}),
        },
    },
    {"action": AuditAction.SEARCH, "object_type": "person", "changes": {"purpose": "duplicate check: feed arrests", "results": [3, 4]}},
    {
        "action": AuditAction.CREATE,
        "object_type": "person",
        "object_id": 78,
        "person_id": 78,
        "changes": audit.diff({}, {"first_name": "Zoë", "last_name": "张", "date_of_birth": D(1990, 2, 3), "religion": "Buddhist"}),
    },
    # Every kind of value jsonable turns into JSON, nested.
    {
        "action": "change",
        "object_type": "referral",
        "object_id": uuid.UUID("12345678-1234-5678-1234-567812345678"),
        "person_id": None,
        "changes": {
            "when": datetime.datetime(2026, 3, 29, 1, 30, tzinfo=datetime.UTC),
            "on": D(2026, 3, 29),
            "amount": decimal.Decimal("1234.50"),
            "id": uuid.UUID("87654321-4321-8765-4321-876543218765"),
            "none": None,
            "codes": ("105A", ("nested", D(2020, 1, 2)), [decimal.Decimal("0.1"), None, [[]]]),
            "deep": {"a": {"b": [{"c": D(1999, 12, 31)}]}},
            1: "int key",
            2.5: "float key",
            None: "None key",
            False: "bool key",
            "numbers": [0, -1, 2**70, 0.1, 1e-300, 1.5e300, -0.0, True, False],
            "text": ODD,
            "": "",
        },
        "reason": ODD,
        "outcome": "refused",
    },
    # Values their field prepares: a TextChoices type, a person id as text, an id cut to 64.
    {"action": AuditAction.VIEW, "object_type": Section.JUSTICE, "object_id": "x" * 80, "person_id": "12", "changes": {}},
    {"action": AuditAction.VIEW, "object_type": "person", "changes": {"religion": "", "sexual_orientation": None}},
    {"action": "listed", "object_id": None},  # defaults: no type, no changes, no reason, outcome ok
]


def _rows(since: int) -> list[dict]:
    """Every column of the events after ``since``, as the database returns them (``changes`` and
    the address as text), in id order."""
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    columns = [f.column for f in AuditEvent._meta.concrete_fields]
    cast = {"changes": "CAST(changes AS text)", "ip_address": "CAST(ip_address AS text)"}
    select = ", ".join(cast.get(c, connection.ops.quote_name(c)) for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {select} FROM {table} WHERE id > %s ORDER BY id", [since])  # noqa: S608 - our table's name
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def _sealed(text: str) -> bool:
    return any(isinstance(v, str) and sealed_with(v) for v in json.loads(text).values())


def _comparable(rows: list[dict], started: datetime.datetime) -> list[dict]:
    """The rows without their ids and write times (each checked to be the time of the write, in
    order); ``changes`` as stored, but with a sealed value (a fresh nonce each time) opened and its
    envelope kept."""
    out, times = [], []
    for row in rows:
        row = dict(row)
        row.pop("id")
        when = row.pop("occurred_at")
        if connection.vendor == "sqlite":  # SQLite keeps UTC without its zone
            when = when.replace(tzinfo=datetime.UTC)
        assert started <= when <= timezone.now()
        times.append(when)
        if _sealed(row["changes"]):
            row["changes"] = {
                k: ("sealed", sealed_with(v), decrypt(v)) if isinstance(v, str) and sealed_with(v) else ("plain", v)
                for k, v in json.loads(row["changes"]).items()
            }
        out.append(row)
    assert times == sorted(times)
    return out


def _written(write) -> tuple[datetime.datetime, list[dict]]:
    since = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    with transaction.atomic():
        started = timezone.now()
        write()
        rows = _rows(since)
        transaction.set_rollback(True)
    return started, rows


@pytest.mark.parametrize("with_actor", [True, False])
@pytest.mark.parametrize("address", ["2001:DB8:0:0::0007", "203.0.113.9", None, ""])
def test_record_many_stores_what_record_stores_one_event_at_a_time(partnership, with_actor, address):
    actor = partnership.users[Role.POLICE_IOM_OFFICER] if with_actor else None
    token = audit.set_request_context(
        audit.RequestContext(ip_address=address, user_agent="agent/" + ODD * 30, request_id="r-1", route="/people/" + "p" * 300)
    )
    try:
        started_many, many = _written(lambda: audit.record_many(actor=actor, entries=ENTRIES, username="feed-bot"))
        started_one, one = _written(lambda: [audit.record(actor=actor, username="feed-bot", **entry) for entry in ENTRIES])
    finally:
        audit.reset_request_context(token)
    assert len(many) == len(ENTRIES)
    assert _comparable(many, started_many) == _comparable(one, started_one)
    # What the comparison rests on, written out.
    stored = json.loads(many[3]["changes"])
    assert stored["amount"] == "1234.50" and stored["when"] == "2026-03-29T01:30:00+00:00" and stored["text"] == ODD
    assert stored["codes"] == ["105A", ["nested", "2020-01-02"], ["0.1", None, [[]]]] and stored["numbers"][2] == 2**70
    assert {"1", "2.5", "None", "False"} <= set(stored)
    assert json.loads(many[0]["changes"])["custody_suite"] == {"before": None, "after": ODD}
    assert _sealed(many[2]["changes"]) and not _sealed(many[0]["changes"])
    assert many[4]["person_id"] == 12 and many[4]["object_type"] == "justice" and many[4]["object_id"] == "x" * 64


def test_many_events_and_none():
    """A batch's worth of events in one call, each its own row in the order given; no entries, no rows."""
    entries = [
        {"action": "create", "object_type": "arrest", "object_id": n, "person_id": n, "changes": {"n": n, "t": ODD}} for n in range(2500)
    ]
    started_many, many = _written(lambda: audit.record_many(actor=None, entries=entries, username="feed-bot"))
    started_one, one = _written(lambda: [audit.record(actor=None, username="feed-bot", **entry) for entry in entries])
    assert _comparable(many, started_many) == _comparable(one, started_one)
    assert [row["person_id"] for row in many] == list(range(2500))
    _, none = _written(lambda: audit.record_many(actor=None, entries=[]))
    assert none == []


def test_a_value_json_cannot_hold_is_refused_as_record_refuses_it():
    entry = {"action": "create", "object_type": "arrest", "changes": {"what": object()}}
    with pytest.raises(TypeError):
        audit.record(actor=None, **entry)
    with pytest.raises(TypeError), transaction.atomic():
        audit.record_many(actor=None, entries=[entry])
