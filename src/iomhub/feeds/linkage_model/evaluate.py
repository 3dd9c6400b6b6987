"""Linkage precision and recall on labelled synthetic people (``make bench``; ADR 0026): the rules
in the order ``feeds.linkage.link_for`` applies them, and with the same outcomes (a link, the
review queue, nobody):

1. the PNC ID: its one holder linked when the surname or date of birth agrees too (or the given
   name, with day and month swapped), else review;
2. exact name and date of birth: one such record linked unless its PNC ID differs (then review);
   more than one, review;
3. the trained model on the candidates ``probable.blocks`` lets through (``probable.candidates_q``
   in Python), every pair of the run scored in one DuckDB query (``probable.score_many``, as the
   batch import scores), then ``probable.decide_scored``.

The people and rows come from seeds training never saw (``EVALUATION_SEED``; thresholds are chosen
on ``train.TUNING_SEED`` by :func:`choose_thresholds`), so the model meets people it was not
trained on.

- precision: of the rows linked without a person deciding, the share linked to the right person;
- recall: of the rows about someone already known, the share linked to them without a person
  deciding (rows sent to review count as missed); ``recall_with_review`` counts too the rows sent to
  review with the right person offered, for comparison only;
- ``review_share``: the share of all rows sent to review.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from iomhub.feeds.linkage_model import probable, synthetic
from iomhub.feeds.linkage_model.settings import record

EVALUATION_SEED = 4242
Index = dict[str, dict[Any, list[dict[str, Any]]]]


@dataclass(frozen=True)
class Outcome:
    truth: int  # who the row is about; -1 for someone not known
    kind: str  # "link", "review" or "none"
    chosen: int | None  # the person linked
    offered: frozenset[int]  # the people offered for review


def _index(known: list[dict[str, Any]]) -> Index:
    index: Index = {"dob": defaultdict(list), "surname": defaultdict(list), "first": defaultdict(list), "pnc": defaultdict(list)}
    for k in known:
        index["dob"][k["dob"]].append(k)
        index["surname"][k["surname"]].append(k)
        index["first"][(k["first_name"], k["dob"][:4])].append(k)
        index["first"][(k["first_name"], k["dob"][5:])].append(k)
        if k["pnc_id"]:
            index["pnc"][k["pnc_id"]].append(k)
    return index


def _certain(row: dict[str, Any], index: Index) -> tuple[str, list[int]] | None:
    """``link_for``'s identifier and exact rules: ("link", [id]), ("review", ids) or None."""
    holders = index["pnc"].get(row["pnc_id"], []) if row["pnc_id"] else []
    if len(holders) > 1:
        return "review", [int(k["unique_id"]) for k in holders]
    if holders:
        k = holders[0]
        swapped = probable.swapped(datetime.date.fromisoformat(row["dob"]))
        agrees = (
            k["surname"] == row["surname"]
            or k["dob"] == row["dob"]
            or (k["first_name"] == row["first_name"] and swapped is not None and k["dob"] == swapped.isoformat())
        )
        return ("link" if agrees else "review"), [int(k["unique_id"])]
    exact = [k for k in index["dob"][row["dob"]] if (k["first_name"], k["surname"]) == (row["first_name"], row["surname"])]
    if len(exact) > 1:
        return "review", [int(k["unique_id"]) for k in exact]
    if exact:
        k = exact[0]
        differs = bool(row["pnc_id"] and k["pnc_id"] and row["pnc_id"] != k["pnc_id"])
        return ("review" if differs else "link"), [int(k["unique_id"])]
    return None


def _candidates(row: dict[str, Any], index: Index) -> list[dict[str, Any]]:
    dob = datetime.date.fromisoformat(row["dob"])
    pool = [
        *index["dob"][row["dob"]],
        *index["surname"][row["surname"]],
        *index["first"][(row["first_name"], row["dob"][:4])],
        *index["first"][(row["first_name"], row["dob"][5:])],
    ]
    other = probable.swapped(dob)
    if other is not None:
        pool += index["dob"][other.isoformat()]
    unique = {k["unique_id"]: k for k in pool if probable.blocks(row, k)}
    return list(unique.values())


def scored_rows(
    people_count: int, rows_count: int, seed: int
) -> tuple[list[int], dict[int, tuple[str, list[int]]], dict[int, list[probable.Scored]]]:
    """The truth of each row, the rows the certain rules decide, and the model's scores for the rest."""
    known_people = synthetic.people(seed, people_count)
    known = [record(p.person, p.first_name, p.surname, p.dob, p.pnc_id) for p in known_people]
    index = _index(known)
    rows = synthetic.labelled_rows(seed + 1, known_people, rows_count)
    certain: dict[int, tuple[str, list[int]]] = {}
    to_score: dict[int, dict[str, Any]] = {}
    pairs: list[tuple[int, int]] = []
    for i, r in enumerate(rows):
        row = record(-1 - i, r.first_name, r.surname, r.dob, r.pnc_id)
        found = _certain(row, index)
        if found is not None:
            certain[i] = found
            continue
        to_score[i] = row
        pairs += [(i, int(k["unique_id"])) for k in _candidates(row, index)]
    scores = probable.score_many(to_score, {int(k["unique_id"]): k for k in known}, pairs, population=people_count)
    return [r.person for r in rows], certain, scores


def outcomes(
    truth: list[int],
    certain: dict[int, tuple[str, list[int]]],
    scores: dict[int, list[probable.Scored]],
    *,
    link_at: float = probable.LINK_AT,
    rival_below: float = probable.RIVAL_BELOW,
) -> list[Outcome]:
    found = []
    for i, person in enumerate(truth):
        if i in certain:
            kind, ids = certain[i]
        else:
            decision = probable.decide_scored(scores.get(i, []), link_at=link_at, rival_below=rival_below)
            kind, ids = decision.kind, [s.unique_id for s in decision.scored]
        found.append(Outcome(person, kind, ids[0] if kind == "link" else None, frozenset(ids) if kind == "review" else frozenset()))
    return found


def figures(found: list[Outcome]) -> dict[str, float | int]:
    linked = [o for o in found if o.kind == "link"]
    correct = sum(o.chosen == o.truth for o in linked)
    truly_known = sum(o.truth >= 0 for o in found)
    reviewed = [o for o in found if o.kind == "review"]
    reviewed_right = sum(o.truth >= 0 and o.truth in o.offered for o in reviewed)
    return {
        "rows": len(found),
        "linked": len(linked),
        "wrong_links": len(linked) - correct,
        "reviewed": len(reviewed),
        "precision": round(correct / len(linked), 4) if linked else 1.0,
        "recall": round(correct / truly_known, 4) if truly_known else 1.0,
        "recall_with_review": round((correct + reviewed_right) / truly_known, 4) if truly_known else 1.0,
        "review_share": round(len(reviewed) / len(found), 4) if found else 0.0,
    }


def evaluate(people_count: int = 2000, rows_count: int = 600, seed: int = EVALUATION_SEED) -> dict[str, float | int]:
    truth, certain, scores = scored_rows(people_count, rows_count, seed)
    return {"known_people": people_count, "seed": seed, **figures(outcomes(truth, certain, scores))}


PRECISION_FLOOR = 0.99  # on the tuning people: a wrong link puts one person's arrest on another's record
LINK_GRID = (0.3, 0.35, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95)
RIVAL_GRID = (0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6)


def choose_thresholds(people_count: int = 2000, rows_count: int = 3000, seed: int | None = None) -> dict[str, float]:
    """``probable.LINK_AT`` and ``RIVAL_BELOW`` chosen on the tuning people (``train.TUNING_SEED``,
    never the bench's): of the pairs on the grid (the rival's bar below the link's) whose precision is
    at least ``PRECISION_FLOOR``, the one with the highest recall; on a tie, the higher bar to link
    and then the lower bar for a rival. ``python -m iomhub.feeds.linkage_model.train`` prints it."""
    from iomhub.feeds.linkage_model.train import TUNING_SEED

    truth, certain, scores = scored_rows(people_count, rows_count, TUNING_SEED if seed is None else seed)
    best: tuple[float, float, float, float] | None = None
    for link_at in LINK_GRID:
        for rival_below in (r for r in RIVAL_GRID if r < link_at):
            found = figures(outcomes(truth, certain, scores, link_at=link_at, rival_below=rival_below))
            if float(found["precision"]) < PRECISION_FLOOR:
                continue
            key = (float(found["recall"]), link_at, -rival_below, float(found["precision"]))
            best = key if best is None or key > best else best
    if best is None:
        return {}
    return {"link_at": best[1], "rival_below": -best[2], "recall": best[0], "precision": best[3]}
