"""The matched comparison (issue 16 §4; ADR 0020): hand-computed pieces, and synthetic populations
with a planted effect (recovered inside the interval) and with none (the interval covers zero).
Fixed seeds: every run draws the same people."""

from __future__ import annotations

import math

import numpy as np
import pytest

from iomhub.rules.jdl_wording import describe
from iomhub.rules.matching import Subject, matched_comparison, nearest_neighbour, paired_difference, standardised_difference

COVARIATES = ("age", "male", "prior_offences", "ogrs3", "neighbourhood_crime")


def test_standardised_difference_by_hand() -> None:
    # treated 1, 2, 3 (mean 2, variance 2/3); comparison 0, 0, 0 (mean 0, variance 0)
    assert standardised_difference([1, 2, 3], [0, 0, 0]) == pytest.approx(2 / math.sqrt((2 / 3) / 2))
    assert standardised_difference([1, 1], [1, 1]) == 0.0
    assert standardised_difference([1, 2, 3], [0, 0, 0], scale=4.0) == 0.5


def test_nearest_neighbour_takes_the_highest_first_without_replacement_inside_the_caliper() -> None:
    # Treated 0.9 goes first and takes 0.85; treated 0.8 then takes 0.7 (0.85 is used); treated 0.1
    # has nothing within 0.15 of it (0.5 is 0.4 away), so it stays unmatched.
    pairs = nearest_neighbour([0.8, 0.9, 0.1], [0.5, 0.85, 0.7], caliper=0.15)
    assert pairs == [(0, 2), (1, 1)]


def test_nearest_neighbour_breaks_ties_by_order() -> None:
    assert nearest_neighbour([0.5], [0.4, 0.6], caliper=1.0) == [(0, 0)]


def test_paired_difference_by_hand() -> None:
    # differences 1, 0, 0, -1, 1: mean 0.2, sd sqrt(0.7), se sqrt(0.7)/sqrt(5); t(4, 0.975) = 2.776445
    result = paired_difference([1, 1, 0, 0, 1], [0, 1, 0, 1, 0])
    assert result is not None
    half = 2.776445 * math.sqrt(0.7) / math.sqrt(5)
    assert result.difference == pytest.approx(0.2)
    assert result.lower == pytest.approx(0.2 - half, abs=1e-5)
    assert result.upper == pytest.approx(0.2 + half, abs=1e-5)
    assert result.treated_mean == pytest.approx(0.6) and result.comparison_mean == pytest.approx(0.4)
    assert not result.significant
    assert paired_difference([1], [0]) is None


def _population(seed: int, effect: float, *, n: int = 2800, intercept: float = -4.2) -> list[Subject]:
    """People whose chance of registration (a logistic model) and of reoffending both rise with
    their offending history and OGRS3, so a naive comparison is biased; registration changes
    everyone's chance of reoffending by exactly ``effect`` (a risk difference)."""
    rng = np.random.default_rng(seed)
    subjects = []
    age = rng.normal(30, 8, n).clip(18, 70)
    male = rng.random(n) < 0.85
    prior = rng.poisson(4, n)
    ogrs3 = rng.beta(5, 4, n)
    nc = rng.random(n) < 0.4
    score = intercept + 0.35 * prior + 2.0 * ogrs3 + 0.6 * nc - 0.03 * (age - 30)
    registered = rng.random(n) < 1 / (1 + np.exp(-score))
    base = (0.15 + 0.05 * prior.clip(0, 8) + 0.25 * ogrs3).clip(0.2, 0.8)  # never pushed past 0 or 1
    risk = np.where(registered, base + effect, base)
    reoffended = rng.random(n) < risk
    for i in range(n):
        ogrs = None if i % 23 == 0 else float(ogrs3[i])  # some OGRS3 not known
        subjects.append(
            Subject(
                key=i,
                treated=bool(registered[i]),
                covariates={
                    "age": float(age[i]),
                    "male": float(male[i]),
                    "prior_offences": float(prior[i]),
                    "ogrs3": ogrs,
                    "neighbourhood_crime": float(nc[i]),
                },
                reoffended=bool(reoffended[i]),
                reoffences=int(reoffended[i]) * (1 + int(prior[i] > 5)),
            )
        )
    return subjects


def _naive(subjects: list[Subject]) -> float:
    treated = [s.reoffended for s in subjects if s.treated]
    pool = [s.reoffended for s in subjects if not s.treated]
    return sum(treated) / len(treated) - sum(pool) / len(pool)


@pytest.mark.parametrize("seed", [11, 29])
def test_a_planted_reduction_is_recovered_inside_the_interval(seed: int) -> None:
    subjects = _population(seed, effect=-0.15)
    result = matched_comparison(subjects, COVARIATES)
    assert result.rate is not None
    assert result.matched >= 300
    assert result.rate.lower <= -0.15 <= result.rate.upper
    assert result.rate.upper < 0  # significant at this size
    # the naive comparison is misled by who gets registered; matching brings it back
    assert abs(_naive(subjects) + 0.15) > abs(result.rate.difference + 0.15)
    assert all(b.smd_after is not None and abs(b.smd_after) < 0.1 for b in result.balance)
    assert max(abs(b.smd_before) for b in result.balance) > 0.3
    words = describe(result)
    assert words.conclusive
    assert "lower among the people registered" in words.headline
    assert any("statistically significant" in s for s in words.sentences)


@pytest.mark.parametrize("seed", [5, 29])
def test_with_no_effect_the_interval_covers_zero(seed: int) -> None:
    subjects = _population(seed, effect=0.0)
    result = matched_comparison(subjects, COVARIATES)
    assert result.rate is not None
    assert result.rate.lower < 0 < result.rate.upper
    assert _naive(subjects) > result.rate.upper  # the naive figure would have claimed harm
    words = describe(result)
    assert "cannot show" in words.headline
    assert any("More people would need to be available" in s for s in words.sentences)


def test_the_same_people_give_the_same_match() -> None:
    subjects = _population(3, effect=-0.1, n=500)
    assert matched_comparison(subjects, COVARIATES).pairs == matched_comparison(list(subjects), COVARIATES).pairs


def test_small_numbers_are_too_small_to_conclude() -> None:
    subjects = _population(7, effect=-0.15, n=150)
    result = matched_comparison(subjects, COVARIATES)
    words = describe(result)
    assert result.matched < 60
    assert not words.conclusive
    assert "too small" in words.headline
    assert any("at least 60 people" in s for s in words.sentences)


def test_nobody_to_compare_says_so() -> None:
    subjects = [s for s in _population(3, effect=0.0, n=60) if s.treated]
    result = matched_comparison(subjects, COVARIATES)
    assert result.matched == 0 and result.rate is None
    assert not describe(result).conclusive


def test_a_perfectly_separated_pool_falls_back_to_a_penalised_model_and_says_so() -> None:
    subjects = [Subject(i, i < 5, {"age": float(i)}, i % 2 == 0) for i in range(12)]  # age alone decides
    result = matched_comparison(subjects, ("age",))
    assert result.penalised and not result.model_note
    words = describe(result)
    assert not words.conclusive
    assert any("penalised" in s for s in words.sentences)


def test_a_covariate_that_is_not_a_number_is_refused_by_name() -> None:
    subjects = [Subject(i, i < 3, {"age": float("nan") if i == 0 else float(i)}, False) for i in range(8)]
    with pytest.raises(ValueError, match="age of subject 0 is not a finite number"):
        matched_comparison(subjects, ("age",))
