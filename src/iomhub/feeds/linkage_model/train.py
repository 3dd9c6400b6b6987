"""Train the linkage model offline on synthetic people and write ``model.json`` beside this file:
``IOMHUB_ENV=dev python -m iomhub.feeds.linkage_model.train``. Run by a developer when the
comparisons change; the trained model is committed, and nothing is trained or downloaded when IOM
Hub runs. Splink estimates the chance two random records match, the u probabilities by random
sampling and the m probabilities by expectation maximisation (blocking on date of birth, then on
surname, so each comparison is trained where it is not held fixed)."""

from __future__ import annotations

import logging
import random
from pathlib import Path

MODEL = Path(__file__).with_name("model.json")
TRAINING_SEED = 20261205


def train(out: Path = MODEL, people_count: int = 3000, rows_count: int = 3000) -> Path:
    import pandas as pd
    from splink import DuckDBAPI, Linker, block_on

    from iomhub.feeds.linkage_model import synthetic
    from iomhub.feeds.linkage_model.settings import record, settings

    known = synthetic.people(TRAINING_SEED, people_count)
    rng = random.Random(TRAINING_SEED + 1)  # noqa: S311 - synthetic data, reproducible by seed
    rows = [synthetic.keyed(rng, rng.choice(known)) for _ in range(rows_count)]
    records = [record(i, s.first_name, s.surname, s.dob, s.pnc_id) for i, s in enumerate([*known, *rows])]
    db_api = DuckDBAPI()
    linker = Linker(db_api.register(pd.DataFrame(records)), settings(), log_level=logging.WARNING)
    linker.training.estimate_probability_two_random_records_match([block_on("first_name", "surname", "dob")], recall=0.6)
    linker.training.estimate_u_using_random_sampling(max_pairs=2_000_000, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("dob"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("surname"))
    linker.misc.save_model_to_json(str(out), overwrite=True)
    return out


if __name__ == "__main__":
    import django

    django.setup()
    print(train())
