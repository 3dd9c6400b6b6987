"""An import whose next batch is read, checked and, on PostgreSQL, has its linkage reads made on a
second connection while a batch is imported (``feeds.ahead``, ``feeds.bulk.prefetch``) writes
exactly what the same file writes imported one batch after another, every read in its turn.

The oracle: the same file imported with ``read_ahead=False`` inside a transaction (rolled back after
its rows are read), the path as it was. The file, in batches of 20: new people created in one batch
and met again in later ones (the same, a typo, the date swapped, a nickname), people on record by
PNC ID and by name, rows sent to review, rejected rows and duplicates; rows alike by name and date
of birth but for their PNC IDs, in one batch (the model scores them apart); more people on record
than the model's reference population, so that its probabilities are scaled for a population that
grows batch by batch. Every row written is compared by content (database ids, which two runs never share, replaced by what they point at; write times
left out). PostgreSQL only, in transactional tests (a second connection sees only what is
committed): on SQLite the import never reads ahead on a second connection."""

from __future__ import annotations

import datetime
import random
from typing import Any

import pytest
from django.db import connection, transaction

from iomhub.access.models import AuditEvent
from iomhub.feeds.linkage_model import probable
from iomhub.feeds.models import ArrestLink, ImportRun, LinkMethod, LinkReview, Rejection
from iomhub.feeds.services import arrests_import
from iomhub.justice import screening_table
from iomhub.justice.models import Arrest, Offence
from iomhub.justice.screening_models import ScreeningPeriod
from iomhub.people.models import Person
from tests.factories import pnc
from tests.feeds.conftest import csv_file, row

pytestmark = pytest.mark.django_db(transaction=True)

BATCH = 20
_CLOCK_COLUMNS = {"id", "created_at", "updated_at", "occurred_at", "recorded_at", "finished_at", "started_at", "decided_at"}


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("reads ahead on a second connection on PostgreSQL only; SQLite imports one batch after another")


def _on_record() -> list[Person]:
    people = []
    for n in range(12):
        people.append(
            Person.objects.create(
                first_name=("Alex", "Robin", "Jordan", "Casey")[n % 4],
                last_name=f"Recordholder{n:02d}",
                date_of_birth=datetime.date(1980 + n, 1 + n % 12, 3 + n),
                pnc_id=pnc(2010, 4000 + n) if n % 2 else "",
            )
        )
    for n in range(3):  # two people of the same name and date of birth: their rows go to review
        for serial in (0, 1):
            people.append(
                Person.objects.create(
                    first_name="Drew",
                    last_name=f"Twinset{n}",
                    date_of_birth=datetime.date(1990, 6, 10 + n),
                    pnc_id=pnc(2011, 10 * n + serial),
                )
            )
    # Enough others (born long before anyone in the file, of names nobody in it has) for the model
    # to scale its probabilities for the people on record.
    Person.objects.bulk_create(
        Person(first_name="Quillon", last_name=f"Populace{n:04d}", date_of_birth=datetime.date(1901 + n % 8, 1 + n % 12, 1 + n % 28))
        for n in range(probable.REFERENCE_PEOPLE)
    )
    return people


def _file(people: list[Person]) -> bytes:
    """About 300 rows: each new person's arrests spread over several batches, some rows variants."""
    rnd = random.Random(11)  # a fixed test file
    rows: list[tuple[int, dict[str, str]]] = []
    at = iter(range(10_000))

    def arrest() -> dict[str, str]:
        n = next(at)
        return {
            "arrested_at": f"2026-0{1 + n % 8}-{10 + n % 18}T{n % 24:02d}:{n % 60:02d}",
            "custody_suite": ("Northbridge custody suite", "Southport custody")[n % 2],
            "offence_code": ("28E", "34B", "45")[n % 3],
            "outcome": ("Charged", "Bailed", "No further action")[n % 3],
        }

    given = ("Taylor", "Samuel", "Morgan", "Riley", "Jamie")
    for p in range(45):
        family, first, born = f"Newperson{p:02d}", given[p % 5], datetime.date(1975 + p % 25, 1 + p % 12, 1 + p % 27)
        pnc_id = pnc(2020, 100 + p) if p % 3 == 0 else ""
        first_at = rnd.randrange(0, 250)
        for k in range(rnd.randrange(2, 6)):  # met again a batch or more later
            who = {"family_name": family, "given_name": first, "date_of_birth": born.isoformat(), "pnc_id": pnc_id}
            if k == 2 and p % 4 == 1:
                who["family_name"] = family[:-1] + "x"  # a typo: probably them, or review
            elif k == 2 and p % 4 == 2:
                who["date_of_birth"] = born.replace(day=born.month, month=born.day).isoformat() if born.day <= 12 else who["date_of_birth"]
            elif k == 1 and p % 7 == 3:
                who["pnc_id"] = pnc(2021, 500 + p)  # another PNC ID than the person created earlier
            elif k == 3 and p % 5 == 0:
                who["given_name"] = "Sam" if first == "Samuel" else first
            rows.append((first_at + k * rnd.randrange(BATCH, 3 * BATCH), row(**who, **arrest())))
    for n, person in enumerate(people):  # people on record, by PNC ID or by name
        for _ in range(3):
            who = {"family_name": person.last_name, "given_name": person.first_name, "date_of_birth": person.date_of_birth.isoformat()}
            who["pnc_id"] = person.pnc_id
            rows.append((rnd.randrange(0, 300), row(**who, **arrest())))
        if person.last_name.startswith("Twinset"):
            who["pnc_id"] = ""
            rows.append((rnd.randrange(0, 300), row(**who, **arrest())))
        twin = {"family_name": person.last_name + "e", "given_name": person.first_name, "date_of_birth": person.date_of_birth.isoformat()}
        twin_at = rnd.randrange(0, 300)
        rows.append((twin_at, row(**twin, **arrest())))  # one letter off someone on record
        if person.pnc_id:  # and alike, in the same batch, with another PNC ID: scored apart
            rows.append((twin_at, row(**twin, **arrest(), pnc_id=pnc(2021, 700 + n))))
        if n % 3 == 0:
            rows.append((rnd.randrange(0, 300), row(**twin, **arrest(), pnc_id="")))
    for n in range(8):  # rejected: an unknown offence, an arrest in the future
        bad = arrest() | ({"offence_code": "99Z"} if n % 2 else {"arrested_at": "2027-01-01T10:00"})
        rows.append((rnd.randrange(0, 300), row(family_name=f"Refused{n}", given_name="Kim", date_of_birth="1990-02-02", **bad)))
    rows.sort(key=lambda r: r[0])
    found = [r for _, r in rows]
    found += found[5:9]  # duplicates of earlier lines
    return csv_file(*found)


def _written() -> dict[str, Any]:
    """Every row the import writes, by content: ids replaced by what they point at."""
    people = {p.pk: (p.last_name, p.first_name, p.date_of_birth.isoformat(), p.pnc_id, p.prison_number) for p in Person.objects.all()}
    arrests = {a.pk: (people[a.person_id], a.arrested_on.isoformat(), a.custody_suite, a.outcome) for a in Arrest.objects.all()}

    def rows(model: Any, **ids: dict[int, Any]) -> list[str]:
        out = []
        for values in model.objects.values():
            kept = {k: v for k, v in values.items() if k not in _CLOCK_COLUMNS and k != "run_id"}
            for name, table in ids.items():
                if kept.get(name) is not None:
                    kept[name] = table[kept[name]]
            out.append(repr(sorted(kept.items())))
        return sorted(out)

    def candidates(review: LinkReview) -> list[Any]:
        return [(people[c["person_id"]], c["reasons"]) for c in review.candidates]

    def event(e: AuditEvent) -> str:
        object_id: Any = e.object_id
        if e.object_type == "person" and object_id:
            object_id = people.get(int(object_id), object_id)
        elif e.object_type == "arrest" and object_id:
            object_id = arrests.get(int(object_id), object_id)
        elif e.object_type == "import-run":
            object_id = "run"
        changes = {  # sealed values differ between any two writes (a fresh nonce): their kind only
            name: "sealed" if isinstance(value, str) and value.startswith("enc:") else value for name, value in e.changes.items()
        }
        if isinstance(changes.get("person"), int):
            changes["person"] = people.get(changes["person"])
        return repr((e.actor_username, e.action, e.object_type, object_id, people.get(e.person_id or 0), e.outcome, changes, e.reason))

    return {
        "runs": sorted(repr(r.counts()) for r in ImportRun.objects.all()),
        "people": rows(Person, merged_into_id=people),
        "arrests": rows(Arrest, person_id=people),
        "offences": rows(Offence, arrest_id=arrests, person_id=people),
        "links": rows(ArrestLink, person_id=people, arrest_id=arrests),
        "reviews": sorted(repr((r.row_key, r.line, r.values, r.status, r.why, candidates(r))) for r in LinkReview.objects.all()),
        "rejections": sorted(repr((r.line, r.column, r.reason, r.values)) for r in Rejection.objects.all()),
        "audit": sorted(event(e) for e in AuditEvent.objects.all()),
        "screening": rows(ScreeningPeriod, person_id=people),
    }


def _import(coordinator: Any, data: bytes, *, read_ahead: bool) -> ImportRun:
    return arrests_import(acting_user=coordinator, data=data, file_name="a.csv", batch_size=BATCH, read_ahead=read_ahead)


def test_reading_ahead_writes_what_one_batch_after_another_writes(partnership, coordinator):
    data = _file(_on_record())
    screening_table.rebuild()  # the table in use: each batch keeps it current
    with transaction.atomic():  # the oracle: one batch after another, then rolled back
        oracle = _import(coordinator, data, read_ahead=False)
        one_after_another = _written()
        methods = set(ArrestLink.objects.values_list("method", flat=True))
        transaction.set_rollback(True)
    counts = oracle.counts()
    assert counts["rows"] > 10 * BATCH
    assert counts["imported"] > 200 and counts["review"] >= 5 and counts["rejected"] >= 10, counts
    assert {LinkMethod.CREATED, LinkMethod.PNC, LinkMethod.NAME_DOB} <= methods, methods  # met again in later batches

    assert not connection.in_atomic_block  # so the import reads ahead on a second connection
    _import(coordinator, data, read_ahead=True)
    assert _written() == one_after_another

    # And again: every row already recorded, read ahead too.
    with transaction.atomic():
        _import(coordinator, data, read_ahead=False)
        again = _written()
        transaction.set_rollback(True)
    _import(coordinator, data, read_ahead=True)
    assert _written() == again
