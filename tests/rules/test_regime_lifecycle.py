"""Transfers-in reviewed after their 8 weeks as Red (002 §4) and re-registration considered 12
months before release from a long sentence (002 §2)."""

import datetime as dt

import pytest

from iomhub.rules.regime import reconsider_reregistration_from, review_due, transfer_in_red_until

D = dt.date


def test_a_transfer_in_is_reviewed_the_day_after_its_eight_weeks_as_red():
    start = D(2026, 1, 5)
    assert transfer_in_red_until(transferred_in_on=start) == D(2026, 3, 1)
    # Green-assessed after the period: the 8-week review is the earliest (before six months).
    due = review_due(rag="green", registered_on=start, rag_since=D(2026, 3, 2), transferred_in_on=start)
    assert due.due == D(2026, 3, 2)
    assert "002 §4" in due.breakdown[0]


def test_a_review_after_the_red_period_satisfies_the_transfer_review():
    start = D(2026, 1, 5)
    due = review_due(rag="green", registered_on=start, rag_since=D(2026, 3, 2), last_review=D(2026, 3, 2), transferred_in_on=start)
    assert due.due == D(2026, 6, 2)  # three-monthly from that review
    during = review_due(rag="green", registered_on=start, rag_since=start, last_review=D(2026, 2, 1), transferred_in_on=start)
    assert during.due == D(2026, 3, 2)  # a review during the Red period does not count


def test_red_weekly_review_still_applies_to_a_transfer_in():
    start = D(2026, 1, 5)
    assert review_due(rag="red", registered_on=start, rag_since=start, transferred_in_on=start).due == D(2026, 1, 12)


@pytest.mark.parametrize(
    "release, reconsider",
    [(D(2031, 6, 30), D(2030, 6, 30)), (D(2032, 2, 29), D(2031, 2, 28))],
    ids=["12 months before", "leap day clamps"],
)
def test_reconsider_re_registration_twelve_months_before_release(release, reconsider):
    assert reconsider_reregistration_from(release_date=release) == reconsider


def test_reconsider_needs_a_date():
    with pytest.raises(ValueError, match="release_date"):
        reconsider_reregistration_from(release_date="2031-06-30")  # type: ignore[arg-type]


def test_pre_release_planning_starts_three_months_before_release():
    from iomhub.rules.regime import pre_release_planning_from

    assert pre_release_planning_from(release_date=D(2026, 5, 31)) == D(2026, 2, 28)
