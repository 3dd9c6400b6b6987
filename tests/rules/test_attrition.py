"""The attrition funnel: counts, shares and losses worked by hand."""

from __future__ import annotations

import pytest

from iomhub.rules.attrition import Stage, funnel


def test_each_stage_keeps_only_those_who_reached_the_stages_before():
    found = funnel(
        [
            ("referred", "Referred", {1, 2, 3, 4}),
            ("adopted", "Adopted", {1, 2, 3, 9}),  # 9 was never referred: not counted
            ("engaged", "Engaged", {1, 2}),
            ("exited", "Left the scheme", {2, 4}),  # 4 was not adopted: not counted
        ]
    )
    assert [s.people for s in found] == [4, 3, 2, 1]
    assert [s.lost for s in found] == [0, 1, 1, 1]
    assert found[2] == Stage("engaged", "Engaged", 2, 0.5, 1)
    assert found[3].share_of_first == pytest.approx(0.25)


def test_an_empty_first_stage_has_no_shares():
    assert [s.share_of_first for s in funnel([("a", "A", []), ("b", "B", [1])])] == [None, None]
