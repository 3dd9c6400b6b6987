"""Indexes for record linkage's candidates at national scale (issue 11; ADR 0037 addendum, fifth
sitting): ``feeds.linkage_batch._pairs_postgresql`` reads, for each feed row, the first people by id
of each of the blocking rule's ways (``probable.candidates_q``) from these. PostgreSQL only: the
embedded database's linkage query is a join of the whole chunk (SQLite has no ``LATERAL``), and an
expression index there would be an index the ``sqlite3`` tool could not write through."""

from django.db import migrations

INDEXES = {
    "person_upper_last_dob": "(upper(last_name), date_of_birth)",
    "person_upper_first_dob": "(upper(first_name), date_of_birth)",
    "person_upper_first_md": "(upper(first_name), EXTRACT(MONTH FROM date_of_birth), EXTRACT(DAY FROM date_of_birth))",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, columns in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON people_person {columns} WHERE merged_into_id IS NULL")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("people", "0007_encrypt_special_category")]

    operations = [migrations.RunPython(create, drop)]
