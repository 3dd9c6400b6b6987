"""The named system account the command line imports and the alerts act as (``system-feeds``, ADR
0014 §5; issue 11): made at migrate time, with its audit event, not on first use. An IOM
coordinator that cannot sign in (an unusable password, no second factor)."""

from django.contrib.auth.hashers import make_password
from django.db import migrations

USERNAME = "system-feeds"


def make_account(apps, schema_editor):
    User = apps.get_model("access", "User")
    RoleAssignment = apps.get_model("access", "RoleAssignment")
    AuditEvent = apps.get_model("access", "AuditEvent")
    if User.objects.filter(username=USERNAME).exists():
        return
    user = User.objects.create(
        username=USERNAME, first_name="Feeds import", last_name="(system account)", is_active=True, password=make_password(None)
    )
    RoleAssignment.objects.create(user=user, role="iom-coordinator")
    AuditEvent.objects.create(
        actor=None,
        actor_username="system",
        action="create",
        object_type="user",
        object_id=str(user.pk),
        reason="System account for feed imports and alerts, made at migrate time (ADR 0014)",
        changes={},
    )


class Migration(migrations.Migration):
    dependencies = [
        ("feeds", "0003_row_key"),
        ("access", "0006_tokens_sign_in_limits_enrolment"),
    ]

    operations = [migrations.RunPython(make_account, migrations.RunPython.noop)]
