"""AUDIT and AUDIT-C (000 §6.3.2, appendices 2-3; instruments.md §1)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iomhub.rules.alcohol import audit, audit_c


def _audit_scoring(total):
    """Ten valid answers adding up to ``total``: questions 1-8 first, then 9-10 in steps of 2."""
    answers = [0] * 10
    remaining = total
    for i in range(8):
        answers[i] = min(4, remaining)
        remaining -= answers[i]
    for i in (8, 9):
        step = min(4, remaining - remaining % 2)
        answers[i] = step
        remaining -= step
    assert remaining == 0
    return answers


@pytest.mark.parametrize(
    "total, zone, brief, refer",
    [
        (0, "lower-risk", False, False),
        (7, "lower-risk", False, False),
        (8, "increasing-risk", True, False),
        (15, "increasing-risk", True, False),
        (16, "higher-risk", True, False),
        (19, "higher-risk", True, False),
        (20, "possible-dependence", False, True),
        (40, "possible-dependence", False, True),
    ],
    ids=["0 lower", "7/8 edge: 7", "7/8 edge: 8", "15/16 edge: 15", "15/16 edge: 16", "19/20 edge: 19", "19/20 edge: 20", "40 maximum"],
)
def test_audit_zone_and_action_by_total_000_6_3_2(total, zone, brief, refer):
    result = audit(_audit_scoring(total))
    assert (result.score, result.zone, result.brief_advice, result.refer_specialist) == (total, zone, brief, refer)
    assert result.full_audit_advised is False
    assert result.breakdown


@pytest.mark.parametrize(
    "answers, zone, brief",
    [
        ([0, 0, 0], "lower-risk", False),
        ([4, 0, 0], "lower-risk", False),
        ([2, 1, 1], "lower-risk", False),
        ([2, 2, 1], "increasing-or-higher-risk", True),
        ([4, 4, 4], "increasing-or-higher-risk", True),
    ],
    ids=["0", "4 (one question at most)", "4/5 edge: 4", "4/5 edge: 5", "12 maximum"],
)
def test_audit_c_five_or_more_means_brief_advice_and_the_full_audit_000_appendix_3(answers, zone, brief):
    result = audit_c(answers)
    assert (result.zone, result.brief_advice, result.full_audit_advised) == (zone, brief, brief)
    assert result.refer_specialist is False  # AUDIT-C never refers by itself


@pytest.mark.parametrize(
    "fn, answers, message",
    [
        (audit_c, [1, 2], "exactly 3 answers, not 2"),
        (audit_c, [1, 2, 3, 4], "exactly 3 answers, not 4"),
        (audit_c, [1, 5, 0], "question 2: answer must be one of 0, 1, 2, 3, 4, not 5"),
        (audit_c, [1, -1, 0], "question 2"),
        (audit_c, [1, 2.0, 0], "question 2: answer must be a whole number"),
        (audit_c, [True, 0, 0], "question 1: answer must be a whole number"),
        (audit_c, "123", "must be a sequence"),
        (audit, [0] * 9, "exactly 10 answers, not 9"),
        (audit, [0] * 8 + [1, 0], "question 9: answer must be one of 0, 2, 4, not 1"),
        (audit, [0] * 8 + [0, 3], "question 10: answer must be one of 0, 2, 4, not 3"),
        (audit, [0] * 7 + [5, 0, 0], "question 8"),
    ],
)
def test_invalid_answers_are_refused_naming_the_question(fn, answers, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        fn(answers)


@given(st.lists(st.integers(0, 4), min_size=8, max_size=8), st.sampled_from([0, 2, 4]), st.sampled_from([0, 2, 4]))
def test_audit_score_is_the_sum_and_stays_in_range(first_eight, q9, q10):
    result = audit([*first_eight, q9, q10])
    assert result.score == sum(first_eight) + q9 + q10
    assert 0 <= result.score <= 40
    assert not (result.brief_advice and result.refer_specialist)


@given(st.lists(st.integers(0, 4), min_size=3, max_size=3))
def test_audit_c_is_positive_exactly_at_five_or_more(answers):
    assert audit_c(answers).brief_advice == (sum(answers) >= 5)
