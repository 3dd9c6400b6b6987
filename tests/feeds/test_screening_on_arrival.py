"""After an arrest import, the screening table (ADR 0036) holds the people the import wrote exactly as
a rebuild from their justice records would: people newly meeting the criteria are there for the
candidate list at once, as when an arrest is keyed by hand (issue 11 §5)."""

from __future__ import annotations

import pytest

from iomhub.feeds.services import arrests_import
from iomhub.justice import screening_table
from iomhub.justice.screening_models import ScreeningPeriod
from tests.feeds.conftest import csv_file, row

pytestmark = pytest.mark.django_db


def _periods():
    return sorted(ScreeningPeriod.objects.values_list("person_id", "starts_on", "ends_on"))


def test_the_people_an_import_writes_are_screened_as_a_rebuild_would(partnership, coordinator):
    screening_table.rebuild()  # the table in use
    before = _periods()
    data = csv_file(
        row(family_name="Example", given_name="Jordan", date_of_birth="1990-05-17", arrested_at="2026-08-31T23:15"),
        row(family_name="Newcombe", given_name="Taylor", arrested_at="2026-08-30T01:00"),  # a new person
    )
    run = arrests_import(acting_user=coordinator, data=data, file_name="a.csv")
    assert run.imported == 2
    after_import = _periods()
    assert after_import != before  # the import changed who is screened
    screening_table.rebuild()
    assert after_import == _periods()
