"""`make bench`: IOM Hub at a chosen scale, under the production server, on this machine (issue 15).

    python bench/run.py [--profile small|county|national] [--rebuild] [--no-pages] [--no-screening]
                        [--no-feeds] [--import-rows N | --million]

1. The dataset (``bench/national.py``): the profile's people, registrations, justice events and
   timeline entries on PostgreSQL (``BENCH_DATABASE_URL``, default iomhub_bench_<profile>), built by
   the demo loader and PostgreSQL's bulk copy, reused while its fingerprint matches.
2. The pages (``bench/load.py``): gunicorn with the production settings, one user then 20 at once
   on every page and API read below, the framework floor (``/health`` through the same middleware)
   in the same run; p50/p95/p99, requests per second and each p95 as a ratio to the floor's.
3. Screening the whole population, rows per second, beside one SQL statement (``bench/screening.py``).
4. The feeds (``bench/feeds.py``): record linkage, and the arrests import beside two floors (``COPY``
   of the same rows; ``COPY`` of the writes any design must make for them). On PostgreSQL the import
   runs as in production on a scratch copy of the dataset, dropped after (elsewhere in a transaction
   rolled back after), so the dataset is unchanged for the next run.

Prints a table and writes var/bench/results.json. Figures, not pass/fail: the tests never time
anything. ``BENCH_PROFILE`` sets the profile when ``--profile`` is not given (default ``small``);
``BENCH_PAGES=dashboard,candidate`` measures only the pages whose names contain one of the words
(and the floor), for a quick look while optimising.
"""

from __future__ import annotations

import datetime
import json
import os
import sys
import time
from typing import Any

from dbsetup import OUT, configure, secret_key

ARGS = sys.argv[1:]
PROFILE = ARGS[ARGS.index("--profile") + 1] if "--profile" in ARGS else os.environ.get("BENCH_PROFILE", "small")
IMPORT_ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "2000"))
if "--million" in ARGS:
    IMPORT_ROWS = 1_000_000
if "--import-rows" in ARGS:
    IMPORT_ROWS = int(ARGS[ARGS.index("--import-rows") + 1])
LINKAGE_ROWS = int(os.environ.get("BENCH_LINKAGE_ROWS", "600"))
STARTED = time.perf_counter()
DATABASE_URL = configure(PROFILE)

import national  # noqa: E402 - after Django is set up


def dataset() -> dict[str, Any]:
    profile = national.PROFILES[PROFILE]
    if DATABASE_URL.startswith("sqlite"):  # no server-side copy: the demo loader alone, afresh
        from pathlib import Path

        from django.core.management import call_command

        Path(DATABASE_URL.removeprefix("sqlite:///")).unlink(missing_ok=True)
        call_command("migrate", verbosity=0)
        base = national.Profile(profile.name, profile.base_people * profile.copies, 1, 0, 0)
        return {"reused": False, **national.build(base)}
    return national.ensure(profile, database_url=DATABASE_URL, force="--rebuild" in ARGS)


def targets() -> list[Any]:
    """Every page and API read the issue names, as the role that uses it, over real people: the
    registered people of the coordinator's team (their case, timeline and justice record exist)."""

    from iomhub import clock
    from iomhub.access.models import User
    from iomhub.cohort.models import Registration
    from iomhub.meetings.models import Meeting

    try:
        from iomhub.rules.quarters import Quarter
    except ImportError:  # code from before the quarters moved (a before figure)
        from iomhub.rules.reporting import Quarter  # type: ignore[no-redef]

    coordinator = User.objects.get(username="coordinator")
    meeting = Meeting.objects.filter(team=coordinator.team, location="Bench").order_by("pk").first()
    if meeting is None:
        meeting = Meeting.objects.create(team=coordinator.team, held_on=clock.today(), location="Bench", created_by=coordinator)
    people = list(
        Registration.objects.filter(ended_on__isnull=True, person__managing_team=coordinator.team, person__restriction="")
        .order_by("person_id")
        .values_list("person_id", "person__last_name")[:60]
    )
    ids = [pid for pid, _ in people]
    surnames = sorted({name for _, name in people})
    quarter = str(Quarter.containing(clock.today()).previous())
    police = "police.officer"
    chosen = [w.strip() for w in os.environ.get("BENCH_PAGES", "").split(",") if w.strip()]
    return [
        t
        for t in every_target(ids, surnames, meeting.pk, quarter, police)
        if not chosen or t.name.startswith("floor") or any(w in t.name for w in chosen)
    ]


def every_target(ids: list[int], surnames: list[str], meeting: int, quarter: str, police: str) -> list[Any]:
    from load import Target

    return [
        Target("floor: /health (same middleware)", ["/health"], "anonymous"),
        Target("team dashboard", ["/caseload/"], "coordinator"),
        Target("worker's caseload", ["/caseload/"], "probation.officer"),
        Target("person summary", [f"/people/{i}/" for i in ids], police),
        Target("timeline", [f"/people/{i}/timeline/" for i in ids], police),
        Target("justice", [f"/people/{i}/justice/" for i in ids], police),
        Target("search (surname)", [f"/people/?q={name}" for name in surnames], police),
        Target("candidate list", ["/cohort/candidates/"], "coordinator"),
        Target("meeting agenda", [f"/meetings/{meeting}/"], "coordinator"),
        Target("quarterly report", [f"/reports/quarterly/?quarter={quarter}"], "performance.lead"),
        Target("API person", [f"/api/v1/people/{i}" for i in ids], f"token:{police}"),
        Target("API case", [f"/api/v1/people/{i}/case" for i in ids], f"token:{police}"),
        Target("API timeline", [f"/api/v1/people/{i}/timeline" for i in ids], f"token:{police}"),
        Target("API justice record", [f"/api/v1/people/{i}/justice" for i in ids], f"token:{police}"),
    ]


def feeds() -> dict[str, Any]:
    """The feeds section; the dataset stays as built (``feeds.measured_import``)."""
    from feeds import feeds_bench

    linkage, feed = feeds_bench(import_rows=IMPORT_ROWS, linkage_rows=LINKAGE_ROWS)
    return {"linkage": linkage, "arrests_import": feed}


def ratios(pages: dict[str, Any]) -> None:
    floor = pages.get("floor: /health (same middleware)", {})
    for figures in pages.values():
        for users, found in figures.items():
            base = floor.get(users, {}).get("p95_ms") or 0
            found["p95_over_floor"] = round(found["p95_ms"] / base, 1) if base else None


def print_pages(pages: dict[str, Any]) -> None:
    head = f"{'page':<34}" + "".join(f"{h:>9}" for h in ("p50", "p95", "p99", "req/s", "x floor")) + " |"
    print(f"{'':<34}{'1 user (ms)':^45} | {'20 users (ms)':^45}  errors")
    print(head + head[34:])
    for name, figures in pages.items():
        line = f"{name[:33]:<34}"
        for users in ("1", "20"):
            f = figures.get(users)
            cells = (f["p50_ms"], f["p95_ms"], f["p99_ms"], f["rps"], f["p95_over_floor"]) if f else ("-",) * 5
            line += "".join(f"{c!s:>9}" for c in cells) + " |"
        line += f" {sum(f['errors'] for f in figures.values())}"
        print(line)


def print_rest(report: dict[str, Any]) -> None:
    screening = report.get("screening")
    if screening:
        app, sql = screening["application"], screening["sql_floor"]
        print(
            f"screening: {app['screened']:,} of {app['people']:,} people in {app['seconds']}s, {app['rows_per_second']:,} rows/s,"
            f" {app['eligible']:,} eligible" + ("" if app["complete"] else " (stopped at BENCH_SCREEN_SECONDS: rows/s over the part done)")
        )
        if sql:
            print(
                f"  SQL floor: {sql['rows']:,} rows in {sql['seconds']}s, {sql['rows_per_second']:,} rows/s, {sql['eligible']:,} eligible"
                f" (fewer criteria); the application takes {screening['application_over_floor']}x the floor (target 3x)"
            )
    quarterly = report.get("pages", {}).get("quarterly report", {}).get("1")
    if quarterly:
        print(
            f"quarterly report at this scale: p50 {quarterly['p50_ms'] / 1000:.2f}s, p95 {quarterly['p95_ms'] / 1000:.2f}s (target under 5 s)"
        )
    found = report.get("feeds")
    if found:
        feed, linkage = found["arrests_import"], found["linkage"]
        print_import(feed)
        print(
            f"linkage on {linkage['rows']} labelled synthetic rows against {linkage['known_people']:,} people: precision {linkage['precision']},"
            f" recall {linkage['recall']} without review, {linkage['recall_with_review']} with the doubtful sent to review"
            f" ({linkage['review_share']:.0%} of rows); {linkage['seconds']}s"
        )


def print_import(feed: dict[str, Any]) -> None:
    how = (
        f"each batch of {feed['batch_size']:,} committed, on a scratch copy of the dataset ({feed.get('scratch_database', '')}, dropped after)"
        if feed["committed"]
        else "in one transaction rolled back after"
    )
    print(
        f"arrests import ({feed['composition']}), {how}: {feed['rows']:,} rows in {feed['first_import_seconds']}s"
        f" ({feed['first_import_rows_per_second']:,} rows/s, {feed['first_import_cpu_seconds']}s of this process's CPU,"
        f" load average {' '.join(str(x) for x in feed['load_averages'])}) {feed['first_import_counts']}"
    )
    if feed["analysed_tables"]:
        print(f"  then ANALYZE of the {len(feed['analysed_tables'])} tables it wrote, as autovacuum would: {feed['analyse_seconds']}s")
    print(
        f"  the same file again in {feed['second_import_seconds']}s ({feed['second_import_rows_per_second']:,} rows/s)"
        f" {feed['second_import_counts']}"
    )
    if "copy_seconds" not in feed:
        print("  floors (COPY) measured on PostgreSQL only")
        return
    print(
        f"  floor 1, PostgreSQL COPY of the same rows into a table: {feed['copy_seconds']}s (into a TEMP table, not WAL-logged,"
        f" the floor of earlier sittings: {feed['copy_temp_seconds']}s); the import takes {feed['import_over_copy']}x COPY (target 3x)"
    )
    print(
        f"  floor 2, COPY of the writes any design must make (an arrest, its offence, the feed's link, one audit event a row,"
        f" into copies of those tables with their indexes): {feed['writes_floor_seconds']}s, {feed['writes_floor_over_copy']}x"
        f" the bare COPY; the import takes {feed['import_over_writes_floor']}x this floor"
    )
    tables = feed.get("writes_floor_tables_seconds", {})
    print("    of which " + ", ".join(f"{name} {seconds}s" for name, seconds in tables.items()))


def main() -> int:
    import django
    import load
    import screening

    report: dict[str, Any] = {
        "profile": PROFILE,
        "database": django.db.connection.vendor,
        "started_at": datetime.datetime.now(tz=datetime.UTC).isoformat(),
    }
    print(f"IOM Hub benchmark, profile {PROFILE}, {report['database']}", flush=True)
    report["dataset"] = dataset()
    counts = report["dataset"]["counts"]
    print(
        f"dataset {'reused' if report['dataset']['reused'] else 'built'} ({report['dataset'].get('built_seconds')}s to build):"
        f" {counts['people']:,} people, {counts['registered_now']:,} registered now ({counts['registrations']:,} registrations),"
        f" {counts['events']:,} arrests and offences, {counts['timeline_entries']:,} timeline entries, {counts['teams']} teams,"
        f" {counts['users']} users",
        flush=True,
    )
    if "--no-pages" not in ARGS:
        found = load.run(targets(), database_url=DATABASE_URL, secret=secret_key(), out=OUT / DATABASE_URL.rsplit("/", 1)[-1])
        ratios(found["pages"])
        report["server"] = {"workers": found["workers"], "limits": found["limits"]}
        report["pages"] = found["pages"]
    if "--no-screening" not in ARGS:
        print("screening the whole population...", flush=True)
        report["screening"] = screening.run()
        print_rest({"screening": report["screening"]})
    if "--no-feeds" not in ARGS:
        report["feeds"] = feeds()
    report["total_seconds"] = round(time.perf_counter() - STARTED, 1)
    written = json.dumps(report, indent=2, default=str)
    (OUT / "results.json").write_text(written)
    (OUT / f"results-{DATABASE_URL.rsplit('/', 1)[-1]}.json").write_text(written)  # kept per database
    print()
    if "pages" in report:
        print(f"gunicorn, {report['server']['workers']} workers, production settings, loopback; {report['server']['limits']}")
        print_pages(report["pages"])
    print_rest(report)
    print(f"total {report['total_seconds']}s; written to {OUT / 'results.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
