"""The database itself refuses UPDATE and DELETE on the audit log, whatever code asks.

Application guards (model and queryset) stop our own code; this stops raw SQL, the shell and any
future code path alike. Works on PostgreSQL (production) and SQLite (embedded default).
"""

from django.db import migrations

from iomhub.access import audit_triggers


def forward(apps, schema_editor):
    audit_triggers.install(schema_editor.connection)


def reverse(apps, schema_editor):
    audit_triggers.drop(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("access", "0002_initial")]
    operations = [migrations.RunPython(forward, reverse)]
