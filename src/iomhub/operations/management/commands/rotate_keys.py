"""``python -m iomhub rotate_keys``: re-encrypt every encrypted field under the newest key (ADR 0039).

Set the new key as ``IOMHUB_FIELD_KEY`` and the old one(s) in ``IOMHUB_FIELD_PREVIOUS_KEYS``, restart
the web and worker processes (they now seal with the new key), then run this. It works in batches
that commit one by one, so it can be stopped and run again: it carries on where it stopped. When
``--check`` reports nothing left under an old key, the old key can be removed (docs/operations.md).
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections

from iomhub.access import audit_triggers
from iomhub.access.models import AuditEvent
from iomhub.crypto.changes import sealed_keys
from iomhub.crypto.keys import KeyMissing, current_key_id, is_current, new_key, sealed_with
from iomhub.crypto.rotation import BATCH, reseal, rewrite_all, rewrite_audit_changes
from iomhub.operations import db_roles


class Command(BaseCommand):
    help = "Re-encrypt every encrypted field with the newest key, IOMHUB_FIELD_KEY (resumable, in batches)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--new-key", action="store_true", help="Print a new random key for IOMHUB_FIELD_KEY and stop")
        parser.add_argument("--check", action="store_true", help="Change nothing; fail if any value is not under the newest key")
        parser.add_argument("--batch", type=int, default=BATCH, help=f"Rows per transaction (default {BATCH})")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["new_key"]:
            self.stdout.write(new_key())
            return
        connection = connections[options["database"]]
        if options["check"]:
            self._check(connection)
            return
        batch = max(1, options["batch"])
        try:
            tally = rewrite_all(connection, apps.get_models(), reseal, batch=batch)
            if connection.vendor == "sqlite" or db_roles.owns_audit(connection):
                rewrite_audit_changes(connection, "reseal", tally, guard=lambda: audit_triggers.suspended(connection), batch=batch)
            else:
                self.stdout.write("The audit log's sealed values need the tables' owner: run rotate_keys again as the owner.")
        except KeyMissing as error:
            raise CommandError(str(error)) from None
        for name in sorted(tally.unchanged):
            self.stdout.write(f"{name}: {tally.rewritten.get(name, 0)} re-encrypted, {tally.unchanged[name]} already current or empty")
        self.stdout.write(f"Every encrypted value is under key {current_key_id()} ({sum(tally.rewritten.values())} re-encrypted).")

    def _check(self, connection: Any) -> None:
        stale = 0

        def count(stored: str) -> None:
            nonlocal stale
            stale += not is_current(stored)

        rewrite_all(connection, apps.get_models(), count)
        events = AuditEvent.objects.using(connection.alias).filter(object_type__in=sorted(sealed_keys()))
        for changes in events.values_list("changes", flat=True).iterator():
            for value in changes.values() if isinstance(changes, dict) else ():
                if isinstance(value, str) and sealed_with(value):
                    count(value)
        if stale:
            raise CommandError(f"{stale} values are not under the newest key {current_key_id()}: run rotate_keys")
        self.stdout.write(f"Every encrypted value is under key {current_key_id()}: the previous keys can be removed.")
