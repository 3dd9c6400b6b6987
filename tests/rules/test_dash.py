"""DASH and MARAC referral (000 §6.7; SafeLives 24-question checklist; instruments.md §2.4)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iomhub.rules.dash import dash


def answers(yes, not_known=0):
    return ["yes"] * yes + ["not-known"] * not_known + ["no"] * (24 - yes - not_known)


@pytest.mark.parametrize(
    "yes, high", [(0, False), (13, False), (14, True), (24, True)], ids=["none", "13/14 edge: 13", "13/14 edge: 14", "all"]
)
def test_fourteen_yes_answers_is_visible_high_risk(yes, high):
    result = dash(answers(yes))
    assert (result.yes_count, result.high_risk, result.refer_to_marac) == (yes, high, high)
    assert result.reasons == (("visible-high-risk",) if high else ())


def test_not_known_is_not_counted_as_yes():
    assert dash(answers(13, not_known=11)).refer_to_marac is False


@pytest.mark.parametrize(
    "kwargs, reasons",
    [
        ({"professional_judgement": True}, ("professional-judgement",)),
        ({"incidents_last_12_months": 2}, ()),
        ({"incidents_last_12_months": 3}, ("potential-escalation",)),
        ({"incidents_last_12_months": 4, "escalation_threshold": 5}, ()),
        ({"incidents_last_12_months": 5, "escalation_threshold": 5}, ("potential-escalation",)),
        ({"repeat_within_12_months_of_last_marac": True}, ("repeat",)),
    ],
    ids=["judgement alone", "2 incidents", "3 incidents (default threshold)", "4 of 5 (local threshold)", "5 of 5", "repeat"],
)
def test_each_other_marac_criterion_refers_on_its_own(kwargs, reasons):
    result = dash(answers(2), **kwargs)
    assert result.reasons == reasons
    assert result.refer_to_marac == bool(reasons)
    assert result.high_risk is False


@pytest.mark.parametrize(
    "args, kwargs, message",
    [
        ((answers(1)[:23],), {}, "exactly 24 answers, not 23"),
        ((["maybe", *answers(0)[1:]],), {}, "question 1: answer must be yes, no or not-known"),
        ((answers(0),), {"incidents_last_12_months": -1}, "incidents_last_12_months must be a whole number of 0 or more"),
        ((answers(0),), {"escalation_threshold": 0}, "escalation_threshold must be 1 or more"),
        (("yes" * 24,), {}, "must be a sequence"),
        ((answers(0),), {"professional_judgement": "yes"}, "professional_judgement must be True or False"),
        ((answers(0),), {"repeat_within_12_months_of_last_marac": 1}, "repeat_within_12_months_of_last_marac must be True or False"),
        ((answers(0),), {"incidents_last_12_months": 2.5}, "incidents_last_12_months must be a whole number"),
    ],
)
def test_invalid_checklists_are_refused(args, kwargs, message):
    with pytest.raises(ValueError, match=message):
        dash(*args, **kwargs)


@given(st.lists(st.sampled_from(["yes", "no", "not-known"]), min_size=24, max_size=24), st.booleans(), st.integers(0, 10))
def test_professional_judgement_never_downgrades_and_count_stays_in_range(checklist, judgement, incidents):
    result = dash(checklist, professional_judgement=judgement, incidents_last_12_months=incidents)
    assert 0 <= result.yes_count <= 24
    if result.yes_count >= 14:
        assert result.refer_to_marac
    if judgement:
        assert result.refer_to_marac
