"""Fewer indexes on the audit log (issue 11, ADR 0037 addendum): every imported row writes an event,
and each index costs every write. Dropped: the single-column indexes on ``person_id`` and
``actor_id`` (each the first column of the two-column index with ``occurred_at``, which answers the
same look-ups) and PostgreSQL's ``varchar_pattern_ops`` index on ``action`` (only a
``LIKE 'prefix%'`` would use it; nothing asks one). The plain index on ``action`` is kept, not
rebuilt: only renamed to the name the model now gives it (Django's names are at most 30 characters).

Django's own operations would drop and recreate the kept index (and rebuild the table on SQLite),
so the database is changed by the statements below and the models' state by Django's operations."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from iomhub.pg_indexes import OnPostgreSQL

TABLE = "access_auditevent"
PLAIN = {"access_auditevent_person_id_f16f0fdd": "person_id", "access_auditevent_actor_id_6b860062": "actor_id"}
LIKE = {"access_auditevent_action_4a1b55cc_like": "action"}
KEPT = "access_auditevent_action_4a1b55cc"


class Migration(migrations.Migration):
    dependencies = [("access", "0006_tokens_sign_in_limits_enrolment")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                *(
                    migrations.RunSQL(f'DROP INDEX IF EXISTS "{name}"', f'CREATE INDEX IF NOT EXISTS "{name}" ON "{TABLE}" ("{column}")')
                    for name, column in PLAIN.items()
                ),
                *(
                    OnPostgreSQL(
                        f'DROP INDEX IF EXISTS "{name}"',
                        f'CREATE INDEX IF NOT EXISTS "{name}" ON "{TABLE}" ("{column}" varchar_pattern_ops)',
                    )
                    for name, column in LIKE.items()
                ),
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="auditevent",
                    name="action",
                    field=models.CharField(
                        choices=[
                            ("view", "Viewed"),
                            ("search", "Searched"),
                            ("create", "Created"),
                            ("change", "Changed"),
                            ("export", "Exported"),
                            ("denied", "Access denied"),
                            ("break-glass", "Break-glass access"),
                            ("sign-in", "Signed in"),
                            ("sign-in-failed", "Sign-in failed"),
                            ("sign-out", "Signed out"),
                            ("locked-out", "Locked out"),
                            ("token-issued", "API token issued"),
                            ("token-used", "API token used"),
                            ("token-revoked", "API token revoked"),
                            ("password-ok", "Password accepted"),
                            ("second-factor-ok", "Second factor accepted"),
                            ("second-factor-set-up", "Authenticator app set up"),
                            ("enrolment-link", "Set-up link issued"),
                            ("listed", "Shown in a list"),
                        ],
                        max_length=20,
                    ),
                ),
                migrations.AlterField(
                    model_name="auditevent",
                    name="actor",
                    field=models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AlterField(model_name="auditevent", name="person_id", field=models.BigIntegerField(blank=True, null=True)),
                # The index field ``action`` had, under its name on both databases, now in Meta.
                migrations.AddIndex(model_name="auditevent", index=models.Index(fields=["action"], name=KEPT)),
            ],
        ),
        # PostgreSQL: ALTER INDEX … RENAME (the catalogue only); SQLite cannot rename an index, so Django
        # drops and creates it there (a development database).
        migrations.RenameIndex(model_name="auditevent", new_name="auditevent_action_idx", old_name=KEPT),
    ]
