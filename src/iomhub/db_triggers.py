"""A set of database triggers installed, dropped and suspended as one, on PostgreSQL and SQLite.

Two parts of IOM Hub keep rules in the database itself, where no write can go round them: the
audit log is append-only (``access.audit_triggers``) and the stored reports' data version moves
with every write to what they count (``reporting.data_version``). Each is a :class:`Triggers`:
the statements that install it and drop it on each database, run by a migration, and lifted for
the length of a ``with`` block where the operation is meant to go round the rule (a restore, the
test framework emptying the tables).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["Triggers"]


@dataclass(frozen=True)
class Triggers:
    """``what`` names the rule (in the error for an unknown database); for each database vendor,
    the statements that install the triggers and those that drop them (``IF EXISTS``)."""

    what: str
    postgresql: tuple[Sequence[str], Sequence[str]]
    sqlite: tuple[Sequence[str], Sequence[str]]

    def _statements(self, vendor: str, *, install: bool) -> Sequence[str]:
        by_vendor = {"postgresql": self.postgresql, "sqlite": self.sqlite}
        if vendor not in by_vendor:
            raise RuntimeError(f"No {self.what} trigger for database {vendor}")
        installs, drops = by_vendor[vendor]
        return installs if install else drops

    def _run(self, connection: Any, *, install: bool) -> None:
        statements = self._statements(connection.vendor, install=install)
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)

    def install(self, connection: Any) -> None:
        self._run(connection, install=True)

    def drop(self, connection: Any) -> None:
        self._run(connection, install=False)

    @contextlib.contextmanager
    def suspended(self, connection: Any) -> Iterator[None]:
        """Without the triggers for the block, and back after it, whatever happens in it."""
        self.drop(connection)
        try:
            yield
        finally:
            self.install(connection)
