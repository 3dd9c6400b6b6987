"""The far-future windows of ``iomhub.rules.date_windows`` and the text-direction controls of
``iomhub.rules.text_direction``. Every expected date is worked by hand from the calendar: the
window's last day is accepted and the day after refused."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iomhub.rules import date_windows
from iomhub.rules.text_direction import BIDI_CONTROLS, bidi_control

D = datetime.date


@pytest.mark.parametrize(
    ("today", "last"),
    [
        (D(2026, 12, 7), D(2028, 12, 7)),
        (D(2026, 6, 15), D(2028, 6, 15)),
        (D(2028, 2, 29), D(2030, 2, 28)),  # 2030 has no 29 February: the month's last day
        (D(2026, 12, 31), D(2028, 12, 31)),
    ],
)
def test_the_booking_window_ends_two_years_on_that_day_accepted_the_next_refused(today, last):
    assert date_windows.horizon(today) == last
    assert date_windows.within_years(last, today)
    assert not date_windows.within_years(last + datetime.timedelta(days=1), today)
    assert date_windows.within_years(today, today)
    assert not date_windows.within_years(D(2099, 1, 1), today) and not date_windows.within_years(D(9999, 12, 31), today)


def test_the_windows_are_as_documented():
    assert (date_windows.BOOKING_YEARS, date_windows.ORDER_START_MONTHS, date_windows.SUPERVISION_MONTHS) == (2, 36, 12)


@pytest.mark.parametrize(
    ("made", "last"),
    [(D(2026, 3, 2), D(2029, 3, 2)), (D(2028, 2, 29), D(2031, 2, 28)), (D(2026, 1, 31), D(2029, 1, 31))],
)
def test_an_order_starts_within_three_years_of_its_making(made, last):
    assert date_windows.latest_order_start(made) == last


@pytest.mark.parametrize(
    ("kwargs", "last"),
    [
        # PSI 5.5: 30 years from 5 January 2026 ends on 4 January 2056 (the day before the anniversary).
        ({"sentenced_on": D(2026, 1, 5), "years": 30}, D(2056, 1, 4)),
        # Sentenced on the 1st with years: the last day of the month before the anniversary.
        ({"sentenced_on": D(2026, 10, 1), "years": 30}, D(2056, 9, 30)),
        ({"sentenced_on": D(2026, 1, 5), "years": 30, "unlawfully_at_large_days": 10}, D(2056, 1, 14)),
        ({"sentenced_on": D(2026, 1, 5), "months": 10}, D(2026, 11, 4)),
        ({"sentenced_on": D(2026, 1, 5), "weeks": 2, "days": 3}, D(2026, 1, 21)),  # 4 Jan + 17 days
        ({"sentenced_on": D(2026, 1, 5), "years": 2}, D(2028, 1, 4)),
    ],
)
def test_a_release_is_no_later_than_the_sentences_last_day_plus_days_at_large(kwargs, last):
    assert date_windows.latest_release(**kwargs) == last


def test_top_up_supervision_ends_no_later_than_twelve_months_after_that():
    assert date_windows.latest_supervision(D(2056, 1, 4)) == D(2057, 1, 4)
    assert date_windows.latest_supervision(D(2027, 2, 28)) == D(2028, 2, 28)


days = st.dates(min_value=D(1900, 1, 1), max_value=D(7000, 12, 31))


@given(today=days, offset=st.integers(min_value=-3000, max_value=3000))
def test_within_years_is_exactly_on_or_before_the_horizon(today, offset):
    day = date_windows.horizon(today) + datetime.timedelta(days=offset)
    assert date_windows.within_years(day, today) is (offset <= 0)


@given(today=days)
def test_the_horizon_is_between_730_and_731_days_ahead(today):
    # Two calendar years hold 730 days, or 731 across a 29 February (one fewer when clamped from it).
    assert 729 <= (date_windows.horizon(today) - today).days <= 731


@given(
    sentenced=st.dates(min_value=D(1950, 1, 1), max_value=D(2100, 12, 31)),
    years=st.integers(0, 100),
    months=st.integers(0, 11),
    ual=st.integers(0, 5000),
)
def test_the_latest_release_grows_with_the_sentence_and_the_days_at_large(sentenced, years, months, ual):
    if not years and not months:
        months = 1
    plain = date_windows.latest_release(sentenced_on=sentenced, years=years, months=months)
    assert plain >= sentenced
    assert date_windows.latest_release(sentenced_on=sentenced, years=years, months=months, unlawfully_at_large_days=ual) == plain + (
        datetime.timedelta(days=ual)
    )
    assert date_windows.latest_release(sentenced_on=sentenced, years=years, months=months + 1) > plain


# ---- text-direction controls -------------------------------------------------------------------

NINE = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"]


def test_the_nine_explicit_controls_of_uax_9_and_no_others():
    assert frozenset(NINE) == BIDI_CONTROLS
    for char in NINE:
        assert bidi_control(f"Smith{char}txt.exe") == f"U+{ord(char):04X}"


@pytest.mark.parametrize("text", ["", "plain ASCII", "\u200e", "\u200f", "\u061c", "שלום\u200f עולם", "Zoë Ñ 名前", "\u200b", "\x00"])
def test_marks_and_other_text_are_not_direction_controls(text):
    assert bidi_control(text) is None


def test_the_first_control_is_named():
    assert bidi_control("a\u2067b\u202ec") == "U+2067"


@given(st.text(alphabet=st.characters(exclude_characters="".join(NINE))), st.sampled_from(NINE), st.text(max_size=5))
def test_one_control_anywhere_is_found(before, control, after):
    clean_after = "".join(c for c in after if c not in BIDI_CONTROLS)
    assert bidi_control(before) is None
    assert bidi_control(before + control + clean_after) == f"U+{ord(control):04X}"


# ---- sentences served one after another ---------------------------------------------------------


def test_one_sentence_alone_is_bounded_by_its_own_end():
    term = date_windows.Term(sentenced_on=D(2026, 1, 5), years=30)
    assert date_windows.latest_release_served_with(term) == D(2056, 1, 4)


def test_a_short_sentence_passed_while_serving_twenty_years_is_bounded_by_the_whole_term():
    # 20 years from 6 January 2020 is 7,305 days (five 29 Februaries) to 5 January 2040; one month
    # passed on 1 February 2026 is the 28 days of February 2026; back to back: 5 January 2040 + 28
    # days = 2 February 2040.
    month = date_windows.Term(sentenced_on=D(2026, 2, 1), months=1)
    twenty = date_windows.Term(sentenced_on=D(2020, 1, 6), years=20)
    assert date_windows.latest_release_served_with(month) == D(2026, 2, 28)
    assert date_windows.latest_release_served_with(month, [twenty]) == D(2040, 2, 2)


def test_a_sentence_passed_later_may_run_after_this_one():
    # 10 months from 5 January 2026: 304 days; 6 months from 2 March 2026: 184 days (to 1 September);
    # 488 days from 5 January 2026 end on 7 May 2027.
    ten = date_windows.Term(sentenced_on=D(2026, 1, 5), months=10)
    six = date_windows.Term(sentenced_on=D(2026, 3, 2), months=6)
    assert date_windows.latest_release_served_with(ten, [six]) == D(2027, 5, 7)


def test_an_old_sentence_long_served_does_not_lower_the_bound():
    old = date_windows.Term(sentenced_on=D(2010, 1, 5), years=2)
    ten = date_windows.Term(sentenced_on=D(2026, 1, 5), months=10)
    assert date_windows.latest_release_served_with(ten, [old]) == D(2026, 11, 4)


terms = st.builds(
    date_windows.Term,
    sentenced_on=st.dates(min_value=D(2000, 1, 1), max_value=D(2030, 12, 31)),
    years=st.integers(0, 30),
    months=st.integers(1, 11),
    unlawfully_at_large_days=st.integers(0, 400),
)


@given(term=terms, others=st.lists(terms, max_size=4))
def test_others_never_lower_the_bound_nor_raise_it_past_all_of_them_from_this_sentence(term, others):
    # Every run starts on or before this sentence's date and holds at most all the sentences.
    alone = date_windows.latest_release_served_with(term)
    bound = date_windows.latest_release_served_with(term, others)
    assert bound >= alone
    total = sum(t.served_days() for t in [term, *others])
    assert bound <= term.sentenced_on + datetime.timedelta(days=total - 1)
