""" "Assessed risk has fallen" (002 §2) read from the pathway needs assessments (issue 18 §6), not
always "Not known": the needs score at registration against the latest assessment, shown only to
readers of the assessments section."""

from __future__ import annotations

import datetime

import pytest

from iomhub import clock
from iomhub.access.models import Role
from iomhub.casework.services import pathway_assessment_record
from iomhub.cohort import selectors
from iomhub.referrals.models import Pathway
from iomhub.rules.casework import assessed_risk_fallen
from tests.cohort.support import register

START = datetime.date(2026, 3, 2)
AS_OF = datetime.date(2026, 9, 1)


def _assess(partnership, person, on, rag, *, accommodation=None):
    ratings = {p: {"rag": rag, "needs": "Needs described" if rag != "green" else ""} for p in Pathway.values}
    if accommodation:
        ratings["accommodation"] = {"rag": accommodation, "needs": "Housing" if accommodation != "green" else ""}
    with clock.frozen(on):
        pathway_assessment_record(acting_user=partnership.users[Role.PROBATION_OFFICER], person=person, assessed_on=on, ratings=ratings)


def _row(partnership, registration, role=Role.CHAIR):
    registration = selectors._lifecycle_queryset().get(pk=registration.pk)
    found = selectors.deregistration_advice(user=partnership.users[role], registration=registration, as_of=AS_OF)
    return next(r for r in found.rows if r.code == "risk-fallen"), found


@pytest.mark.parametrize(
    "later, holds, words",
    [
        ("green", True, "Needs score fell from 18 to 9"),
        ("amber", False, "Needs score stayed at 18"),
        ("red", False, "Needs score rose from 18 to 27"),
    ],
)
def test_risk_fallen_compares_the_assessment_at_registration_with_the_latest(partnership, later, holds, words):
    person = partnership.ordinary
    _assess(partnership, person, datetime.date(2026, 2, 20), "amber")  # the referral's ratings, adopted
    with clock.frozen(START):
        registration = register(partnership, person, started_on=START)
    _assess(partnership, person, datetime.date(2026, 8, 3), later)
    row, found = _row(partnership, registration)
    assert row.holds is holds and words in row.evidence, row.evidence
    assert ("risk-fallen" in found.suggested) is holds


def test_one_assessment_is_not_enough_to_say_and_the_fact_is_hidden_without_the_assessments_section(partnership):
    person = partnership.housing_case  # the housing agreement shares identity, contact and plan only
    with clock.frozen(START):
        registration = register(partnership, person, started_on=START)
    _assess(partnership, person, datetime.date(2026, 4, 1), "red")
    assert _row(partnership, registration)[0].holds is None
    _assess(partnership, person, datetime.date(2026, 8, 1), "red", accommodation="green")
    assert _row(partnership, registration)[0].holds is True
    hidden, _ = _row(partnership, registration, role="housing-worker")
    assert hidden.holds is None and "fell" not in hidden.evidence


@pytest.mark.parametrize(
    "assessments, expected",
    [
        ([], None),
        ([(datetime.date(2026, 1, 1), 20)], None),
        ([(datetime.date(2026, 1, 1), 20), (datetime.date(2026, 2, 1), 18)], True),  # the one before registration, then later
        ([(datetime.date(2025, 6, 1), 10), (datetime.date(2026, 1, 1), 20), (datetime.date(2026, 4, 1), 18)], True),
        ([(datetime.date(2026, 4, 1), 20), (datetime.date(2026, 5, 1), 22)], False),  # none before: the first after
        ([(datetime.date(2026, 4, 1), 20), (datetime.date(2026, 10, 1), 9)], None),  # the later one is after as_of
    ],
)
def test_the_rule_002_s2_assessed_risk_has_fallen(assessments, expected):
    found = assessed_risk_fallen(assessments, registered_on=datetime.date(2026, 1, 15), as_of=AS_OF)
    assert (found[0] if found else None) is expected
