"""``python -m iomhub backup FILE``: an encrypted, consistent backup of the whole database."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections

from iomhub.clock import now
from iomhub.operations.backup import BackupError, backup, key_id, keys_from_environment, new_key


class Command(BaseCommand):
    help = "Back up the whole database to FILE, encrypted with IOMHUB_BACKUP_KEY (docs/operations.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", help="Where to write the backup (refused if it exists)")
        parser.add_argument("--new-key", action="store_true", help="Print a new random key for IOMHUB_BACKUP_KEY and stop")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["new_key"]:
            self.stdout.write(new_key())
            return
        if not options["file"]:
            raise CommandError("Name the file to write: python -m iomhub backup FILE")
        target = Path(options["file"])
        if target.exists():
            raise CommandError(f"{target} exists: a backup never overwrites a file")
        partial = target.with_name(f".{target.name}.partial")
        try:
            key = keys_from_environment()[0]
            # Written beside the target, readable by the owner only, and renamed into place only
            # when complete: a failed backup never leaves a file that looks like one.
            descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "wb") as out:
                manifest = backup(out, key=key, connection=connections[options["database"]], created_at=now())
                out.flush()
                os.fsync(out.fileno())
            os.replace(partial, target)
        except BackupError as error:
            partial.unlink(missing_ok=True)
            raise CommandError(str(error)) from None
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        rows = sum(table["rows"] for table in manifest.values())
        self.stdout.write(f"Backed up {len(manifest)} tables, {rows} rows, to {target} (key id {key_id(key)}).")
