"""Indexes for record linkage's candidates at national scale (issue 11; ADR 0037 addendum, fifth
sitting): ``feeds.linkage_batch._pairs_postgresql`` reads, for each feed row, the first people by id
of each of the blocking rule's ways (``probable.candidates_q``) from these. PostgreSQL only: the
embedded database's linkage query is a join of the whole chunk (SQLite has no ``LATERAL``), and an
expression index there would be an index the ``sqlite3`` tool could not write through."""

from django.db import migrations

from iomhub.pg_indexes import postgresql_indexes

LIVE = "WHERE merged_into_id IS NULL"
INDEXES = {
    "person_upper_last_dob": f"people_person (upper(last_name), date_of_birth) {LIVE}",
    "person_upper_first_dob": f"people_person (upper(first_name), date_of_birth) {LIVE}",
    "person_upper_first_md": f"people_person (upper(first_name), EXTRACT(MONTH FROM date_of_birth), EXTRACT(DAY FROM date_of_birth)) {LIVE}",
}


class Migration(migrations.Migration):
    dependencies = [("people", "0007_encrypt_special_category")]

    operations = [postgresql_indexes(INDEXES)]
