"""Work out the screening table again from the whole justice record (ADR 0036): after a bulk load,
a merge of two people's records or a change to the offence catalogue, and once at installation (the
first rebuild puts the table in use). Safe to run at any time: the candidate list reads the old
table until the new one commits."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from iomhub.justice import screening_table


class Command(BaseCommand):
    help = "Rebuild the screening table (the periods each person's justice record meets an IOM entry criterion)"

    def handle(self, *args: Any, **options: Any) -> None:
        done = screening_table.rebuild()
        self.stdout.write(f"Screening table rebuilt: {done.periods} periods for {done.people} people in {done.seconds} s")
