"""The screening periods (``iomhub.rules.screening_periods``) against the rule they stand in for:
on every day of a span, a day lies in a period exactly when ``eligibility.screen`` (with no
exclusion and none of IOM Hub's own facts) finds a criterion met, and the period's arrests in the
year and latest arrest are the ones screening that day counts. Records drawn at random (a fixed
seed), with leap days and month ends, where the rolling twelve months are easiest to get wrong."""

from __future__ import annotations

import datetime
import itertools
import random

import pytest

from iomhub.rules import eligibility
from iomhub.rules.screening_periods import leaves_window, periods

D = datetime.date
ONE = datetime.timedelta(days=1)
CATEGORIES = ("burglary", "robbery", "vehicle", "theft-from-person", "other", "other", "other")


def _record(rng: random.Random) -> dict:
    start = D(2023, 1, 1)

    def day() -> datetime.date:
        return start + datetime.timedelta(days=rng.randrange(0, 3 * 365))

    burst = day()
    arrests = [day() for _ in range(rng.randrange(0, 6))] + [
        burst + datetime.timedelta(days=rng.randrange(0, 200)) for _ in range(rng.randrange(0, 9))
    ]
    if rng.random() < 0.3:
        arrests += [D(2024, 2, 29), D(2025, 2, 28), D(2024, 3, 31)]
    return {
        "arrest_dates": arrests,
        "offences": [(day(), rng.choice(CATEGORIES)) for _ in range(rng.randrange(0, 4))],
        "custodial_sentences": [(day(), rng.choice([14, 28, 90, 180, 364, 365, 366, 400, 730])) for _ in range(rng.randrange(0, 3))],
        "breach_warrants": [day() for _ in range(rng.randrange(0, 2))],
        "orders": [day() for _ in range(rng.randrange(0, 2))],
    }


def _screened(record: dict, on: datetime.date) -> tuple[bool, int, datetime.date | None]:
    year_ago = eligibility.add_months(on, -12)
    breached = any(year_ago < w <= on for w in record["breach_warrants"])
    on_order = any(o <= on for o in record["orders"])
    result = eligibility.screen(
        as_of=on,
        date_of_birth=D(1980, 1, 1),
        arrest_dates=[d for d in record["arrest_dates"] if d <= on],
        offences=[(d, c) for d, c in record["offences"] if d <= on],
        custodial_sentences=[(d, n) for d, n in record["custodial_sentences"] if d <= on],
        community_order_non_compliance=breached and on_order,
        resident_in_area=None,
    )
    past = [d for d in record["arrest_dates"] if d <= on]
    return bool(result.criteria), eligibility.arrests_in_rolling_year(arrest_dates=past, as_of=on), max(past, default=None)


@pytest.mark.parametrize("seed", range(12))
def test_a_day_is_in_a_period_exactly_when_screening_that_day_meets_a_criterion(seed):
    rng = random.Random(seed)
    for _ in range(4):
        record = _record(rng)
        found = periods(**record)
        for earlier, later in itertools.pairwise(found):
            assert earlier.ends_on < later.starts_on
        on = D(2022, 12, 1)
        while on <= D(2027, 6, 1):
            met, arrests, last = _screened(record, on)
            period = next((p for p in found if p.starts_on <= on <= p.ends_on), None)
            assert (period is not None) == met, (on, record)
            if period is not None:
                assert (period.arrests_in_year, period.last_arrest) == (arrests, last), (on, record)
            on += ONE


def test_six_arrests_make_one_period_from_the_sixth_to_the_day_the_first_leaves_the_year():
    arrests = [D(2025, 1, 10), D(2025, 2, 1), D(2025, 3, 1), D(2025, 4, 1), D(2025, 5, 1), D(2025, 6, 1)]
    [period] = periods(arrest_dates=arrests, offences=[], custodial_sentences=[])
    assert period.starts_on == D(2025, 6, 1)
    assert period.ends_on == D(2026, 1, 9)  # on 10 January 2026 the year is after 10 January 2025: five arrests
    assert period.arrests_in_year == 6 and period.last_arrest == D(2025, 6, 1)


def test_a_leap_day_leaves_the_year_after_28_february():
    assert leaves_window(D(2024, 2, 29)) == D(2025, 3, 1)
    assert leaves_window(D(2024, 3, 1)) == D(2025, 3, 1)


def test_nothing_recorded_is_no_period():
    assert periods(arrest_dates=[], offences=[], custodial_sentences=[], breach_warrants=[D(2025, 1, 1)]) == []
