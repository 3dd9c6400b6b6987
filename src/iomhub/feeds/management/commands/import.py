"""``python -m iomhub import FEED FILE [--error-report FILE] [--as USERNAME]``, FEED one of
``arrests``, ``releases``, ``court-outcomes``, ``offending-history`` (``docs/feeds/``).

Imports a feed file and prints, as its last line, one JSON object with the counts (``rows``,
``imported``, ``unchanged``, ``rejected``, ``review``). A progress bar is drawn on standard error
when it is a terminal. Exit status 0 when every row was imported, found unchanged, rejected with a
reason or sent to review; 1 when the file was refused whole. Acts as the named system account
``system-feeds`` unless ``--as`` names the coordinator running it (ADR 0014).
"""

from __future__ import annotations

import json
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from iomhub.access.models import User
from iomhub.feeds import services
from iomhub.feeds.registry import FEEDS
from iomhub.feeds.report import write_report


class _Bar:
    """A one-line progress bar, drawn only on a terminal."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream
        self.shown = -1

    def __call__(self, done: int, total: int) -> None:
        total = max(total, done, 1)
        percent = done * 100 // total
        if percent == self.shown and done != total:
            return
        self.shown = percent
        filled = percent * 30 // 100
        self.stream.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {percent:3d}% {done} rows")
        self.stream.flush()

    def close(self) -> None:
        if self.shown >= 0:
            self.stream.write("\n")
            self.stream.flush()


def _kill_hook() -> Callable[[int], None] | None:
    """For the test of an import killed part-way (issue 11): with ``IOMHUB_FEEDS_KILL_AFTER_ROWS=N``
    the process SIGKILLs itself as soon as a committed batch takes it to N rows or more: a
    deterministic checkpoint, at the edge, instead of a race with the clock."""
    after = int(os.environ.get("IOMHUB_FEEDS_KILL_AFTER_ROWS", "0") or 0)
    if after <= 0:
        return None

    def kill(rows: int) -> None:
        if rows >= after:
            os.kill(os.getpid(), signal.SIGKILL)

    return kill


class Command(BaseCommand):
    help = "Import a feed file (CSV or XLSX): arrests, releases, court-outcomes or offending-history. See docs/feeds/."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("feed", choices=sorted(FEEDS))
        parser.add_argument("file", type=Path)
        parser.add_argument("--error-report", type=Path, help="Write the rejected rows, with line, column and reason, to this CSV file")
        parser.add_argument("--as", dest="username", help="Act as this user (a coordinator) instead of the system account")
        parser.add_argument("--batch-size", type=int, default=services.BATCH_SIZE)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}") from exc
        if options["username"]:
            user = User.objects.filter(username=options["username"], is_active=True).first()
            if user is None:
                raise CommandError(f"No active user {options['username']!r}")
        else:
            user = services.feed_system_user()
        bar = _Bar(sys.stderr) if sys.stderr.isatty() else None
        try:
            run = services.feed_import(
                feed=options["feed"],
                acting_user=user,
                data=data,
                file_name=path.name,
                batch_size=max(options["batch_size"], 1),
                progress=bar,
                via="command",
                committed=_kill_hook(),
            )
        finally:
            if bar is not None:
                bar.close()
        if options["error_report"]:
            with options["error_report"].open("w", encoding="utf-8", newline="") as out:
                write_report(run, out)
        summary: dict[str, Any] = {"import": run.pk, **run.counts()}
        if run.refused:
            self.stderr.write(run.refused)
            summary["refused"] = run.refused
        else:
            for rejection in run.rejections.order_by("line", "id")[:20]:
                self.stderr.write(f"line {rejection.line}{f' {rejection.column}' if rejection.column else ''}: {rejection.reason}")
        self.stdout.write(json.dumps(summary))
        if run.refused:
            sys.exit(1)
