"""The audit log's before/after of the encrypted fields sealed like the fields (ADR 0039): every event
already recorded, with the append-only triggers lifted inside each batch's transaction only
(backwards: opened again)."""

from django.db import migrations

from iomhub.access import audit_triggers
from iomhub.crypto.rotation import Tally, rewrite_audit_changes


def _run(mode):
    def run(apps, schema_editor):
        connection = schema_editor.connection
        rewrite_audit_changes(connection, mode, Tally(), guard=lambda: audit_triggers.suspended(connection))

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("operations", "0001_initial"),
        ("access", "0006_tokens_sign_in_limits_enrolment"),
        ("people", "0007_encrypt_special_category"),
        ("casework", "0005_encrypt_special_category"),
        ("assessments", "0002_encrypt_special_category"),
        ("interventions", "0003_encrypt_special_category"),
    ]

    operations = [migrations.RunPython(_run("seal"), _run("unseal"))]
