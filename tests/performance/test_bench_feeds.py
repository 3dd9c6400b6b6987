"""`make bench`'s feeds section (bench/feeds.py) still runs and measures what it says: the import
of its file, the same file again, and on PostgreSQL ``COPY`` of the same rows; and the million-row
file is a force's custody records as its docstring describes. A smoke test at a few dozen rows: the
figures themselves are the bench's, never the tests' (nothing here is timed)."""

from __future__ import annotations

import collections
import datetime
import json
import random
import sys
from pathlib import Path

import pytest
from django.db import connection

from iomhub.feeds.linkage_model import synthetic
from iomhub.people.models import Person

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import feeds as bench_feeds  # bench/ is not a package: on the path above

pytestmark = pytest.mark.django_db


@pytest.fixture
def on_record() -> list[Person]:
    people = synthetic.people(5, 30)
    return Person.objects.bulk_create(
        [
            Person(first_name=p.first_name, last_name=p.surname, date_of_birth=p.dob, pnc_id=synthetic._pnc(random.Random(n)))
            for n, p in enumerate(people)
        ]
    )


def test_the_import_figures(on_record: list[Person]) -> None:
    found = bench_feeds.import_throughput(40)
    first, again = json.loads(str(found["first_import_counts"])), json.loads(str(found["second_import_counts"]))
    assert first["rows"] == again["rows"] == 40
    assert first["imported"] + first["review"] == 40 and first["rejected"] == 0
    assert again["imported"] == 0 and again["unchanged"] + again["review"] == 40
    assert "20 rows of people on record" in str(found["composition"])
    assert ("copy_seconds" in found) == (connection.vendor == "postgresql")


def test_the_custody_records(on_record: list[Person]) -> None:
    lines, composition = bench_feeds.custody_records(400)
    assert len(lines) == 400 and all(len(line) == len(bench_feeds.HEADER) for line in lines)
    pncs = {p.pnc_id for p in on_record}
    about_known = [line for line in lines if line[0] in pncs]
    assert len(about_known) == round(400 * bench_feeds.ON_RECORD_SHARE)
    new = collections.Counter(tuple(line[:4]) for line in lines if line[0] not in pncs)
    assert sorted(set(new.values())) == [1, 2]  # new people arrested once or twice
    assert len({line[4] for line in lines}) == 400  # every arrest its own time
    assert all(datetime.datetime.fromisoformat(line[4]) < datetime.datetime.now(datetime.UTC) for line in lines)
    assert f"{len(about_known):,} rows of" in composition
