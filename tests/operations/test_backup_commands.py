"""The commands end to end on the embedded database as ``make run`` keeps it: SQLite files in WAL
mode, each command its own process, the result read back with Python's own ``sqlite3``."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from iomhub.operations.backup import new_key

pytestmark = pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="the embedded SQLite files; the PostgreSQL run restores in test_backup",
)


def _run(database: Path, *args: str, key: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL"}}
    environment |= {
        "IOMHUB_ENV": "dev",
        "IOMHUB_VAR_DIR": str(database.parent / "var"),
        "DATABASE_URL": f"sqlite:///{database}",
        "IOMHUB_BACKUP_KEY": key,
    }
    return subprocess.run(  # noqa: S603 - our own command
        [sys.executable, "-m", "iomhub", *args], env=environment, capture_output=True, text=True, timeout=300, check=False
    )


def _tables(database: Path) -> dict[str, list[tuple]]:
    with sqlite3.connect(database) as db:
        names = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        return {name: sorted(db.execute(f'SELECT * FROM "{name}"').fetchall(), key=repr) for name in names if name != "django_migrations"}  # noqa: S608


def test_backup_and_restore_commands_on_sqlite_files(tmp_path):
    key = new_key()
    live, fresh, restored = tmp_path / "live.sqlite3", tmp_path / "fresh.sqlite3", tmp_path / "restored.sqlite3"
    assert _run(fresh, "migrate", "--no-input", "-v", "0", key=key).returncode == 0
    shutil.copy(fresh, live)
    shutil.copy(fresh, restored)
    loaded = _run(live, "demo", "--people", "10", key=key)
    assert loaded.returncode == 0, loaded.stderr

    made = _run(live, "backup", str(tmp_path / "live.backup"), key=key)
    assert made.returncode == 0, made.stderr
    assert "Backed up" in made.stdout
    done = _run(restored, "restore", str(tmp_path / "live.backup"), key=key)
    assert done.returncode == 0, done.stderr
    assert "every count and SHA-256 matches" in done.stdout

    before, after = _tables(live), _tables(restored)
    assert set(before) == set(after)
    assert all(after[name] == before[name] for name in before)
    assert after["people_person"] and after["access_auditevent"]
