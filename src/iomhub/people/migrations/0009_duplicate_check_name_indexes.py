"""Indexes for the batch duplicate check's names at national scale (issue 11; ADR 0037 addendum,
sixth sitting): ``people.bulk._NAMES_SQL`` reads the names dated a typo away from a new person only
when the surname's key (its ASCII letters in lower case) is the new person's, one probe per (date,
key) pair; the surnames with any other character, always read, from their own small indexes; an
undated alias by its key. PostgreSQL only, as 0008: SQLite reads every name near a date instead."""

from django.db import migrations

from iomhub.pg_indexes import postgresql_indexes

KEY = r"lower(regexp_replace((last_name)::text, '[^A-Za-z]', '', 'g'))"
NON_ASCII = r"last_name ~ '[^\x01-\x7f]'"

INDEXES = {
    "person_dob_surname_key": f"people_person (date_of_birth, {KEY}) WHERE merged_into_id IS NULL",
    "person_non_ascii_surname_dob": f"people_person (date_of_birth) WHERE merged_into_id IS NULL AND {NON_ASCII}",
    "alias_undated_surname_key": f"people_alias ({KEY}) WHERE date_of_birth IS NULL",
    "alias_non_ascii_surname": f"people_alias (person_id) WHERE {NON_ASCII}",
}


class Migration(migrations.Migration):
    dependencies = [("people", "0008_linkage_candidate_indexes")]

    operations = [postgresql_indexes(INDEXES)]
