"""The garbage collector during an import (ADR 0037 addendum, "rows of people on record cheaper"):
its automatic collections paused while the rows are read and written, what a batch leaves in
reference cycles collected once the batch is done, and the collector left as the import found it
(on or off), whether the import ends or fails."""

from __future__ import annotations

import gc
import weakref

import pytest

from iomhub.feeds import services
from iomhub.feeds.services import arrests_import
from tests.feeds.conftest import csv_file, row

pytestmark = pytest.mark.django_db


class _Cycle:
    def __init__(self) -> None:
        self.me = self


def _rows(n: int) -> bytes:
    return csv_file(*(row(arrested_at=f"2026-08-{1 + i:02d}T10:00") for i in range(n)))


@pytest.fixture
def collector_on():
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def test_automatic_collections_paused_during_the_rows_and_a_batchs_cycles_collected_after_it(collector_on, coordinator):
    seen_enabled: list[bool] = []
    made: list[weakref.ref[_Cycle]] = []
    alive_after_batch: list[bool] = []

    def progress(done: int, total: int) -> None:  # called row by row, inside the batch
        seen_enabled.append(gc.isenabled())
        made.append(weakref.ref(_Cycle()))  # unreachable at once, but only a collection frees a cycle

    def committed(rows: int) -> None:  # called once each full batch is written
        alive_after_batch.append(any(ref() is not None for ref in made))

    run = arrests_import(acting_user=coordinator, data=_rows(5), file_name="a.csv", batch_size=2, progress=progress, committed=committed)
    assert run.counts()["imported"] == 5
    assert seen_enabled == [False] * 5  # no automatic collection while the rows are imported
    assert alive_after_batch == [False, False]  # each batch's cycles collected before the next
    assert gc.isenabled()


def test_a_collector_switched_off_stays_off_and_is_never_run(coordinator, monkeypatch):
    collected: list[int] = []
    monkeypatch.setattr(services.gc, "collect", lambda generation=2: collected.append(generation) or 0)
    was = gc.isenabled()
    gc.disable()
    try:
        arrests_import(acting_user=coordinator, data=_rows(3), file_name="a.csv", batch_size=1)
        assert not gc.isenabled()
    finally:
        if was:
            gc.enable()
    assert collected == []


def test_the_collector_is_back_on_when_an_import_fails(collector_on, coordinator, monkeypatch):
    def fails(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(services, "_import_batch", fails)
    with pytest.raises(RuntimeError):
        arrests_import(acting_user=coordinator, data=_rows(2), file_name="a.csv")
    assert gc.isenabled()
