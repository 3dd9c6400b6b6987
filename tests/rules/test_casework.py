import datetime

import pytest

from iomhub.rules.casework import Completeness, SentenceDates, first_and_latest_change, lead_worker_problem, on_licence_or_supervision

D = datetime.date


def test_on_licence_between_release_and_expiry():
    s = SentenceDates(release=D(2026, 1, 10), expiry=D(2026, 7, 10))
    assert not on_licence_or_supervision([s], D(2026, 1, 9))  # still in custody
    assert on_licence_or_supervision([s], D(2026, 1, 10))
    assert on_licence_or_supervision([s], D(2026, 7, 9))
    assert not on_licence_or_supervision([s], D(2026, 7, 10))  # expired


def test_top_up_supervision_counts():
    s = SentenceDates(release=D(2026, 1, 10), expiry=D(2026, 3, 1), supervision_end=D(2027, 1, 10))
    assert on_licence_or_supervision([s], D(2026, 6, 1))
    assert not on_licence_or_supervision([s], D(2027, 1, 10))


def test_no_release_date_is_not_supervised():
    assert not on_licence_or_supervision([SentenceDates(release=None, expiry=D(2030, 1, 1))], D(2026, 1, 1))
    assert not on_licence_or_supervision([], D(2026, 1, 1))


def test_lead_worker_problem():
    assert lead_worker_problem(supervised=True, lead_is_probation_officer=False)
    assert lead_worker_problem(supervised=True, lead_is_probation_officer=True) == ""
    assert lead_worker_problem(supervised=False, lead_is_probation_officer=False) == ""


@pytest.mark.parametrize("supervised", [True, False])
@pytest.mark.parametrize("officer", [True, False])
def test_a_lead_worker_who_cannot_sign_in_leads_no_case(supervised, officer):
    problem = lead_worker_problem(supervised=supervised, lead_is_probation_officer=officer, lead_can_sign_in=False)
    assert "disabled" in problem and "new lead worker" in problem


def test_completeness():
    assert Completeness(total=0, complete=0).percent == 100.0
    c = Completeness(total=3, complete=2)
    assert c.percent == 66.7 and c.incomplete == 1


def test_first_and_latest_change():
    assert first_and_latest_change([]) is None
    assert first_and_latest_change([(D(2026, 5, 1), 1), (D(2026, 1, 1), 3)]) == (3, 1, -2)
