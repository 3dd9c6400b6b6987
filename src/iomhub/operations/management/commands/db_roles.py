"""``python -m iomhub db_roles --app-role NAME``: the role the service runs as, apart from the owner.

Run as the owner of the tables, after ``migrate`` (PostgreSQL only; docs/operations.md, "Database
roles"; ``iomhub.operations.db_roles``).
"""

from __future__ import annotations

import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from iomhub.operations import db_roles


class Command(BaseCommand):
    help = "Grant the application's database role what it needs and no more (audit log: read and append only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--app-role", required=True, help="The role the web processes and the worker log in as")
        parser.add_argument("--password-env", help="Name of an environment variable holding the role's password (when created)")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args: Any, **options: Any) -> None:
        connection = connections[options["database"]]
        if connection.vendor != "postgresql":
            raise CommandError("Database roles are a PostgreSQL matter; the embedded SQLite database has none")
        password = os.environ.get(options["password_env"]) if options["password_env"] else None
        try:
            with transaction.atomic(using=connection.alias):
                done = db_roles.apply(connection, options["app_role"], password)
        except ValueError as error:
            raise CommandError(str(error)) from None
        for line in done:
            self.stdout.write(line)
        self.stdout.write(f"{options['app_role']} may read and write the records and only read and append the audit log.")
