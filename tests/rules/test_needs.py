"""Change in pathway needs, first to latest assessment: counts worked by hand."""

from __future__ import annotations

import pytest

from iomhub.rules.needs import PathwayChange, pathway_changes


def test_improved_same_and_worse_per_pathway():
    found = pathway_changes(
        [
            ("accommodation", "red", "green"),  # improved
            ("accommodation", "red", "amber"),  # improved
            ("accommodation", "amber", "amber"),  # same
            ("accommodation", "green", "red"),  # worse
            ("ete", "amber", "green"),  # improved
        ]
    )
    assert found["accommodation"] == PathwayChange("accommodation", people=4, red_first=2, red_latest=1, improved=2, same=1, worse=1)
    assert found["ete"] == PathwayChange("ete", people=1, red_first=0, red_latest=0, improved=1, same=0, worse=0)


def test_an_unknown_rating_is_refused_by_name():
    with pytest.raises(ValueError, match=r"pairs\[0\] latest rating"):
        pathway_changes([("ete", "red", "purple")])
