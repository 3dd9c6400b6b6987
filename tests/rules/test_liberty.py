"""Offending before and after registration over time at liberty: the reference's worked example
(outcomes.md §9.2), worked by hand there, and the boundaries."""

from __future__ import annotations

import datetime

import pytest

from iomhub.rules.liberty import offending_at_liberty

D = datetime.date

# §9.2: P1 registered 1 Jan 2023, P2 1 Feb 2023, windows of 365 days.
# P1 before: custody 1 Mar-28 Jun 2022 = 120 days, liberty 245, 6 offences; after: custody 60 days
#   (1 May-29 Jun 2023), liberty 305, 2 offences.
# P2 before: no custody, liberty 365, 4 offences; after: custody 200 days (1 Mar-16 Sep 2023),
#   liberty 165, 1 offence.
REGISTRATIONS = [("P1", D(2023, 1, 1)), ("P2", D(2023, 2, 1))]
CUSTODY = [("P1", D(2022, 3, 1), D(2022, 6, 28)), ("P1", D(2023, 5, 1), D(2023, 6, 29)), ("P2", D(2023, 3, 1), D(2023, 9, 16))]
OFFENCES = (
    [("P1", D(2022, 1, 15))] * 2
    + [("P1", D(2022, 8, 1))] * 4
    + [("P1", D(2023, 2, 1)), ("P1", D(2023, 11, 1))]
    + [("P2", D(2022, 4, 1))] * 4
    + [("P2", D(2023, 12, 1))]
)


def test_the_reference_worked_example():
    found = offending_at_liberty(registrations=REGISTRATIONS, custody=CUSTODY, offences=OFFENCES, as_of=D(2025, 1, 1))
    assert (found.before.offences, found.before.liberty_days, found.after.offences, found.after.liberty_days) == (10, 610, 3, 470)
    assert found.before.rate == pytest.approx(5.98, abs=0.005)
    assert found.after.rate == pytest.approx(2.33, abs=0.005)
    assert found.reduction == pytest.approx(0.611, abs=0.0005)
    assert found.rate_ratio == pytest.approx(0.39, abs=0.005)
    assert found.rate_ratio_ci == pytest.approx((0.11, 1.41), abs=0.005)
    assert found.raw_change == pytest.approx(-0.7)
    assert found.censored == 0


def test_an_offence_on_the_registration_day_is_after_and_the_day_before_is_before():
    found = offending_at_liberty(
        registrations=[("A", D(2024, 1, 1))], custody=[], offences=[("A", D(2024, 1, 1)), ("A", D(2023, 12, 31))], as_of=D(2026, 1, 1)
    )
    assert (found.before.offences, found.after.offences) == (1, 1)
    assert (found.before.days, found.after.days) == (365, 365)


def test_the_after_window_is_cut_at_as_of_and_custody_days_count_once():
    found = offending_at_liberty(
        registrations=[("A", D(2024, 1, 1))],
        custody=[("A", D(2024, 1, 10), D(2024, 1, 19)), ("A", D(2024, 1, 15), None)],  # overlapping; the second still open
        offences=[],
        as_of=D(2024, 1, 31),
    )
    # after window 1-31 January (31 days), in custody from 10 January to the end: 22 days.
    assert (found.after.days, found.after.liberty_days, found.censored, found.not_measurable_after) == (31, 9, 1, 1)


def test_people_registered_after_as_of_are_not_counted():
    found = offending_at_liberty(registrations=[("A", D(2027, 1, 1))], custody=[], offences=[], as_of=D(2026, 1, 1))
    assert found.people == 0 and found.rate_ratio is None


def test_bad_input_is_refused_by_name():
    with pytest.raises(ValueError, match=r"custody\[0\]"):
        offending_at_liberty(registrations=[], custody=[("A", D(2024, 2, 1), D(2024, 1, 1))], offences=[], as_of=D(2026, 1, 1))
    with pytest.raises(ValueError, match="window_days"):
        offending_at_liberty(registrations=[], custody=[], offences=[], as_of=D(2026, 1, 1), window_days=0)


def test_offences_by_category_in_each_window():
    found = offending_at_liberty(
        registrations=[("A", D(2024, 1, 1))],
        custody=[],
        offences=[
            ("A", D(2023, 6, 1), "robbery"),
            ("A", D(2023, 7, 1), "robbery"),
            ("A", D(2024, 3, 1), "theft-from-vehicle"),
            ("A", D(2024, 4, 1)),
        ],
        as_of=D(2026, 1, 1),
    )
    assert found.categories_before == (("robbery", 2),)
    assert found.categories_after == (("theft-from-vehicle", 1),)
    assert found.after.offences == 2  # the offence without a category still counts
