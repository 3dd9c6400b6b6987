"""Entry criteria and routes (000 §5.7; 003; 002 §4)."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iomhub.rules.eligibility import arrests_in_rolling_year, screen

D = dt.date
AS_OF = D(2026, 6, 15)
ADULT = D(1990, 1, 1)


@pytest.mark.parametrize(
    "dates, count",
    [
        ([D(2025, 6, 15)], 0),
        ([D(2025, 6, 16)], 1),
        ([D(2026, 6, 15)], 1),
        ([D(2026, 6, 16)], 0),
        ([D(2026, 1, 1)] * 6, 6),
    ],
    ids=["exactly 12 months before: outside", "the day after: inside", "as_of itself: inside", "after as_of: outside", "six on one day"],
)
def test_arrests_in_a_rolling_twelve_months_000_5_7(dates, count):
    assert arrests_in_rolling_year(arrest_dates=dates, as_of=AS_OF) == count


@pytest.mark.parametrize("arrests, met", [(5, False), (6, True)], ids=["5 arrests", "6 arrests"])
def test_six_arrests_is_a_criterion(arrests, met):
    result = screen(as_of=AS_OF, date_of_birth=ADULT, arrest_dates=[D(2026, 1, 1)] * arrests)
    assert ("six-arrests-12-months" in result.codes) is met
    assert result.eligible is met


@pytest.mark.parametrize(
    "category, when, met",
    [
        ("burglary", D(2026, 1, 1), True),
        ("robbery", D(2025, 6, 16), True),
        ("vehicle", D(2025, 6, 15), False),
        ("theft-from-person", D(2026, 6, 15), True),
        ("criminal-damage", D(2026, 1, 1), False),
    ],
)
def test_neighbourhood_crime_in_the_last_year_003(category, when, met):
    result = screen(as_of=AS_OF, date_of_birth=ADULT, offences=[(when, category)])
    assert ("neighbourhood-crime" in result.codes) is met


def test_short_custody_ppo_and_non_compliance_are_criteria():
    result = screen(
        as_of=AS_OF,
        date_of_birth=ADULT,
        custodial_sentences=[(D(2026, 2, 1), 180), (D(2026, 2, 1), 400)],
        ppo=True,
        community_order_non_compliance=True,
    )
    assert result.codes == ("short-custody", "ppo", "community-order-non-compliance")
    assert "180 days" in result.criteria[0].evidence and "400 days" not in result.criteria[0].evidence


@pytest.mark.parametrize(
    "sentenced, days, met",
    [
        (D(2025, 6, 17), 364, True),
        (D(2025, 12, 16), 182, True),
        (D(2025, 12, 15), 182, False),
        (D(2026, 6, 15), 30, True),
        (D(2026, 6, 16), 30, False),
        (D(2025, 9, 1), 365, False),
    ],
    ids=[
        "364 days ending on as_of: under 12 months and serving",
        "last day of the sentence is as_of: serving",
        "sentence ended the day before as_of",
        "sentenced on as_of",
        "sentenced after as_of",
        "365 days from 1 September 2025 is 12 months: not short",
    ],
)
def test_short_custody_means_serving_under_12_months_on_the_date_000_5_7(sentenced, days, met):
    result = screen(as_of=AS_OF, date_of_birth=ADULT, custodial_sentences=[(sentenced, days)])
    assert ("short-custody" in result.codes) is met


def test_365_days_is_under_12_months_in_a_leap_year():
    # 12 months from 1 March 2024 run to 28 February 2025 (365 days); from 1 January 2024 to 31 December 2024 (366 days).
    leap = screen(as_of=D(2024, 6, 1), date_of_birth=ADULT, custodial_sentences=[(D(2024, 1, 1), 365)])
    plain = screen(as_of=D(2024, 6, 1), date_of_birth=ADULT, custodial_sentences=[(D(2024, 3, 1), 365)])
    assert ("short-custody" in leap.codes, "short-custody" in plain.codes) == (True, False)


@pytest.mark.parametrize(
    "dob, route, eligible",
    [(D(2008, 6, 16), "under-18", False), (D(2008, 6, 15), None, True)],
    ids=["17, the day before the 18th birthday", "18th birthday"],
)
def test_under_18_goes_to_the_youth_route_002_4(dob, route, eligible):
    result = screen(as_of=AS_OF, date_of_birth=dob, ppo=True)
    assert ("under-18" in result.codes) is (route is not None)
    assert result.eligible is eligible


@pytest.mark.parametrize(
    "kwargs, code, eligible",
    [
        ({"mappa_level": 3}, "mappa-3", False),
        ({"mappa_level": 2}, "mappa-2-dual", True),
        ({"mappa_level": 1}, None, True),
        ({"resident_in_area": False}, "outside-area", False),
    ],
)
def test_mappa_and_area_routes(kwargs, code, eligible):
    result = screen(as_of=AS_OF, date_of_birth=ADULT, ppo=True, **kwargs)
    if code:
        assert code in result.codes
    assert result.eligible is eligible


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"date_of_birth": D(2027, 1, 1)}, "date_of_birth .* is after as_of"),
        ({"mappa_level": 4}, "mappa_level must be 1, 2 or 3"),
        ({"arrest_dates": ["2026-01-01"]}, r"arrest_dates\[0\] must be a date"),
        ({"offences": [(D(2026, 1, 1), "")]}, r"offences\[0\] category"),
        ({"custodial_sentences": [(D(2026, 1, 1), 0)]}, r"custodial_sentences\[0\] length"),
    ],
)
def test_invalid_screening_input_is_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        screen(**{"as_of": AS_OF, "date_of_birth": ADULT, **kwargs})


@given(
    st.lists(st.dates(min_value=D(2024, 1, 1), max_value=D(2027, 1, 1)), max_size=20),
    st.dates(min_value=D(2024, 1, 1), max_value=D(2027, 1, 1)),
)
def test_adding_an_arrest_never_lowers_the_count(dates, extra):
    before = arrests_in_rolling_year(arrest_dates=dates, as_of=AS_OF)
    assert arrests_in_rolling_year(arrest_dates=[*dates, extra], as_of=AS_OF) in (before, before + 1)


@pytest.mark.parametrize(
    "resident, outside, eligible",
    [(True, False, True), (False, True, False), (None, False, True)],
    ids=["inside the area", "outside the area: notify their area", "not known: no route, not evidence"],
)
def test_residence_outside_is_an_exclusion_and_not_known_is_not_evidence_000_5_7(resident, outside, eligible):
    result = screen(as_of=AS_OF, date_of_birth=ADULT, arrest_dates=[D(2026, 1, 1)] * 6, resident_in_area=resident)
    assert ("outside-area" in result.codes) is outside
    assert result.eligible is eligible


def test_residence_must_be_true_false_or_none():
    with pytest.raises(ValueError, match="resident_in_area"):
        screen(as_of=AS_OF, date_of_birth=ADULT, resident_in_area="no")  # type: ignore[arg-type]


def test_a_priority_group_is_a_criterion_with_the_groups_as_evidence_002_appendix_2():
    result = screen(as_of=AS_OF, date_of_birth=ADULT, priority_groups=["Gangs", "Domestic violence perpetrators", "Gangs"])
    [criterion] = result.criteria
    assert criterion.code == "priority-group"
    assert criterion.evidence == "referred in the priority groups: Gangs; Domestic violence perpetrators (002 appendix 2)"
    assert result.eligible
    assert not screen(as_of=AS_OF, date_of_birth=ADULT, priority_groups=()).eligible


def test_a_priority_group_does_not_override_mappa_3():
    result = screen(as_of=AS_OF, date_of_birth=ADULT, priority_groups=["Gangs"], mappa_level=3)
    assert result.codes == ("priority-group", "mappa-3") and not result.eligible


def test_a_blank_priority_group_is_refused():
    with pytest.raises(ValueError, match="priority_groups"):
        screen(as_of=AS_OF, date_of_birth=ADULT, priority_groups=[" "])
