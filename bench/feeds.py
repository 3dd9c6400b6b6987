"""`make bench`, the feeds (issue 11): record linkage precision and recall on labelled synthetic
people, and the custody arrests import beside PostgreSQL ``COPY`` of the same rows, the floor.
``bench/run.py`` calls :func:`feeds_bench` after Django is set up and the demo is loaded."""

from __future__ import annotations

import json
import os
import time

import django

from iomhub.people.models import Person


def feeds_bench(*, import_rows: int, linkage_rows: int) -> tuple[dict, dict]:
    """(linkage figures, import figures)."""
    return linkage_quality(linkage_rows), import_throughput(import_rows)


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


def import_throughput(rows: int) -> dict[str, float | int | str]:
    """The custody arrests import (issue 11): ``rows`` rows (``half_new`` or, from ``CUSTODY_FROM``
    rows, ``custody_records``), each through the services with its audit; then the same file again
    (every row unchanged). On PostgreSQL, ``COPY`` of the same rows into a bare table is the floor."""
    import csv
    import io
    import sys

    from iomhub.feeds.services import arrests_import, feed_system_user

    lines, composition = (custody_records if rows >= CUSTODY_FROM else half_new)(rows)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(lines)
    del lines
    step = max(rows // 20, 2000)

    def progress(done: int, total: int) -> None:  # a long run says how far it is, on stderr
        if rows >= CUSTODY_FROM and done % step == 0:
            print(f"  arrests import: {done:,} of {rows:,} rows, {time.perf_counter() - started:.0f}s", file=sys.stderr, flush=True)

    data = out.getvalue().encode()
    user = feed_system_user()
    started, cpu = time.perf_counter(), time.process_time()
    first = arrests_import(acting_user=user, data=data, file_name="bench.csv", progress=progress)
    first_seconds, first_cpu = time.perf_counter() - started, time.process_time() - cpu
    started = time.perf_counter()
    second = arrests_import(acting_user=user, data=data, file_name="bench.csv")
    second_seconds = time.perf_counter() - started
    result: dict[str, float | int | str] = {
        "rows": rows,
        "composition": composition,
        "first_import_seconds": round(first_seconds, 2),
        "first_import_rows_per_second": round(rows / first_seconds),
        "first_import_counts": json.dumps(first.counts()),
        # This process's CPU (DuckDB's threads included; PostgreSQL's not): on a shared machine the
        # wall time is mostly the wait for a core, and this says what the import itself costs.
        "first_import_cpu_seconds": round(first_cpu, 1),
        "load_average": round(os.getloadavg()[0], 1),
        "second_import_seconds": round(second_seconds, 2),
        "second_import_rows_per_second": round(rows / second_seconds),
        "second_import_counts": json.dumps(second.counts()),
    }
    if django.db.connection.vendor == "postgresql":
        with django.db.connection.cursor() as cursor:
            cursor.execute(
                "CREATE TEMP TABLE bench_arrests_copy (pnc_id text, family_name text, given_name text, date_of_birth date,"
                " arrested_at timestamptz, custody_suite text, offence_code text, outcome text)"
            )
            started = time.perf_counter()
            with cursor.connection.cursor().copy("COPY bench_arrests_copy FROM STDIN WITH (FORMAT csv, HEADER true)") as copy:
                copy.write(data)
            result["copy_seconds"] = round(time.perf_counter() - started, 3)
            result["import_over_copy"] = round(first_seconds / max(float(result["copy_seconds"]), 1e-6), 1)
            cursor.execute("DROP TABLE bench_arrests_copy")
    return result


def linkage_quality(rows_count: int) -> dict[str, float | int]:
    """Precision and recall of record linkage (ADR 0026) on labelled synthetic people."""
    from iomhub.feeds.linkage_model.evaluate import evaluate

    started = time.perf_counter()
    found = evaluate(people_count=2000, rows_count=rows_count)
    return {**found, "seconds": round(time.perf_counter() - started, 1)}
