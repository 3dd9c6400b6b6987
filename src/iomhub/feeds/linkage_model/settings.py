"""What the linkage model compares, and how a record is put for it (ADR 0026 and its addendum):

- given name: exact; spelt alike (Jaro-Winkler 0.92); another form of the same name (the nickname
  table of ``people.matching``: Steve/Stephen, Becky/Rebecca, Kate/Catherine); sounds alike (the
  consonant skeleton of :func:`sound`: Sean/Shawn, Zoe/Zowie, Philip/Filip); spelt alike
  (Jaro-Winkler 0.85); faintly alike (0.70);
- family name: exact; spelt alike (0.92); sounds alike; spelt alike (0.85); faintly alike (0.70). A
  changed surname is simply the last level: the other fields must carry the pair;
- date of birth: exact; day and month swapped; one character different (a digit of the year or the
  day); the same day and month in another year;
- the PNC ID when both have one.

No term-frequency adjustment: the model is trained offline on synthetic people, whose names are
drawn uniformly, so real name frequencies are not known to it (ADR 0026 §2).

``LEVELS`` names each comparison's levels, best first, with what a link says agreed at that level
(``None``: the level is too faint to claim agreement); ``probable`` reads Splink's gamma through it.
"""

from __future__ import annotations

import datetime
import re
from functools import lru_cache
from typing import Any

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import SettingsCreator, block_on
from splink.internals.comparison_level_creator import ComparisonLevelCreator

from iomhub.people.matching import NICKNAMES, normalise_name

SWAPPED_DAY_MONTH = (
    "substr(dob_l, 1, 4) = substr(dob_r, 1, 4) AND substr(dob_l, 6, 2) = substr(dob_r, 9, 2) AND substr(dob_l, 9, 2) = substr(dob_r, 6, 2)"
)

# Each comparison's levels below the null level, best first: what agreed at that level, or None.
LEVELS: dict[str, tuple[str | None, ...]] = {
    "first_name": ("", "spelt alike", "another form of the name", "sounds alike", "spelt alike", None, None),
    "surname": ("", "spelt alike", "sounds alike", "spelt alike", None, None),
    "dob": ("", "day and month swapped", "one digit differs", "same day and month", None),
    "pnc_id": ("", None),
}


# Names repeat (the same people are candidates batch after batch, and names are common): the work on
# one name is pure, so it is kept for the next record that has it.
_NAMES_KEPT = 1 << 16


@lru_cache(maxsize=_NAMES_KEPT)
def sound(name: str | None) -> str | None:
    """A name's consonant skeleton, in the tradition of Soundex and Metaphone but kept to English
    spellings: ph/v as f, c/ch/ck/q as k (c before e, i, y as s), soft g at the start as j, silent gh,
    wr and kn at the start as r and n; then the first letter (any vowel as a) and the consonants after
    it, h, w and y dropped and doubles made single. Sean, Shaun and Shawn are ``sn``; Catherine and
    Kathryn ``ktrn``; Philip and Filip ``flp``; Gemma and Jemma ``jm``."""
    s = re.sub(r"[^a-z]", "", name or "")
    if not s:
        return None
    s = re.sub(r"^wr", "r", s)
    s = re.sub(r"^kn", "n", s)
    s = s.replace("ph", "f").replace("ck", "k").replace("gh", "").replace("sch", "sk")
    s = re.sub(r"c(?=[eiy])", "s", s).replace("ch", "k").replace("c", "k").replace("q", "k").replace("x", "ks")
    s = re.sub(r"^g(?=[eiy])", "j", s).replace("v", "f").replace("z", "s")
    if not s:
        return None
    skeleton = ("a" if s[0] in "aeiouy" else s[0]) + re.sub(r"[aeiouyhw]", "", s[1:])
    return re.sub(r"(.)\1+", r"\1", skeleton)


def forms(given: str | None) -> list[str]:
    """The given name and the other forms of it the nickname table knows (``people.matching``)."""
    if not given:
        return []
    first = given.split()[0]
    return sorted({given, first, *NICKNAMES.get(first, frozenset())})


def _names(column: str, *, aliases: bool) -> cl.CustomComparison:
    levels: list[ComparisonLevelCreator | dict[str, Any]] = [
        cll.NullLevel(column),
        cll.ExactMatchLevel(column),
        cll.JaroWinklerLevel(column, 0.92),
    ]
    if aliases:
        levels.append(cll.ArrayIntersectLevel(f"{column}_forms", 1))
    levels += [
        cll.CustomLevel(f"{column}_sound_l = {column}_sound_r", label_for_charts=f"{column} sounds alike"),
        cll.JaroWinklerLevel(column, 0.85),
        cll.JaroWinklerLevel(column, 0.70),
        cll.ElseLevel(),
    ]
    return cl.CustomComparison(output_column_name=column, comparison_levels=levels)


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
            _names("first_name", aliases=True),
            _names("surname", aliases=False),
            _dob(),
            cl.CustomComparison(
                output_column_name="pnc_id",
                comparison_levels=[cll.NullLevel("pnc_id"), cll.ExactMatchLevel("pnc_id"), cll.ElseLevel()],
            ),
        ],
        blocking_rules_to_generate_predictions=[block_on("dob"), block_on("surname"), block_on("first_name", "substr(dob, 1, 4)")],
        additional_columns_to_retain=[],
        retain_intermediate_calculation_columns=False,
    )


@lru_cache(maxsize=_NAMES_KEPT)
def _given(name: str) -> tuple[str | None, tuple[str, ...], str | None]:
    """A given name as ``record`` puts it: folded, its forms and its sound."""
    given = normalise_name(name) or None
    return given, tuple(forms(given)), sound(given)


@lru_cache(maxsize=_NAMES_KEPT)
def _family(name: str) -> tuple[str | None, str | None]:
    """A family name as ``record`` puts it: folded, and its sound."""
    family = normalise_name(name) or None
    return family, sound(family)


def record(unique_id: int, first_name: str, surname: str, dob: datetime.date | str, pnc_id: str = "") -> dict[str, Any]:
    """A person or a feed row as the model reads it: names folded as ``people.matching`` folds them,
    with the given name's other forms and each name's sound (:func:`sound`)."""
    given, given_forms, given_sound = _given(first_name)
    family, family_sound = _family(surname)
    return {
        "unique_id": unique_id,
        "first_name": given,
        "first_name_forms": list(given_forms),
        "first_name_sound": given_sound,
        "surname": family,
        "surname_sound": family_sound,
        "dob": dob.isoformat() if isinstance(dob, datetime.date) else dob,
        "pnc_id": pnc_id or None,
    }
