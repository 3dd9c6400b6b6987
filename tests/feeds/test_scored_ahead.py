"""Scores assembled from the model's predictions made ahead (``probable.predict_many``, on the feed
import's read-ahead thread, issue 11) and predictions made when the batch's turn comes are the
scores of the whole batch (``probable.score_many`` with its ``ahead``), to the last bit.

The oracles: Splink's own ``score_pairs`` of each row against its candidates
(``tests.feeds.splink_oracle``), and ``score_many`` of every pair with nothing made ahead. The
predictions are made ahead on another thread, as the import makes them, for most rows (by their
key: two rows alike share one), without the people "created since" (who come after the others by
id) and with pairs the batch no longer asks for (people cut off since); some rows are not
predicted ahead at all. Then the batch is scored at three populations, none of them known when the
predictions were made."""

from __future__ import annotations

import random
import threading
from typing import Any

import pytest

from iomhub.feeds.linkage_model import probable
from tests.feeds.splink_oracle import bits, splink_score, synthetic_batch

_CREATED_SINCE = 360  # people with a higher id "created" after the predictions ahead were made


def _batch() -> tuple[list[dict[str, Any]], dict[int, dict[str, Any]], dict[int, list[int]], dict[int, int]]:
    """The synthetic batch, each row with a key (its place in the first 150 rows), and 30 more rows
    each the same as an earlier one under the same key (rows alike: one prediction ahead for both)."""
    rows, people, candidates = synthetic_batch()
    keys = {i: i for i in range(len(rows))}
    rng = random.Random(71)
    for _ in range(30):
        like = rng.randrange(len(rows))
        keys[len(rows)] = like
        candidates[len(rows)] = list(candidates[like])
        rows.append(dict(rows[like]))
    return rows, people, candidates, keys


def _predicted_ahead(rows: list[dict[str, Any]], people: dict[int, dict[str, Any]], candidates: dict[int, list[int]], keys: dict[int, int]):
    """``predict_many`` on a thread of its own, as the read-ahead runs it: of every seventh key
    nothing; of the others, each row's people but those created since, and a few people each
    that the batch will not ask for."""
    rng = random.Random(72)
    pairs: list[tuple[int, int]] = []
    by_key: dict[int, dict[str, Any]] = {}
    for i, row in enumerate(rows):
        key = keys[i]
        if key % 7 == 0 or key in by_key:
            continue
        by_key[key] = row
        pairs += [(key, pid) for pid in candidates[i] if pid <= _CREATED_SINCE]
        pairs += [(key, pid) for pid in rng.sample(sorted(set(people) - set(candidates[i])), 3)]
    made: list[probable.Predictions] = []
    thread = threading.Thread(target=lambda: made.append(probable.predict_many(by_key, people, pairs)))
    thread.start()
    thread.join()
    return made[0], pairs


@pytest.mark.parametrize("population", [100, probable.REFERENCE_PEOPLE, 500_000])
def test_scores_from_predictions_made_ahead_and_fresh_are_the_batchs_to_the_last_bit(population):
    rows, people, candidates, keys = _batch()
    ahead, asked_ahead = _predicted_ahead(rows, people, candidates, keys)
    pairs = [(i, pid) for i, found in candidates.items() for pid in found]
    random.Random(73).shuffle(pairs)  # in no order: the rows' best first is the scoring's own work

    # What the batch will find made ahead and what it must predict itself: both, plenty of each.
    made = set(asked_ahead)
    known = [(i, pid) for i, pid in pairs if (keys[i], pid) in made]
    assert len(known) > len(pairs) / 2
    assert len({i for i, _ in pairs if keys[i] % 7 == 0}) > 10  # rows not predicted ahead
    assert len([1 for i, pid in pairs if keys[i] % 7 and pid > _CREATED_SINCE]) > 10  # people created since
    assert len({keys[i] for i in range(150, len(rows))} - {k for k in keys.values() if k % 7 == 0}) > 10  # rows alike

    scored = probable.score_many(rows, people, pairs, population=population, ahead=ahead, keys=keys)
    whole = probable.score_many(rows, people, pairs, population=population)
    assert scored.keys() == whole.keys() == {i for i, found in candidates.items() if found}
    for i, row in enumerate(rows):
        expected = bits(splink_score(row, [people[pid] for pid in candidates[i]], population))
        assert bits(scored.get(i, [])) == expected == bits(whole.get(i, [])), i
        assert [type(s.probability) for s in scored.get(i, [])] == [float] * len(expected)


def test_people_are_read_only_for_the_pairs_not_predicted_ahead():
    rows, people, candidates, keys = _batch()
    ahead, asked_ahead = _predicted_ahead(rows, people, candidates, keys)
    pairs = [(i, pid) for i, found in candidates.items() for pid in found]
    made = set(asked_ahead)
    fresh = {pid for i, pid in pairs if (keys[i], pid) not in made}
    read: list[int] = []

    class Recorded(dict):  # type: ignore[type-arg]
        def __getitem__(self, pid: int) -> dict[str, Any]:
            read.append(pid)
            return super().__getitem__(pid)

    scored = probable.score_many(rows, Recorded(people), pairs, population=5000, ahead=ahead, keys=keys)
    assert set(read) == fresh
    assert scored == probable.score_many(rows, people, pairs, population=5000)
    # Everything made ahead: nothing read, nothing predicted.
    everything = probable.predict_many(dict(enumerate(rows)), people, pairs)
    read.clear()
    assert (
        probable.score_many(rows, Recorded(people), pairs, population=5000, ahead=everything, keys={i: i for i in range(len(rows))})
        == scored
    )
    assert read == []
