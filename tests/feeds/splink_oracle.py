"""The oracle of the linkage model's scoring, shared by its tests: Splink's own ``score_pairs`` on a
``Linker`` of the trained model with a DuckDB connection of its own, every returned pair made a
``Scored`` as ``probable.score`` made it before it ran the compiled SQL (issue 11, ADR 0037
addendum); and the synthetic batch those tests score (typos, spellings, nicknames, swapped dates,
changed surnames, blank names, PNC IDs that agree or differ)."""

from __future__ import annotations

import json
import logging
import random
from functools import lru_cache
from typing import Any

import pandas as pd
from splink import DuckDBAPI, Linker

from iomhub.feeds.linkage_model import probable, synthetic
from iomhub.feeds.linkage_model.settings import record
from iomhub.feeds.linkage_model.train import MODEL

CANDIDATES = 50  # per row, as the importer scores (``linkage_batch.CANDIDATES_SCORED``)


@lru_cache(maxsize=1)
def splink() -> tuple[Linker, DuckDBAPI]:
    """The trained model as Splink loads it, on a DuckDB connection of its own, and that connection
    (to register tables on)."""
    api = DuckDBAPI()
    return Linker(api.register(pd.DataFrame([record(0, "a", "a", "1900-01-01")])), str(MODEL), log_level=logging.WARNING), api


@lru_cache(maxsize=2048)
def _splink_pairs(as_json: str) -> list[dict[str, Any]]:
    """``score_pairs`` of a row and its candidates (given as JSON, so that the same question at
    another population is not asked of Splink again)."""
    row, candidates = json.loads(as_json)
    return splink()[0].inference.score_pairs([row], candidates).as_record_list()


def splink_score(row: dict[str, Any], candidates: list[dict[str, Any]], population: int) -> list[probable.Scored]:
    """What ``probable.score`` of ``row`` against ``candidates`` must answer, from Splink's
    ``score_pairs``: each pair's probability for ``population``, the levels agreed, whether the PNC
    IDs differ, best first (then by id)."""
    if not candidates:
        return []
    scored = [
        probable.Scored(
            int(s["unique_id_r"]),
            probable.for_population(float(s["match_probability"]), population),
            probable._agreed(s),
            s["gamma_pnc_id"] == 0,
        )
        for s in _splink_pairs(json.dumps([row, candidates]))
    ]
    return sorted(scored, key=lambda s: (-s.probability, s.unique_id))


def bits(scored: list[probable.Scored]) -> list[tuple[int, str, tuple[str, ...], bool]]:
    """Each scored candidate with its probability to the last bit."""
    return [(s.unique_id, s.probability.hex(), s.agreed, s.pnc_differs) for s in scored]


def _as_record(n: int, s: synthetic.Synthetic) -> dict[str, Any]:
    return record(n, s.first_name, s.surname, s.dob, s.pnc_id)


def synthetic_batch() -> tuple[list[dict[str, Any]], dict[int, dict[str, Any]], dict[int, list[int]]]:
    """150 rows about 400 people (and some about nobody), the people by id, and each row's first
    ``CANDIDATES`` people by id that the blocking rule lets through."""
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
