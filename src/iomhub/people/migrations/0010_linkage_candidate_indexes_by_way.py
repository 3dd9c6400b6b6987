"""Indexes for record linkage's candidates at national scale (issue 11; ADR 0037 addendum, sixth
sitting): ``feeds.linkage_batch._pairs_postgresql`` reads each feed row's people way by way of the
blocking rule (``probable.candidates_q``), each from the one index that answers it: a surname's
people in id order (the first by id born within ten years are read, then it stops), a given name's
people born in a year, and (0008's, kept) a given name's people born on a day and month. The years
are ``EXTRACT(YEAR ...)``, which no other index has first. 0008's indexes by name and date of birth
are dropped: by them PostgreSQL could read a range of births instead. PostgreSQL only, as 0008."""

from django.db import migrations

from iomhub.pg_indexes import postgresql_indexes

LIVE = "WHERE merged_into_id IS NULL"
INDEXES = {
    "person_upper_last_id": f"people_person (upper(last_name), id) {LIVE}",
    "person_upper_first_year": f"people_person (upper(first_name), EXTRACT(YEAR FROM date_of_birth)) {LIVE}",
}
# 0008's, dropped here (and made again should this migration be reversed).
DROPPED = {
    "person_upper_last_dob": f"people_person (upper(last_name), date_of_birth) {LIVE}",
    "person_upper_first_dob": f"people_person (upper(first_name), date_of_birth) {LIVE}",
}
_dropped = postgresql_indexes(DROPPED)


class Migration(migrations.Migration):
    dependencies = [("people", "0009_duplicate_check_name_indexes")]

    operations = [postgresql_indexes(INDEXES), migrations.RunPython(_dropped.reverse_code, _dropped.code)]
