"""The MAPPA level moves from the registration to the person's MAPPA record on the justice record
(``justice.MappaManagement``, ADR 0008): one source of truth for screening and deregistration. Each
level recorded on a registration becomes a record from the registration's start, then the field goes."""

from django.db import migrations

MIGRATED_BY = "Recorded on the IOM registration (moved to the justice record)"


def forwards(apps, schema_editor):
    Registration = apps.get_model("cohort", "Registration")
    MappaManagement = apps.get_model("justice", "MappaManagement")
    for r in Registration.objects.filter(mappa_level__isnull=False).order_by("person_id", "started_on", "id"):
        MappaManagement.objects.create(
            person_id=r.person_id, level=r.mappa_level, category="", from_date=r.started_on, source=MIGRATED_BY, recorded_by_name=MIGRATED_BY
        )


def backwards(apps, schema_editor):
    Registration = apps.get_model("cohort", "Registration")
    MappaManagement = apps.get_model("justice", "MappaManagement")
    moved = MappaManagement.objects.filter(source=MIGRATED_BY)
    for m in moved.order_by("from_date", "id"):
        Registration.objects.filter(person_id=m.person_id, started_on=m.from_date).update(mappa_level=m.level)
    moved.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cohort", "0003_lifecycle"),
        ("justice", "0004_mappa_management"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.RemoveField(model_name="registration", name="mappa_level"),
    ]
