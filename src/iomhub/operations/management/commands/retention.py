"""``python -m iomhub retention --dry-run|--apply|--enqueue`` (issue 13 §3, ADR 0021).

``--dry-run`` lists every record past its retention rule (kind, model, id, when its clock started)
and removes nothing; ``--apply`` removes exactly those, leaving a stub for each; ``--enqueue`` puts
the run on the task queue for the worker (what the daily schedule calls). ``--today`` (YYYY-MM-DD)
evaluates the rules as of another day, for checking what a future run will remove.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from iomhub.operations import retention


class Command(BaseCommand):
    help = "Report (--dry-run) or remove (--apply) the records past their retention rules."

    def add_arguments(self, parser: CommandParser) -> None:
        mode = parser.add_mutually_exclusive_group(required=True)
        mode.add_argument("--dry-run", action="store_true", help="List what would be removed; remove nothing")
        mode.add_argument("--apply", action="store_true", help="Remove what is past its rule, leaving a stub for each")
        mode.add_argument("--enqueue", action="store_true", help="Queue the run for the task worker")
        parser.add_argument("--today", help="Evaluate the rules as of this date (YYYY-MM-DD) instead of today")

    def handle(self, *args: Any, **options: Any) -> None:
        today = None
        if options["today"]:
            try:
                today = datetime.date.fromisoformat(options["today"])
            except ValueError as exc:
                raise CommandError(f"--today must be a date as YYYY-MM-DD, not {options['today']!r}") from exc
        if options["enqueue"]:
            if today is not None:
                raise CommandError("--today cannot be used with --enqueue: the worker runs as of its own today")
            from iomhub.operations.tasks import retention_apply

            result = retention_apply.enqueue()
            self.stdout.write(f"Retention run queued (task {result.id})")
            return
        if options["apply"]:
            run = retention.apply(today=today)
            for rule_plan in run.plans:
                self.stdout.write(f"{rule_plan.rule.record_type}: removed {len(rule_plan.due)}")
            self.stdout.write(f"Run {run.run}: {run.stubs} stubs written")
            return
        plans = retention.dry_run(today=today)
        for rule_plan in plans:
            state = "" if rule_plan.rule.enabled else " (rule disabled)"
            self.stdout.write(
                f"{rule_plan.rule.record_type}: {len(rule_plan.due)} past {rule_plan.rule.period_months} months "
                f"(clock started before {rule_plan.cutoff.isoformat()}){state}"
            )
            for due in rule_plan.due:
                self.stdout.write(f"  {due.record_type}\t{due.model}\t{due.object_id}\t{due.started.isoformat()}")
        self.stdout.write("Dry run: nothing removed")
