"""The attrition funnel (outcomes.md §7, M7; seed 004: "identify where there may be attrition
points where offender/clients drop out"): the people at each stage, each stage a subset of the one
before, with the share of the first stage kept and the number lost since the stage before (the
Justice Data Lab's "chevron" shape). Pure Python.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Stage:
    key: str
    label: str
    people: int
    share_of_first: float | None  # of the first stage
    lost: int  # since the stage before


def funnel(stages: Sequence[tuple[str, str, Iterable[Hashable]]]) -> tuple[Stage, ...]:
    """``stages``: (key, label, the people who reached it), in order. Someone counts at a stage only
    if they reached every stage before it (a person adopted without a recorded referral is not
    counted as adopted from referral)."""
    found: list[Stage] = []
    kept: set[Hashable] | None = None
    first = 0
    for key, label, people in stages:
        reached = set(people)
        current = reached if kept is None else reached & kept
        if kept is None:
            first = len(current)
        found.append(
            Stage(key, label, len(current), len(current) / first if first else None, 0 if kept is None else len(kept) - len(current))
        )
        kept = current
    return tuple(found)
