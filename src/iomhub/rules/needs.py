"""Change in pathway needs from the first to the latest assessment (outcomes.md §7, M8; seed 004:
success measured by "changes in their needs assessment", and for young people "changes in
identified needs from initial assessment to those made at a later stage"). Pure Python.

Each pathway is rated Red, Amber or Green. A pair (first, latest) for one person and pathway is
*improved* when the latest rating is lower (Red > Amber > Green), *worse* when higher, *same*
otherwise. Only people with two assessments or more rating the pathway both times are counted
[inferred, ADR 0015]; counts only, with no test of significance (the reference's McNemar needs 25
discordant pairs).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

SEVERITY = {"red": 2, "amber": 1, "green": 0}


@dataclass(frozen=True, slots=True)
class PathwayChange:
    pathway: str
    people: int
    red_first: int
    red_latest: int
    improved: int
    same: int
    worse: int


def pathway_changes(pairs: Iterable[tuple[str, str, str]]) -> dict[str, PathwayChange]:
    """``pairs``: (pathway, first rating, latest rating), one per person and pathway."""
    counts: dict[str, list[int]] = {}
    for i, (pathway, first, latest) in enumerate(pairs):
        for name, value in (("first", first), ("latest", latest)):
            if value not in SEVERITY:
                raise ValueError(f"pairs[{i}] {name} rating must be red, amber or green, not {value!r}")
        row = counts.setdefault(pathway, [0, 0, 0, 0, 0, 0])
        row[0] += 1
        row[1] += first == "red"
        row[2] += latest == "red"
        change = SEVERITY[latest] - SEVERITY[first]
        row[3 if change < 0 else 5 if change > 0 else 4] += 1
    return {p: PathwayChange(p, *row) for p, row in counts.items()}
