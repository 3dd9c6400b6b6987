"""A batch at a time ends exactly as a row at a time (ADR 0037): the same people created, the same
links with the same reasons, the same review queue and the same audit trail per person, whatever
the rows of one batch say about each other — the same new person three times, a typo of them, their
date of birth with day and month swapped, a nickname, someone on record by PNC ID and by name. The
oracle is the same file imported with batches of one row, where no row shares a batch."""

from __future__ import annotations

from collections import Counter

import pytest
from django.db import transaction

from iomhub.access.models import AuditEvent
from iomhub.feeds.services import arrests_import
from tests.feeds.conftest import csv_file, row, state

pytestmark = pytest.mark.django_db

ROWS = [
    row(family_name="Newcombe", given_name="Taylor", date_of_birth="1994-03-08", arrested_at="2026-08-01T10:00"),
    row(family_name="Newcombe", given_name="Taylor", date_of_birth="1994-03-08", arrested_at="2026-08-02T10:00"),
    row(family_name="Newcomb", given_name="Taylor", date_of_birth="1994-03-08", arrested_at="2026-08-03T10:00"),
    row(family_name="Newcombe", given_name="Taylor", date_of_birth="1994-08-03", arrested_at="2026-08-04T10:00"),
    row(family_name="Brightwater", given_name="Samuel", date_of_birth="1980-01-21", arrested_at="2026-08-05T10:00"),
    row(family_name="Brightwater", given_name="Sam", date_of_birth="1980-01-21", arrested_at="2026-08-06T10:00"),
    row(family_name="Example", given_name="Jordan", date_of_birth="1990-05-17", arrested_at="2026-08-07T10:00"),
    row(family_name="Quillfeather", given_name="Robin", date_of_birth="1972-11-30", arrested_at="2026-08-08T10:00"),
    row(family_name="Newcombe", given_name="Taylor", date_of_birth="1994-03-08", arrested_at="2026-08-09T10:00"),
]


def _audit_by_person():
    return sorted(Counter((e.action, e.object_type, e.person_id is not None) for e in AuditEvent.objects.all()).items())


def _run(coordinator, batch_size):
    with transaction.atomic():
        run = arrests_import(acting_user=coordinator, data=csv_file(*ROWS), file_name="a.csv", batch_size=batch_size)
        found = (run.counts(), state(), _audit_by_person())
        transaction.set_rollback(True)
    return found


def test_one_batch_ends_as_a_row_at_a_time(partnership, coordinator):
    row_by_row = _run(coordinator, 1)
    assert row_by_row[0]["imported"] >= 5  # the oracle did something worth comparing
    assert len({link[3] for link in row_by_row[1]["links"]}) >= 3  # created, linked by name, probable …
    assert _run(coordinator, 500) == row_by_row


def test_a_restricted_person_the_importer_may_not_see_is_flagged_not_shown_as_row_by_row(partnership, coordinator):
    """The duplicate check's visibility is read once for the batch (people.bulk.person_create_many):
    a restricted record a new row may duplicate is still never offered to the importer, and is
    flagged on its own record, exactly as person_create flags it row by row."""
    from iomhub.people.models import Person, Restriction

    Person.objects.create(first_name="Robin", last_name="Quillfeather", date_of_birth="1972-11-30", restriction=Restriction.MAPPA)
    row_by_row = _run(coordinator, 1)
    flagged = [a for a in row_by_row[2] if a[0][1] == "possible-duplicate"]
    assert flagged, "the restricted record's possible duplicate is flagged on it"
    assert _run(coordinator, 500) == row_by_row
