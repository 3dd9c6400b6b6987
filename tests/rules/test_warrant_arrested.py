"""An arrest of someone wanted on an outstanding warrant asks for the warrant's execution
(iomhub.rules.prompts, ``warrant-arrested``): from the day of the arrest, only for an arrest on or
after the warrant was issued, until the warrant is recorded executed."""

from __future__ import annotations

import datetime

from iomhub.rules import prompts

D = datetime.date
ISSUED = D(2026, 10, 29)


def _facts(arrested_on, executed_on=None):
    return prompts.WarrantFacts(warrant_id=7, kind="Warrant for arrest", issued_on=ISSUED, executed_on=executed_on, arrested_on=arrested_on)


def _codes(facts, today):
    return [p.code for p in prompts.warrant_prompts(facts, today)]


def test_the_arrest_raises_the_prompt_from_its_day_and_not_the_day_before():
    facts = _facts(D(2026, 12, 6))
    assert _codes(facts, D(2026, 12, 5)) == ["warrant"]
    assert _codes(facts, D(2026, 12, 6)) == ["warrant", "warrant-arrested"]
    (asked,) = [p for p in prompts.warrant_prompts(facts, D(2026, 12, 7)) if p.code == "warrant-arrested"]
    assert (asked.shows_from, asked.about) == (D(2026, 12, 6), D(2026, 12, 6))
    assert asked.title == "Arrested while wanted: record whether the warrant was executed"
    assert "Arrested 6 December 2026" in asked.detail and "issued 29 October 2026" in asked.detail


def test_an_arrest_on_the_day_of_issue_counts_and_one_before_it_does_not():
    assert _codes(_facts(ISSUED), ISSUED) == ["warrant", "warrant-arrested"]
    assert _codes(_facts(ISSUED - datetime.timedelta(days=1)), D(2026, 12, 6)) == ["warrant"]


def test_no_arrest_no_question_and_an_executed_warrant_asks_nothing():
    assert _codes(_facts(None), D(2026, 12, 6)) == ["warrant"]
    assert _codes(_facts(D(2026, 12, 6), executed_on=D(2026, 12, 6)), D(2026, 12, 6)) == []
    # Executed later: asked until the day it is executed.
    executed = _facts(D(2026, 12, 6), executed_on=D(2026, 12, 9))
    assert _codes(executed, D(2026, 12, 8)) == ["warrant", "warrant-arrested"]
    assert _codes(executed, D(2026, 12, 9)) == []
