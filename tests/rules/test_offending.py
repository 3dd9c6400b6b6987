"""The offending chart's counts (issue 4 §7): offences by category per calendar quarter, custody
and registration periods over the same quarters."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iomhub.rules.offending import OTHER, offending_by_quarter, quarter_of, quarters_between
from iomhub.rules.quarters import Quarter

D = dt.date
CATS = ("burglary", "robbery", OTHER)


@pytest.mark.parametrize(
    "day, quarter",
    [
        (D(2025, 1, 1), Quarter(2025, 1)),
        (D(2025, 3, 31), Quarter(2025, 1)),
        (D(2025, 4, 1), Quarter(2025, 2)),
        (D(2025, 12, 31), Quarter(2025, 4)),
    ],
)
def test_calendar_quarters(day, quarter):
    assert quarter_of(day) == quarter
    assert quarter.start <= day <= quarter.end


def test_quarter_edges_and_labels():
    assert (Quarter(2024, 1).start, Quarter(2024, 1).end) == (D(2024, 1, 1), D(2024, 3, 31))
    assert Quarter(2024, 4).end == D(2024, 12, 31) and Quarter(2024, 4).next() == Quarter(2025, 1)
    assert Quarter(2025, 3).label == "Q3 2025" and Quarter(2025, 3).months == "July to September 2025"
    assert quarters_between(Quarter(2024, 3), Quarter(2025, 2)) == [Quarter(2024, 3), Quarter(2024, 4), Quarter(2025, 1), Quarter(2025, 2)]


def test_offences_are_counted_by_category_in_their_quarter_unknown_categories_as_other():
    chart = offending_by_quarter(
        offences=[
            (D(2025, 3, 31), "burglary"),
            (D(2025, 4, 1), "burglary"),
            (D(2025, 4, 30), "robbery"),
            (D(2025, 5, 1), "vehicle"),  # not charted separately: other
            (D(2025, 9, 2), "burglary"),  # after today: not counted
        ],
        categories=CATS,
        today=D(2025, 9, 1),
    )
    assert [(q.quarter.label, q.counts) for q in chart.quarters] == [
        ("Q1 2025", (1, 0, 0)),
        ("Q2 2025", (1, 1, 1)),
        ("Q3 2025", (0, 0, 0)),
    ]
    assert chart.total == 4 and chart.peak == 3 and chart.category_totals() == (2, 1, 1)


def test_custody_and_registration_periods_are_clipped_merged_and_cover_quarters():
    chart = offending_by_quarter(
        offences=[(D(2024, 2, 10), OTHER)],
        categories=CATS,
        today=D(2025, 5, 15),
        custody=[(D(2024, 5, 1), D(2024, 6, 30)), (D(2024, 7, 1), D(2024, 9, 30)), (D(2025, 5, 1), None)],  # remand then sentence
        registrations=[(D(2024, 10, 15), None)],
    )
    assert [(p.start, p.end, p.ongoing) for p in chart.custody] == [
        (D(2024, 5, 1), D(2024, 9, 30), False),
        (D(2025, 5, 1), D(2025, 5, 15), True),
    ]
    assert [(p.start, p.end, p.ongoing) for p in chart.registrations] == [(D(2024, 10, 15), D(2025, 5, 15), True)]
    assert [(q.quarter.label, q.in_custody, q.registered) for q in chart.quarters] == [
        ("Q1 2024", "none", "none"),
        ("Q2 2024", "part", "none"),
        ("Q3 2024", "all", "none"),
        ("Q4 2024", "none", "part"),
        ("Q1 2025", "none", "all"),
        ("Q2 2025", "part", "all"),  # all of the quarter so far (to today) registered
    ]


def test_the_chart_keeps_the_latest_quarters_and_counts_earlier_offences():
    chart = offending_by_quarter(
        offences=[(D(2015, 1, 1), OTHER), (D(2016, 6, 1), "robbery"), (D(2025, 1, 2), "burglary")],
        categories=CATS,
        today=D(2025, 2, 1),
        custody=[(D(2014, 1, 1), D(2023, 2, 1))],
        max_quarters=8,
    )
    assert chart.quarters[0].quarter == Quarter(2023, 2) and chart.quarters[-1].quarter == Quarter(2025, 1)
    assert chart.earlier_offences == 2 and chart.total == 1
    assert not chart.custody  # ended before the first quarter shown


def test_nothing_recorded_gives_an_empty_chart():
    chart = offending_by_quarter(offences=[], categories=CATS, today=D(2025, 1, 1))
    assert chart.quarters == () and chart.total == 0 and chart.start is None


def test_the_categories_must_include_other():
    with pytest.raises(ValueError, match="other"):
        offending_by_quarter(offences=[], categories=("burglary",), today=D(2025, 1, 1))


@given(
    st.lists(st.tuples(st.dates(D(2010, 1, 1), D(2026, 12, 31)), st.sampled_from(("burglary", "robbery", "vehicle", OTHER))), max_size=40),
    st.integers(1, 80),
)
def test_every_offence_up_to_today_is_counted_once(offences, max_quarters):
    today = D(2026, 6, 30)
    chart = offending_by_quarter(offences=offences, categories=CATS, today=today, max_quarters=max_quarters)
    assert chart.total + chart.earlier_offences == sum(1 for day, _ in offences if day <= today)
    assert len(chart.quarters) <= max_quarters
    if chart.quarters:
        assert chart.quarters[-1].quarter == quarter_of(today)
