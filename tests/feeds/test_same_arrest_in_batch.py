"""An arrest already on record under another row's key, or twice in one batch (``feeds.bulk._same_arrest``,
read by the people's links between the batch's first and last arrest time, ADR 0037 addendum "rows of
people on record cheaper"): such a row goes the row-by-row way (unchanged, or refused naming both),
and only such a row: the same person at another time or suite, or another person at the same time
and suite, is a new arrest. The oracle is the same file imported a row per batch, where no row
shares a batch, and the counts written out by hand."""

from __future__ import annotations

import pytest
from django.db import transaction

from iomhub.feeds import services
from iomhub.feeds.bulk import import_arrests_batch
from iomhub.feeds.models import Rejection
from iomhub.feeds.services import arrests_import
from tests.feeds.conftest import csv_file, row, state

pytestmark = pytest.mark.django_db


def _who(partnership, given="Jordan"):
    person = partnership.ordinary
    return {
        "pnc_id": person.pnc_id,
        "family_name": person.last_name,
        "given_name": given,
        "date_of_birth": person.date_of_birth.isoformat(),
    }


def _run(coordinator, data, batch_size):
    with transaction.atomic():
        run = arrests_import(acting_user=coordinator, data=data, file_name="b.csv", batch_size=batch_size)
        found = (
            run.counts(),
            state(),
            sorted((r.line, r.column, r.reason.split(" (import ")[0]) for r in Rejection.objects.filter(run=run)),
        )
        transaction.set_rollback(True)
    return found


def test_an_arrest_on_record_under_another_key_or_twice_in_the_batch_ends_as_row_by_row(partnership, coordinator, monkeypatch):
    me, nickname = _who(partnership), _who(partnership, given="Jordie")  # the same person by PNC ID; other row keys
    other = {"pnc_id": "", "family_name": "Quillfeather", "given_name": "Robin", "date_of_birth": "1972-11-30"}
    arrests_import(
        acting_user=coordinator,
        data=csv_file(
            row(**me, arrested_at="2026-08-01T10:00", custody_suite="Northbridge custody suite"),
            row(**me, arrested_at="2026-08-20T10:00", custody_suite="Southport custody", outcome="Bailed"),
        ),
        file_name="a.csv",
    )
    data = csv_file(
        row(**nickname, arrested_at="2026-08-01T10:00", custody_suite="Northbridge custody suite"),  # on record: unchanged
        row(**nickname, arrested_at="2026-08-01T10:00", custody_suite="Eastgate custody"),  # another suite: new
        row(**nickname, arrested_at="2026-08-20T10:00", custody_suite="Southport custody"),  # on record, other outcome: refused
        row(**nickname, arrested_at="2026-08-10T10:00", custody_suite="Northbridge custody suite"),  # between the two: new
        row(**me, arrested_at="2026-08-25T10:00", custody_suite="Northbridge custody suite"),  # new ...
        row(**nickname, arrested_at="2026-08-25T10:00", custody_suite="Northbridge custody suite"),  # ... and again: unchanged
        row(**other, arrested_at="2026-08-01T10:00", custody_suite="Northbridge custody suite"),  # someone else: new
    )
    row_by_row = _run(coordinator, data, 1)
    assert row_by_row[0] == {"rows": 7, "imported": 4, "unchanged": 2, "rejected": 1, "review": 0}
    assert [(line, column) for line, column, _ in row_by_row[2]] == [(4, "outcome")]
    left: list[int] = []

    def batch(*args, **kwargs):
        later = import_arrests_batch(*args, **kwargs)
        left.extend(r.line for r in later)
        return later

    monkeypatch.setattr(services, "import_arrests_batch", batch)
    assert _run(coordinator, data, 500) == row_by_row
    # Exactly those rows went the row-by-row way (not the whole batch, after a clash in the database).
    assert left == [2, 4, 7]
