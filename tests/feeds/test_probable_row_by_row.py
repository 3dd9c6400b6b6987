"""The row-by-row scoring (``probable.score`` and ``probable.decide``, which ``feeds.linkage`` uses for
the rows a feed import leaves to the row-by-row path) runs the compiled SQL of the batch
(``probable.score_many``, ``probable.predict``; issue 11, ADR 0037 addendum) instead of Splink
building its pipeline for every row (``score_pairs``). The oracle is the old path itself, on a Splink
``Linker`` of its own: ``score_pairs`` of the row against its candidates, every returned pair made a
``Scored`` as the old ``score`` made it. Every candidate comes back with the same probability to the
last bit (compared as ``float.hex``), the same levels agreed, the same order and the same decision,
on generated rows (nicknames, typos, blank names, swapped dates, PNC IDs agreeing, differing or
missing) at three populations, and on the synthetic batch the batch test scores."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iomhub.feeds.linkage_model import probable
from iomhub.feeds.linkage_model.settings import record
from tests.feeds.splink_oracle import bits, splink_score, synthetic_batch
from tests.feeds.test_score_compiled import people, rows_about

POPULATIONS = [100, probable.REFERENCE_PEOPLE, 500_000]


def _same_as_the_old_path(row: dict[str, Any], candidates: list[dict[str, Any]], population: int) -> list[probable.Scored]:
    expected = splink_score(row, candidates, population)
    ours = probable.score(row, candidates, population=population)
    assert bits(ours) == bits(expected)
    assert all(type(s.probability) is float and type(s.unique_id) is int and type(s.pnc_differs) is bool for s in ours)
    assert probable.decide(row, candidates, population=population) == probable.decide_scored(expected)
    return ours


@st.composite
def rows_and_candidates(draw: st.DrawFn) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    known = draw(st.lists(people(), min_size=1, max_size=8))
    candidates = [record(n + 10, *p) for n, p in enumerate(known)]
    candidates = draw(st.permutations(candidates))  # in no order: score puts the best first
    return record(0, *draw(rows_about(draw(st.sampled_from(known))))), candidates


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows_and_candidates(), st.sampled_from(POPULATIONS))
def test_a_row_scores_as_splinks_score_pairs_did_to_the_last_bit(case, population):
    row, candidates = case
    _same_as_the_old_path(row, candidates, population)


@pytest.mark.parametrize("population", POPULATIONS)
def test_the_synthetic_batch_scores_row_by_row_as_splinks_score_pairs_did(population):
    rows, found, candidates = synthetic_batch()
    kinds, near = set(), 0
    for i, row in enumerate(rows):
        scored = _same_as_the_old_path(row, [found[pid] for pid in candidates[i]], population)
        kinds.add(probable.decide_scored(scored).kind)
        near += sum(1 for s in scored if any("(" in a for a in s.agreed))
    assert kinds == {"link", "review", "none"}  # the rows reach every decision
    assert near > 0


def test_no_candidates_and_a_candidate_given_twice():
    row = record(0, "Steve", "Smith", "1980-01-02")
    assert probable.score(row, []) == []
    assert probable.decide(row, []).kind == "none"
    person = record(7, "Stephen", "Smith", "1980-02-01")
    with pytest.raises(ValueError, match="once"):
        probable.score(row, [person, person], population=500_000)
