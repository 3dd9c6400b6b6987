"""The facts the cohort's eligibility screening reads from the justice record (the adapter contract
in iomhub.cohort.screening): arrests, neighbourhood-crime offences, custodial sentences."""

from __future__ import annotations

import datetime

from iomhub.cohort import screening
from iomhub.justice.selectors import screening_facts
from tests.justice import factories

D = datetime.date


def test_screening_sees_arrests_and_neighbourhood_crime_from_the_justice_record(partnership, person, officer, today):
    for day in range(1, 7):
        factories.arrest(user=officer, person=person, arrested_on=D(2026, 8, day), offence_codes=["34B" if day == 1 else "105A"])
    factories.sentence(user=officer, person=person, months=3, sentenced_on=D(2026, 1, 5), offence_committed_on=D(2025, 12, 1))
    facts = screening_facts(person_ids=[person.pk], as_of=today)[person.pk]
    assert len(facts.arrest_dates) == 6
    assert (D(2026, 8, 1), "robbery") in facts.offences
    assert (D(2026, 8, 2), "other") in facts.offences
    assert facts.custodial_sentences[0][0] == D(2026, 1, 5)
    assert screening.justice_facts([person.pk], today) is not None  # the cohort's adapter now finds the app
    result = screening.screen_people([person], today)[0]
    assert {"six-arrests-12-months", "neighbourhood-crime"} <= set(result.result.codes)


def test_everyone_with_a_recent_event_when_no_ids_are_given(partnership, person, officer, today):
    factories.arrest(user=officer, person=partnership.housing_case, arrested_on=D(2025, 8, 1))  # over a year ago
    factories.arrest(user=officer, person=person, arrested_on=D(2026, 8, 1))
    assert set(screening_facts(person_ids=None, as_of=today)) == {person.pk}


def test_a_community_order_made_after_the_screening_date_is_not_yet_an_order_to_breach(partnership, person, officer, today):
    """000 §5.7: high risk of non-compliance with a community order means a breach warrant in the
    twelve months while the person is on an order. On 1 May 2026 the only order is one made on
    1 July 2026, so there is no order yet; by 1 August 2026 there is (issue 14: ``on_order`` had no
    ``decided_on <= as_of``)."""
    from iomhub.justice.services import court_outcome_record, warrant_record

    warrant_record(acting_user=officer, person=person, kind="breach", issued_on=D(2026, 4, 1))
    court_outcome_record(acting_user=officer, person=person, decided_on=D(2026, 7, 1), disposal="suspended")
    before = screening_facts(person_ids=[person.pk], as_of=D(2026, 5, 1)).get(person.pk)
    assert before is None or before.community_order_non_compliance is False
    after = screening_facts(person_ids=[person.pk], as_of=D(2026, 8, 1))[person.pk]
    assert after.community_order_non_compliance is True
