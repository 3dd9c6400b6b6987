"""The faster entry-criteria rule means what the rule first written meant (000 §5.7; 003; 002 §4;
002 appendix 2), and screening a person with only the facts ``relevant_facts`` keeps gives the
same answer, evidence and ranking keys as with their whole justice record (issue 15 §4).

The oracle is the rule as it stood before it was made faster (tests/rules/eligibility_reference.py),
over generated records around the edges of the rolling year, of 12-month sentences, of the 18th
birthday, of leap days, and with bad input (which both must refuse with the same message)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iomhub.rules import eligibility
from iomhub.rules.dates import add_months
from iomhub.rules.eligibility import SHORT_CUSTODY_REACH, JusticeFacts, relevant_facts, screen, serving_short_custody
from tests.rules import eligibility_reference as reference

D = dt.date
# Days screened: either side of leap days and month ends, so the calendar-month edges are met often.
as_ofs = st.sampled_from([D(2024, 2, 29), D(2024, 3, 1), D(2025, 2, 28), D(2025, 3, 31), D(2026, 6, 15), D(2026, 12, 31)]) | st.dates(
    min_value=D(2023, 1, 1), max_value=D(2027, 12, 31)
)
near = st.dates(min_value=D(2021, 1, 1), max_value=D(2028, 12, 31))
categories = st.sampled_from([*eligibility.NEIGHBOURHOOD_CRIME, "other", "criminal-damage"])
lengths = st.integers(min_value=1, max_value=800) | st.sampled_from([364, 365, 366, 367])
births = st.dates(min_value=D(1940, 1, 1), max_value=D(2021, 1, 1)) | st.sampled_from([D(2006, 2, 28), D(2008, 2, 29), D(2008, 3, 1)])


@st.composite
def records(draw: st.DrawFn) -> dict:
    as_of = draw(as_ofs)
    return {
        "as_of": as_of,
        "date_of_birth": min(draw(births), as_of),
        "arrest_dates": draw(st.lists(near, max_size=14)),
        "offences": draw(st.lists(st.tuples(near, categories), max_size=6)),
        "custodial_sentences": draw(st.lists(st.tuples(near, lengths), max_size=4)),
        "ppo": draw(st.booleans()),
        "community_order_non_compliance": draw(st.booleans()),
        "mappa_level": draw(st.sampled_from([None, 1, 2, 3])),
        "resident_in_area": draw(st.sampled_from([None, True, False])),
        "priority_groups": draw(st.lists(st.sampled_from(["Gangs", "Domestic violence perpetrators", "MAPPA 1"]), max_size=3)),
    }


def outcome(rule, kwargs):
    try:
        return rule(**kwargs)
    except ValueError as error:
        return ("refused", str(error))


@given(records())
def test_the_faster_rule_decides_and_explains_as_the_rule_first_written(record):
    assert screen(**record) == reference.screen(**record)
    assert eligibility.arrests_in_rolling_year(
        arrest_dates=record["arrest_dates"], as_of=record["as_of"]
    ) == reference.arrests_in_rolling_year(arrest_dates=record["arrest_dates"], as_of=record["as_of"])


bad = st.sampled_from(
    [
        {"arrest_dates": ["2026-01-01"]},
        {"arrest_dates": [dt.datetime(2026, 1, 1, 9)]},
        {"offences": [(D(2026, 1, 1), "")]},
        {"offences": [("2026-01-01", "burglary")]},
        {"custodial_sentences": [(D(2026, 1, 1), 0)]},
        {"custodial_sentences": [(D(2026, 1, 1), True)]},
        {"mappa_level": 4},
        {"resident_in_area": "no"},
        {"priority_groups": [" "]},
        {"date_of_birth": D(2030, 1, 1)},
    ]
)


@given(records(), bad)
def test_the_faster_rule_refuses_bad_input_as_the_rule_first_written(record, wrong):
    record = {**record, **wrong}
    assert outcome(screen, record) == outcome(reference.screen, record)
    assert outcome(screen, record)[0] == "refused"


@given(records())
def test_the_relevant_facts_screen_as_the_whole_record_does(record):
    """What screening reads (``relevant_facts``) decides, explains and ranks as the whole record
    (oldest first, as ``justice.selectors.screening_facts`` gives it): the same result, the same
    arrests in the year and the same latest arrest."""
    as_of = record["as_of"]
    whole = JusticeFacts(
        arrest_dates=tuple(sorted(record["arrest_dates"])),
        offences=tuple(sorted(record["offences"])),
        custodial_sentences=tuple(sorted(record["custodial_sentences"])),
        mappa_level=3,
    )
    kept = relevant_facts(whole, as_of)
    shared = {
        k: record[k] for k in ("as_of", "date_of_birth", "ppo", "community_order_non_compliance", "resident_in_area", "priority_groups")
    }
    assert screen(**shared, arrest_dates=kept.arrest_dates, offences=kept.offences, custodial_sentences=kept.custodial_sentences) == screen(
        **shared, arrest_dates=whole.arrest_dates, offences=whole.offences, custodial_sentences=whole.custodial_sentences
    )
    assert eligibility.arrests_in_rolling_year(arrest_dates=kept.arrest_dates, as_of=as_of) == eligibility.arrests_in_rolling_year(
        arrest_dates=whole.arrest_dates, as_of=as_of
    )
    assert max((d for d in kept.arrest_dates if d <= as_of), default=None) == max(
        (d for d in whole.arrest_dates if d <= as_of), default=None
    )
    assert kept.mappa_level == 3
    # And it is only that: nothing after the day, no offence outside the year or of another category.
    assert all(d <= as_of for d in kept.arrest_dates)
    assert len([d for d in kept.arrest_dates if d <= eligibility.year_before(as_of)]) <= 1
    assert all(c in eligibility.NEIGHBOURHOOD_CRIME and eligibility.year_before(as_of) < d <= as_of for d, c in kept.offences)


@given(near, lengths, as_ofs)
def test_a_short_sentence_being_served_began_within_the_reach_a_read_covers(day, length, as_of):
    """The bound ``screening_read`` reads sentences from holds every sentence the rule can count."""
    if serving_short_custody(day, length, as_of):
        assert as_of - SHORT_CUSTODY_REACH < day <= as_of
    counted = "short-custody" in screen(as_of=as_of, date_of_birth=D(1990, 1, 1), custodial_sentences=[(day, length)]).codes
    assert counted is serving_short_custody(day, length, as_of)


@pytest.mark.parametrize(
    "day, length, as_of, serving",
    [
        (D(2025, 6, 17), 364, D(2026, 6, 15), True),
        (D(2025, 9, 1), 365, D(2026, 6, 15), False),  # 12 months exactly: not short
        (D(2024, 1, 1), 365, D(2024, 6, 1), True),  # a leap year: 365 days are under 12 months
        (D(2026, 6, 16), 30, D(2026, 6, 15), False),  # not yet begun
    ],
)
def test_serving_short_custody_000_5_7(day, length, as_of, serving):
    assert serving_short_custody(day, length, as_of) is serving


@st.composite
def sparse_records(draw: st.DrawFn) -> dict:
    """Records where one criterion at a time often decides: about six arrests around the rolling
    year's edges, now and then an offence or a sentence near the day, the other facts mostly absent
    (``records`` meets PPO half the time, which hides the rest)."""
    record = draw(records())
    as_of = record["as_of"]
    around = st.integers(min_value=-5, max_value=380).map(lambda back: as_of - dt.timedelta(days=back))
    rarely = st.sampled_from([False, False, False, False, True])
    arrests = draw(st.sampled_from([0, 5, 6, 6, 6, 7]))
    return {
        **record,
        "arrest_dates": [draw(around) for _ in range(arrests)],
        "offences": [(draw(around), draw(categories))] if draw(rarely) else [],
        "custodial_sentences": [(draw(around), draw(lengths))] if draw(rarely) else [],
        "ppo": draw(rarely),
        "community_order_non_compliance": draw(rarely),
        "priority_groups": ["Gangs"] if draw(rarely) else [],
        "date_of_birth": draw(st.sampled_from([D(1970, 1, 1), D(1990, 6, 15), record["date_of_birth"]])),
        "mappa_level": draw(st.sampled_from([None, None, None, 2, 3])),
        "resident_in_area": draw(st.sampled_from([True, True, None, False])),
    }


@settings(max_examples=300)
@given(sparse_records() | records())
def test_may_be_eligible_holds_for_everyone_the_rule_finds_eligible(record):
    """``may_be_eligible`` is a necessary condition: never False for someone ``screen`` finds eligible.
    Its inputs are worked out here from the record as the database would count them, with the
    first rule's own arrest count (a community-order non-compliance is a breach warrant in the year)."""
    as_of = record["as_of"]
    start = add_months(as_of, -12)
    kept = eligibility.may_be_eligible(
        as_of=as_of,
        arrests_in_year=reference.arrests_in_rolling_year(arrest_dates=record["arrest_dates"], as_of=as_of),
        neighbourhood_crime_in_year=any(c in eligibility.NEIGHBOURHOOD_CRIME and start < d <= as_of for d, c in record["offences"]),
        custodial_sentences=record["custodial_sentences"],
        breach_warrant_in_year=record["community_order_non_compliance"],
        ppo=record["ppo"],
        priority_groups=bool(record["priority_groups"]),
    )
    if screen(**record).eligible:
        assert kept


def test_may_be_eligible_is_false_without_a_fact_for_any_criterion():
    as_of = D(2026, 6, 30)
    assert not eligibility.may_be_eligible(as_of=as_of)
    assert not eligibility.may_be_eligible(as_of=as_of, arrests_in_year=5, custodial_sentences=[(D(2025, 1, 1), 365), (D(2026, 6, 1), 367)])
    assert eligibility.may_be_eligible(as_of=as_of, custodial_sentences=[(D(2026, 6, 30), 366)])
    assert eligibility.may_be_eligible(as_of=as_of, arrests_in_year=6)
