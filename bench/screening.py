"""Screening of the whole population as rows per second (issue 15 §4), beside its floor: the same
entry criteria computed in one SQL statement, in the same run.

The application's screening is ``iomhub.cohort.screening.eligible_people`` (the database keeps
those ``rules.eligibility.may_be_eligible`` allows, a necessary condition; the rules in
``iomhub.rules.eligibility`` decide them, their facts read in bulk), over everyone on record in batches of
``BENCH_SCREEN_BATCH`` (default 5,000), stopping after ``BENCH_SCREEN_SECONDS`` (default 900: the
figure is then rows per second over the part done, and says so). The floor (PostgreSQL) returns a
row per person with whether they meet the criteria the database alone can decide: six arrests in
the rolling twelve months, a neighbourhood-crime offence in them, serving a custodial sentence under
12 months; excluded under 18 and at MAPPA level 3 (000 §5.7, 003, 002 §4). It leaves out what the
application adds from its own records (PPO, priority groups, residence in the area, community-order
non-compliance), so it is a floor: less work than the application's, never more.

On a shared machine both figures move with the load, so the floor is timed three times and the
fastest kept (the ratio errs against the application), and ``BENCH_SCREEN_ROUNDS`` (default 1)
screens everyone that many times, each round after its own floor, keeping the fastest of each;
every round's figures are in the results. ``cpu_seconds`` is this process's own CPU time (Python
and the driver), which the machine's load changes far less than the elapsed time."""

from __future__ import annotations

import os
import time
from typing import Any

FLOOR_SQL = """
WITH params AS (SELECT %(as_of)s::date AS as_of, (%(as_of)s::date - interval '12 months')::date AS year_ago),
arrests AS (
    SELECT a.person_id, count(*) AS n FROM justice_arrest a, params
    WHERE a.arrested_on > params.year_ago AND a.arrested_on <= params.as_of GROUP BY a.person_id),
neighbourhood AS (
    SELECT DISTINCT o.person_id FROM justice_offence o JOIN justice_offencecode c ON c.id = o.code_id, params
    WHERE c.neighbourhood_crime IN ('burglary', 'robbery', 'vehicle', 'theft-from-person')
      AND o.committed_on > params.year_ago AND o.committed_on <= params.as_of),
short AS (
    SELECT DISTINCT s.person_id FROM justice_sentence s, params
    WHERE s.length_days >= 1 AND s.sentenced_on <= params.as_of
      AND params.as_of <= s.sentenced_on + s.length_days - 1
      AND s.sentenced_on + s.length_days - 1 < (s.sentenced_on + interval '12 months')::date - 1),
mappa AS (
    SELECT DISTINCT ON (m.person_id) m.person_id, m.level FROM justice_mappamanagement m, params
    WHERE m.from_date <= params.as_of ORDER BY m.person_id, m.from_date DESC, m.id DESC)
SELECT p.id,
       (COALESCE(a.n, 0) >= 6 OR n.person_id IS NOT NULL OR s.person_id IS NOT NULL)
       AND p.date_of_birth <= (params.as_of - interval '18 years')::date
       AND COALESCE(m.level, 0) <> 3 AS eligible
FROM people_person p CROSS JOIN params
LEFT JOIN arrests a ON a.person_id = p.id
LEFT JOIN neighbourhood n ON n.person_id = p.id
LEFT JOIN short s ON s.person_id = p.id
LEFT JOIN mappa m ON m.person_id = p.id
WHERE p.merged_into_id IS NULL AND p.date_of_birth <= params.as_of
"""


def application(as_of: Any) -> dict[str, Any]:
    """Everyone screened a batch at a time: each batch's people read as (id, date of birth), as
    ``screening.subjects`` reads them, then ``eligible_people`` (narrowed in the database by a
    necessary condition, then the rules for each person kept, their facts in bulk)."""
    from iomhub.cohort.screening import Subject, eligible_people
    from iomhub.people.models import Person

    batch = int(os.environ.get("BENCH_SCREEN_BATCH", "5000"))
    limit = float(os.environ.get("BENCH_SCREEN_SECONDS", "900"))
    everyone = Person.objects.filter(merged_into__isnull=True).order_by("pk")
    total = everyone.count()
    done = eligible = 0
    last = 0
    started, cpu = time.perf_counter(), time.process_time()
    while time.perf_counter() - started < limit:
        people = [Subject(pk, born) for pk, born in everyone.filter(pk__gt=last).values_list("pk", "date_of_birth")[:batch]]
        if not people:
            break
        last = people[-1].pk
        results = eligible_people(people, as_of)
        done += len(people)
        eligible += sum(1 for s in results if s.result.eligible)
    seconds = time.perf_counter() - started
    return {
        "people": total,
        "screened": done,
        "complete": done == total,
        "eligible": eligible,
        "seconds": round(seconds, 2),
        "cpu_seconds": round(time.process_time() - cpu, 2),
        "rows_per_second": round(done / max(seconds, 1e-6)),
    }


def floor(as_of: Any, times: int = 3) -> dict[str, Any] | None:
    """FLOOR_SQL ``times`` times; the fastest."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    best = float("inf")
    rows: list[Any] = []
    for _ in range(times):
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(FLOOR_SQL, {"as_of": as_of})
            rows = cursor.fetchall()
        best = min(best, time.perf_counter() - started)
    return {
        "rows": len(rows),
        "eligible": sum(1 for _, ok in rows if ok),
        "seconds": round(best, 3),
        "rows_per_second": round(len(rows) / max(best, 1e-6)),
    }


def run() -> dict[str, Any]:
    from iomhub import clock

    as_of = clock.today()
    rounds = []
    for _ in range(max(1, int(os.environ.get("BENCH_SCREEN_ROUNDS", "1")))):
        sql = floor(as_of)
        app = application(as_of)
        ratio = round(sql["rows_per_second"] / max(app["rows_per_second"], 1), 1) if sql else None
        rounds.append({"application": app, "sql_floor": sql, "application_over_floor": ratio})
    found: dict[str, Any] = {
        "as_of": as_of.isoformat(),
        "application": max((r["application"] for r in rounds), key=lambda a: a["rows_per_second"]),
        "sql_floor": max((r["sql_floor"] for r in rounds if r["sql_floor"]), key=lambda f: f["rows_per_second"], default=None),
        "rounds": rounds,
    }
    if found["sql_floor"]:
        found["application_over_floor"] = round(found["sql_floor"]["rows_per_second"] / max(found["application"]["rows_per_second"], 1), 1)
    return found
