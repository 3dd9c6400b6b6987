"""``python -m iomhub report quarterly --quarter 2026Q3 [--team ID] --format json|csv|xlsx|pdf [--output FILE]``,
``python -m iomhub report comparison [--from DATE] [--to DATE] [--team ID] [--output FILE]``
and ``python -m iomhub report evaluation-extract --output DIR [--key KEY]``.

The same selector as the page, run as a named user (``--as``, or ``IOMHUB_REPORT_USER``) whose role
may read reports, so the policy applies and the run is audited as an export (ADR 0015).
"""

from __future__ import annotations

import datetime
import json
import os
import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from iomhub import clock
from iomhub.access.models import User
from iomhub.reporting import downloads, extract, selectors
from iomhub.reporting.params import BadParameter, date_from, quarter_from, team_id_from
from iomhub.rules.dates import add_months


class Command(BaseCommand):
    help = "Make a report from the command line: quarterly, comparison or evaluation-extract"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("report", choices=["quarterly", "comparison", "evaluation-extract"])
        parser.add_argument("--from", dest="cohort_from", default="", help="Registered from, for example 2024-04-01 (comparison)")
        parser.add_argument("--to", dest="cohort_to", default="", help="Registered up to, for example 2025-03-31 (comparison)")
        parser.add_argument("--quarter", default="", help="For example 2026Q3 (quarterly)")
        parser.add_argument(
            "--key", default="", help="The export key of the evaluation extract's pseudonyms (the deployment's when left out)"
        )
        parser.add_argument("--team", default="", help="A local team's id; all teams when left out")
        parser.add_argument("--format", dest="fmt", choices=["json", "csv", "xlsx", "pdf"], default="json")
        parser.add_argument("--output", default="", help="A file to write; standard output when left out (not for xlsx or pdf)")
        parser.add_argument(
            "--as", dest="username", default=os.environ.get("IOMHUB_REPORT_USER", ""), help="The user the report is made as"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["username"]:
            raise CommandError("--as: name the user the report is made as (or set IOMHUB_REPORT_USER)")
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"--as: no active user {options['username']!r}")
        if options["report"] == "evaluation-extract":
            self._extract(user, options["output"], options["key"] or None)
            return
        if options["report"] == "comparison":
            self._comparison(user, options)
            return
        if not options["quarter"]:
            raise CommandError("--quarter: name the quarter, for example 2026Q3")
        try:
            report = selectors.quarterly(
                user=user, quarter=quarter_from(options["quarter"]), team_id=team_id_from(options["team"] or None), export=True
            )
        except BadParameter as error:
            raise CommandError(str(error)) from error
        except PermissionDenied as error:
            raise CommandError(f"--as: {options['username']} may not read reports") from error
        except ValueError as error:
            raise CommandError(f"--team: {error}") from error
        fmt, output = options["fmt"], options["output"]
        if fmt in ("xlsx", "pdf"):
            if not output:
                raise CommandError(f"--output: an {fmt.upper()} report must be written to a file")
            Path(output).write_bytes(downloads.report_xlsx(report) if fmt == "xlsx" else downloads.report_pdf(report))
            return
        text = json.dumps(report.as_json(), indent=2) + "\n" if fmt == "json" else downloads.report_csv(report)
        if output:
            Path(output).write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)

    def _comparison(self, user: User, options: dict[str, Any]) -> None:
        """The matched comparison as JSON (figures only), audited as an export."""
        if options["fmt"] != "json":
            raise CommandError("--format: the matched comparison is written as json")
        today = clock.today()
        try:
            start = date_from("--from", options["cohort_from"], add_months(today, -30))
            end = date_from("--to", options["cohort_to"], add_months(today, -18) - datetime.timedelta(days=1))
            report = selectors.matched_comparison_report(
                user=user, cohort_from=start, cohort_to=end, team_id=team_id_from(options["team"] or None), export=True
            )
        except PermissionDenied as error:
            raise CommandError(f"--as: {user.username} may not read reports") from error
        except ValueError as error:
            raise CommandError(str(error)) from error
        text = json.dumps(report.as_json(), indent=2) + "\n"
        if options["output"]:
            Path(options["output"]).write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)

    def _extract(self, user: User, output: str, key: str | None) -> None:
        if not output:
            raise CommandError("--output: name the directory the extract's files are written to")
        try:
            files = extract.evaluation_extract(user=user, key=key)
        except PermissionDenied as error:
            raise CommandError(f"--as: {user.username} may not take the evaluation extract") from error
        folder = Path(output)
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in files.items():
            (folder / name).write_text(text, encoding="utf-8")
        self.stdout.write(f"Wrote {', '.join(files)} to {folder}")
