"""The review queue left out, in SQL, the rows offered against someone hidden from the reader
(``selectors.reviews_for`` by ``LinkReviewCandidate``): the same rows as the rule says, whatever way
a review row was written, the candidates' rows written in bulk by an import, and the queries of a
page not growing with the queue (no read of every row's candidates).

The oracles are written by hand from the rule (docs/feeds/review-queue.md, "Who sees what"): a row
is a reader's only when they see every person it was offered against and the person decided on.
"""

from __future__ import annotations

import datetime
import hashlib
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from iomhub.access.models import PersonAccessGrant, Role
from iomhub.feeds import selectors
from iomhub.feeds.models import ImportRun, LinkReview, LinkReviewCandidate
from iomhub.feeds.services import arrests_import
from iomhub.people.models import Restriction
from tests.factories import PersonFactory
from tests.feeds.conftest import NOW, csv_file, row

pytestmark = pytest.mark.django_db


def _review(run: ImportRun, line: int, offered: list[int], *, person=None, status: str = "open") -> LinkReview:
    return LinkReview.objects.create(
        row_key=hashlib.sha256(f"{run.pk}:{line}".encode()).hexdigest(),
        run=run,
        line=line,
        values=row(given_name=f"Line{line}"),
        candidates=[{"person_id": pk, "reasons": ["family_name"]} for pk in offered],
        why="Names nearly agree",
        status=status,
        person=person,
        decided_at=NOW if person is not None else None,
    )


@pytest.fixture
def world(partnership, coordinator):
    """Robin Hidden (restricted): the coordinator holds a grant, the chair does not. Sealed
    (restricted): nobody holds a grant. 999999999: an id no person has (erased since)."""
    PersonAccessGrant.objects.create(person=partnership.restricted, user=coordinator)
    sealed = PersonFactory(first_name="Sealed", last_name="Record", restriction=Restriction.MAPPA)
    seen, robin, gone = partnership.ordinary, partnership.restricted, 999999999
    first = ImportRun.objects.create(feed="arrests", file_name="a.csv", sha256="a" * 64, started_by=coordinator)
    second = ImportRun.objects.create(feed="arrests", file_name="b.csv", sha256="b" * 64, started_by=coordinator)
    rows = {
        "A seen": _review(first, 2, [seen.pk]),
        "B seen and Robin": _review(first, 3, [seen.pk, robin.pk]),
        "C sealed": _review(first, 4, [sealed.pk]),
        "D nobody offered": _review(first, 5, []),
        "E decided on Robin": _review(first, 6, [seen.pk], person=robin, status="decided"),
        "F someone erased": _review(first, 7, [gone]),
        "G decided on seen": _review(first, 8, [seen.pk], person=seen, status="decided"),
        "H Robin, second import": _review(second, 2, [robin.pk]),
    }
    return {"rows": rows, "runs": (first, second), "sealed": sealed}


def _names(world, reviews) -> set[str]:
    by_pk = {r.pk: name for name, r in world["rows"].items()}
    return {by_pk[r.pk] for r in reviews}


def test_a_reader_gets_the_rows_whose_people_they_all_see(partnership, coordinator, world):
    chair = partnership.users[Role.CHAIR]
    second = world["runs"][1]
    assert _names(world, selectors.reviews_for(user=chair)) == {"A seen", "D nobody offered", "F someone erased"}
    assert _names(world, selectors.reviews_for(user=chair, status=None)) == {
        "A seen",
        "D nobody offered",
        "F someone erased",
        "G decided on seen",
    }
    assert _names(world, selectors.reviews_for(user=chair, run_id=second.pk)) == set()
    assert _names(world, selectors.reviews_for(user=coordinator)) == {
        "A seen",
        "B seen and Robin",
        "D nobody offered",
        "F someone erased",
        "H Robin, second import",
    }
    assert _names(world, selectors.reviews_for(user=coordinator, status=None)) == {
        "A seen",
        "B seen and Robin",
        "D nobody offered",
        "E decided on Robin",
        "F someone erased",
        "G decided on seen",
        "H Robin, second import",
    }
    # In order: oldest import first, then line
    assert [r.line for r in selectors.reviews_for(user=coordinator)] == [2, 3, 5, 7, 2]


def test_candidates_changed_by_save_or_update_change_who_gets_the_row(partnership, coordinator, world):
    chair, rows, sealed = partnership.users[Role.CHAIR], world["rows"], world["sealed"]
    LinkReview.objects.filter(pk=rows["A seen"].pk).update(candidates=[{"person_id": sealed.pk, "reasons": []}])
    d = rows["D nobody offered"]
    d.candidates = [{"person_id": partnership.restricted.pk, "reasons": []}]
    d.save()
    c = rows["C sealed"]
    c.candidates = [{"person_id": partnership.ordinary.pk, "reasons": []}]
    c.save(update_fields=["candidates"])
    assert _names(world, selectors.reviews_for(user=chair)) == {"C sealed", "F someone erased"}
    assert _names(world, selectors.reviews_for(user=coordinator)) == {
        "B seen and Robin",
        "C sealed",
        "D nobody offered",
        "F someone erased",
        "H Robin, second import",
    }


def _doubtful(i: int) -> dict[str, str]:
    return row(family_name="Example", given_name="Jordan", date_of_birth="1991-05-17", arrested_at=f"2026-08-{10 + i:02d}T08:00")


def test_an_import_writes_the_candidates_rows_in_one_statement_a_batch(partnership, coordinator):
    # Jordan Example born 1991 may be either Jordan Example on record (born 1990, 1992): every
    # doubtful row is offered against both. Five doubtful rows in three batches of three.
    namesake = PersonFactory(first_name="Jordan", last_name="Example", date_of_birth=datetime.date(1992, 5, 17))
    rows = [
        _doubtful(0),
        row(family_name="Abernethy", given_name="Quentin", date_of_birth="1961-01-02"),
        _doubtful(1),
        _doubtful(2),
        _doubtful(3),
        row(family_name="Zielinski", given_name="Marta", date_of_birth="1983-11-12", arrested_at="2026-08-01T09:30"),
        _doubtful(4),
    ]
    with CaptureQueriesContext(connection) as queries:
        run = arrests_import(acting_user=coordinator, data=csv_file(*rows), file_name="a.csv", batch_size=3)
    assert run.review == 5
    inserts = [q["sql"] for q in queries if re.match(r'INSERT (OR IGNORE )?INTO "feeds_linkreviewcandidate"', q["sql"])]
    assert len(inserts) == 3
    reviews = list(LinkReview.objects.values_list("pk", flat=True))
    expected = {(pk, person) for pk in reviews for person in (partnership.ordinary.pk, namesake.pk)}
    assert set(LinkReviewCandidate.objects.values_list("review_id", "person_id")) == expected and len(expected) == 10
    # Imported again: the queue's rows are kept as they were, and so are their candidates
    arrests_import(acting_user=coordinator, data=csv_file(*rows), file_name="b.csv", batch_size=3)
    assert set(LinkReviewCandidate.objects.values_list("review_id", "person_id")) == expected
    assert LinkReviewCandidate.objects.count() == 10


def _queue_of(n: int, run: ImportRun, offered: list[int]) -> None:
    for line in range(2, 2 + n):
        _review(run, line, offered)


@pytest.mark.parametrize("url", ["/feeds/review/", "/api/v1/link-reviews?limit=5"])
def test_the_queries_do_not_grow_with_the_queue_and_read_only_a_pages_candidates(client, api_auth, partnership, coordinator, url):
    """The chair has a hidden person (Robin Hidden, restricted, no grant) among the candidates."""
    chair = partnership.users[Role.CHAIR]
    headers = api_auth(Role.CHAIR) if url.startswith("/api") else {}
    client.force_login(chair)
    small = ImportRun.objects.create(feed="arrests", file_name="s.csv", sha256="c" * 64, started_by=coordinator)
    _queue_of(3, small, [partnership.ordinary.pk])
    _review(small, 90, [partnership.ordinary.pk, partnership.restricted.pk])

    def reads() -> list[str]:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, **headers).status_code == 200
        return [q["sql"] for q in queries]

    reads()  # once first: what a client's first request does once (its token's last use)
    few = reads()
    big = ImportRun.objects.create(feed="arrests", file_name="b.csv", sha256="d" * 64, started_by=coordinator)
    _queue_of(60, big, [partnership.ordinary.pk])
    for line in range(200, 240):
        _review(big, line, [partnership.restricted.pk, partnership.ordinary.pk])
    many = reads()
    assert len(many) == len(few)
    # Every read of the rows' candidates is of one page of them, never the whole queue
    candidates_read = [sql for sql in many if '"feeds_linkreview"."candidates"' in sql]
    assert candidates_read and all("LIMIT" in sql for sql in candidates_read)


def test_the_migration_gives_the_rows_already_queued_their_candidates(partnership, coordinator, world):
    """The rows queued before the candidates' table: written by the data migration (0008), which is
    run here over rows whose candidates' rows are taken away first."""
    import importlib
    from types import SimpleNamespace

    from django.apps import apps

    migration = importlib.import_module("iomhub.feeds.migrations.0008_review_candidates")
    LinkReviewCandidate.objects.all().delete()
    migration.fill(apps, SimpleNamespace(connection=connection))
    rows, seen, robin = world["rows"], partnership.ordinary.pk, partnership.restricted.pk
    expected = {
        (rows["A seen"].pk, seen),
        (rows["B seen and Robin"].pk, seen),
        (rows["B seen and Robin"].pk, robin),
        (rows["C sealed"].pk, world["sealed"].pk),
        (rows["E decided on Robin"].pk, seen),
        (rows["F someone erased"].pk, 999999999),
        (rows["G decided on seen"].pk, seen),
        (rows["H Robin, second import"].pk, robin),
    }
    assert set(LinkReviewCandidate.objects.values_list("review_id", "person_id")) == expected
    assert LinkReviewCandidate.objects.count() == len(expected)
