"""The meeting's deadlines (seed 002 §"Purpose of the Referral and Operational Meeting")."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iomhub.rules.meetings import circulate_plans_by, circulated_late, written_update_due

D = dt.date


@pytest.mark.parametrize(
    "held_on, due",
    [
        (D(2026, 11, 2), D(2026, 11, 4)),  # Monday -> Wednesday
        (D(2026, 11, 5), D(2026, 11, 9)),  # Thursday -> the next Monday, not Saturday
        (D(2026, 11, 6), D(2026, 11, 10)),  # Friday -> Tuesday
        (D(2026, 11, 7), D(2026, 11, 10)),  # a Saturday meeting counts from Monday
        (D(2026, 11, 8), D(2026, 11, 10)),  # Sunday -> Tuesday
    ],
    ids=["monday", "thursday", "friday", "saturday", "sunday"],
)
def test_plans_are_circulated_within_2_working_days_002(held_on, due):
    deadline = circulate_plans_by(held_on=held_on)
    assert deadline.due == due
    assert "002 §2" in deadline.breakdown[0]


@pytest.mark.parametrize(
    "held_on, due, why",
    [
        (D(2026, 11, 3), D(2026, 11, 2), "the day before"),  # Tuesday -> Monday
        (D(2026, 11, 2), D(2026, 10, 30), "closest working day"),  # Monday -> the Friday before
        (D(2026, 11, 8), D(2026, 11, 6), "closest working day"),  # Sunday -> Friday
    ],
)
def test_an_absent_officers_written_update_is_due_the_working_day_before_002(held_on, due, why):
    deadline = written_update_due(held_on=held_on)
    assert deadline.due == due
    assert why in deadline.breakdown[0]


def test_circulation_on_the_deadline_is_on_time_and_the_day_after_is_late():
    held = D(2026, 11, 5)  # Thursday; due Monday 9th
    assert circulated_late(held_on=held, circulated_on=D(2026, 11, 5)) is False
    assert circulated_late(held_on=held, circulated_on=D(2026, 11, 9)) is False
    assert circulated_late(held_on=held, circulated_on=D(2026, 11, 10)) is True


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: circulate_plans_by(held_on="2026-11-05"), "held_on must be a date"),
        (lambda: written_update_due(held_on=dt.datetime(2026, 11, 5, 10, 0)), "held_on must be a date"),
        (lambda: circulated_late(held_on=D(2026, 11, 5), circulated_on=D(2026, 11, 4)), r"circulated_on \(2026-11-04\) is before"),
        (lambda: circulated_late(held_on=D(2026, 11, 5), circulated_on=None), "circulated_on must be a date"),
    ],
)
def test_invalid_dates_are_refused_naming_the_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@given(st.dates(min_value=D(2000, 1, 1), max_value=D(2100, 1, 1)))
def test_deadlines_fall_on_working_days_around_the_meeting(held_on):
    circulate = circulate_plans_by(held_on=held_on).due
    update = written_update_due(held_on=held_on).due
    assert circulate.weekday() < 5 and update.weekday() < 5
    assert update < held_on < circulate <= held_on + dt.timedelta(days=4)
    working_days_between = sum(1 for n in range(1, (circulate - held_on).days + 1) if (held_on + dt.timedelta(days=n)).weekday() < 5)
    assert working_days_between == 2
