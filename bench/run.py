"""`make bench`: figures for the national-scale questions, on this machine.

Builds a fresh database (SQLite under var/bench by default, or DATABASE_URL), loads the synthetic
demo partnership with BENCH_PEOPLE people (default 20,000; 100,000 for the national figure), then
times the hot paths through the real stack (Django test client: middleware, policy, audit,
templates): person search by name, by identifier and by date of birth, the person page, the API
read, and the pages that read the whole IOM cohort (team dashboard, caseload, candidate list,
meeting agenda); then the feeds (issue 11): record linkage precision and recall on labelled synthetic
people (BENCH_LINKAGE_ROWS rows, default 600, against 2,000 known people), and the custody arrests
import of BENCH_IMPORT_ROWS rows (default 2,000; `--million` for 1,000,000, `--import-rows N`) beside
PostgreSQL `COPY` of the same rows, the floor. `--feeds-only` skips the page timings. Prints a table
and writes var/bench/results.json. Figures, not pass/fail: tests stay deterministic and never time
anything.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "bench"
OUT.mkdir(parents=True, exist_ok=True)
PEOPLE = int(os.environ.get("BENCH_PEOPLE", "20000"))
REPEATS = int(os.environ.get("BENCH_REPEATS", "50"))
FEEDS_ONLY = "--feeds-only" in sys.argv
IMPORT_ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "2000"))
if "--million" in sys.argv:
    IMPORT_ROWS = 1_000_000
if "--import-rows" in sys.argv:
    IMPORT_ROWS = int(sys.argv[sys.argv.index("--import-rows") + 1])
LINKAGE_ROWS = int(os.environ.get("BENCH_LINKAGE_ROWS", "600"))

if "DATABASE_URL" not in os.environ:
    db = OUT / f"bench-{PEOPLE}.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iomhub.config.settings")
# A development database of synthetic people: say so (unset, the settings mean production).
os.environ.setdefault("IOMHUB_ENV", "dev")
os.environ.setdefault("IOMHUB_DEMO", "1")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from iomhub.access.models import User  # noqa: E402
from iomhub.demo import load_demo  # noqa: E402
from iomhub.people.models import Person  # noqa: E402


def timed(label: str, fn, repeats: int = REPEATS) -> dict[str, float | str]:
    samples = []
    for i in range(repeats):
        started = time.perf_counter()
        fn(i)
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return {
        "what": label,
        "p50_ms": round(statistics.median(samples), 2),
        "p95_ms": round(samples[int(len(samples) * 0.95) - 1], 2),
        "max_ms": round(samples[-1], 2),
    }


def cohort_pages(ok) -> list[dict[str, float | str]]:
    """The pages that read the whole IOM cohort: the coordinator's team dashboard, a worker's
    caseload, the candidate list (screens everyone with a justice event in the year) and a meeting
    agenda. Slower pages, fewer repeats (BENCH_COHORT_REPEATS)."""
    from iomhub import clock
    from iomhub.meetings.models import Meeting

    repeats = int(os.environ.get("BENCH_COHORT_REPEATS", "5"))
    coordinator = User.objects.get(username="coordinator")
    meeting = Meeting.objects.create(team=coordinator.team, held_on=clock.today(), location="Bench", created_by=coordinator)
    as_coordinator, as_worker = Client(), Client()
    as_coordinator.force_login(coordinator)
    as_worker.force_login(User.objects.get(username="probation.officer"))
    return [
        timed("team dashboard (coordinator)", lambda i: ok(as_coordinator.get("/caseload/")), repeats),
        timed("my caseload (probation officer)", lambda i: ok(as_worker.get("/caseload/")), repeats),
        timed("candidate list", lambda i: ok(as_coordinator.get("/cohort/candidates/")), repeats),
        timed("meeting agenda", lambda i: ok(as_coordinator.get(f"/meetings/{meeting.pk}/")), repeats),
        *report_pages(ok, repeats),
    ]


def report_pages(ok, repeats: int) -> list[dict[str, float | str]]:
    """The performance reports (issue 16; target under 5 s): the quarterly report page and its XLSX
    for the last complete quarter, the overview, and proven reoffending, as the performance lead."""
    from iomhub import clock
    from iomhub.rules.reporting import Quarter

    quarter = str(Quarter.containing(clock.today()).previous())
    as_lead = Client()
    as_lead.force_login(User.objects.get(username="performance.lead"))
    return [
        timed("quarterly report (performance lead)", lambda i: ok(as_lead.get("/reports/quarterly/", {"quarter": quarter})), repeats),
        timed("quarterly report XLSX", lambda i: ok(as_lead.get("/reports/quarterly.xlsx", {"quarter": quarter})), repeats),
        timed("quarterly report PDF", lambda i: ok(as_lead.get("/reports/quarterly.pdf", {"quarter": quarter})), repeats),
        timed("matched comparison (page; long: also a background run)", lambda i: ok(as_lead.get("/reports/comparison/")), 1),
        timed("reports overview", lambda i: ok(as_lead.get("/reports/")), repeats),
        timed("proven reoffending and outcomes", lambda i: ok(as_lead.get("/reports/reoffending/")), repeats),
    ]


def main() -> int:
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    load_demo(people=PEOPLE)
    load_seconds = time.perf_counter() - started
    officer = User.objects.get(username="police.officer")
    client = Client()
    client.force_login(officer)
    sample = list(Person.objects.filter(restriction="").order_by("?").values("id", "last_name", "pnc_id", "date_of_birth")[:REPEATS])

    def ok(response) -> None:
        if response.status_code != 200:
            raise SystemExit(f"unexpected {response.status_code} for {response.request['PATH_INFO']}")

    results = (
        []
        if FEEDS_ONLY
        else [
            timed("search page: surname", lambda i: ok(client.get("/people/", {"q": sample[i % len(sample)]["last_name"].upper()}))),
            timed(
                "search page: PNC ID, odd spacing",
                lambda i: ok(client.get("/people/", {"q": " " + sample[i % len(sample)]["pnc_id"].lower() + " "})),
            ),
            timed(
                "search page: date of birth",
                lambda i: ok(client.get("/people/", {"q": sample[i % len(sample)]["date_of_birth"].strftime("%d/%m/%Y")})),
            ),
            timed("person summary page", lambda i: ok(client.get(f"/people/{sample[i % len(sample)]['id']}/"))),
            timed("API: read a person", lambda i: ok(client.get(f"/api/v1/people/{sample[i % len(sample)]['id']}"))),
            timed("API: search by surname", lambda i: ok(client.get("/api/v1/people", {"q": sample[i % len(sample)]["last_name"]}))),
            *cohort_pages(ok),
        ]
    )
    from feeds import feeds_bench

    linkage, feed = feeds_bench(import_rows=IMPORT_ROWS, linkage_rows=LINKAGE_ROWS)
    report = {
        "people": PEOPLE,
        "database": django.db.connection.vendor,
        "demo_load_seconds": round(load_seconds, 1),
        "people_per_second": round(PEOPLE / load_seconds),
        "timings": results,
        "linkage": linkage,
        "arrests_import": feed,
    }
    (OUT / "results.json").write_text(json.dumps(report, indent=2))
    print(
        f"IOM Hub benchmark: {PEOPLE:,} people on {report['database']}; demo loaded in {load_seconds:.1f}s ({report['people_per_second']:,}/s)"
    )
    print(f"{'what':<36}{'p50 ms':>10}{'p95 ms':>10}{'max ms':>10}")
    for row in results:
        print(f"{row['what']:<36}{row['p50_ms']:>10}{row['p95_ms']:>10}{row['max_ms']:>10}")
    print(
        f"arrests import: {feed['rows']:,} rows in {feed['first_import_seconds']}s ({feed['first_import_rows_per_second']:,} rows/s)"
        f" {feed['first_import_counts']}; again in {feed['second_import_seconds']}s ({feed['second_import_rows_per_second']:,} rows/s)"
        f" {feed['second_import_counts']}"
        + (
            f"; PostgreSQL COPY of the same rows {feed['copy_seconds']}s (the import takes {feed['import_over_copy']}x COPY; target 3x)"
            if "copy_seconds" in feed
            else "; COPY floor measured on PostgreSQL only (set DATABASE_URL)"
        )
    )
    print(
        f"linkage on {linkage['rows']} labelled synthetic rows against {linkage['known_people']:,} people: precision {linkage['precision']},"
        f" recall {linkage['recall']} without review, {linkage['recall_with_review']} with the doubtful sent to review"
        f" ({linkage['review_share']:.0%} of rows); {linkage['seconds']}s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
