"""Linkage precision and recall on labelled synthetic people (``make bench``; ADR 0026): the
certain rules first, as ``feeds.linkage`` applies them (the PNC ID with the surname or date of
birth agreeing; one record with exactly the name and date of birth), then the trained model on the
candidates ``probable.blocks`` lets through. Seeds other than training's, so the model meets people
it was not trained on.

- precision: of the rows linked without a person deciding, the share linked to the right person;
- recall: of the rows about someone already known, the share linked to them without a person
  deciding; ``recall_with_review`` counts too the rows sent to review with the right person offered;
- ``review_share``: the share of all rows sent to review.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import Any

from iomhub.feeds.linkage_model import probable, synthetic
from iomhub.feeds.linkage_model.settings import record

EVALUATION_SEED = 4242


def _index(known: list[dict[str, Any]]) -> dict[str, dict[Any, list[dict[str, Any]]]]:
    index: dict[str, dict[Any, list[dict[str, Any]]]] = {"dob": defaultdict(list), "surname": defaultdict(list), "first": defaultdict(list)}
    index["pnc"] = defaultdict(list)
    for k in known:
        index["dob"][k["dob"]].append(k)
        index["surname"][k["surname"]].append(k)
        index["first"][(k["first_name"], k["dob"][:4])].append(k)
        index["first"][(k["first_name"], k["dob"][5:])].append(k)
        if k["pnc_id"]:
            index["pnc"][k["pnc_id"]].append(k)
    return index


def _certain(row: dict[str, Any], index: dict[str, dict[Any, list[dict[str, Any]]]]) -> int | None:
    for k in index["pnc"].get(row["pnc_id"], []) if row["pnc_id"] else []:
        if k["surname"] == row["surname"] or k["dob"] == row["dob"]:
            return int(k["unique_id"])
    exact = [k for k in index["dob"][row["dob"]] if (k["first_name"], k["surname"]) == (row["first_name"], row["surname"])]
    if len(exact) == 1 and not (row["pnc_id"] and exact[0]["pnc_id"] and row["pnc_id"] != exact[0]["pnc_id"]):
        return int(exact[0]["unique_id"])
    return None


def _candidates(row: dict[str, Any], index: dict[str, dict[Any, list[dict[str, Any]]]]) -> list[dict[str, Any]]:
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


def evaluate(people_count: int = 2000, rows_count: int = 600, seed: int = EVALUATION_SEED) -> dict[str, float | int]:
    known_people = synthetic.people(seed, people_count)
    known = [record(p.person, p.first_name, p.surname, p.dob, p.pnc_id) for p in known_people]
    index = _index(known)
    rows = synthetic.labelled_rows(seed + 1, known_people, rows_count)
    linked = correct = truly_known = reviewed = reviewed_right = 0
    for i, r in enumerate(rows):
        row = record(-1 - i, r.first_name, r.surname, r.dob, r.pnc_id)
        truly_known += r.person >= 0
        chosen = _certain(row, index)
        if chosen is None:
            decision = probable.decide(row, _candidates(row, index))
            if decision.kind == "review":
                reviewed += 1
                reviewed_right += r.person >= 0 and r.person in {s.unique_id for s in decision.scored}
                continue
            chosen = decision.scored[0].unique_id if decision.kind == "link" else None
        if chosen is not None:
            linked += 1
            correct += chosen == r.person
    return {
        "rows": rows_count,
        "known_people": people_count,
        "linked": linked,
        "reviewed": reviewed,
        "precision": round(correct / linked, 4) if linked else 1.0,
        "recall": round(correct / truly_known, 4) if truly_known else 1.0,
        "recall_with_review": round((correct + reviewed_right) / truly_known, 4) if truly_known else 1.0,
        "review_share": round(reviewed / rows_count, 4),
    }
