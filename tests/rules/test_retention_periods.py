"""Retention cut-offs and the subject access deadline, worked out by hand (calendar months)."""

from __future__ import annotations

import datetime

import pytest

from iomhub.rules.retention import DEFAULT_PERIODS, cutoff, is_past
from iomhub.rules.subject_access import due_date

D = datetime.date


@pytest.mark.parametrize(
    ("today", "months", "expected"),
    [
        (D(2026, 6, 15), 24, D(2024, 6, 15)),
        (D(2026, 6, 15), 84, D(2019, 6, 15)),
        (D(2026, 3, 31), 1, D(2026, 2, 28)),  # no 31 February: the month's last day
        (D(2028, 3, 31), 1, D(2028, 2, 29)),  # leap year
        (D(2026, 1, 10), 13, D(2024, 12, 10)),  # across a year boundary
    ],
)
def test_cutoff(today, months, expected):
    assert cutoff(today, months) == expected


def test_past_is_strictly_before_the_cutoff():
    assert is_past(D(2024, 6, 14), D(2026, 6, 15), 24)
    assert not is_past(D(2024, 6, 15), D(2026, 6, 15), 24)


@pytest.mark.parametrize("months", [0, -1, 1201])
def test_a_period_out_of_range_is_refused(months):
    with pytest.raises(ValueError, match="between 1 and 1200"):
        cutoff(D(2026, 6, 15), months)


def test_defaults_are_the_adr_periods():
    assert {k: v.months for k, v in DEFAULT_PERIODS.items()} == {"candidate": 24, "closed-case": 84, "intelligence": 72, "audit": 84}


@pytest.mark.parametrize(
    ("received", "extension", "due"),
    [
        (D(2026, 12, 5), 0, D(2027, 1, 5)),
        (D(2027, 1, 31), 0, D(2027, 2, 28)),  # ICO: no corresponding date, the month's last day
        (D(2026, 12, 5), 2, D(2027, 3, 5)),
    ],
)
def test_subject_access_due_date(received, extension, due):
    assert due_date(received, extension) == due


def test_subject_access_extension_is_at_most_two_months():
    with pytest.raises(ValueError, match="at most 2 months"):
        due_date(D(2026, 12, 5), 3)
