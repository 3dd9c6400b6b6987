"""The batch scoring of the linkage model (``probable.score_many``, issue 11) against the one-at-a-time
scoring (``probable.score``, ``probable.decide``): on varied synthetic rows (typos, spellings,
nicknames, swapped dates, changed surnames, blank names, PNC IDs that agree or differ), every row
gets the same scored candidates in the same order, with the same probabilities to the last bit, and
so the same decision."""

from __future__ import annotations

import datetime
import random
from typing import Any

import pytest

from iomhub.feeds.linkage_model import probable, synthetic
from iomhub.feeds.linkage_model.settings import record

CANDIDATES = 50  # per row, as the importer scores (``linkage_batch.CANDIDATES_SCORED``)


def _as_record(n: int, s: synthetic.Synthetic) -> dict[str, Any]:
    return record(n, s.first_name, s.surname, s.dob, s.pnc_id)


def _batch() -> tuple[list[dict[str, Any]], dict[int, dict[str, Any]], dict[int, list[int]]]:
    known = synthetic.people(31, 400)
    people = {n + 1: _as_record(n + 1, s) for n, s in enumerate(known)}
    rng = random.Random(33)
    rows = []
    for n, s in enumerate(synthetic.labelled_rows(32, known, 150)):
        if n % 25 == 0:
            s = synthetic.Synthetic(s.person, "", s.surname, s.dob, s.pnc_id)  # no given name
        elif n % 25 == 1:
            s = synthetic.Synthetic(s.person, s.first_name, "", s.dob, s.pnc_id)  # no family name
        elif n % 25 == 2 and s.person >= 0:
            s = synthetic.Synthetic(s.person, s.first_name, s.surname, s.dob, known[s.person].pnc_id)  # the same PNC ID
        elif n % 25 == 3:
            s = synthetic.Synthetic(s.person, s.first_name, s.surname, s.dob, known[rng.randrange(len(known))].pnc_id)  # another's
        rows.append(_as_record(0, s))
    candidates = {i: [pid for pid, p in people.items() if probable.blocks(row, p)][:CANDIDATES] for i, row in enumerate(rows)}
    return rows, people, candidates


@pytest.mark.parametrize("population", [100, probable.REFERENCE_PEOPLE, 500_000])
def test_a_batch_scores_every_pair_as_scoring_one_row_at_a_time_does(population):
    rows, people, candidates = _batch()
    pairs = [(i, pid) for i, found in candidates.items() for pid in found]
    random.Random(34).shuffle(pairs)  # in no order: the batch must put each row's best first itself
    batch = probable.score_many(rows, people, pairs, population=population)
    assert set(batch) == {i for i, found in candidates.items() if found}
    kinds, agreed, differs = set(), set(), 0
    for i, row in enumerate(rows):
        one = probable.score(row, [people[pid] for pid in candidates[i]], population=population)
        assert batch.get(i, []) == one, i  # the same candidates, order, probabilities, agreement
        assert [type(s.probability) for s in batch.get(i, [])] == [float] * len(one)
        decision = probable.decide(row, [people[pid] for pid in candidates[i]], population=population)
        assert probable.decide_scored(batch.get(i, [])) == decision, i
        kinds.add(decision.kind)
        agreed.update(a for s in one for a in s.agreed)
        differs += sum(s.pnc_differs for s in one)
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
