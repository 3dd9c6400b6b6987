"""Load (or reload) the offence catalogue from the app's CSV or a deployment's own file."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from iomhub.justice import catalogue
from iomhub.justice.models import OffenceCode


class Command(BaseCommand):
    help = "Load the Home Office offence catalogue (code, description, categories, source)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", help="A catalogue CSV with the columns " + ", ".join(catalogue.COLUMNS))
        parser.add_argument("--catalogue-version", default=catalogue.CATALOGUE_VERSION)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["file"]:
                with open(options["file"], encoding="utf-8", newline="") as fh:
                    rows = catalogue.parse_catalogue(fh)
            else:
                rows = catalogue.default_rows()
        except (OSError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        counts = catalogue.sync(OffenceCode, rows, version=options["catalogue_version"])
        self.stdout.write(
            f"Offence catalogue {options['catalogue_version']}: {counts['added']} added, {counts['updated']} updated, {counts['kept']} kept"
        )
