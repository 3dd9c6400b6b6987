"""An import killed part-way (SIGKILL, no chance to clean up) and run again ends exactly as a clean
run does (issue 11 "Done when"): the command runs in a subprocess on its own SQLite database file,
is killed once some batches are committed, and is run again; a second database imports the same
file once, cleanly; the two records are compared row for row."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from tests.feeds.conftest import csv_file, many_rows

ROWS = 600
BATCH = 20


def env_for(db: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "iomhub.config.settings",
        "DATABASE_URL": f"sqlite:///{db}",
        "IOMHUB_ENV": "dev",
    }


def manage(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own command, fixed arguments
        [sys.executable, "-m", "iomhub", *args], env=env_for(db), capture_output=True, text=True, timeout=300, check=False
    )


def count(db: Path, table: str) -> int:
    for _ in range(50):
        try:
            with sqlite3.connect(db, timeout=0.1) as conn:
                return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])  # noqa: S608 - a fixed table name
        except sqlite3.OperationalError:
            time.sleep(0.01)
    raise AssertionError(f"could not read {table}")


def record(db: Path) -> dict[str, list[tuple[object, ...]]]:
    """The people, arrests, offences and feed links, without database ids."""
    with sqlite3.connect(db) as conn:
        people = conn.execute("SELECT last_name, first_name, date_of_birth, pnc_id FROM people_person ORDER BY 1, 2, 3, 4").fetchall()
        arrests = conn.execute(
            "SELECT p.last_name, p.first_name, a.arrested_on, a.custody_suite, a.outcome, c.code"
            " FROM justice_arrest a JOIN people_person p ON p.id = a.person_id"
            " JOIN justice_offence o ON o.arrest_id = a.id JOIN justice_offencecode c ON c.id = o.code_id ORDER BY 1, 2, 3, 4, 5, 6"
        ).fetchall()
        links = conn.execute(
            "SELECT p.last_name, l.arrested_at, l.suite_key, l.method, l.agreed, l.line"
            " FROM feeds_arrestlink l JOIN people_person p ON p.id = l.person_id ORDER BY 1, 2, 3"
        ).fetchall()
        offences = conn.execute("SELECT count(*) FROM justice_offence").fetchall()
        reviews = conn.execute("SELECT row_key, line, status FROM feeds_linkreview ORDER BY 1").fetchall()
    return {"people": people, "arrests": arrests, "links": links, "offences": offences, "reviews": reviews}


def test_an_import_killed_by_the_operating_system_and_run_again_ends_as_a_clean_run(tmp_path):
    source = tmp_path / "arrests.csv"
    source.write_bytes(csv_file(*many_rows(ROWS)))
    killed_db, clean_db = tmp_path / "killed.sqlite3", tmp_path / "clean.sqlite3"
    migrated = manage(killed_db, "migrate", "-v0")
    assert migrated.returncode == 0, migrated.stderr
    shutil.copyfile(killed_db, clean_db)  # the same empty, migrated database twice

    # Killed at a checkpoint, not a moment: the command SIGKILLs itself (IOMHUB_FEEDS_KILL_AFTER_ROWS,
    # the hook at the edge) as soon as the third batch is committed, however fast or slow the machine.
    command = [sys.executable, "-m", "iomhub", "import", "arrests", str(source), "--batch-size", str(BATCH)]
    env = {**env_for(killed_db), "IOMHUB_FEEDS_KILL_AFTER_ROWS": str(3 * BATCH)}
    process = subprocess.run(command, env=env, capture_output=True, timeout=300, check=False)  # noqa: S603
    assert process.returncode == -signal.SIGKILL
    with sqlite3.connect(killed_db) as conn:
        done, part = conn.execute("SELECT rows, imported FROM feeds_importrun").fetchone()
    # Only whole batches are kept, and the run's counts agree with what they hold.
    assert done == 3 * BATCH
    assert count(killed_db, "feeds_arrestlink") == count(killed_db, "justice_arrest") == part

    rerun = manage(killed_db, "import", "arrests", str(source), "--batch-size", str(BATCH))
    assert rerun.returncode == 0, rerun.stderr
    summary = json.loads(rerun.stdout.strip().splitlines()[-1])
    assert (summary["rows"], summary["unchanged"], summary["rejected"]) == (ROWS, part, 0)

    clean = manage(clean_db, "import", "arrests", str(source), "--batch-size", str(BATCH))
    assert clean.returncode == 0, clean.stderr
    clean_summary = json.loads(clean.stdout.strip().splitlines()[-1])
    assert clean_summary["imported"] == part + summary["imported"]
    assert clean_summary["review"] == summary["review"] > 0  # some rows are possible duplicates of others
    assert record(killed_db) == record(clean_db)
