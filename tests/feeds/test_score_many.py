"""The batch scoring of the linkage model (``probable.score_many``, issue 11). The oracle is Splink's
own ``score_pairs`` of each row against its candidates (``tests.feeds.splink_oracle``): the
one-at-a-time ``probable.score`` now runs the batch's compiled SQL itself, so it can no longer be
the oracle of the batch. On varied synthetic rows (typos, spellings, nicknames, swapped dates,
changed surnames, blank names, PNC IDs that agree or differ), every row gets the same scored
candidates in the same order, with the same probabilities to the last bit, and so the same
decision. A batch also answers as one row at a time does when rows are given by index and a person
is a candidate of several rows."""

from __future__ import annotations

import datetime
import random

import pytest

from iomhub.feeds.linkage_model import probable
from iomhub.feeds.linkage_model.settings import record
from tests.feeds.splink_oracle import bits, splink_score, synthetic_batch


@pytest.mark.parametrize("population", [100, probable.REFERENCE_PEOPLE, 500_000])
def test_a_batch_scores_every_pair_as_splinks_score_pairs_does(population):
    rows, people, candidates = synthetic_batch()
    pairs = [(i, pid) for i, found in candidates.items() for pid in found]
    random.Random(34).shuffle(pairs)  # in no order: the batch must put each row's best first itself
    batch = probable.score_many(rows, people, pairs, population=population)
    assert set(batch) == {i for i, found in candidates.items() if found}
    kinds, agreed, differs = set(), set(), 0
    for i, row in enumerate(rows):
        expected = splink_score(row, [people[pid] for pid in candidates[i]], population)
        ours = batch.get(i, [])
        assert bits(ours) == bits(expected), i  # the same candidates, order, probabilities, agreement
        assert [type(s.probability) for s in ours] == [float] * len(expected)
        decision = probable.decide_scored(expected)
        assert probable.decide_scored(ours) == decision, i
        kinds.add(decision.kind)
        agreed.update(a for s in expected for a in s.agreed)
        differs += sum(s.pnc_differs for s in expected)
    # The set is varied enough to mean something: every decision, near levels of each field, PNC IDs
    # that differ.
    assert kinds == {"link", "review", "none"}
    assert {"given_name (another form of the name)", "given_name (sounds alike)", "date_of_birth (day and month swapped)"} <= agreed
    assert {"family_name (spelt alike)", "date_of_birth (one digit differs)"} <= agreed
    assert differs > 0


def test_rows_may_be_given_by_index_and_a_person_scored_for_several_rows():
    person = record(7, "Stephen", "Thompson", datetime.date(1990, 5, 12), "2001/0000077Q")
    other = record(8, "Kate", "Reid", datetime.date(1985, 3, 4))
    rows = {
        10: record(0, "Steven", "Thompson", datetime.date(1990, 12, 5)),
        20: record(0, "Stephen", "Thomson", datetime.date(1990, 5, 12), "2001/0000077Q"),
        30: record(0, "Catherine", "Reid", datetime.date(1985, 3, 4)),
    }
    pairs = [(10, 7), (20, 7), (20, 8), (30, 8)]
    batch = probable.score_many(rows, {7: person, 8: other}, pairs, population=5000)
    assert batch == {
        10: probable.score(rows[10], [person], population=5000),
        20: probable.score(rows[20], [person, other], population=5000),
        30: probable.score(rows[30], [other], population=5000),
    }
    assert [s.unique_id for s in batch[20]] == [7, 8]
    assert probable.score_many(rows, {7: person}, [], population=5000) == {}


def test_each_record_has_its_own_list_of_name_forms():
    first = record(1, "Rebecca", "Smith", "1990-01-01")
    first["first_name_forms"].append("changed")
    again = record(2, "Rebecca", "Smith", "1990-01-01")
    assert "changed" not in again["first_name_forms"] and "becky" in again["first_name_forms"]


def test_a_record_folds_names_and_gives_their_forms_and_sounds():
    assert record(3, " Séan ", "O'Brien-Smyth", datetime.date(1991, 2, 3), "") == {
        "unique_id": 3,
        "first_name": "sean",
        "first_name_forms": ["sean"],
        "first_name_sound": "sn",
        "surname": "obrien-smyth",
        "surname_sound": "abrnsmt",
        "dob": "1991-02-03",
        "pnc_id": None,
    }
    assert record(4, "", "", "1991-02-03", "2001/0000077Q") == {
        "unique_id": 4,
        "first_name": None,
        "first_name_forms": [],
        "first_name_sound": None,
        "surname": None,
        "surname_sound": None,
        "dob": "1991-02-03",
        "pnc_id": "2001/0000077Q",
    }
