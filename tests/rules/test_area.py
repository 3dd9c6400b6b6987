"""Residence in the partnership's area from a postcode (000 §5.7; 002 §3 local teams)."""

import pytest

from iomhub.rules.area import covering_entry, outward_code, parse_coverage, resident_in_area


def test_coverage_is_areas_and_districts_upper_cased_without_repeats():
    assert parse_coverage("so14, SO15\nbh  SO14;gu51") == ("SO14", "SO15", "BH", "GU51")
    assert parse_coverage("  ") == ()


@pytest.mark.parametrize("bad", ["SO14 3AB", "SOX1", "123", "SO1-4", "ABC1"])
def test_coverage_refuses_what_is_not_an_area_or_district(bad):
    with pytest.raises(ValueError, match="not a postcode area"):
        parse_coverage(f"SO14 {bad}")


def test_outward_code():
    assert outward_code("so14 3ab") == "SO14"
    assert outward_code("W1A1AA") == "W1A"


@pytest.mark.parametrize(
    "postcode, entry",
    [("SO14 3AB", "SO14"), ("BH1 1AA", "BH"), ("SO1 1AA", None), ("S14 3AB", None), ("SO15 2XY", None)],
    ids=["district", "whole area", "SO1 is not SO14", "S is not SO", "another district"],
)
def test_covering_entry(postcode, entry):
    assert covering_entry(("SO14", "BH"), postcode) == entry


@pytest.mark.parametrize(
    "coverage, postcode, nfa, expected",
    [
        (("SO14",), "SO14 3AB", False, True),
        (("SO14",), "GU51 1AA", False, False),
        (("SO14",), "", False, None),
        (("SO14",), None, False, None),
        (("SO14",), "SO14 3AB", True, None),
        (("SO14",), "not a postcode", False, None),
        ((), "SO14 3AB", False, None),
    ],
    ids=["inside", "outside", "blank postcode", "no address", "no fixed abode", "unreadable", "no area configured"],
)
def test_resident_in_area_not_known_is_never_outside(coverage, postcode, nfa, expected):
    assert resident_in_area(coverage=coverage, postcode=postcode, no_fixed_abode=nfa) is expected
