"""Every drug test recorded on the timeline before drug tests were records of their own becomes a
``DrugTest`` linked to its timeline entry (ADR 0024): the substances tested, each negative or
positive from the entry's ``positive_for``, refused from its result; the sample type was never
recorded. Booked tests (not yet taken) get none. Reversible: the records made here are removed."""

from django.db import migrations


def forwards(apps, schema_editor):
    TimelineEntry = apps.get_model("casework", "TimelineEntry")
    DrugTest = apps.get_model("interventions", "DrugTest")
    DrugTestResult = apps.get_model("interventions", "DrugTestResult")
    entries = TimelineEntry.objects.filter(kind="drug-test", drug_test__isnull=True).exclude(outcome="booked").order_by("pk")
    for entry in entries.iterator(chunk_size=500):
        test = DrugTest.objects.create(
            person_id=entry.person_id,
            entry_id=entry.pk,
            tested_on=entry.occurred_on,
            sample_type="not-recorded",
            specified="none",
            refused=entry.drug_result == "refused",
            recorded_by_id=entry.recorded_by_id,
            recorded_by_name=entry.recorded_by_name,
            recorded_at=entry.recorded_at,
        )
        if entry.drug_result != "refused":
            positives = set(entry.positive_for or [])
            DrugTestResult.objects.bulk_create(
                DrugTestResult(test=test, substance=s, result="positive" if s in positives else "negative")
                for s in sorted(set(entry.substances_tested or []))
            )


def backwards(apps, schema_editor):
    apps.get_model("interventions", "DrugTest").objects.filter(sample_type="not-recorded").delete()


class Migration(migrations.Migration):
    dependencies = [("interventions", "0001_initial"), ("casework", "0004_timeline_force_number")]
    operations = [migrations.RunPython(forwards, backwards)]
