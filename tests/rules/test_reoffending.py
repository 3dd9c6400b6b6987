"""Proven reoffending (MoJ measure; 004; instruments.md §5.1)."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iomhub.rules.reoffending import proven_reoffending

D = dt.date
INDEX = D(2024, 3, 1)  # follow-up ends 2025-02-28, waiting period 2025-08-31


@pytest.mark.parametrize(
    "offence, proven, counts",
    [
        (D(2024, 2, 29), D(2024, 4, 1), False),
        (D(2024, 3, 1), D(2024, 4, 1), True),
        (D(2025, 2, 28), D(2025, 3, 1), True),
        (D(2025, 3, 1), D(2025, 3, 2), False),
        (D(2025, 1, 1), D(2025, 8, 31), True),
        (D(2025, 1, 1), D(2025, 9, 1), False),
    ],
    ids=[
        "day before index",
        "on the index date",
        "last day of follow-up",
        "day after follow-up",
        "proven on the last waiting day",
        "proven the day after",
    ],
)
def test_follow_up_and_waiting_period_edges(offence, proven, counts):
    result = proven_reoffending(index_events=[("p1", INDEX)], proven_offences=[("p1", offence, proven)])
    assert (result.cohort, result.reoffenders, result.reoffences) == (1, int(counts), int(counts))


def test_rate_and_frequency():
    events = [("a", INDEX), ("b", INDEX), ("c", INDEX), ("d", INDEX), ("a", D(2024, 5, 1))]
    offences = [
        ("a", D(2024, 4, 1), D(2024, 5, 1)),
        ("a", D(2024, 6, 1), D(2024, 7, 1)),
        ("a", D(2024, 7, 1), D(2024, 8, 1)),
        ("b", D(2024, 9, 1), D(2024, 10, 1)),
    ]
    result = proven_reoffending(index_events=events, proven_offences=offences)
    assert (result.cohort, result.reoffenders, result.reoffences) == (4, 2, 4)
    assert result.rate == 0.5
    assert result.per_reoffender == 2.0
    assert result.per_offender == 1.0


def test_the_earliest_index_event_counts():
    result = proven_reoffending(index_events=[("a", D(2024, 6, 1)), ("a", INDEX)], proven_offences=[("a", D(2024, 4, 1), D(2024, 4, 2))])
    assert result.reoffenders == 1


@pytest.mark.parametrize(
    "as_of, measurable", [(D(2025, 8, 31), False), (D(2025, 9, 1), True)], ids=["waiting period not over", "day after it ends"]
)
def test_people_still_in_their_waiting_period_are_left_out(as_of, measurable):
    result = proven_reoffending(index_events=[("a", INDEX)], proven_offences=[], as_of=as_of)
    assert (result.cohort, result.not_yet_measurable) == ((1, 0) if measurable else (0, 1))
    assert result.rate == (0.0 if measurable else None)


def test_proven_before_offence_is_refused():
    with pytest.raises(ValueError, match=r"proven_offences\[0\]: proven date 2024-03-01 is before the offence date 2024-04-01"):
        proven_reoffending(index_events=[("a", INDEX)], proven_offences=[("a", D(2024, 4, 1), D(2024, 3, 1))])


@given(
    st.lists(
        st.tuples(st.sampled_from("abcde"), st.dates(min_value=D(2023, 1, 1), max_value=D(2025, 1, 1)), st.integers(0, 400)), max_size=30
    )
)
def test_rate_is_a_proportion_and_reoffenders_never_exceed_the_cohort(raw):
    offences = [(p, d, d + dt.timedelta(days=lag)) for p, d, lag in raw]
    result = proven_reoffending(index_events=[(p, INDEX) for p in "abcde"], proven_offences=offences)
    assert 0 <= result.reoffenders <= result.cohort == 5
    assert 0.0 <= result.rate <= 1.0


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"index_events": [("a", "2024-03-01")]}, r"index_events\[0\] date must be a date"),
        ({"index_events": [("a",)]}, r"index_events\[0\] must be a \(person_id, index_date\) pair"),
        ({"proven_offences": [("a", D(2024, 4, 1))]}, r"proven_offences\[0\] must be a \(person_id, offence_date, proven_date\) triple"),
        ({"proven_offences": [("a", D(2024, 4, 1), None)]}, r"proven_offences\[0\] proven date must be a date"),
        ({"as_of": "2025-01-01"}, "as_of must be a date"),
    ],
    ids=["index date not a date", "index event not a pair", "offence not a triple", "proven date missing", "as_of not a date"],
)
def test_invalid_reoffending_input_is_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        proven_reoffending(**{"index_events": [("a", INDEX)], "proven_offences": [], **kwargs})


@given(st.integers(0, 800))
def test_an_offence_counts_exactly_when_both_windows_hold(days_after):
    offence = INDEX + dt.timedelta(days=days_after)
    result = proven_reoffending(index_events=[("a", INDEX)], proven_offences=[("a", offence, offence)])
    assert result.reoffences == (1 if offence <= D(2025, 2, 28) else 0)
