"""Drug-test and DRR/ATR order rules (seed 000 §5.6, §6.1, appendix 4): values worked out by hand."""

import datetime

import pytest

from iomhub.rules import interventions as r

D = datetime.date


def test_substance_classes_follow_the_misuse_of_drugs_act():
    assert [r.substance_class(s) for s in ("opiates", "cocaine", "methadone")] == ["A", "A", "A"]
    assert [r.substance_class(s) for s in ("amphetamines", "cannabis", "spice")] == ["B", "B", "B"]
    assert [r.substance_class(s) for s in ("benzodiazepines", "buprenorphine")] == ["C", "C"]
    assert r.substance_class("alcohol") == ""
    assert r.substance_class("unknown") == ""


@pytest.mark.parametrize(
    ("results", "refused", "expected"),
    [
        ({"opiates": "negative", "cocaine": "negative"}, False, "negative"),
        ({"opiates": "negative", "cocaine": "positive"}, False, "positive"),
        ({}, True, "refused"),
        ({"cannabis": "positive"}, True, "refused"),
    ],
)
def test_overall_result(results, refused, expected):
    assert r.overall_result(results, refused=refused) == expected


def test_what_a_specified_test_must_include():
    assert r.missing_for_specified({"opiates"}, "class-a") == {"cocaine"}
    assert r.missing_for_specified({"opiates", "cocaine", "cannabis"}, "class-a") == frozenset()
    assert r.missing_for_specified({"benzodiazepines", "alcohol"}, "class-a-b") == {
        "opiates",
        "cocaine",
        "methadone",
        "amphetamines",
        "cannabis",
        "spice",
    }
    assert r.missing_for_specified({"cannabis"}, "class-a-b") == frozenset()
    assert r.missing_for_specified({"alcohol"}, "none") == frozenset()


def test_order_end_and_length():
    assert r.order_ends(D(2026, 1, 15), 6) == D(2026, 7, 14)
    assert r.order_ends(D(2026, 8, 31), 6) == D(2027, 2, 27)  # 28 February 2027, less a day
    assert r.order_ends(D(2025, 3, 1), 36) == D(2028, 2, 29)
    assert r.order_length_problem(5) == "An order lasts from 6 to 36 months"
    assert r.order_length_problem(37) is not None
    assert r.order_length_problem(6) is None and r.order_length_problem(36) is None
