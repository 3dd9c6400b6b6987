"""The Treatment Outcomes Profile (000 §4.9.3, §9.2; instruments.md §7.3): vectors written by hand."""

import pytest

from iomhub.rules.top import MEASURES, change, check, first_and_latest


def profile(**given):
    """A possible profile: nothing used, no crime, middling health, then ``given``."""
    values = {m.name: (False if m.kind == "yes-no" else 0) for m in MEASURES}
    values["alcohol_units"] = None
    values.update(psychological_health=10, physical_health=10, quality_of_life=10)
    values.update(given)
    return values


def test_a_possible_profile_has_no_problems():
    assert check(profile()) == {}
    assert check(profile(alcohol_days=28, alcohol_units=200, opiates_days=28, psychological_health=20, quality_of_life=0)) == {}


@pytest.mark.parametrize(
    "given, field, message",
    [
        ({"opiates_days": 29}, "opiates_days", "Days using opiates (illicit): must be between 0 and 28, not 29"),
        ({"crack_days": -1}, "crack_days", "must be between 0 and 28, not -1"),
        ({"physical_health": 21}, "physical_health", "Physical health (0 poor to 20 good): must be between 0 and 20, not 21"),
        ({"alcohol_days": 3, "alcohol_units": 201}, "alcohol_units", "must be between 0 and 200, not 201"),
        ({"alcohol_days": 3}, "alcohol_units", "answer the question (there were drinking days)"),
        ({"alcohol_days": 0, "alcohol_units": 6}, "alcohol_units", "leave it empty when there were no drinking days"),
        ({"assault": "yes"}, "assault", "Committed assault or violence: answer yes or no"),
        ({"injecting_days": 2.5}, "injecting_days", "enter a whole number"),
        ({"injecting_days": True}, "injecting_days", "enter a whole number"),
        ({"quality_of_life": None}, "quality_of_life", "Overall quality of life (0 poor to 20 good): answer the question"),
        ({"heroin_days": 3}, "heroin_days", "heroin_days is not a question"),
    ],
)
def test_impossible_answers_are_refused_naming_the_question(given, field, message):
    problems = check(profile(**given))
    assert list(problems) == [field]
    assert message in problems[field]


def test_change_from_start_to_exit_by_hand():
    start = profile(opiates_days=20, crack_days=12, shoplifting_days=8, psychological_health=6, paid_work_days=0, eviction_risk=True)
    exit_ = profile(opiates_days=4, crack_days=12, shoplifting_days=10, psychological_health=14, paid_work_days=5, eviction_risk=False)
    found = {c.name: (c.first, c.latest, c.difference, c.direction) for c in change(start, exit_)}
    assert found["opiates_days"] == (20, 4, -16, "better")
    assert found["crack_days"] == (12, 12, 0, "same")
    assert found["shoplifting_days"] == (8, 10, 2, "worse")
    assert found["psychological_health"] == (6, 14, 8, "better")
    assert found["paid_work_days"] == (0, 5, 5, "better")
    assert found["eviction_risk"] == (1, 0, -1, "better")
    assert "alcohol_units" not in found  # not asked at either


def test_first_and_latest_by_date_not_by_order_given():
    import datetime

    a, b, c = profile(crack_days=1), profile(crack_days=2), profile(crack_days=3)
    pair = first_and_latest([(datetime.date(2026, 5, 1), b), (datetime.date(2026, 1, 1), a), (datetime.date(2026, 9, 1), c)])
    assert pair == (a, c)
    assert first_and_latest([(datetime.date(2026, 1, 1), a)]) is None
