"""The candidate list's order as an index on PostgreSQL (ADR 0036, fourth sitting): arrests in the
year, the latest arrest (nulls last), the person, with the period's days alongside, so the periods
holding a day are read in that order by an index-only scan that stops at the rows asked for, not a
sort of every period. SQLite cannot index ``NULLS LAST`` (and needs no help): nothing there."""

from typing import Any

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

INDEX = "justice_screening_rank"
CREATE = (
    f'CREATE INDEX IF NOT EXISTS "{INDEX}" ON "justice_screeningperiod" '
    '("arrests_in_year" DESC, "last_arrest" DESC NULLS LAST, "person_id", "starts_on", "ends_on")'
)


def create(apps: Any, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps: Any, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f'DROP INDEX IF EXISTS "{INDEX}"')


class Migration(migrations.Migration):
    dependencies = [("justice", "0006_screening_periods")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
