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


def import_throughput(rows: int) -> dict[str, float | int | str]:
    """The custody arrests import (issue 11): ``rows`` rows, half arrests of
    people on record (linked by PNC ID), half of new people (the duplicate check, then created), each
    through the services with its audit; then the same file again (every row unchanged). On
    PostgreSQL, ``COPY`` of the same rows into a bare table is the floor."""
    import csv
    import datetime
    import io

    from iomhub.feeds.linkage_model import synthetic
    from iomhub.feeds.services import arrests_import, feed_system_user

    known = list(Person.objects.filter(restriction="", merged_into__isnull=True).exclude(pnc_id="").order_by("id")[: rows // 2])
    # New people with the names of real people (synthetic: common British names, combined at random).
    strangers = synthetic.people(31337, rows)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["pnc_id", "family_name", "given_name", "date_of_birth", "arrested_at", "custody_suite", "offence_code", "outcome"])
    start = datetime.datetime(2024, 1, 1, 0, 0, tzinfo=datetime.UTC)
    for i in range(rows):
        at = (start + datetime.timedelta(minutes=i)).isoformat(timespec="minutes")
        suite, code, outcome = ("Northbridge custody suite", "Southport custody")[i % 2], ("28E", "34B", "45")[i % 3], "Charged"
        if i < len(known):
            p = known[i]
            writer.writerow([p.pnc_id, p.last_name, p.first_name, p.date_of_birth.isoformat(), at, suite, code, outcome])
        else:
            new = strangers[i - len(known)]
            writer.writerow(["", new.surname, new.first_name, new.dob.isoformat(), at, suite, code, outcome])
    data = out.getvalue().encode()
    user = feed_system_user()
    started, cpu = time.perf_counter(), time.process_time()
    first = arrests_import(acting_user=user, data=data, file_name="bench.csv")
    first_seconds, first_cpu = time.perf_counter() - started, time.process_time() - cpu
    started = time.perf_counter()
    second = arrests_import(acting_user=user, data=data, file_name="bench.csv")
    second_seconds = time.perf_counter() - started
    result: dict[str, float | int | str] = {
        "rows": rows,
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
