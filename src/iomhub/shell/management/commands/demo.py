"""``python -m iomhub demo --people N``: load the synthetic demo partnership."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from iomhub.demo import DEMO_PASSWORD, DEMO_USERS, load_demo


class Command(BaseCommand):
    help = "Load the synthetic demo partnership (teams, users for every role, N fake people)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--people", type=int, default=500, help="How many synthetic people to create (default 500)")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--if-empty", action="store_true", help="Do nothing if people already exist")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("The demo partnership is never loaded in production")
        if options["people"] < 0:
            raise CommandError("--people must be 0 or more")
        from iomhub.people.models import Person

        if options["if_empty"] and Person.objects.exists():
            self.stdout.write("Demo data already loaded.")
        else:
            started = time.perf_counter()
            made = load_demo(people=options["people"], seed=options["seed"])
            self.stdout.write(f"Loaded {made['people']} synthetic people in {time.perf_counter() - started:.1f}s.")
            if made["people"]:
                from iomhub.demo.overnight import load_overnight

                run = load_overnight(seed=options["seed"])
                self.stdout.write(
                    f"Imported last night's custody file as the coordinator: {run.imported} arrests recorded, "
                    f"{run.review} to review at /feeds/review/, {run.rejected} rows rejected (import {run.pk})."
                )
                from iomhub.demo.meeting import load_meeting

                meeting = load_meeting()
                self.stdout.write(f"Arranged the {meeting}: its agenda is at /meetings/{meeting.pk}/.")
        self.stdout.write("\nDemo sign-ins (password for all: " + DEMO_PASSWORD + "):")
        for user in DEMO_USERS:
            self.stdout.write(f"  {user.username:<20} {user.role}")
