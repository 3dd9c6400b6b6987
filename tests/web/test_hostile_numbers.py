"""Hostile numbers typed into the pages (issue 14): each page comes back with an error naming the
field, never a 500, and nothing is stored. Through the real pages, as the demo's roles would post.

The rule the oracles follow (not the code): a whole number is ASCII digits 0-9 and nothing else,
in its range. "²" passes ``str.isdigit()`` but ``int()`` refuses it; "٣" (Arabic-Indic three)
passes both; 5000 digits is over ``int()``'s 4300; "-1", "1e300", " " and "5.0" are not whole
numbers as typed. A budget amount is pounds and pence up to a bound, and 1e300 or 5000 digits is a
problem named by its row and column while the other rows are kept."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from iomhub import clock
from iomhub.access.models import AuditEvent, Role
from iomhub.assessments.models import AlcoholScreening
from iomhub.casework.models import PlanAction
from iomhub.cohort.models import Registration
from iomhub.meetings import actions, services, sheets
from iomhub.meetings.models import CaseSheet
from iomhub.referrals.models import Decision, Referral
from iomhub.reporting.budget import HEADER_ROW
from iomhub.reporting.models import StoredBudgetReturn
from iomhub.rules import budget
from tests.assessments.conftest import date_fields
from tests.referrals.factories import make_referral
from tests.reporting.test_budget import _filled

pytestmark = pytest.mark.django_db

ODD = {
    "superscript two": "²",
    "arabic-indic three": "٣",
    "5000 digits": "9" * 5000,
    "minus one": "-1",
    "exponent": "1e300",
    "a space": " ",
    "a point": "5.0",
}


def _creates():
    return AuditEvent.objects.filter(action__in=["create", "update"]).count()


# ---- AUDIT-C: an answer is one of the question's scores ------------------------------------------


@pytest.mark.parametrize("odd", [*ODD.values(), "5", "05"], ids=[*ODD.keys(), "a score not offered", "a score with a zero"])
def test_an_audit_answer_that_is_not_one_of_its_scores_is_named_and_nothing_is_stored(client, partnership, odd):
    p = partnership
    client.force_login(p.users[Role.SUBSTANCE_MISUSE])
    data = {**date_fields("screened_on", clock.today()), "session": "first", "units_last_week": "30", "q1": odd, "q2": "0", "q3": "0"}
    before = _creates()
    response = client.post(f"/people/{p.ordinary.pk}/health/alcohol/new/", data)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'class="govuk-error-summary' in page and 'href="#id_q1' in page  # the summary names question 1
    assert not AlcoholScreening.objects.exists() and _creates() == before


def test_an_audit_answer_in_ascii_digits_is_scored(client, partnership):
    """The other side of the rule: "4", "2", "0" are the scores 4, 2 and 0 (6: positive)."""
    p = partnership
    client.force_login(p.users[Role.SUBSTANCE_MISUSE])
    data = {**date_fields("screened_on", clock.today()), "session": "first", "units_last_week": "30", "q1": "4", "q2": "2", "q3": "0"}
    assert client.post(f"/people/{p.ordinary.pk}/health/alcohol/new/", data).status_code == 302
    assert AlcoholScreening.objects.get().score == 6


# ---- the meeting's record sheet and actions: the version the page was read at --------------------


@pytest.fixture
def meeting(partnership):
    p = partnership
    coordinator, chair = p.users[Role.COORDINATOR], p.users[Role.CHAIR]
    Registration.objects.create(person=p.ordinary, started_on=clock.today() - datetime.timedelta(days=200), rag="amber")
    held = services.meeting_arrange(acting_user=coordinator, team=p.team, held_on=clock.today(), location="Northbridge", chair=chair)
    services.attendee_add(acting_user=coordinator, meeting=held, name="", organisation="", confidentiality_signed=True, user=chair)
    return held


@pytest.mark.parametrize("odd", ODD.values(), ids=ODD.keys())
def test_a_record_sheet_posted_with_a_version_that_is_not_a_whole_number_is_refused_and_kept(client, partnership, meeting, odd):
    p = partnership
    coordinator = p.users[Role.COORDINATOR]
    kept = sheets.sheet_save(
        acting_user=coordinator, meeting=meeting, person=p.ordinary, version=None, values={"current_situation": "Kept"}
    )
    client.force_login(coordinator)
    before = _creates()
    url = f"/meetings/{meeting.pk}/people/{p.ordinary.pk}/sheet/"
    response = client.post(url, {"current_situation": "Overwritten", "version": odd})
    assert response.status_code == 200
    assert "version sent with the page is not a whole number" in response.content.decode()
    assert CaseSheet.objects.get(pk=kept.pk).current_situation == "Kept" and _creates() == before
    # the page read properly still saves
    assert client.post(url, {"current_situation": "Changed", "version": str(kept.version)}).status_code == 302
    assert CaseSheet.objects.get(pk=kept.pk).current_situation == "Changed"


def test_a_new_record_sheet_posted_with_a_hostile_version_is_not_created(client, partnership, meeting):
    client.force_login(partnership.users[Role.COORDINATOR])
    response = client.post(f"/meetings/{meeting.pk}/people/{partnership.ordinary.pk}/sheet/", {"current_situation": "X", "version": "²"})
    assert response.status_code == 200 and not CaseSheet.objects.exists()


@pytest.mark.parametrize("odd", ODD.values(), ids=ODD.keys())
def test_an_action_reviewed_with_a_version_that_is_not_a_whole_number_is_refused_and_kept(client, partnership, meeting, odd):
    p = partnership
    coordinator = p.users[Role.COORDINATOR]
    allocated = actions.action_allocate(
        acting_user=coordinator,
        meeting=meeting,
        person=p.ordinary,
        description="Book a housing assessment",
        agency=p.probation,
        owner=p.users[Role.PROBATION_OFFICER],
        owner_name="",
        due_on=clock.today() + datetime.timedelta(days=3),
    )
    action = PlanAction.objects.get(pk=allocated.action_id)
    client.force_login(coordinator)
    before = (action.status, action.version, _creates())
    response = client.post(f"/meetings/{meeting.pk}/actions/{action.pk}/", {"outcome": "done", "note": "Done", "version": odd})
    assert response.status_code == 200
    assert "version sent with the page is not a whole number" in response.content.decode()
    action.refresh_from_db()
    assert (action.status, action.version, _creates()) == before
    # the page read properly still saves
    sent = {"outcome": "done", "note": "Done", "version": str(action.version)}
    assert client.post(f"/meetings/{meeting.pk}/actions/{action.pk}/", sent).status_code == 302
    action.refresh_from_db()
    assert action.status == "done"


# ---- the chair's decision: which record the referral is about ------------------------------------


@pytest.mark.parametrize("odd", [*ODD.values(), "0"], ids=[*ODD.keys(), "zero"])
def test_a_person_choice_that_is_neither_a_record_nor_new_is_refused_and_nothing_is_decided(client, partnership, odd):
    referral = make_referral(by=partnership.users[Role.PROBATION_OFFICER])
    client.force_login(partnership.users[Role.CHAIR])
    decision = {
        "outcome": "adopt",
        "reasons": "Agreed by the meeting",
        **date_fields("meeting_date", clock.today()),
        "rag": "red",
        "person_choice": odd,
    }
    response = client.post(f"/referrals/{referral.pk}/decide/", decision)
    assert response.status_code == 200
    assert "Choose the person" in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == Referral.Status.SUBMITTED and referral.person is None
    assert not Decision.objects.exists() and not Registration.objects.exists()


# ---- the budget return: an amount too large to be one --------------------------------------------

ROW = {line.key: HEADER_ROW + 1 + i for i, line in enumerate(budget.LINES)}


@pytest.mark.parametrize(
    "huge", [1e300, "1e300", "9" * 5000, "1000000000.01"], ids=["1e300 as a number", "1e300", "5000 digits", "a penny over"]
)
def test_a_budget_amount_too_large_is_named_by_row_and_column_and_the_rest_kept(client, partnership, huge):
    client.force_login(partnership.users[Role.PERFORMANCE_LEAD])
    data = _filled({"hcc-a": (None, None, 60000), "own-funds": (None, None, huge), "operational-staff": ("²", None, 100)})
    response = client.post("/reports/budget/", {"budget": SimpleUploadedFile("budget.xlsx", data)})
    assert response.status_code == 200
    page = response.content.decode()
    assert f"Row {ROW['own-funds']}, Amount (£): must be" in page
    assert f"Row {ROW['operational-staff']}, Number of staff: must be a whole number of staff" in page
    assert 'data-total="income">60000.00<' in page  # the good row kept, the bad ones left out of the sums


def test_the_largest_amount_is_read(client, partnership):
    client.force_login(partnership.users[Role.PERFORMANCE_LEAD])
    data = _filled({"hcc-a": (None, None, "1000000000.00"), "own-funds": (None, None, "1,000,000,000")})
    page = client.post("/reports/budget/", {"budget": SimpleUploadedFile("budget.xlsx", data)}).content.decode()
    assert "Amount (£): must be" not in page
    assert 'data-total="income">2000000000.00<' in page


def test_a_budget_return_with_a_huge_amount_is_refused_over_the_api_and_nothing_is_stored(client, partnership):
    import base64

    client.force_login(partnership.users[Role.PERFORMANCE_LEAD])
    data = _filled({"hcc-a": (None, None, 60000), "own-funds": (None, None, 1e300)})
    body = {"filename": "q2.xlsx", "content_base64": base64.b64encode(data).decode()}
    refused = client.post("/api/v1/reports/budget-returns", body, content_type="application/json")
    assert refused.status_code == 400 and refused["Content-Type"] == "application/problem+json"
    assert list(refused.json()["errors"]) == [f"rows[{ROW['own-funds']}].Amount (£)"]
    assert not StoredBudgetReturn.objects.exists()


# ---- a date typed in three boxes: digits are ASCII digits -------------------------------------------


@pytest.mark.parametrize(
    "day, month, year",
    [("٣", "6", "2026"), ("3", "²", "2026"), ("3", "6", "٢٠٢٦"), ("9" * 5000, "6", "2026")],
    ids=["arabic-indic day", "superscript month", "arabic-indic year", "5000-digit day"],
)
def test_a_date_in_other_digits_is_not_a_real_date_and_nothing_is_stored(client, partnership, day, month, year):
    p = partnership
    client.force_login(p.users[Role.SUBSTANCE_MISUSE])
    data = {
        "screened_on_day": day,
        "screened_on_month": month,
        "screened_on_year": year,
        "session": "first",
        "q1": "0",
        "q2": "0",
        "q3": "0",
    }
    response = client.post(f"/people/{p.ordinary.pk}/health/alcohol/new/", data)
    assert response.status_code == 200
    assert "Date of the screening must be a real date" in response.content.decode()
    assert not AlcoholScreening.objects.exists()
