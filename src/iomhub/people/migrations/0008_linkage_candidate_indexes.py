"""Indexes for record linkage's candidates at national scale (issue 11; ADR 0037 addenda, fifth and
sixth sittings), made for a form of ``feeds.linkage_batch.candidate_pairs`` that read each row's
first people by id from each way of the blocking rule (``CROSS JOIN LATERAL``); taken back the same
sitting, as PostgreSQL planned it 40x slower once the tables were analysed (a ten-year range of
births read and filtered by surname). Its sixth-sitting form reads each way from the one index
that answers all its conditions, the plan pinned: ``person_upper_first_md`` here (a given name's
people born on a day and month) is one of them; the other two, by name and date of birth, are
dropped by 0010, which makes those it reads instead. PostgreSQL only."""

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
