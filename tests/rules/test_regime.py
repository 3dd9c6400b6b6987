"""RAG regime, reviews, transfers-in and deregistration (002 appendix 1, §2, §4; 000 §5.7, §6.4)."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iomhub.rules.regime import (
    deregistration,
    earliest_deregistration,
    effective_rag,
    home_visit_overdue,
    next_home_visit_due,
    review_due,
    transfer_in_red_until,
)

D = dt.date


@pytest.mark.parametrize(
    "rag, since, last, due",
    [
        ("red", D(2026, 1, 1), None, D(2026, 1, 8)),
        ("red", D(2026, 1, 1), D(2026, 1, 5), D(2026, 1, 12)),
        ("amber", D(2026, 1, 1), None, D(2026, 1, 15)),
        ("amber", D(2026, 1, 1), D(2026, 1, 10), D(2026, 1, 24)),
        ("green", D(2026, 1, 31), None, D(2026, 2, 28)),
        ("green", D(2024, 1, 31), None, D(2024, 2, 29)),
        ("green", D(2026, 3, 15), D(2026, 4, 30), D(2026, 5, 30)),
        ("red-alert", D(2026, 1, 1), None, None),
        ("prison", D(2026, 1, 1), D(2026, 1, 2), None),
    ],
    ids=[
        "red from RAG date",
        "red from last visit",
        "amber",
        "amber from visit",
        "green month end",
        "green leap year",
        "green from visit",
        "red alert: wanted",
        "prison",
    ],
)
def test_next_home_visit_due_002_appendix_1(rag, since, last, due):
    assert next_home_visit_due(rag=rag, rag_since=since, last_home_visit=last) == due


@pytest.mark.parametrize(
    "rag, days_since_visit, overdue",
    [("red", 7, False), ("red", 8, True), ("amber", 14, False), ("amber", 15, True)],
    ids=["red day 7 on time", "red day 8 overdue", "amber day 14 on time", "amber day 15 overdue"],
)
def test_a_visit_is_overdue_the_day_after_it_is_due(rag, days_since_visit, overdue):
    visit = D(2026, 3, 2)
    today = visit + dt.timedelta(days=days_since_visit)
    assert home_visit_overdue(rag=rag, rag_since=D(2026, 1, 1), last_home_visit=visit, today=today) is overdue


def test_unknown_rag_level_is_refused():
    with pytest.raises(ValueError, match="rag must be one of red-alert, red, amber, green, prison, not 'blue'"):
        next_home_visit_due(rag="blue", rag_since=D(2026, 1, 1), last_home_visit=None)


@pytest.mark.parametrize(
    "kwargs, due",
    [
        ({"rag": "green", "registered_on": D(2026, 1, 31), "rag_since": D(2026, 1, 31)}, D(2026, 7, 31)),
        ({"rag": "green", "registered_on": D(2026, 1, 1), "rag_since": D(2026, 1, 1), "last_review": D(2026, 7, 1)}, D(2026, 10, 1)),
        ({"rag": "amber", "registered_on": D(2026, 1, 1), "rag_since": D(2026, 2, 1)}, D(2026, 5, 1)),
        ({"rag": "red", "registered_on": D(2026, 1, 1), "rag_since": D(2026, 2, 1)}, D(2026, 2, 8)),
        ({"rag": "red", "registered_on": D(2026, 1, 1), "rag_since": D(2026, 2, 1), "next_meeting": D(2026, 2, 4)}, D(2026, 2, 4)),
    ],
    ids=[
        "six months first (000 §5.7)",
        "then every three months (000 §6.4)",
        "amber three months (002 §2)",
        "red weekly",
        "red at the next meeting (002 §2)",
    ],
)
def test_review_due(kwargs, due):
    result = review_due(**kwargs)
    assert result.due == due
    assert result.breakdown


def test_review_refuses_impossible_date_order():
    with pytest.raises(ValueError, match="rag_since .* cannot be before registered_on"):
        review_due(rag="red", registered_on=D(2026, 2, 1), rag_since=D(2026, 1, 1))


def test_six_months_minimum_before_leaving():
    assert earliest_deregistration(registered_on=D(2026, 8, 31)) == D(2027, 2, 28)


@pytest.mark.parametrize(
    "today, rag",
    [(D(2026, 3, 1), "red"), (D(2026, 4, 25), "red"), (D(2026, 4, 26), "green")],
    ids=["day 1", "day 56 (last of 8 weeks)", "day 57"],
)
def test_transfers_in_are_red_for_eight_weeks_002_4(today, rag):
    assert transfer_in_red_until(transferred_in_on=D(2026, 3, 1)) == D(2026, 4, 25)
    assert effective_rag(assessed_rag="green", transferred_in_on=D(2026, 3, 1), today=today) == rag


@pytest.mark.parametrize(
    "kwargs, required, suggested",
    [
        ({"custodial_sentence_years": 5}, ("custodial-sentence-5-years",), ()),
        ({"custodial_sentence_years": 4.9}, (), ()),
        ({"custodial_sentence_days": 1827}, ("custodial-sentence-5-years",), ()),
        ({"mappa_level": 3}, ("mappa-level-3",), ()),
        ({"mappa_level": 2}, (), ()),
        ({"last_intelligence_on": D(2026, 3, 1)}, (), ("no-intelligence-3-months",)),
        ({"last_intelligence_on": D(2026, 3, 2)}, (), ()),
        ({"drug_test_results": [False, False, False]}, (), ("drug-tests-negative",)),
        ({"drug_test_results": [False, True]}, (), ()),
        ({"appointments_kept": 8, "appointments_due": 10}, (), ("good-attendance",)),
        ({"appointments_kept": 7, "appointments_due": 10}, (), ()),
        ({"risk_fallen": True, "managed_in_another_forum": True}, (), ("risk-fallen", "managed-elsewhere")),
    ],
    ids=[
        "5-year sentence requires",
        "4.9 years does not",
        "1827 days requires",
        "MAPPA 3 requires",
        "MAPPA 2 does not",
        "no intelligence for 3 months",
        "a day short of 3 months",
        "negative tests",
        "a positive test",
        "80% attendance",
        "70% attendance",
        "risk fallen and managed elsewhere",
    ],
)
def test_deregistration_rules_002_2(kwargs, required, suggested):
    advice = deregistration(today=D(2026, 6, 1), **kwargs)
    assert advice.required == required
    assert advice.suggested == suggested
    assert len(advice.breakdown) == len(required) + len(suggested)


@given(st.dates(min_value=D(2000, 1, 1), max_value=D(2040, 1, 1)), st.sampled_from(["red", "amber", "green"]))
def test_a_visit_is_always_due_after_the_last_one_and_within_a_month(start, rag):
    due = next_home_visit_due(rag=rag, rag_since=start, last_home_visit=None)
    assert start < due <= start + dt.timedelta(days=31)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: next_home_visit_due(rag="red", rag_since="2026-01-01", last_home_visit=None), "rag_since must be a date"),
        (lambda: next_home_visit_due(rag="amber", rag_since=D(2026, 1, 1), last_home_visit="x"), "last_home_visit must be a date"),
        (lambda: review_due(rag="purple", registered_on=D(2026, 1, 1), rag_since=D(2026, 1, 1)), "rag must be one of"),
        (
            lambda: review_due(rag="green", registered_on=D(2026, 2, 1), rag_since=D(2026, 2, 1), last_review=D(2026, 1, 1)),
            r"last_review \(2026-01-01\) cannot be before registered_on",
        ),
        (lambda: effective_rag(assessed_rag="pink", transferred_in_on=None, today=D(2026, 1, 1)), "rag must be one of"),
        (lambda: deregistration(today=D(2026, 6, 1), mappa_level=4), "mappa_level must be 1, 2 or 3"),
        (lambda: deregistration(today=D(2026, 6, 1), appointments_kept=5, appointments_due=4), r"appointments_kept \(5\) must be between"),
        (
            lambda: deregistration(today=D(2026, 6, 1), custodial_sentence_days=10, custodial_sentence_years=1),
            "give custodial_sentence_days or custodial_sentence_years, not both",
        ),
        (lambda: transfer_in_red_until(transferred_in_on=None), "transferred_in_on must be a date"),
    ],
    ids=[
        "visit: rag_since not a date",
        "visit: last visit not a date",
        "review: unknown level",
        "review: last review before registration",
        "effective RAG: unknown level",
        "deregistration: MAPPA 4",
        "deregistration: more kept than due",
        "deregistration: both sentence measures",
        "transfer: no date",
    ],
)
def test_invalid_regime_input_is_refused(call, message):
    with pytest.raises(ValueError, match=message):
        call()
