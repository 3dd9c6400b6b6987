"""Train the linkage model offline on synthetic people and write ``model.json`` beside this file:
``IOMHUB_ENV=dev python -m iomhub.feeds.linkage_model.train``. Run by a developer when the
comparisons change; the trained model is committed, and nothing is trained or downloaded when IOM
Hub runs.

The synthetic people come with the truth (who each row is about), so the model is trained on it
rather than guessed by expectation maximisation (ADR 0026 addendum: EM's guessed chance that two
records match was twenty times too small, so a pair agreeing on both names with one digit of the
year wrong scored 0.46):

- the m probabilities (how often each level occurs between a row and the person it is about) from
  the labelled pairs, each a row keyed with slips against its person's record;
- the u probabilities (how often between two different people) by random sampling;
- the chance two random records match from the truth: true pairs over all pairs.

Training uses ``TRAINING_SEED`` only; the decision thresholds are chosen on ``TUNING_SEED``
(``evaluate.choose_thresholds``) and the bench measures on ``evaluate.EVALUATION_SEED``: three
different sets of people."""

from __future__ import annotations

import json
import logging
import random
from pathlib import Path

MODEL = Path(__file__).with_name("model.json")
TRAINING_SEED = 20261205
TUNING_SEED = 7_000_001
M_FLOOR = 0.001


def train(out: Path = MODEL, people_count: int = 6000, rows_count: int = 3000) -> Path:
    import pandas as pd
    from splink import DuckDBAPI, Linker

    from iomhub.feeds.linkage_model import synthetic
    from iomhub.feeds.linkage_model.settings import record, settings

    known = synthetic.people(TRAINING_SEED, people_count)
    rng = random.Random(TRAINING_SEED + 1)  # noqa: S311 - synthetic data, reproducible by seed
    # One row each about ``rows_count`` different people: every labelled pair is a row against the
    # record of the person it is about, as linkage scores them (never two slipped rows together).
    rows = [synthetic.keyed(rng, who) for who in rng.sample(known, rows_count)]
    records = [{**record(i, s.first_name, s.surname, s.dob, s.pnc_id), "person": s.person} for i, s in enumerate([*known, *rows])]
    pairs = len(records) * (len(records) - 1) // 2
    creator = settings()
    creator.probability_two_random_records_match = rows_count / pairs
    linker = Linker(DuckDBAPI().register(pd.DataFrame(records)), creator, log_level=logging.WARNING)
    linker.training.estimate_u_using_random_sampling(max_pairs=5_000_000, seed=1)
    linker.training.estimate_m_from_label_column("person")
    linker.misc.save_model_to_json(str(out), overwrite=True)
    _floor_m(out)
    return out


def _floor_m(path: Path, floor: float = M_FLOOR) -> None:
    """No level is impossible between a row and its person: a level the training rows never showed
    (a PNC ID keyed wrong, a given name no table knows) gets ``floor``, the others scaled to sum to 1."""
    model = json.loads(path.read_text())
    for comparison in model["comparisons"]:
        levels = [level for level in comparison["comparison_levels"] if not level.get("is_null_level")]
        for level in levels:
            level["m_probability"] = max(level.get("m_probability") or 0.0, floor)
        total = sum(level["m_probability"] for level in levels)
        for level in levels:
            level["m_probability"] /= total
    path.write_text(json.dumps(model, indent=2) + "\n")


if __name__ == "__main__":
    import django

    django.setup()
    from iomhub.feeds.linkage_model import evaluate

    print(train())
    print("thresholds chosen on the tuning people:", evaluate.choose_thresholds())
    print("the bench's people:", evaluate.evaluate())
