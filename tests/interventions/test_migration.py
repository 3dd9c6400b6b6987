"""Migration interventions/0002: every drug test already on a timeline becomes a record of its own."""

import datetime
import importlib

import pytest
from django.apps import apps

from iomhub.access.models import Role
from iomhub.casework.models import TimelineEntry
from iomhub.interventions.models import DrugTest

pytestmark = pytest.mark.django_db
migration = importlib.import_module("iomhub.interventions.migrations.0002_drug_tests_from_timeline")


def test_existing_drug_tests_become_records_and_the_step_undoes(partnership):
    worker = partnership.users[Role.SUBSTANCE_MISUSE]
    common = {"person": partnership.ordinary, "kind": "drug-test", "recorded_by": worker, "recorded_by_name": "Worker"}
    TimelineEntry.objects.bulk_create(  # as before this release: no record, no signal
        [
            TimelineEntry(
                **common,
                occurred_on=datetime.date(2026, 1, 10),
                outcome="done",
                drug_result="positive",
                substances_tested=["cocaine", "opiates"],
                positive_for=["cocaine"],
            ),
            TimelineEntry(**common, occurred_on=datetime.date(2026, 1, 11), outcome="done", drug_result="refused"),
            TimelineEntry(**common, occurred_on=datetime.date(2026, 9, 1), outcome="booked"),
            TimelineEntry(**{**common, "kind": "phone"}, occurred_on=datetime.date(2026, 1, 12), outcome="done"),
        ]
    )
    migration.forwards(apps, None)
    tests = {t.tested_on.day: t for t in DrugTest.objects.all()}
    assert sorted(tests) == [10, 11]
    assert {(r.substance, r.result) for r in tests[10].results.all()} == {("cocaine", "positive"), ("opiates", "negative")}
    assert tests[10].sample_type == "not-recorded" and not tests[10].refused
    assert tests[11].refused and not tests[11].results.exists()
    migration.forwards(apps, None)  # run again: nothing twice
    assert DrugTest.objects.count() == 2
    migration.backwards(apps, None)
    assert not DrugTest.objects.exists()
