"""Which rows the read-ahead reads candidates for (``feeds.linkage_batch.prefetch``, issue 11, ADR 0037
eighth sitting): those ``links_for_many`` would ask ``candidate_people`` of as things stand. A row on
the review queue, or whose PNC ID or prison number someone the importer sees holds, is settled
before candidates are read, so none are read ahead for it; a holder merged into another record, or
one the importer may not see, settles nothing. Rows alike by name and date of birth share one read.
The rows chosen are written out by hand from those rules."""

from __future__ import annotations

import datetime

import pytest

from iomhub.access.models import User
from iomhub.feeds.linkage_batch import prefetch
from iomhub.feeds.models import ImportRun, LinkReview
from iomhub.feeds.rows import Identity
from iomhub.people.models import Person, Restriction

pytestmark = pytest.mark.django_db

DOB = datetime.date(1988, 3, 9)


def test_the_rows_settled_before_candidates_are_left_out(coordinator: User) -> None:
    kept = Person.objects.create(first_name="Ada", last_name="Holder", date_of_birth=DOB, pnc_id="2001/0000001A", prison_number="A1111AA")
    merged = Person.objects.create(first_name="Bo", last_name="Merged", date_of_birth=DOB, pnc_id="2001/0000002B", merged_into=kept)
    hidden = Person.objects.create(
        first_name="Cy", last_name="Hidden", date_of_birth=DOB, pnc_id="2001/0000003C", restriction=Restriction.MAPPA
    )
    assert merged.merged_into_id and hidden.restriction
    rows = [
        Identity("2001/0000001A", "Other", "Name", DOB),  # 0: held by PNC ID
        Identity("", "Another", "Name", DOB, prison_number="A1111AA"),  # 1: held by prison number
        Identity("2001/0000002B", "Held", "Bymerged", DOB),  # 2: its holder merged: read ahead
        Identity("2001/0000003C", "Held", "Byhidden", DOB),  # 3: its holder unseen: read ahead
        Identity("", "Plain", "Row", DOB),  # 4: read ahead
        Identity("", "Plain", "Row", DOB),  # 5: alike 4: the same read
        Identity("", "Waiting", "Review", DOB),  # 6: on the review queue
        Identity("2009/0000009Z", "Nobody", "Holds", DOB),  # 7: an identifier nobody holds: read ahead
    ]
    keys = [f"{n:064d}" for n in range(len(rows))]
    run = ImportRun.objects.create(feed="arrests", file_name="a.csv", sha256="0" * 64, started_by=coordinator)
    LinkReview.objects.create(row_key=keys[6], run=run, line=8, values={}, candidates=[], why="Waiting")

    read = prefetch(rows, keys, coordinator, low=Person.objects.order_by("-pk").values_list("pk", flat=True)[0])

    expected = {(who.family_name, who.given_name, who.date_of_birth) for who in (rows[2], rows[3], rows[4], rows[7])}
    assert set(read.people) == expected
    # Each read is its row's candidates: everyone born that day whom the importer sees, the merged
    # record and the restricted one left out.
    assert {key: [p.pk for p in people] for key, people in read.people.items()} == {key: [kept.pk] for key in expected}
