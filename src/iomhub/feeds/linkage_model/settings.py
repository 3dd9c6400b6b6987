"""What the linkage model compares, and how a record is put for it: given name and family name
(spelling variants, typos), date of birth (one digit wrong, day and month swapped, a year out) and
the PNC ID when both have one. No term-frequency adjustment: the model is trained offline on
synthetic people, so real name frequencies are not known to it."""

from __future__ import annotations

import datetime
from typing import Any

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import SettingsCreator, block_on

from iomhub.people.matching import normalise_name

SWAPPED_DAY_MONTH = (
    "substr(dob_l, 1, 4) = substr(dob_r, 1, 4) AND substr(dob_l, 6, 2) = substr(dob_r, 9, 2) AND substr(dob_l, 9, 2) = substr(dob_r, 6, 2)"
)


def _names(column: str) -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name=column,
        comparison_levels=[
            cll.NullLevel(column),
            cll.ExactMatchLevel(column),
            cll.JaroWinklerLevel(column, 0.92),
            cll.JaroWinklerLevel(column, 0.85),
            cll.JaroWinklerLevel(column, 0.70),
            cll.ElseLevel(),
        ],
    )


def _dob() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="dob",
        comparison_levels=[
            cll.NullLevel("dob"),
            cll.ExactMatchLevel("dob"),
            cll.CustomLevel(SWAPPED_DAY_MONTH, label_for_charts="Day and month swapped"),
            cll.DamerauLevenshteinLevel("dob", 1),
            cll.CustomLevel("substr(dob_l, 6, 5) = substr(dob_r, 6, 5)", label_for_charts="Same day and month, another year"),
            cll.ElseLevel(),
        ],
    )


def settings() -> SettingsCreator:
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=[
            _names("first_name"),
            _names("surname"),
            _dob(),
            cl.CustomComparison(
                output_column_name="pnc_id",
                comparison_levels=[cll.NullLevel("pnc_id"), cll.ExactMatchLevel("pnc_id"), cll.ElseLevel()],
            ),
        ],
        blocking_rules_to_generate_predictions=[block_on("dob"), block_on("surname"), block_on("first_name", "substr(dob, 1, 4)")],
        retain_intermediate_calculation_columns=False,
    )


def record(unique_id: int, first_name: str, surname: str, dob: datetime.date | str, pnc_id: str = "") -> dict[str, Any]:
    """A person or a feed row as the model reads it: names folded as ``people.matching`` folds them."""
    return {
        "unique_id": unique_id,
        "first_name": normalise_name(first_name) or None,
        "surname": normalise_name(surname) or None,
        "dob": dob.isoformat() if isinstance(dob, datetime.date) else dob,
        "pnc_id": pnc_id or None,
    }
