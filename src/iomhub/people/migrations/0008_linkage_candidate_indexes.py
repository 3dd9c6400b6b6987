"""Indexes made for a faster form of record linkage's candidate query (issue 11; ADR 0037 addendum,
fifth sitting): each row's first people by id read from each way of the blocking rule by its
index (``CROSS JOIN LATERAL``). That form was 3.5x quicker on the national database as built, but
after ``VACUUM (ANALYZE)`` PostgreSQL planned it 40x slower (a ten-year range of births read and
filtered by surname), so ``feeds.linkage_batch.candidate_pairs`` went back to its one join the same
sitting. The indexes are unused until a stable form is found; a later migration drops them if none
is. PostgreSQL only."""

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
