"""`make bench`'s feeds section (bench/feeds.py) still runs and measures what it says: the import
of its file, the same file again, and on PostgreSQL the two floors (``COPY`` of the same rows into
an ordinary table and into a TEMP one; ``COPY`` of the writes any design must make into copies of
the arrest, offence, link and audit tables); on PostgreSQL the import runs on a scratch copy of the
dataset, committing batch by batch with the run's heartbeat, the tables it wrote analysed between
the two imports, and the copy dropped after (even on error), the dataset unchanged; and the
million-row file is a force's custody records as its docstring describes. A smoke test at a few
dozen rows: the figures themselves are the bench's, never the tests' (nothing here is timed)."""

from __future__ import annotations

import collections
import datetime
import json
import random
import sys
from pathlib import Path

import pytest
from django.db import connection

from iomhub.access.models import AuditEvent, User
from iomhub.feeds.linkage_model import synthetic
from iomhub.feeds.models import ArrestLink, ImportRun
from iomhub.justice.models import Arrest, Offence
from iomhub.people.models import Person

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import feeds as bench_feeds  # bench/ is not a package: on the path above

pytestmark = pytest.mark.django_db
on_postgresql = pytest.mark.skipif("connection.vendor != 'postgresql'", reason="a scratch copy of the database is PostgreSQL's")

# The tables an arrest row must write, by hand from the models (justice Arrest and Offence, feeds
# ArrestLink, access AuditEvent), not from bench_feeds.WRITES.
MUST_WRITE = {"justice_arrest", "justice_offence", "feeds_arrestlink", "access_auditevent"}


@pytest.fixture
def on_record() -> list[Person]:
    people = synthetic.people(5, 30)
    return Person.objects.bulk_create(
        [
            Person(first_name=p.first_name, last_name=p.surname, date_of_birth=p.dob, pnc_id=synthetic._pnc(random.Random(n)))
            for n, p in enumerate(people)
        ]
    )


def _checked_counts(found: dict) -> None:
    first, again = json.loads(str(found["first_import_counts"])), json.loads(str(found["second_import_counts"]))
    assert first["rows"] == again["rows"] == 40
    assert first["imported"] + first["review"] == 40 and first["rejected"] == 0
    assert again["imported"] == 0 and again["unchanged"] + again["review"] == 40
    assert "20 rows of people on record" in str(found["composition"])


def _floor_tables() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname FROM pg_class WHERE relname LIKE 'bench%%' AND relkind = 'r'")
        return [name for (name,) in cursor.fetchall()]


def test_the_import_figures(on_record: list[Person]) -> None:
    """In a transaction (this test's; SQLite's way): nothing committed, nothing analysed."""
    found = bench_feeds.import_throughput(40)
    _checked_counts(found)
    assert found["committed"] is False and found["analysed_tables"] == []
    assert found["heartbeats"] == [0, 0]  # 40 rows: no full batch of 2,000 committed
    assert ("copy_seconds" in found) == ("copy_temp_seconds" in found) == (connection.vendor == "postgresql")
    if connection.vendor == "postgresql":
        assert found["writes_floor_rows"] == dict.fromkeys(MUST_WRITE, 40)
        assert set(found["writes_floor_tables_seconds"]) == MUST_WRITE
        assert found["floors_committed"] is False
        assert _floor_tables() == []  # dropped after


def test_the_writes_floor_rows_are_the_files() -> None:
    """The floor's rows are derived from the file's: one arrest, offence, link and audit event a row,
    each with the row's suite, date, offence and outcome."""
    lines = [
        ["", "Smith", "Ann", "1990-01-02", "2024-03-04T05:06+00:00", "Northbridge  Custody Suite", "28E", "Charged"],
        ["AB/123", "Jones", "Bob", "1985-07-08", "2024-03-05T10:00+00:00", "Southport custody", "45", "Bailed"],
    ]
    payloads = bench_feeds.writes_payloads(lines, user_id=7)
    assert set(payloads) == MUST_WRITE
    rows = {name: [line.split("\t") for line in text.decode().splitlines()] for name, text in payloads.items()}
    assert all(len(found) == 2 for found in rows.values())
    arrest = dict(zip(bench_feeds.WRITES["justice_arrest"], rows["justice_arrest"][1], strict=True))
    assert (arrest["id"], arrest["arrested_on"], arrest["custody_suite"], arrest["outcome"]) == (
        "2",
        "2024-03-05",
        "Southport custody",
        "bail",
    )
    link = dict(zip(bench_feeds.WRITES["feeds_arrestlink"], rows["feeds_arrestlink"][0], strict=True))
    assert (link["suite_key"], link["offence_code"], link["outcome"], link["arrest_id"], link["line"]) == (
        "northbridge custody suite",
        "28E",
        "charge",
        "1",
        "2",
    )
    assert len(link["row_key"]) == 64 and link["method"] == "name-dob"
    event = dict(zip(bench_feeds.WRITES["access_auditevent"], rows["access_auditevent"][1], strict=True))
    assert (event["action"], event["object_type"], event["object_id"], event["actor_id"]) == ("create", "arrest", "2", "7")
    assert event["person_id"] == arrest["person_id"] and event["ip_address"] == r"\N"
    offence = dict(zip(bench_feeds.WRITES["justice_offence"], rows["justice_offence"][1], strict=True))
    assert (offence["arrest_id"], offence["committed_on"], offence["person_id"]) == ("2", "2024-03-05", arrest["person_id"])


def _dataset() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()  # type: ignore[attr-defined]
        for model in (Person, Arrest, Offence, ArrestLink, AuditEvent, ImportRun, User)
    }


def _scratch_databases(dataset: str) -> set[str]:
    """The scratch copies of ``dataset`` (others' databases come and go on a shared server)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", [f"{dataset[:40]}_scratch%"])
        return {name for (name,) in cursor.fetchall()}


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_the_import_on_a_scratch_copy(on_record: list[Person]) -> None:
    dataset, before = connection.settings_dict["NAME"], _dataset()
    assert _scratch_databases(dataset) == set()
    found = bench_feeds.measured_import(40, batch_size=10)
    _checked_counts(found)  # the people on record were in the copy
    assert found["committed"] is True and found["floors_committed"] is True
    assert found["scratch_database"].startswith(f"{dataset[:40]}_scratch")
    assert found["heartbeats"] == [4, 4]  # 40 rows in batches of 10, each committed with a heartbeat
    assert set(found["analysed_tables"]) >= MUST_WRITE | {"people_person", "feeds_importrun"}
    assert found["writes_floor_rows"] == dict.fromkeys(MUST_WRITE, 40)
    # Django back on the dataset, which is as it was; the copy gone.
    assert connection.settings_dict["NAME"] == dataset
    assert _dataset() == before
    assert _scratch_databases(dataset) == set()
    assert _floor_tables() == []


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_the_scratch_copy_is_dropped_on_error(on_record: list[Person]) -> None:
    dataset = connection.settings_dict["NAME"]
    with pytest.raises(RuntimeError), bench_feeds.scratch_copy() as scratch:
        assert Person.objects.count() == 30  # the copy, with the dataset's people
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_database()")
            assert cursor.fetchone()[0] == scratch != dataset
        assert _scratch_databases(dataset) == {scratch}
        Person.objects.all().delete()
        raise RuntimeError("a fault part-way")
    assert connection.settings_dict["NAME"] == dataset
    assert Person.objects.count() == 30  # the deletion was the copy's
    assert _scratch_databases(dataset) == set()


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
