"""``screening_periods.periods`` against the criteria written out here a day at a time from their
definitions (000 §5.7, 003; the module's docstring), over generated records crowded with the dates
the rolling twelve months get wrong: month ends, 29 February and the days either side, the turn of
the year. Each day of the span is screened on its own, runs of days with the same answer and the
same (arrests in the year, latest arrest) are the periods; the function must give exactly those."""

from __future__ import annotations

import calendar
import datetime

from hypothesis import given
from hypothesis import strategies as st

from iomhub.rules.screening_periods import FOREVER, Period, periods

D = datetime.date
ONE = datetime.timedelta(days=1)
NEIGHBOURHOOD = ("burglary", "robbery", "vehicle", "theft-from-person")


def months_later(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` calendar months on, or that month's last day when it has no such day."""
    month_index = day.year * 12 + day.month - 1 + months
    year, month = month_index // 12, month_index % 12 + 1
    return D(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _meets(record: dict, day: datetime.date) -> tuple[bool, int, datetime.date | None]:
    year_ago = months_later(day, -12)  # the rolling year: after this day, up to and including ``day``
    in_year = [a for a in record["arrest_dates"] if year_ago < a <= day]
    crime = any(year_ago < d <= day and c in NEIGHBOURHOOD for d, c in record["offences"])
    serving_short = any(
        length >= 1 and start <= day <= start + (length - 1) * ONE and start + (length - 1) * ONE < months_later(start, 12) - ONE
        for start, length in record["custodial_sentences"]
    )
    order_made = any(o <= day for o in record["orders"])
    breach = order_made and any(year_ago < w <= day for w in record["breach_warrants"])
    past = [a for a in record["arrest_dates"] if a <= day]
    return len(in_year) >= 6 or crime or serving_short or breach, len(in_year), max(past, default=None)


def reference(record: dict) -> list[Period]:
    days = [*record["arrest_dates"], *(d for d, _ in record["offences"]), *(d for d, _ in record["custodial_sentences"])]
    days += [*record["breach_warrants"], *record["orders"]]
    if not days:
        return []
    first, last = min(days), max(days) + datetime.timedelta(days=800)  # by then every fact has left the year
    found: list[Period] = []
    day = first
    while day <= last:
        met, count, latest = _meets(record, day)
        if met:
            if found and found[-1].ends_on == day - ONE and (found[-1].arrests_in_year, found[-1].last_arrest) == (count, latest):
                found[-1] = Period(found[-1].starts_on, day, count, latest)
            else:
                found.append(Period(day, day, count, latest))
        day += ONE
    if found and found[-1].ends_on == last:
        found[-1] = Period(found[-1].starts_on, FOREVER, found[-1].arrests_in_year, found[-1].last_arrest)
    return found


def _edges() -> list[datetime.date]:
    found = []
    for year in (2019, 2020, 2023, 2024, 2025):
        for month in range(1, 13):
            end = D(year, month, calendar.monthrange(year, month)[1])
            found += [end - ONE, end, end + ONE]
    return found


EDGES = _edges()
day = st.one_of(st.sampled_from(EDGES), st.dates(min_value=D(2019, 1, 1), max_value=D(2025, 12, 31)))
near = st.builds(lambda d, n: d + datetime.timedelta(days=n), st.sampled_from(EDGES), st.integers(-3, 3))
days = st.lists(st.one_of(day, near), max_size=12)
record = st.fixed_dictionaries(
    {
        "arrest_dates": days,
        "offences": st.lists(st.tuples(st.one_of(day, near), st.sampled_from([*NEIGHBOURHOOD, "other"])), max_size=4),
        "custodial_sentences": st.lists(
            st.tuples(st.one_of(day, near), st.one_of(st.sampled_from([0, 1, 28, 364, 365, 366, 367]), st.integers(-2, 800))), max_size=3
        ),
        "breach_warrants": st.lists(st.one_of(day, near), max_size=3),
        "orders": st.lists(st.one_of(day, near), max_size=2),
    }
)


@given(record=record)
def test_periods_are_the_days_screening_meets_a_criterion(record):
    assert periods(**record) == reference(record)


@given(burst=st.one_of(day, near), gaps=st.lists(st.sampled_from([0, 1, 27, 28, 29, 30, 31, 59, 60]), min_size=5, max_size=9))
def test_bursts_of_arrests_around_month_ends(burst, gaps):
    arrests = [burst]
    for gap in gaps:
        arrests.append(arrests[-1] + datetime.timedelta(days=gap))
    record = {"arrest_dates": arrests, "offences": [], "custodial_sentences": [], "breach_warrants": [], "orders": []}
    assert periods(**record) == reference(record)
