"""``python -m iomhub restore FILE``: restore a backup into an empty database and verify it."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections

from iomhub.operations.backup import BackupError, keys_from_environment, restore


class Command(BaseCommand):
    help = (
        "Restore a backup into an empty, migrated database; every table's row count and SHA-256 are "
        "checked against the backup's manifest before it is committed (docs/operations.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            with open(options["file"], "rb") as source:
                manifest = restore(source, keys=keys_from_environment(), connection=connections[options["database"]])
        except FileNotFoundError:
            raise CommandError(f"No such file: {options['file']}") from None
        except BackupError as error:
            raise CommandError(str(error)) from None
        rows = sum(table["rows"] for table in manifest.values())
        self.stdout.write(f"Restored and verified {len(manifest)} tables, {rows} rows: every count and SHA-256 matches the backup.")
