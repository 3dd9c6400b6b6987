"""On PostgreSQL, a trigram index makes name search (``search_names LIKE '%token%'``) an index scan.

SQLite has no equivalent and keeps scanning: fine for the embedded default, measured by make bench.
"""

from django.db import migrations


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS people_person_search_names_trgm ON people_person USING gin (search_names gin_trgm_ops)"
    )


def reverse(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS people_person_search_names_trgm")


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]
    operations = [migrations.RunPython(forward, reverse)]
