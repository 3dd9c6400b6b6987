"""OGRS3 reproduces the published expectations (instruments.md §3.5, §3.6)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iomhub.rules.ogrs3 import OFFENCE_GROUPS, ogrs3


@pytest.mark.parametrize(
    "kwargs, one, two",
    [
        (
            dict(
                sex="male",
                age_at_start_of_followup=20,
                age_at_current_conviction=20,
                age_at_first_sanction=20,
                total_sanctions=1,
                offence_group="violence",
            ),
            0.12161553504714574,
            0.22130521140511314,
        ),
        (
            dict(
                sex="male",
                age_at_start_of_followup=20,
                age_at_current_conviction=20,
                age_at_first_sanction=20,
                total_sanctions=5,
                offence_group="violence",
            ),
            0.5922581047904115,
            0.7488430658491833,
        ),
    ],
    ids=["NOMS rsr-calculator test: 1st sanction", "NOMS rsr-calculator test: 5th sanction"],
)
def test_reproduces_the_noms_calculator_to_full_precision(kwargs, one, two):
    result = ogrs3(**kwargs)
    assert result.one_year == pytest.approx(one, abs=1e-12)
    assert result.two_year == pytest.approx(two, abs=1e-12)


def test_reproduces_the_noms_oracle_check():
    result = ogrs3(
        sex="female",
        age_at_start_of_followup=43,
        age_at_current_conviction=37,
        age_at_first_sanction=14,
        total_sanctions=6,
        offence_group="criminal-damage",
    )
    assert (round(result.one_year, 3), round(result.two_year, 3)) == (0.170, 0.296)


@pytest.mark.parametrize(
    "kwargs, percents, band",
    [
        (
            dict(
                sex="male",
                age_at_start_of_followup=60,
                age_at_current_conviction=59,
                age_at_first_sanction=47,
                total_sanctions=2,
                offence_group="soliciting-prostitution",
            ),
            (8, 16),
            "low",
        ),
        (
            dict(
                sex="male",
                age_at_start_of_followup=30,
                age_at_current_conviction=30,
                age_at_first_sanction=21,
                total_sanctions=2,
                offence_group="fraud-forgery",
            ),
            (11, 20),
            "low",
        ),
    ],
    ids=["MoJ ARNS ACT-62 scenario 1", "MoJ ARNS ACT-62 scenario 2"],
)
def test_reproduces_the_moj_percentages_and_band(kwargs, percents, band):
    result = ogrs3(**kwargs)
    assert (result.one_year_percent, result.two_year_percent, result.band) == (*percents, band)


@pytest.mark.parametrize(
    "kwargs, one, two, band",
    [
        (
            dict(
                sex="male",
                age_at_start_of_followup=19,
                age_at_current_conviction=19,
                age_at_first_sanction=15,
                total_sanctions=6,
                offence_group="burglary-domestic",
            ),
            0.514,
            0.685,
            "medium",
        ),
        (
            dict(
                sex="female",
                age_at_start_of_followup=32,
                age_at_current_conviction=32,
                age_at_first_sanction=32,
                total_sanctions=1,
                offence_group="theft-non-motor",
            ),
            0.139,
            0.250,
            "low",
        ),
        (
            dict(
                sex="male",
                age_at_start_of_followup=45,
                age_at_current_conviction=44,
                age_at_first_sanction=16,
                total_sanctions=25,
                offence_group="drug-possession-supply",
            ),
            0.480,
            0.654,
            "medium",
        ),
    ],
    ids=["worked example A", "worked example B", "worked example C"],
)
def test_reproduces_the_worked_examples(kwargs, one, two, band):
    result = ogrs3(**kwargs)
    assert (round(result.one_year, 3), round(result.two_year, 3), result.band) == (one, two, band)
    assert len(result.breakdown) == 5


def test_female_youth_coefficients_are_negative_as_three_sources_agree():
    result = ogrs3(
        sex="female",
        age_at_start_of_followup=14,
        age_at_current_conviction=14,
        age_at_first_sanction=13,
        total_sanctions=2,
        offence_group="theft-non-motor",
    )
    assert (round(result.one_year, 3), round(result.two_year, 3)) == (0.432, 0.609)


@pytest.mark.parametrize(
    "change, message",
    [
        ({"sex": "unknown"}, "sex must be 'male' or 'female'"),
        ({"age_at_current_conviction": 9, "age_at_first_sanction": 9}, "age_at_current_conviction must be 10 or more"),
        ({"age_at_first_sanction": 31}, r"age_at_first_sanction \(31\) cannot be after age_at_current_conviction \(30\)"),
        ({"age_at_start_of_followup": 29}, r"age_at_current_conviction \(30\) cannot be after age_at_start_of_followup \(29\)"),
        ({"total_sanctions": 0}, "total_sanctions must be 1 or more"),
        ({"total_sanctions": 1}, "with 1 sanction"),
        ({"offence_group": "arson"}, "offence_group 'arson' is not an OGRS3 offence group"),
        ({"total_sanctions": 2.5}, "total_sanctions must be a whole number"),
    ],
)
def test_invalid_inputs_are_refused(change, message):
    base = dict(
        sex="male",
        age_at_start_of_followup=30,
        age_at_current_conviction=30,
        age_at_first_sanction=20,
        total_sanctions=3,
        offence_group="violence",
    )
    with pytest.raises(ValueError, match=message):
        ogrs3(**{**base, **change})


@given(
    st.sampled_from(["male", "female"]),
    st.integers(10, 90),
    st.integers(0, 30),
    st.integers(1, 80),
    st.sampled_from(sorted(OFFENCE_GROUPS)),
)
def test_probabilities_stay_in_range_and_two_years_is_at_least_one(sex, age, career, sanctions, group):
    first = max(10, age - career) if sanctions > 1 else age
    result = ogrs3(
        sex=sex,
        age_at_start_of_followup=age,
        age_at_current_conviction=age,
        age_at_first_sanction=first,
        total_sanctions=sanctions,
        offence_group=group,
    )
    assert 0 < result.one_year < result.two_year < 1
    assert 1 <= result.one_year_percent <= result.two_year_percent <= 99


def _band_from_the_reference(percent: int) -> str:
    """instruments.md §3: Low < 50, Medium 50-74, High 75-89, Very high 90+ (two-year percentage)."""
    return "low" if percent < 50 else "medium" if percent < 75 else "high" if percent < 90 else "very-high"


def test_the_band_follows_the_two_year_percentage_at_every_edge():
    seen: dict[int, str] = {}
    for sex in ("male", "female"):
        for age in range(10, 80, 3):
            for sanctions in (1, 2, 5, 10, 20, 40, 80):
                for group in OFFENCE_GROUPS:
                    result = ogrs3(
                        sex=sex,
                        age_at_start_of_followup=age,
                        age_at_current_conviction=age,
                        age_at_first_sanction=age if sanctions == 1 else max(10, age - 8),
                        total_sanctions=sanctions,
                        offence_group=group,
                    )
                    assert result.band == _band_from_the_reference(result.two_year_percent), result
                    seen[result.two_year_percent] = result.band
    assert {49, 50, 74, 75, 89, 90} <= set(seen), "the grid must reach both sides of every band edge"
    assert [seen[p] for p in (49, 50, 74, 75, 89, 90)] == ["low", "medium", "medium", "high", "high", "very-high"]


def test_percentages_are_clamped_to_99_however_long_the_record():
    result = ogrs3(
        sex="male",
        age_at_start_of_followup=13,
        age_at_current_conviction=13,
        age_at_first_sanction=13,
        total_sanctions=1000,
        offence_group="soliciting-prostitution",
    )
    assert result.two_year > 0.995  # would round to 100
    assert result.two_year_percent == 99 and result.band == "very-high"
