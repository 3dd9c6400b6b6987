"""Fewer indexes on the feeds' links (issue 11, ADR 0037 addendum): every imported arrest row writes
an ``ArrestLink``, and each index costs every write. Dropped: ``ArrestLink.person``'s own index
(the person is the first column of the unique constraint one_feed_arrest_per_person_time_suite,
whose index answers the same look-ups, PROTECT checks and a merge's moves) and PostgreSQL's
``varchar_pattern_ops`` indexes on ``row_key`` of ``ArrestLink`` and ``FeedRecord`` (a SHA-256 only
ever compared whole, which the plain index answers). The plain ``row_key`` indexes are kept, not
rebuilt: only renamed to the names the models now give them (Django's names are at most 30 characters).

Django's own operations would drop and recreate the kept indexes (and rebuild the tables on SQLite),
so the database is changed by the statements below and the models' state by Django's operations."""

import django.db.models.deletion
from django.db import migrations, models

from iomhub.pg_indexes import OnPostgreSQL

DROPPED = {"feeds_arrestlink_person_id_1b3b409a": ("feeds_arrestlink", "person_id")}
LIKE = {
    "feeds_arrestlink_row_key_49aac53a_like": ("feeds_arrestlink", "row_key"),
    "feeds_feedrecord_row_key_76be8a9a_like": ("feeds_feedrecord", "row_key"),
}
KEPT = {"arrestlink": "feeds_arrestlink_row_key_49aac53a", "feedrecord": "feeds_feedrecord_row_key_76be8a9a"}
NEW_NAMES = {"arrestlink": "arrestlink_row_key_idx", "feedrecord": "feedrecord_row_key_idx"}
ROW_KEY = models.CharField(blank=True, help_text="The row's identity and key (FeedRow.row_key)", max_length=64)


class Migration(migrations.Migration):
    dependencies = [("feeds", "0006_import_heartbeat")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                *(
                    migrations.RunSQL(f'DROP INDEX IF EXISTS "{name}"', f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" ("{column}")')
                    for name, (table, column) in DROPPED.items()
                ),
                *(
                    OnPostgreSQL(
                        f'DROP INDEX IF EXISTS "{name}"',
                        f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" ("{column}" varchar_pattern_ops)',
                    )
                    for name, (table, column) in LIKE.items()
                ),
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="arrestlink",
                    name="person",
                    field=models.ForeignKey(
                        db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="people.person"
                    ),
                ),
                migrations.AlterField(model_name="arrestlink", name="row_key", field=ROW_KEY),
                migrations.AlterField(model_name="feedrecord", name="row_key", field=ROW_KEY.clone()),
                # The indexes row_key had, under their names on both databases, now in Meta.
                *(migrations.AddIndex(model_name=model, index=models.Index(fields=["row_key"], name=name)) for model, name in KEPT.items()),
            ],
        ),
        # PostgreSQL: ALTER INDEX … RENAME (the catalogue only); SQLite cannot rename an index, so Django
        # drops and creates it there (a development database).
        *(migrations.RenameIndex(model_name=model, new_name=NEW_NAMES[model], old_name=name) for model, name in KEPT.items()),
    ]
