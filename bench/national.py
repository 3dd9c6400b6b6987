# ruff: noqa: S608 - table and column names come from the database catalogue, values are parameters
"""The benchmark's dataset at a chosen scale (issue 15 §1), on PostgreSQL in minutes.

How: the demo partnership (``iomhub.demo.load_demo``: people, justice records, the IOM cohort with
registrations, regimes, cases, plans, timelines, local teams and workers with caseloads) is built
once at ``base_people``; then PostgreSQL copies it ``copies`` times, server-side in one
``INSERT ... SELECT`` per table: every table that holds a person's data, a team or a user (found
from the foreign keys, so a new table is copied too) gets its rows again with every key and every
foreign key into a copied table shifted by a fixed stride per copy. Each copy is another partnership
of the same shape (its own local teams, coordinators and workers with caseloads of the same size),
as a national deployment holds many; the people keep their names (a surname search finds them all),
their dates of birth move a few days and their national identifiers are left empty, so that no
identifier is held twice, but for the PNC ID: each copy's person holds one of their own (the copy's
year, the person's original id as the serial, its check character), as every arrested person does, so
that a custody feed can name them (``bench/feeds.py``, ``custody_records``). Then older arrests and offences (years earlier than the demo's history)
and older timeline entries are added until the profile's totals are reached. The foreign-key
triggers are off while copying (``session_replication_role = replica``): the keys are shifted
consistently, and the counts and sample reads are checked after.

The dataset is reused between runs when its fingerprint (the profile's parameters and this file's
generator version) matches the one stored in the table ``bench_dataset`` and every migration it has
applied is still in the code: migrations added since are applied to it, as to a production
database. Otherwise (another profile, a new generator, a migration removed or renamed) the database
is dropped and built again.

    python bench/national.py [--profile small|county|national] [--force]
"""

from __future__ import annotations

import datetime
import hashlib
import json
import math
import time
from dataclasses import asdict, dataclass
from typing import Any

GENERATOR_VERSION = 3  # 2: the screening table rebuilt after the copies; 3: the copies hold PNC IDs


@dataclass(frozen=True)
class Profile:
    name: str
    base_people: int  # the demo partnership loaded once (its cohort: 5% of them, at most 600)
    copies: int  # the partnership this many times in all
    events: int  # arrests and offences wanted in all (older history added up to it); 0: no top-up
    timeline: int  # timeline entries wanted in all; 0: no top-up

    @property
    def people(self) -> int:
        return self.base_people * self.copies


PROFILES = {
    # A quick run on a laptop or in review: one partnership of 3,000 people, twice.
    "small": Profile("small", base_people=3_000, copies=2, events=0, timeline=0),
    # One county partnership, as the first measurement (20,000 people).
    "county": Profile("county", base_people=20_000, copies=1, events=0, timeline=0),
    # National (issue 15): 500,000 screened, about 20,000 registered, 5,000,000 arrests and offences,
    # 1,000,000 timeline entries.
    "national": Profile("national", base_people=15_625, copies=32, events=5_000_000, timeline=1_000_000),
}

# Copied with the people: tables that reference a copied table, except these (sign-in secrets and
# devices, sessions, audit, background runs, imports and documents kept on disk: not a person's data
# a page reads, or unique per secret).
NOT_COPIED = {
    "access_apitoken",
    "access_enrolmentlink",
    "access_signinfailure",
    "access_user_groups",
    "access_user_user_permissions",
    "access_breakglassaccess",
    "otp_totp_totpdevice",
    "otp_static_staticdevice",
    "otp_static_statictoken",
    "django_session",
    "django_admin_log",
    "access_auditevent",
    "reporting_reportrun",
    "notifications_notification",
    "documents_document",
    "feeds_importrun",
    "feeds_feedrecord",
    "feeds_rejection",
    "feeds_linkreview",
    "feeds_arrestlink",
    "operations_subjectaccessrequest",
}
ROOTS = ("people_person", "access_team", "access_user")
# National identifiers: left empty on the copies (no identifier held by two people), but the PNC ID.
PERSON_IDENTIFIERS = ("cro_number", "urn", "ni_number", "prison_number", "crn", "nhs_number", "email")
# A copy's PNC ID: year 1990 + the copy's number, the original id as the serial (the demo's own
# serials start at 100,000, so none is held twice) and the check character of rules.identifiers.
COPY_PNC_ID = (
    "(1990 + c)::text || '/' || lpad(id::text, 7, '0') || substr('ZABCDEFGHJKLMNPQRTUVWXY',"
    " ((lpad(((1990 + c) %% 100)::text, 2, '0') || lpad(id::text, 7, '0'))::bigint %% 23)::int + 1, 1)"
)


def fingerprint(profile: Profile) -> str:
    """What the dataset was built from: the profile's parameters and the generator's version. The
    schema is not part of it: a dataset built under earlier migrations is migrated forward, as a
    production database would be (``ensure``)."""
    raw = json.dumps({"profile": asdict(profile), "generator": GENERATOR_VERSION}, sort_keys=True)
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def migrations_on_disk() -> set[str]:
    from django.db.migrations.loader import MigrationLoader

    return {f"{app}.{name}" for app, name in MigrationLoader(None, ignore_no_migrations=True).disk_migrations}


def migrations_applied(cursor: Any) -> set[str]:
    cursor.execute("SELECT app || '.' || name FROM django_migrations")
    return {row[0] for row in cursor.fetchall()}


def stored(cursor: Any) -> dict[str, Any] | None:
    cursor.execute("SELECT to_regclass('bench_dataset') IS NOT NULL")
    if not cursor.fetchone()[0]:
        return None
    cursor.execute("SELECT fingerprint, built_seconds, counts FROM bench_dataset ORDER BY built_at DESC LIMIT 1")
    row = cursor.fetchone()
    if row is None:
        return None
    counts = row[2] if isinstance(row[2], dict) else json.loads(row[2])
    return {"fingerprint": row[0], "built_seconds": row[1], "counts": counts}


def foreign_keys(cursor: Any) -> list[tuple[str, str, str]]:
    """(table, column, referenced table) for every single-column foreign key."""
    cursor.execute(
        "SELECT c.conrelid::regclass::text, a.attname, c.confrelid::regclass::text FROM pg_constraint c"
        " JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]"
        " WHERE c.contype = 'f' AND array_length(c.conkey, 1) = 1"
    )
    return list(cursor.fetchall())


def copied_tables(fks: list[tuple[str, str, str]]) -> list[str]:
    """The roots and every table that references a copied table (transitively), parents first."""
    chosen = set(ROOTS)
    grew = True
    while grew:
        grew = False
        for table, _, ref in fks:
            if ref in chosen and table not in chosen and table not in NOT_COPIED:
                chosen.add(table)
                grew = True
    order: list[str] = []
    while len(order) < len(chosen):
        for table in sorted(chosen - set(order)):
            parents = {ref for t, _, ref in fks if t == table and ref in chosen and ref != table}
            if parents <= set(order):
                order.append(table)
    return order


def columns(cursor: Any, table: str) -> list[tuple[str, str, int | None]]:
    cursor.execute(
        "SELECT column_name, data_type, character_maximum_length FROM information_schema.columns"
        " WHERE table_schema = 'public' AND table_name = %s ORDER BY ordinal_position",
        [table],
    )
    return list(cursor.fetchall())


def unique_text_columns(cursor: Any, table: str, shifted: set[str]) -> set[str]:
    """Columns of a unique index that holds no shifted key: a copy must change them (a username)."""
    cursor.execute(
        "SELECT array_agg(a.attname::text) FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)"
        " WHERE i.indrelid = %s::regclass AND i.indisunique GROUP BY i.indexrelid",
        [table],
    )
    found: set[str] = set()
    for (cols,) in cursor.fetchall():
        if not set(cols) & shifted:
            found |= set(cols)
    return found


def copy_partnership(cursor: Any, copies: int) -> dict[str, int]:
    """Copy every person's, team's and user's rows ``copies - 1`` more times (see the module)."""
    if copies <= 1:
        return {}
    fks = foreign_keys(cursor)
    tables = copied_tables(fks)
    stride: dict[str, int] = {}
    for table in tables:
        cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"')
        top = cursor.fetchone()[0]
        stride[table] = 10 ** max(3, len(str(top)))
    made: dict[str, int] = {}
    for table in tables:
        refs = {col: ref for t, col, ref in fks if t == table and ref in stride}
        cols = columns(cursor, table)
        names = [c for c, _, _ in cols]
        if "id" not in names:
            continue
        shifted = {"id", *refs}
        must_change = unique_text_columns(cursor, table, shifted)
        exprs = []
        for name, kind, length in cols:
            if name == "id":
                exprs.append(f"id + c * {stride[table]}")
            elif name in refs:
                exprs.append(f'"{name}" + c * {stride[refs[name]]}')
            elif table == "people_person" and name in PERSON_IDENTIFIERS:
                exprs.append("''")
            elif table == "people_person" and name == "pnc_id":
                exprs.append(COPY_PNC_ID)
            elif table == "people_person" and name == "date_of_birth":
                exprs.append("date_of_birth + (c %% 9) - 4")
            elif table == "access_user" and name == "password":
                exprs.append("'!'")
            elif name in must_change and kind in ("character varying", "text"):
                width = (length or 200) - 8
                exprs.append(f"left(\"{name}\", {width}) || ' #' || c")
            else:
                exprs.append(f'"{name}"')
        listed = ", ".join('"' + n + '"' for n in names)
        cursor.execute(
            f'INSERT INTO "{table}" ({listed}) SELECT {", ".join(exprs)} FROM "{table}", generate_series(1, %s) AS c WHERE id < %s',
            [copies - 1, stride[table]],
        )
        made[table] = cursor.rowcount
    for table in tables:
        reset_sequence(cursor, table)
    return made


def reset_sequence(cursor: Any, table: str) -> None:
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
    sequence = cursor.fetchone()[0]
    if sequence:
        cursor.execute(f'SELECT setval(%s, (SELECT COALESCE(MAX(id), 0) + 1 FROM "{table}"), false)', [sequence])


def count(cursor: Any, table: str) -> int:
    cursor.execute(f'SELECT count(*) FROM "{table}"')
    return int(cursor.fetchone()[0])


def older_history(cursor: Any, wanted_events: int) -> int:
    """Arrests and offences earlier than the demo's history (everyone's again, 3, 6, 9... years
    back; part of a last round) until arrests + offences reach ``wanted_events``."""
    original = count(cursor, "justice_arrest") + count(cursor, "justice_offence")
    cursor.execute("SELECT COALESCE(MAX(id), 0) FROM justice_arrest")
    arrest_top = cursor.fetchone()[0]
    cursor.execute("SELECT COALESCE(MAX(id), 0) FROM justice_offence")
    offence_top = cursor.fetchone()[0]
    stride = 10 ** max(3, len(str(arrest_top)))
    added, round_no = 0, 0
    while original + added < wanted_events and round_no < 8:
        round_no += 1
        per_mille = max(1, min(1000, math.ceil((wanted_events - original - added) / max(1, original) * 1000)))
        shift = f"make_interval(years => {3 * round_no})"
        cursor.execute(
            "INSERT INTO justice_arrest (id, arrested_on, custody_suite, outcome, created_at, person_id)"
            f" SELECT id + %s, (arrested_on - {shift})::date, custody_suite, outcome, created_at, person_id"
            " FROM justice_arrest WHERE id <= %s AND id %% 1000 < %s",
            [round_no * stride, arrest_top, per_mille],
        )
        added += cursor.rowcount
        cursor.execute(
            "INSERT INTO justice_offence (committed_on, created_at, arrest_id, person_id, code_id)"
            f" SELECT (committed_on - {shift})::date, created_at, arrest_id + %s, person_id, code_id"
            " FROM justice_offence WHERE id <= %s AND COALESCE(arrest_id, id) %% 1000 < %s",
            [round_no * stride, offence_top, per_mille],
        )
        added += cursor.rowcount
    reset_sequence(cursor, "justice_arrest")
    reset_sequence(cursor, "justice_offence")
    return added


def older_timeline(cursor: Any, wanted: int) -> int:
    """Timeline entries earlier than the demo's (each registered person's again, 120, 240... days
    before; part of a last round) until the timeline holds ``wanted`` entries."""
    base = count(cursor, "casework_timelineentry")
    added, round_no = 0, 0
    while base + added < wanted and round_no < 20:
        round_no += 1
        per_mille = max(1, min(1000, math.ceil((wanted - base - added) / max(1, base) * 1000)))
        cursor.execute(
            "INSERT INTO casework_timelineentry (kind, outcome, occurred_on, summary, substances_tested, drug_result, positive_for,"
            " recorded_by_name, recorded_at, organisation_id, person_id, recorded_by_id, force_number)"
            " SELECT kind, outcome, occurred_on - %s, summary, substances_tested, drug_result, positive_for, recorded_by_name,"
            " recorded_at - make_interval(days => %s), organisation_id, person_id, recorded_by_id, force_number"
            " FROM casework_timelineentry WHERE id <= %s AND id %% 1000 < %s",
            [120 * round_no, 120 * round_no, _max_id(cursor, "casework_timelineentry", base), per_mille],
        )
        added += cursor.rowcount
    return added


def _max_id(cursor: Any, table: str, rows: int) -> int:
    """The id of the last row of the original ``rows`` (ids ascend in insertion order)."""
    cursor.execute(f'SELECT id FROM "{table}" ORDER BY id LIMIT 1 OFFSET %s', [max(0, rows - 1)])
    return int(cursor.fetchone()[0])


def counts(cursor: Any) -> dict[str, int]:
    found = {
        "people": count(cursor, "people_person"),
        "arrests": count(cursor, "justice_arrest"),
        "offences": count(cursor, "justice_offence"),
        "timeline_entries": count(cursor, "casework_timelineentry"),
        "teams": count(cursor, "access_team"),
        "users": count(cursor, "access_user"),
        "cases": count(cursor, "casework_caserecord"),
        "plan_actions": count(cursor, "casework_planaction"),
    }
    cursor.execute("SELECT count(*) FILTER (WHERE ended_on IS NULL), count(*) FROM cohort_registration")
    found["registered_now"], found["registrations"] = cursor.fetchone()
    found["events"] = found["arrests"] + found["offences"]
    return found


def build(profile: Profile) -> dict[str, Any]:
    """Build the dataset into the (migrated, empty) database Django is configured with."""
    from django.db import connection, transaction

    from iomhub.demo import load_demo

    timings: dict[str, float] = {}
    started = time.perf_counter()
    load_demo(people=profile.base_people)
    timings["demo_seconds"] = round(time.perf_counter() - started, 1)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        step = time.perf_counter()
        copy_partnership(cursor, profile.copies)
        timings["copy_seconds"] = round(time.perf_counter() - step, 1)
        step = time.perf_counter()
        if profile.events:
            older_history(cursor, profile.events)
        if profile.timeline:
            older_timeline(cursor, profile.timeline)
        timings["history_seconds"] = round(time.perf_counter() - step, 1)
    try:
        from iomhub.justice import screening_table
    except ImportError:  # code from before the screening table (ADR 0036): a "before" figure
        screening_table = None
    if screening_table is not None:
        step = time.perf_counter()
        screening_table.rebuild()  # the candidate list's table over the copies and the older history (ADR 0036)
        timings["screening_table_seconds"] = round(time.perf_counter() - step, 1)
    with connection.cursor() as cursor:
        step = time.perf_counter()
        # VACUUM as well as ANALYZE: rows bulk-copied are not yet marked all-visible, so every index
        # count would read the table too; autovacuum does this after a bulk load on a production
        # server, and the bench server runs with autovacuum off.
        cursor.execute("VACUUM (ANALYZE)" if connection.vendor == "postgresql" else "ANALYZE")
        timings["analyze_seconds"] = round(time.perf_counter() - step, 1)
        found = counts(cursor)
    timings["built_seconds"] = round(time.perf_counter() - started, 1)
    return {"counts": found, **timings}


def record(cursor: Any, fp: str, built: dict[str, Any]) -> None:
    cursor.execute(
        "CREATE TABLE IF NOT EXISTS bench_dataset (fingerprint text NOT NULL, built_at timestamptz NOT NULL,"
        " built_seconds double precision NOT NULL, counts jsonb NOT NULL)"
    )
    cursor.execute("DELETE FROM bench_dataset")
    cursor.execute(
        "INSERT INTO bench_dataset VALUES (%s, %s, %s, %s)",
        [fp, datetime.datetime.now(tz=datetime.UTC), built["built_seconds"], json.dumps({**built["counts"], **built})],
    )


def ensure(profile: Profile, *, database_url: str, force: bool = False) -> dict[str, Any]:
    """The dataset for ``profile`` in ``database_url`` (PostgreSQL): reused when its fingerprint
    matches, built afresh otherwise. Returns its counts, whether it was reused and the build times."""
    import psycopg
    from django.core.management import call_command
    from django.db import connection

    fp = fingerprint(profile)
    if not force:
        try:
            with connection.cursor() as cursor:
                found = stored(cursor)
        except Exception:
            found = None
        if found and found["fingerprint"] == fp:
            with connection.cursor() as cursor:
                applied = migrations_applied(cursor)
            if applied <= migrations_on_disk():  # only new migrations since: apply them to the dataset
                started = time.perf_counter()
                call_command("migrate", verbosity=0)
                newer = sorted(migrations_on_disk() - applied)
                return {
                    "reused": True,
                    "fingerprint": fp,
                    "migrated": newer,
                    "migrate_seconds": round(time.perf_counter() - started, 1),
                    **found,
                }
    connection.close()
    server, name = database_url.rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrate_seconds = round(time.perf_counter() - started, 1)
    built = build(profile)
    built["migrate_seconds"] = migrate_seconds
    with connection.cursor() as cursor:
        record(cursor, fp, built)
    return {"reused": False, "fingerprint": fp, **built}


if __name__ == "__main__":
    import sys

    from dbsetup import configure

    args = sys.argv[1:]
    chosen = PROFILES[args[args.index("--profile") + 1] if "--profile" in args else "small"]
    url = configure(chosen.name)
    print(json.dumps(ensure(chosen, database_url=url, force="--force" in args), indent=2, default=str))
