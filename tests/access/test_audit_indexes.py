"""The indexes left on the tables every imported row writes to (issue 11, ADR 0037 addendum):
``access_auditevent`` has no index of its own on ``person_id`` or ``actor_id`` and no
``varchar_pattern_ops`` index on ``action``; ``feeds_arrestlink`` none of its own on ``person_id``;
neither links table a ``varchar_pattern_ops`` index on ``row_key``. The look-ups the application
makes still find an index: the plans of the ORM's own queries are read, on PostgreSQL with
sequential scans off (a tiny table must not decide it) and on SQLite by its query plan. The
expected indexes are named here by hand, from the migrations' SQL."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.db.models import QuerySet

from iomhub.access.models import AuditAction, AuditEvent
from iomhub.feeds.models import ArrestLink, FeedRecord
from iomhub.pg_arrays import one_of

pytestmark = pytest.mark.django_db

DROPPED = {
    "access_auditevent_person_id_f16f0fdd",
    "access_auditevent_actor_id_6b860062",
    "access_auditevent_action_4a1b55cc_like",
    "feeds_arrestlink_person_id_1b3b409a",
    "feeds_arrestlink_row_key_49aac53a_like",
    "feeds_feedrecord_row_key_76be8a9a_like",
    # the kept plain indexes' names before they were renamed
    "access_auditevent_action_4a1b55cc",
    "feeds_arrestlink_row_key_49aac53a",
    "feeds_feedrecord_row_key_76be8a9a",
}
KEPT = {
    "access_audi_person__c93e6e_idx": ("access_auditevent", "(person_id, occurred_at)"),
    "access_audi_actor_i_0ed45e_idx": ("access_auditevent", "(actor_id, occurred_at)"),
    "auditevent_action_idx": ("access_auditevent", "(action)"),
    "arrestlink_row_key_idx": ("feeds_arrestlink", "(row_key)"),
    "feedrecord_row_key_idx": ("feeds_feedrecord", "(row_key)"),
}
PERSON_AND_TIME = "access_audi_person__c93e6e_idx"
ACTOR_AND_TIME = "access_audi_actor_i_0ed45e_idx"
ARREST_UNIQUE = "one_feed_arrest_per_person_time_suite"  # (person_id, arrested_at, suite_key)
KEY = "0f" * 32


def _indexes() -> dict[str, str]:
    """Index name -> its definition, on the three tables."""
    tables = ("access_auditevent", "feeds_arrestlink", "feeds_feedrecord")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s)", [list(tables)])
        else:
            cursor.execute("SELECT name, COALESCE(sql, '') FROM sqlite_master WHERE type = 'index' AND tbl_name IN (%s, %s, %s)", tables)
        return dict(cursor.fetchall())


def test_the_unneeded_indexes_are_gone_and_the_others_kept() -> None:
    found = _indexes()
    assert not DROPPED & set(found)
    for name, (table, columns) in KEPT.items():
        assert table in found[name] and columns in found[name].replace('"', ""), found[name]
    assert not [d for d in found.values() if "pattern_ops" in d]
    if connection.vendor == "postgresql":
        assert "(person_id, arrested_at, suite_key)" in found[ARREST_UNIQUE]
        assert "USING btree (row_key)" in found["arrestlink_row_key_idx"]


def _plan(queryset: QuerySet) -> tuple[set[str], str]:  # type: ignore[type-arg]
    """The indexes the query's plan reads, and the plan."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            plan = " | ".join(str(row[-1]) for row in cursor.fetchall())
            return set(re.findall(r"USING (?:COVERING )?INDEX (\S+)", plan)), plan
        cursor.execute("SET LOCAL enable_seqscan = off")
        try:
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = " | ".join(row[0] for row in cursor.fetchall())
        finally:
            cursor.execute("SET LOCAL enable_seqscan = on")
    used = set(re.findall(r"(?:Index Scan|Index Only Scan)(?: Backward)? using (\S+)", plan))
    used |= set(re.findall(r"Bitmap Index Scan on (\S+)", plan))
    return used, plan


def _unique_of_arrest_links() -> str:
    if connection.vendor == "postgresql":
        return ARREST_UNIQUE
    with connection.cursor() as cursor:  # SQLite makes the table's UNIQUE an automatic index: its name
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name = 'feeds_arrestlink'")
        _, table_sql = cursor.fetchone()
        assert ARREST_UNIQUE in table_sql
        cursor.execute("PRAGMA index_list('feeds_arrestlink')")
        for _, name, _unique, _origin, *_ in cursor.fetchall():
            cursor.execute(f"PRAGMA index_info('{name}')")
            if [row[2] for row in cursor.fetchall()] == ["person_id", "arrested_at", "suite_key"]:
                return str(name)
    raise AssertionError("no index on (person_id, arrested_at, suite_key)")


@pytest.mark.parametrize(
    ("query", "index"),
    [
        # the audit log filtered by person (selectors.audit_events_for), newest first
        (lambda: AuditEvent.objects.filter(person_id=42), PERSON_AND_TIME),
        # who viewed a person (selectors.person_viewers_export)
        (
            lambda: AuditEvent.objects.filter(person_id=42, action__in=[AuditAction.VIEW, AuditAction.LISTED]).order_by(
                "occurred_at", "id"
            ),
            PERSON_AND_TIME,
        ),
        # subject access (operations.subject_access): several people's events
        (lambda: AuditEvent.objects.filter(person_id__in=[42, 43]).order_by("occurred_at", "id"), PERSON_AND_TIME),
        # one user's events
        (lambda: AuditEvent.objects.filter(actor_id=7), ACTOR_AND_TIME),
        (lambda: AuditEvent.objects.filter(action=AuditAction.SIGN_IN_FAILED), "auditevent_action_idx"),
        # a re-import's row met again (feeds.services), one key and a batch's keys (feeds.bulk)
        (lambda: ArrestLink.objects.filter(row_key=KEY), "arrestlink_row_key_idx"),
        (lambda: FeedRecord.objects.filter(feed="releases", row_key=KEY), "feedrecord_row_key_idx"),
    ],
)
def test_the_look_ups_use_an_index(query, index) -> None:  # type: ignore[no-untyped-def]
    used, plan = _plan(query())
    assert index in used, plan


def test_a_batch_of_row_keys_uses_the_plain_index() -> None:
    """feeds.bulk's keys met again: ``one_of`` (on PostgreSQL ``= ANY`` of an array)."""
    captured: list[tuple[str, object]] = []

    def keep(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        captured.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep):
        assert list(one_of(ArrestLink.objects.order_by().values_list("row_key"), "row_key", [KEY, "1e" * 32])) == []
    (sql, params), *_ = captured
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            plan = " | ".join(str(row[-1]) for row in cursor.fetchall())
        else:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = " | ".join(row[0] for row in cursor.fetchall())
            cursor.execute("SET LOCAL enable_seqscan = on")
    assert "arrestlink_row_key_idx" in plan, plan


@pytest.mark.parametrize(
    "query",
    [
        # the import's own check (feeds.arrests), a merge's moves and counts (people.merging), and
        # the PROTECT check before a person is deleted: by person, or by several people
        lambda: ArrestLink.objects.filter(person_id=42),
        lambda: ArrestLink.objects.filter(person_id__in=[42, 43]),
        lambda: ArrestLink.objects.filter(person_id=42, arrested_at="2026-01-01T10:00:00Z", suite_key="x"),
    ],
)
def test_arrest_links_by_person_use_the_unique_constraint(query) -> None:  # type: ignore[no-untyped-def]
    used, plan = _plan(query())
    assert _unique_of_arrest_links() in used, plan
