"""DASH and MARAC (000 §6.6.2-6.7) and the Treatment Outcomes Profile (000 §4.9.3) through the pages."""

import datetime

import pytest

from iomhub.access.models import AuditEvent, Role
from iomhub.assessments.models import DashChecklist, MaracReferral, TreatmentOutcomesProfile
from tests.assessments.conftest import date_fields

pytestmark = pytest.mark.django_db


def _dash(client, person, yes, not_known=0, *, day=datetime.date(2026, 6, 1), **extra):
    answers = ["yes"] * yes + ["not-known"] * not_known + ["no"] * (24 - yes - not_known)
    data = {**date_fields("completed_on", day), "incidents_last_12_months": "0", "professional_judgement": "no"}
    data.update({f"q{n}": a for n, a in enumerate(answers, start=1)})
    data.update(extra)
    return client.post(f"/people/{person.pk}/health/dash/new/", data)


# The rules library's vectors (tests/rules/test_dash.py), entered through the application.
@pytest.mark.parametrize(
    "yes, not_known, extra, refer, reason",
    [
        (0, 0, {}, False, ""),
        (13, 0, {}, False, ""),
        (14, 0, {}, True, "Visible high risk"),
        (24, 0, {}, True, "Visible high risk"),
        (13, 11, {}, False, ""),  # not known is not yes
        (2, 0, {"professional_judgement": "yes", "judgement_reasons": "Extreme fear"}, True, "Professional judgement"),
        (2, 0, {"incidents_last_12_months": "2"}, False, ""),
        (2, 0, {"incidents_last_12_months": "3"}, True, "Potential escalation"),
    ],
)
def test_dash_vectors_through_the_page(client, partnership, today, yes, not_known, extra, refer, reason):
    client.force_login(partnership.users[Role.SUBSTANCE_MISUSE])
    response = _dash(client, partnership.ordinary, yes, not_known, **extra)
    stored = DashChecklist.objects.get()
    assert (stored.yes_count, stored.refer_to_marac) == (yes, refer)
    page = client.get(response.url).content.decode()
    assert f"{yes} &lsquo;yes&rsquo; answers of 24" in page
    assert ("Refer to MARAC" in page) is refer and ("criteria are not met" in page) is not refer
    if reason:
        assert reason in page


def test_marac_referral_flags_the_case_and_a_repeat_follows(client, partnership, today):
    p = partnership
    client.force_login(p.users[Role.SUBSTANCE_MISUSE])
    first = _dash(client, p.ordinary, 15, day=datetime.date(2026, 1, 12))
    checklist = DashChecklist.objects.get()
    url = f"/people/{p.ordinary.pk}/health/dash/{checklist.pk}/marac/"
    assert "Record the MARAC referral" in client.get(first.url).content.decode()
    body = client.post(url, {**date_fields("referred_on", datetime.date(2026, 1, 10)), "marac": ""}).content.decode()
    assert (
        "The date of the referral must be on or after the date of the checklist" in body and "Enter which MARAC it was referred to" in body
    )
    assert client.post(url, {**date_fields("referred_on", datetime.date(2026, 1, 13)), "marac": "Portsmouth MARAC"}).status_code == 302
    assert MaracReferral.objects.get().checklist == checklist
    body = client.post(url, {**date_fields("referred_on", datetime.date(2026, 1, 14)), "marac": "Portsmouth MARAC"}).content.decode()
    assert "already recorded" in body and MaracReferral.objects.count() == 1
    overview = client.get(f"/people/{p.ordinary.pk}/health/").content.decode()
    assert "MARAC referral made" in overview and "13 January 2026 to Portsmouth MARAC" in overview
    # a further incident within 12 months of the referral meets the repeat criterion on its own
    second = _dash(client, p.ordinary, 1, day=datetime.date(2026, 6, 1))
    assert "Repeat: a further incident within 12 months" in client.get(second.url).content.decode()
    assert AuditEvent.objects.filter(object_type="marac-referral", action="create").count() == 1


def test_marac_referral_refused_when_criteria_not_met(client, partnership, today):
    client.force_login(partnership.users[Role.SUBSTANCE_MISUSE])
    _dash(client, partnership.ordinary, 3)
    checklist = DashChecklist.objects.get()
    body = client.post(
        f"/people/{partnership.ordinary.pk}/health/dash/{checklist.pk}/marac/",
        {**date_fields("referred_on", datetime.date(2026, 6, 2)), "marac": "Portsmouth MARAC"},
    ).content.decode()
    assert "does not meet the MARAC referral criteria" in body and not MaracReferral.objects.exists()


def test_dash_missing_answers_and_judgement_without_reasons_are_named(client, partnership, today):
    client.force_login(partnership.users[Role.SUBSTANCE_MISUSE])
    data = {
        **date_fields("completed_on", today),
        "q1": "yes",
        "q2": "perhaps",
        "professional_judgement": "yes",
        "incidents_last_12_months": "-2",
    }
    body = client.post(f"/people/{partnership.ordinary.pk}/health/dash/new/", data).content.decode()
    assert "Question 2: the answer must be yes, no or not known" in body
    assert "Question 24: answer \u201cDo you know if they have ever been in trouble" in body
    assert "Enter the reasons for your professional judgement" in body
    assert "must be between 0 and 366" in body
    assert not DashChecklist.objects.exists()


def _top(client, person, day, stage, **given):
    values = {
        "alcohol_days": "0", "alcohol_units": "", "opiates_days": "0", "crack_days": "0", "cocaine_days": "0", "amphetamines_days": "0",
        "cannabis_days": "0", "other_drug_days": "0", "injecting_days": "0", "shared_needles": "no", "shared_paraphernalia": "no",
        "shoplifting_days": "0", "selling_drugs_days": "0", "theft_days": "0", "assault": "no", "psychological_health": "10",
        "physical_health": "10", "quality_of_life": "10", "paid_work_days": "0", "education_days": "0", "acute_housing_problem": "no",
        "eviction_risk": "no",
    }  # fmt: skip
    values.update(given)
    return client.post(f"/people/{person.pk}/health/top/new/", {**date_fields("completed_on", day), "stage": stage, **values})


def test_top_at_start_review_and_exit_shows_change_as_chart_and_table(client, partnership, today):
    client.force_login(partnership.users[Role.SUBSTANCE_MISUSE])
    person = partnership.ordinary
    assert (
        _top(client, person, datetime.date(2026, 1, 12), "start", opiates_days="20", crack_days="12", psychological_health="6").status_code
        == 302
    )
    _top(client, person, datetime.date(2026, 4, 14), "review", opiates_days="9", crack_days="12", psychological_health="9")
    _top(
        client,
        person,
        datetime.date(2026, 6, 11),
        "exit",
        opiates_days="4",
        crack_days="14",
        psychological_health="14",
        alcohol_days="3",
        alcohol_units="6",
    )
    assert TreatmentOutcomesProfile.objects.count() == 3
    page = client.get(f"/people/{person.pk}/health/").content.decode()
    assert "<svg" in page and "<polyline" in page and 'id="top-table"' in page
    assert "12 Jan 2026 (start of treatment)" in page and "11 Jun 2026 (exit)" in page
    assert "Days using opiates (illicit) 20 to 4 (better)" in page
    assert "Days using crack 12 to 14 (worse)" in page
    assert "Psychological health (0 poor to 20 good) 6 to 14 (better)" in page
    assert "style=" not in page.split('id="top"')[1]  # CSP: presentation attributes only


def test_top_impossible_answers_are_named(client, partnership, today):
    client.force_login(partnership.users[Role.SUBSTANCE_MISUSE])
    body = _top(
        client, partnership.ordinary, today, "", opiates_days="29", physical_health="21", alcohol_days="4", assault="", other_drug_days="2"
    ).content.decode()
    assert "Days using opiates (illicit): must be between 0 and 28, not 29" in body
    assert "Physical health (0 poor to 20 good): must be between 0 and 20, not 21" in body
    assert "Units of alcohol on a typical drinking day: answer the question (there were drinking days)" in body
    assert "Committed assault or violence: answer the question" in body
    assert "Enter which other drug" in body and "Select the stage of treatment" in body
    assert not TreatmentOutcomesProfile.objects.exists()
