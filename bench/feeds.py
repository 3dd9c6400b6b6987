"""`make bench`, the feeds (issue 11): record linkage precision and recall on labelled synthetic
people, and the custody arrests import beside two floors: PostgreSQL ``COPY`` of the same rows into
a bare table, and ``COPY`` of the writes any design must make for them (:func:`writes_floor`).
``bench/run.py`` calls :func:`feeds_bench` after Django is set up and the demo is loaded. On
PostgreSQL the import runs as in production, on a scratch copy of the dataset (:func:`measured_import`)."""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Iterator
from typing import Any

import django
from django.db import transaction

from iomhub.people.models import Person


def feeds_bench(*, import_rows: int, linkage_rows: int) -> tuple[dict, dict]:
    """(linkage figures, import figures). Linkage reads nothing from the database; the import runs
    as :func:`measured_import` says."""
    return linkage_quality(linkage_rows), measured_import(import_rows)


def measured_import(rows: int, *, batch_size: int | None = None) -> dict[str, Any]:
    """:func:`import_throughput` as in production, where it can be: on PostgreSQL on a scratch copy
    of the dataset (:func:`scratch_copy`), each batch committed and the run's heartbeat kept, the
    copy dropped after; elsewhere (SQLite, the small profiles' quick runs) in a transaction rolled
    back after, as before (batches never commit: the figure is the import's work, not its commits).
    Either way the dataset is as it was."""
    if django.db.connection.vendor == "postgresql":
        with scratch_copy() as scratch:
            found = import_throughput(rows, batch_size=batch_size)
        return {**found, "scratch_database": scratch}
    with transaction.atomic():
        found = import_throughput(rows, batch_size=batch_size)
        transaction.set_rollback(True)
    return found


@contextlib.contextmanager
def scratch_copy() -> Iterator[str]:
    """Django on a copy of its database (``CREATE DATABASE <scratch> TEMPLATE <dataset>``) for the
    block; the copy dropped afterwards, even on error, and Django back on the dataset. PostgreSQL
    copies a database only while nobody is connected to it, so Django's connection is closed first
    (another session on the dataset makes the copy wait, then fail: ``ObjectInUse``). Autovacuum
    runs on the copy as the server has it (off on the bench machine's server: see ``import_throughput``)."""
    import psycopg
    from psycopg import sql

    conn = django.db.connection
    settings = conn.settings_dict
    dataset = settings["NAME"]
    scratch = f"{dataset[:40]}_scratch_{os.getpid()}"
    conn.close()
    admin = psycopg.connect(
        host=settings.get("HOST") or None,
        port=settings.get("PORT") or None,
        user=settings.get("USER") or None,
        password=settings.get("PASSWORD") or None,
        dbname="postgres",
        autocommit=True,
    )
    try:
        for attempt in range(10):
            try:
                # FILE_COPY: the files copied whole (a checkpoint), quicker than WAL-logging gigabytes.
                admin.execute(
                    sql.SQL("CREATE DATABASE {} TEMPLATE {} STRATEGY FILE_COPY").format(sql.Identifier(scratch), sql.Identifier(dataset))
                )
                break
            except psycopg.errors.ObjectInUse:  # a session just closing, or autovacuum: try again
                if attempt == 9:
                    raise
                time.sleep(3)
        settings["NAME"] = scratch
        try:
            yield scratch
        finally:
            conn.close()
            settings["NAME"] = dataset
    finally:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(scratch)))
        admin.close()


HEADER = ["pnc_id", "family_name", "given_name", "date_of_birth", "arrested_at", "custody_suite", "offence_code", "outcome"]
# From this many rows the file is a force's custody records (``custody_records``), not half new people.
CUSTODY_FROM = 100_000
# Rows about people already on record in a force's custody records: about three in four people
# cautioned or convicted have been before (MoJ, Criminal justice system statistics, "offenders with
# previous cautions or convictions"); a feed imported daily holds everyone it has brought before.
ON_RECORD_SHARE = 0.75


def _arrest(i: int) -> list[str]:
    """The arrest columns of row ``i``: a minute apart, two suites, three offences."""
    import datetime

    at = datetime.datetime(2024, 1, 1, 0, 0, tzinfo=datetime.UTC) + datetime.timedelta(minutes=i)
    return [
        at.isoformat(timespec="minutes"),
        ("Northbridge custody suite", "Southport custody")[i % 2],
        ("28E", "34B", "45")[i % 3],
        "Charged",
    ]


def half_new(rows: int) -> tuple[list[list[str]], str]:
    """Half the rows arrests of people on record with a PNC ID (linked by it), half of new people
    with no PNC ID (the duplicate check, then created): the hard case, as in every sitting's figures."""
    from iomhub.feeds.linkage_model import synthetic

    known = list(Person.objects.filter(restriction="", merged_into__isnull=True).exclude(pnc_id="").order_by("id")[: rows // 2])
    # New people with the names of real people (synthetic: common British names, combined at random).
    strangers = synthetic.people(31337, rows)
    lines = []
    for i in range(rows):
        if i < len(known):
            p = known[i]
            lines.append([p.pnc_id, p.last_name, p.first_name, p.date_of_birth.isoformat(), *_arrest(i)])
        else:
            new = strangers[i - len(known)]
            lines.append(["", new.surname, new.first_name, new.dob.isoformat(), *_arrest(i)])
    return lines, f"{len(known):,} rows of people on record (by PNC ID), {rows - len(known):,} of new people with no PNC ID"


def custody_records(rows: int) -> tuple[list[list[str]], str]:
    """A force's custody records over a period (``--million``): ``ON_RECORD_SHARE`` of the rows
    arrests of people on record, drawn at random with repeats (as the file says them: their PNC ID
    if they have one, else none, so linked by PNC ID or by exact name and date of birth; only people
    one of those can tell apart); the rest arrests of new people, one or two each (synthetic names
    and dates of birth, half with a PNC ID), so a new person's later arrest links to the record
    their first made."""
    import collections
    import random

    from iomhub.feeds.linkage_model import synthetic

    rng = random.Random(20261206)  # synthetic data, reproducible
    on_record = list(
        Person.objects.filter(restriction="", merged_into__isnull=True).values_list("pnc_id", "last_name", "first_name", "date_of_birth")
    )
    same = collections.Counter((last.upper(), first.upper(), dob) for _, last, first, dob in on_record)
    known = [p for p in on_record if p[0] or same[(p[1].upper(), p[2].upper(), p[3])] == 1]
    new_rows = rows - round(rows * ON_RECORD_SHARE)
    strangers = synthetic.people(31337, new_rows)
    about: list[tuple[str, str, str, str]] = [
        (s.pnc_id, s.surname, s.first_name, s.dob.isoformat()) for s in strangers[: new_rows * 2 // 3]
    ]
    about += about[: new_rows - len(about)]  # a third of them arrested twice
    about += [(pnc, last, first, dob.isoformat()) for pnc, last, first, dob in rng.choices(known, k=rows - len(about))]
    rng.shuffle(about)
    lines = [[*who, *_arrest(i)] for i, who in enumerate(about)]
    return lines, (
        f"{rows - new_rows:,} rows of {len(known):,} people on record (by PNC ID, or exact name and date of birth), "
        f"{new_rows:,} of {new_rows * 2 // 3:,} new people (half with a PNC ID)"
    )


def import_throughput(rows: int, *, batch_size: int | None = None) -> dict[str, Any]:
    """The custody arrests import (issue 11): ``rows`` rows (``half_new`` or, from ``CUSTODY_FROM``
    rows, ``custody_records``), each through the services with its audit, as a queued upload taken
    by a worker (``feeds.tasks``): its run begun, its heartbeat kept after every committed batch;
    then the same file again (every row unchanged). Outside a transaction (:func:`measured_import`
    on PostgreSQL) each batch commits, and between the two imports every table the first wrote is
    analysed (``ANALYZE``), as autovacuum would between two daily files: it analyses a table once
    the rows changed since its last analysis pass 50 + 10% of it, which the first import does to
    the feed's link table (the second import's look-ups read it) and to any table no bigger than
    ten times the file; the big tables' statistics barely move either way. (The bench machine's
    server runs with autovacuum off, so this ``ANALYZE`` is the only one.)
    On PostgreSQL, the floors (:func:`copy_floors`)."""
    import csv
    import io
    import sys

    from iomhub.feeds.services import BATCH_SIZE, arrests_import, feed_system_user

    lines, composition = (custody_records if rows >= CUSTODY_FROM else half_new)(rows)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(lines)
    step = max(rows // 20, 2000)

    def progress(done: int, total: int) -> None:  # a long run says how far it is, on stderr
        if rows >= CUSTODY_FROM and done % step == 0:
            print(f"  arrests import: {done:,} of {rows:,} rows, {time.perf_counter() - started:.0f}s", file=sys.stderr, flush=True)

    data = out.getvalue().encode()
    del out
    user = feed_system_user()
    connection = django.db.connection
    committing = not connection.in_atomic_block
    heartbeats = [0, 0]
    written = tables_written() if committing and connection.vendor == "postgresql" else {}
    started, cpu = time.perf_counter(), time.process_time()
    first = _as_worker(arrests_import, user=user, data=data, batch_size=batch_size or BATCH_SIZE, progress=progress, beats=heartbeats, n=0)
    first_seconds, first_cpu = time.perf_counter() - started, time.process_time() - cpu
    load = os.getloadavg()
    analysed: list[str] = []
    analyse_seconds = 0.0
    if committing and connection.vendor == "postgresql":
        started = time.perf_counter()
        analysed = analyse_written(written)
        analyse_seconds = time.perf_counter() - started
    started = time.perf_counter()
    second = _as_worker(arrests_import, user=user, data=data, batch_size=batch_size or BATCH_SIZE, progress=None, beats=heartbeats, n=1)
    second_seconds = time.perf_counter() - started
    result: dict[str, Any] = {
        "rows": rows,
        "composition": composition,
        # Each batch committed (a scratch copy of the dataset) or the whole run in one transaction rolled back after.
        "committed": committing,
        "batch_size": batch_size or BATCH_SIZE,
        "first_import_seconds": round(first_seconds, 2),
        "first_import_rows_per_second": round(rows / first_seconds),
        "first_import_counts": json.dumps(first.counts()),
        # This process's CPU (DuckDB's threads included; PostgreSQL's not): on a shared machine the
        # wall time is mostly the wait for a core, and this says what the import itself costs.
        "first_import_cpu_seconds": round(first_cpu, 1),
        "load_average": round(load[0], 1),
        "load_averages": [round(x, 2) for x in load],  # 1, 5 and 15 minutes, as the first import ended
        "heartbeats": heartbeats,  # batches committed and the run's heartbeat kept, per import
        "analysed_tables": analysed,
        "analyse_seconds": round(analyse_seconds, 2),
        "second_import_seconds": round(second_seconds, 2),
        "second_import_rows_per_second": round(rows / second_seconds),
        "second_import_counts": json.dumps(second.counts()),
    }
    if connection.vendor == "postgresql":
        result.update(copy_floors(data, lines, user_id=user.pk, commit=committing))
        result["import_over_copy"] = round(first_seconds / max(result["copy_seconds"], 1e-6), 1)
        result["import_over_writes_floor"] = round(first_seconds / max(result["writes_floor_seconds"], 1e-6), 1)
    return result


def _as_worker(arrests_import: Any, *, user: Any, data: bytes, batch_size: int, progress: Any, beats: list[int], n: int) -> Any:
    """``arrests_import`` into a run as ``feeds.tasks`` leaves it when a worker takes a queued upload
    (begun, one attempt, a heartbeat), told after each committed batch by the task's own heartbeat."""
    import hashlib

    from iomhub import clock
    from iomhub.feeds.models import Feed, ImportRun
    from iomhub.feeds.tasks import _heartbeat

    now = clock.now()
    run = ImportRun.objects.create(
        feed=Feed.ARRESTS,
        file_name="bench.csv",
        sha256=hashlib.sha256(data).hexdigest(),
        started_by=user,
        via="api",
        queued_at=now,
        began_at=now,
        heartbeat_at=now,
        attempts=1,
    )
    beat = _heartbeat(run.pk, run.attempts)

    def committed(done: int) -> None:
        beat(done)
        beats[n] += 1

    return arrests_import(
        acting_user=user, data=data, file_name="bench.csv", batch_size=batch_size, progress=progress, run=run, committed=committed
    )


def tables_written() -> dict[str, int]:
    """Rows inserted, updated and deleted so far in each table of the database (PostgreSQL's
    cumulative statistics, this session's flushed first)."""
    with django.db.connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_force_next_flush()")  # at this statement's end (autocommit)
        cursor.execute("SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_user_tables")
        return dict(cursor.fetchall())


def analyse_written(before: dict[str, int]) -> list[str]:
    """``ANALYZE`` every table written since ``before`` (``tables_written``); their names."""
    after = tables_written()
    written = sorted(name for name, changed in after.items() if changed > before.get(name, 0))
    with django.db.connection.cursor() as cursor:
        for name in written:
            cursor.execute(f'ANALYZE "{name}"')
    return written


# The writes any design must make for a row of the arrests feed that keeps the record and the rule
# "every write of a person's data leaves an audit event against that person": the arrest, its
# offence, the feed's link under its natural key, one audit event (ADR 0037 addendum, h4).
WRITES = {
    "justice_arrest": ["id", "person_id", "arrested_on", "custody_suite", "outcome", "created_at"],
    "justice_offence": ["person_id", "code_id", "committed_on", "arrest_id", "created_at"],
    "feeds_arrestlink": [
        *("person_id", "arrested_at", "suite_key", "arrest_id", "outcome", "offence_code", "method", "agreed", "run_id"),
        *("line", "row_key"),
    ],
    "access_auditevent": [
        *("occurred_at", "actor_id", "actor_username", "action", "object_type", "object_id", "person_id", "route"),
        *("outcome", "changes", "reason", "ip_address", "user_agent", "request_id"),
    ],
}


def _copy_text(values: list[Any]) -> str:
    """One line of ``COPY``'s text format."""
    return "\t".join(r"\N" if v is None else str(v).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n") for v in values) + "\n"


def writes_payloads(lines: list[list[str]], *, user_id: int) -> dict[str, bytes]:
    """For each table of ``WRITES``, the rows of ``lines`` (the file's) as ``COPY`` text: plausible
    values derived from each row, as the import writes them (an arrest's date and folded suite, the
    outcome's code, the offence's catalogue id, the row's key hashed, the audit's changes sealed as
    ``access.audit.record_many`` seals them). People's ids stand in: a hash of the row's identity
    (no foreign keys in the copies), so a person's arrests share one, scattered as on record."""
    import datetime
    import hashlib
    import zlib

    from iomhub.access import audit
    from iomhub.crypto.changes import seal_changes
    from iomhub.feeds.arrests import OUTCOMES, suite_key
    from iomhub.justice.models import OffenceCode

    codes = dict(OffenceCode.objects.values_list("code", "id"))
    now = datetime.datetime.now(datetime.UTC).isoformat()
    out: dict[str, list[str]] = {name: [] for name in WRITES}
    for i, (pnc, family, given, dob, at, suite, code, outcome) in enumerate(lines):
        arrest, line = i + 1, i + 2
        person = zlib.crc32("\x1f".join((pnc, family.upper(), given.upper(), dob)).encode()) % 5_000_000 + 1
        arrested_at = datetime.datetime.fromisoformat(at)
        on = arrested_at.date().isoformat()
        kept = str(OUTCOMES.get(outcome.casefold(), "charge"))
        key = suite_key(suite)
        row_key = hashlib.sha256("\x1f".join((pnc, family.upper(), given.upper(), dob, arrested_at.isoformat(), key)).encode()).hexdigest()
        method, agreed = ("pnc", ["pnc_id"]) if pnc else ("name-dob", ["family_name", "given_name", "date_of_birth"])
        changes = {
            "section": "justice",
            **audit.diff({}, {"arrested_on": on, "custody_suite": suite, "outcome": kept, "offence_codes": [code]}),
        }
        sealed = json.dumps(seal_changes("arrest", audit.jsonable(changes)))
        out["justice_arrest"].append(_copy_text([arrest, person, on, suite, kept, now]))
        out["justice_offence"].append(_copy_text([person, codes.get(code, 1), on, arrest, now]))
        out["feeds_arrestlink"].append(
            _copy_text([person, arrested_at.isoformat(), key, arrest, kept, code, method, json.dumps(agreed), 1, line, row_key])
        )
        out["access_auditevent"].append(
            _copy_text([now, user_id, "system-feeds", "create", "arrest", arrest, person, "", "ok", sealed, "", None, "", ""])
        )
    return {name: "".join(text).encode() for name, text in out.items()}


def copy_floors(data: bytes, lines: list[list[str]], *, user_id: int, commit: bool) -> dict[str, Any]:
    """PostgreSQL only. The floors the import is set beside, each copied (and, with ``commit``,
    committed) in one transaction, the tables dropped after:

    - ``copy_seconds``: ``COPY`` of the file's rows into an ordinary table of its columns (WAL-logged,
      as every table the import writes); ``copy_temp_seconds`` the same into a TEMP table, which
      PostgreSQL does not WAL-log: the floor of the sittings before this one, too low;
    - ``writes_floor_seconds``: ``COPY`` of the rows every design must write (``WRITES``), one per
      file row in each, into copies of those tables with their indexes and constraints
      (``LIKE … INCLUDING ALL``; empty, so their indexes are shallower than the real ones').
    """
    from django.db import connection

    found: dict[str, Any] = {}
    columns = (
        "pnc_id text, family_name text, given_name text, date_of_birth date, arrested_at timestamptz,"
        " custody_suite text, offence_code text, outcome text"
    )
    for kind, key in (("TEMP ", "copy_temp_seconds"), ("", "copy_seconds")):
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE {kind}TABLE bench_arrests_copy ({columns})")
        started = time.perf_counter()
        with (
            transaction.atomic(),
            connection.cursor() as cursor,
            cursor.connection.cursor().copy("COPY bench_arrests_copy FROM STDIN WITH (FORMAT csv, HEADER true)") as copy,
        ):
            copy.write(data)
        found[key] = round(time.perf_counter() - started, 3)
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE bench_arrests_copy")
    payloads = writes_payloads(lines, user_id=user_id)
    with connection.cursor() as cursor:
        for name in WRITES:
            cursor.execute(f"CREATE TABLE bench_floor_{name} (LIKE {name} INCLUDING ALL)")
    each: dict[str, float] = {}
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:  # one commit for the four, as a batch's
        for name, cols in WRITES.items():
            table = time.perf_counter()
            with cursor.connection.cursor().copy(f"COPY bench_floor_{name} ({', '.join(cols)}) FROM STDIN") as copy:
                copy.write(payloads[name])
            each[name] = round(time.perf_counter() - table, 3)
    found["writes_floor_seconds"] = round(time.perf_counter() - started, 3)
    found["writes_floor_tables_seconds"] = each  # each table's COPY (the commit is in the total only)
    with connection.cursor() as cursor:
        counts = {}
        for name in WRITES:
            cursor.execute(f"SELECT count(*) FROM bench_floor_{name}")  # noqa: S608 - names of WRITES
            counts[name] = cursor.fetchone()[0]
            cursor.execute(f"DROP TABLE bench_floor_{name}")
    found["writes_floor_rows"] = counts
    found["writes_floor_over_copy"] = round(found["writes_floor_seconds"] / max(found["copy_seconds"], 1e-6), 1)
    found["floors_committed"] = commit and not connection.in_atomic_block
    return found


def linkage_quality(rows_count: int) -> dict[str, float | int]:
    """Precision and recall of record linkage (ADR 0026) on labelled synthetic people."""
    from iomhub.feeds.linkage_model.evaluate import evaluate

    started = time.perf_counter()
    found = evaluate(people_count=2000, rows_count=rows_count)
    return {**found, "seconds": round(time.perf_counter() - started, 1)}
