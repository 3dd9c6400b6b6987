"""The meeting's deadlines (seed 002 §"Purpose of the Referral and Operational Meeting")."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iomhub.rules.meetings import bank_holiday, circulate_plans_by, circulated_late, working_day, written_update_due

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
    assert working_day(circulate) and working_day(update)
    assert update < held_on < circulate <= held_on + dt.timedelta(days=8)
    days_after = [held_on + dt.timedelta(days=n) for n in range(1, (circulate - held_on).days + 1)]
    assert sum(1 for d in days_after if working_day(d)) == 2
    days_before = [held_on - dt.timedelta(days=n) for n in range(1, (held_on - update).days)]
    assert not any(working_day(d) for d in days_before)


# England and Wales bank holidays, from the published gov.uk list (written out by hand here, not read
# from the library): Easter 2026 is Good Friday 3 April and Easter Monday 6 April; Christmas 2026 falls
# on a Friday, so Boxing Day (Saturday) is observed on Monday 28 December; Spring bank holiday 25 May.
@pytest.mark.parametrize(
    "held_on, due",
    [
        (D(2026, 4, 2), D(2026, 4, 8)),  # Thursday before Easter -> Tuesday 7th is the 1st, Wednesday the 2nd
        (D(2026, 12, 24), D(2026, 12, 30)),  # Thursday: 25th, 28th off -> Tuesday 29th, Wednesday 30th
        (D(2026, 5, 22), D(2026, 5, 27)),  # Friday before the spring bank holiday -> Tuesday, Wednesday
    ],
    ids=["easter", "christmas", "spring-bank-holiday"],
)
def test_bank_holidays_are_not_working_days_for_circulation(held_on, due):
    assert circulate_plans_by(held_on=held_on).due == due


@pytest.mark.parametrize(
    "held_on, due",
    [
        (D(2026, 4, 7), D(2026, 4, 2)),  # Tuesday after Easter: Monday 6th and Friday 3rd are holidays
        (D(2026, 12, 29), D(2026, 12, 24)),  # Tuesday: the 28th (observed) and 25th are holidays
    ],
)
def test_a_written_update_is_due_on_the_closest_working_day_before_a_bank_holiday(held_on, due):
    deadline = written_update_due(held_on=held_on)
    assert deadline.due == due
    assert "closest working day" in deadline.breakdown[0]


def test_bank_holidays_of_england_and_wales_not_scotland():
    assert bank_holiday(D(2026, 8, 31))  # England's late summer bank holiday
    assert not bank_holiday(D(2026, 8, 3))  # Scotland's summer bank holiday is not England's
    assert not bank_holiday(D(2026, 1, 2))  # 2 January is a Scottish holiday only
    assert bank_holiday(D(2026, 12, 28))  # Boxing Day observed
