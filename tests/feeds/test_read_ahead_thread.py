"""The thread that makes an import's next batch (``feeds.ahead.read_ahead``): batches in order, one
ahead and no more, what it raises raised in the caller, the caller's context seen, stopped when the
caller stops; and an import through it ticks, tells ``committed`` and fails as one without it."""

from __future__ import annotations

import contextvars
import threading
from contextlib import closing

import pytest

from iomhub.feeds.ahead import read_ahead
from iomhub.feeds.services import arrests_import
from tests.feeds.conftest import csv_file, many_rows

_WHO = contextvars.ContextVar("who", default="nobody")


def _ahead_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "feed-import-ahead"]


def test_batches_in_order_each_with_the_token_asked_in_the_caller_before_the_one_before():
    tokens = iter(range(100, 200))
    asked_in = []

    def token() -> int:
        asked_in.append(threading.current_thread())
        return next(tokens)

    made_in = []

    def work(batch: int, given: int) -> tuple[int, int]:
        made_in.append(threading.current_thread())
        return batch, given

    with closing(read_ahead(iter(range(5)), work, token)) as batches:
        assert list(batches) == [(0, 100), (1, 101), (2, 102), (3, 103), (4, 104)]
    assert set(asked_in) == {threading.current_thread()}
    assert threading.current_thread() not in made_in
    assert not _ahead_threads()


def test_what_the_thread_raises_is_raised_in_the_caller_after_the_batches_before():
    def source():
        yield 1
        yield 2
        raise ValueError("line 41 could not be read")

    got = []
    with pytest.raises(ValueError, match="line 41"), closing(read_ahead(source(), lambda b, _: b, lambda: None)) as batches:
        got.extend(batches)
    assert got == [1, 2]
    assert not _ahead_threads()


def test_one_batch_ahead_and_the_thread_stops_when_the_caller_stops():
    read = []

    def source():
        n = 0
        while True:
            read.append(n)
            yield n
            n += 1

    with closing(read_ahead(source(), lambda b, _: b, lambda: None)) as batches:
        assert next(batches) == 0
        assert next(batches) == 1
    assert not _ahead_threads()
    assert read == [0, 1, 2]  # the one being made when the caller stopped, no more


def test_the_thread_sees_the_callers_context():
    _WHO.set("the importer")
    with closing(read_ahead(iter([1]), lambda b, _: (b, _WHO.get()), lambda: None)) as batches:
        assert list(batches) == [(1, "the importer")]


@pytest.mark.django_db
def test_an_import_ticks_and_tells_committed_as_one_batch_after_another(partnership, coordinator):
    data = csv_file(*many_rows(50))

    def run(read: bool) -> tuple[list[tuple[int, int]], list[int]]:
        ticks: list[tuple[int, int]] = []
        told: list[int] = []
        from django.db import transaction

        with transaction.atomic():
            arrests_import(
                acting_user=coordinator,
                data=data,
                file_name="a.csv",
                batch_size=20,
                progress=lambda done, total: ticks.append((done, total)),
                committed=told.append,
                read_ahead=read,
            )
            transaction.set_rollback(True)
        return ticks, told

    one_after_another = run(False)
    assert one_after_another[1] == [20, 40]
    assert run(True) == one_after_another
    assert not _ahead_threads()


@pytest.mark.django_db
def test_an_import_stopped_by_its_caller_stops_the_thread(partnership, coordinator):
    class Stop(Exception):
        pass

    def stop(done: int) -> None:
        raise Stop(done)

    with pytest.raises(Stop):
        arrests_import(acting_user=coordinator, data=csv_file(*many_rows(50)), file_name="a.csv", batch_size=20, committed=stop)
    assert not _ahead_threads()
