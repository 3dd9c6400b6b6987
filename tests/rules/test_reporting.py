"""The report arithmetic (``iomhub.rules.reporting``), with hand-worked answers."""

from __future__ import annotations

import datetime

import pytest

from iomhub.rules.quarters import Quarter
from iomhub.rules.reporting import against_target, average_caseload, on_caseload, wilson_interval

D = datetime.date


@pytest.mark.parametrize(
    ("text", "start", "end", "days"),
    [
        ("2026Q1", D(2026, 1, 1), D(2026, 3, 31), 90),
        ("2024Q1", D(2024, 1, 1), D(2024, 3, 31), 91),  # leap year
        ("2026Q3", D(2026, 7, 1), D(2026, 9, 30), 92),
        ("2026q4", D(2026, 10, 1), D(2026, 12, 31), 92),
    ],
)
def test_a_quarter_is_its_three_calendar_months(text, start, end, days):
    quarter = Quarter.parse(text)
    assert (quarter.start, quarter.end, quarter.days) == (start, end, days)


@pytest.mark.parametrize("text", ["2026Q5", "2026Q0", "26Q3", "2026-Q3", "", "Q3 2026", "1999Q1", "2026Q3; drop"])
def test_a_malformed_quarter_is_refused_by_name(text):
    with pytest.raises(ValueError, match="quarter"):
        Quarter.parse(text)


def test_quarters_follow_each_other_across_a_year():
    assert str(Quarter.parse("2026Q4").next()) == "2027Q1"
    assert str(Quarter.parse("2027Q1").previous()) == "2026Q4"
    assert Quarter.containing(D(2026, 9, 30)) == Quarter(2026, 3)
    assert Quarter.containing(D(2026, 10, 1)) == Quarter(2026, 4)


def test_the_exit_day_is_not_a_day_on_the_caseload():
    assert on_caseload(started_on=D(2026, 1, 1), ended_on=D(2026, 2, 1), day=D(2026, 1, 31))
    assert not on_caseload(started_on=D(2026, 1, 1), ended_on=D(2026, 2, 1), day=D(2026, 2, 1))
    assert on_caseload(started_on=D(2026, 1, 1), ended_on=None, day=D(2026, 1, 1))
    assert not on_caseload(started_on=D(2026, 1, 2), ended_on=None, day=D(2026, 1, 1))


def test_average_caseload_counts_days_managed_over_the_days_of_the_period():
    # A 30-day period (April 2026): one person all month (30), one from 16 April (15), one who left
    # on 11 April (10: 1-10 April), one who left on 1 April (0), one from before to after (30).
    intervals = [
        (D(2026, 4, 1), None),
        (D(2026, 4, 16), None),
        (D(2026, 3, 1), D(2026, 4, 11)),
        (D(2026, 3, 1), D(2026, 4, 1)),
        (D(2025, 1, 1), D(2026, 6, 1)),
        (D(2026, 5, 1), None),  # after the period
    ]
    assert average_caseload(intervals, start=D(2026, 4, 1), end=D(2026, 4, 30)) == pytest.approx(85 / 30)


def test_average_caseload_refuses_a_registration_that_ends_before_it_starts():
    with pytest.raises(ValueError, match=r"intervals\[0\]"):
        average_caseload([(D(2026, 4, 2), D(2026, 4, 1))], start=D(2026, 4, 1), end=D(2026, 4, 30))


def test_wilson_interval_matches_the_reference_worked_example():
    # outcomes.md §9.1: 4 of 8, 95% CI 21.5% to 78.5%.
    low, high = wilson_interval(4, 8)
    assert (round(low, 3), round(high, 3)) == (0.215, 0.785)
    assert wilson_interval(0, 0) is None
    low, high = wilson_interval(0, 10)
    assert low == 0.0 and high == pytest.approx(0.2775, abs=1e-4)


@pytest.mark.parametrize(
    ("baseline", "observed", "met", "reduction"),
    [
        (0.75, 0.5, True, 1 / 3),
        (0.5, 0.4, True, 0.2),  # exactly 20% meets the target
        (0.5, 0.45, False, 0.1),
        (0.4, 0.5, False, -0.25),
        (0.0, 0.2, None, None),
        (None, 0.2, None, None),
    ],
)
def test_the_20_percent_target_is_judged_against_the_baseline(baseline, observed, met, reduction):
    check = against_target(baseline=baseline, observed=observed)
    assert check.met is met
    if reduction is None:
        assert check.reduction is None
    else:
        assert check.reduction == pytest.approx(reduction)
