"""The instruments through /api/v1: the same results as the pages, the same policy and audit."""

import pytest

from iomhub.access.models import AuditEvent, Role
from iomhub.assessments.models import AlcoholScreening, DashChecklist, TreatmentOutcomesProfile
from iomhub.rules.top import MEASURES

pytestmark = pytest.mark.django_db
DAY = "2026-06-01"


@pytest.fixture
def worker(client, partnership, today):
    client.force_login(partnership.users[Role.SUBSTANCE_MISUSE])
    return client


def _url(person, tail):
    return f"/api/v1/people/{person.pk}/{tail}"


def test_audit_c_then_full_audit_and_the_units_change(worker, partnership):
    person = partnership.ordinary
    body = {"instrument": "audit-c", "screened_on": "2026-03-02", "session": "first", "answers": [2, 2, 1], "units_last_week": 40}
    r = worker.post(_url(person, "alcohol-screenings"), body, content_type="application/json")
    assert r.status_code == 201, r.content
    first = r.json()
    assert (first["score"], first["zone"], first["full_audit_advised"], first["brief_advice"]) == (
        5,
        "increasing-or-higher-risk",
        True,
        True,
    )
    full = {**body, "instrument": "audit", "answers": [2, 2, 1, 4, 4, 4, 3, 0, 0, 0], "follows": first["id"]}  # 20
    r = worker.post(_url(person, "alcohol-screenings"), full, content_type="application/json")
    assert r.status_code == 201, r.content
    assert (r.json()["score"], r.json()["zone"], r.json()["refer_specialist"], r.json()["follows"]) == (
        20,
        "possible-dependence",
        True,
        first["id"],
    )
    final = {"instrument": "audit-c", "screened_on": "2026-06-01", "session": "final", "answers": [1, 0, 0], "units_last_week": 9}
    assert worker.post(_url(person, "alcohol-screenings"), final, content_type="application/json").status_code == 201
    listing = worker.get(_url(person, "alcohol-screenings")).json()
    assert [s["score"] for s in listing["screenings"]] == [1, 20, 5]
    assert listing["units_change"] == {"first_on": "2026-03-02", "first": 40, "final_on": "2026-06-01", "final": 9, "difference": -31}


def test_bad_answers_are_named_by_question(worker, partnership):
    body = {"instrument": "audit", "screened_on": DAY, "session": "review", "answers": [0, 0, 0, 0, 0, 0, 0, 0, 3, None]}
    r = worker.post(_url(partnership.ordinary, "alcohol-screenings"), body, content_type="application/json")
    assert r.status_code == 400
    text = str(r.json())
    assert "Question 9: the answer must score one of 0, 2, 4" in text and "Question 10: select an answer" in text
    r = worker.post(_url(partnership.ordinary, "alcohol-screenings"), {**body, "answers": [1, 2]}, content_type="application/json")
    assert "Answer all 10 questions" in str(r.json())
    assert not AlcoholScreening.objects.exists()


def test_dash_and_marac_through_the_api(worker, partnership):
    person = partnership.ordinary
    body = {"completed_on": DAY, "answers": ["yes"] * 14 + ["no"] * 10, "professional_judgement": False, "incidents_last_12_months": 1}
    r = worker.post(_url(person, "dash-checklists"), body, content_type="application/json")
    assert r.status_code == 201, r.content
    assert (r.json()["yes_count"], r.json()["refer_to_marac"], r.json()["reasons"], r.json()["marac_referral"]) == (
        14,
        True,
        ["visible-high-risk"],
        None,
    )
    cid = r.json()["id"]
    r = worker.post(
        _url(person, f"dash-checklists/{cid}/marac-referral"),
        {"referred_on": DAY, "marac": "Southampton MARAC"},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    listing = worker.get(_url(person, "dash-checklists")).json()
    assert listing["marac_referral_made"] is True and listing["latest_marac_referral"]["marac"] == "Southampton MARAC"
    assert listing["checklists"][0]["marac_referral"]["referred_on"] == DAY
    bad = worker.post(_url(person, "dash-checklists"), {**body, "answers": ["yes"] * 23 + ["maybe"]}, content_type="application/json")
    assert bad.status_code == 400 and "Question 24: the answer must be yes, no or not known" in str(bad.json())
    assert DashChecklist.objects.count() == 1


def test_top_through_the_api_with_change(worker, partnership):
    person = partnership.ordinary
    base = {m.name: (False if m.kind == "yes-no" else 0) for m in MEASURES} | {
        "alcohol_units": None,
        "psychological_health": 8,
        "physical_health": 9,
        "quality_of_life": 7,
    }
    for day, stage, opiates in (("2026-01-12", "start", 24), ("2026-05-12", "exit", 2)):
        r = worker.post(
            _url(person, "treatment-outcomes-profiles"),
            {**base, "completed_on": day, "stage": stage, "opiates_days": opiates},
            content_type="application/json",
        )
        assert r.status_code == 201, r.content
    change = {c["name"]: c for c in worker.get(_url(person, "treatment-outcomes-profiles")).json()["change"]}
    assert change["opiates_days"] == {
        "name": "opiates_days",
        "label": "Days using opiates (illicit)",
        "first": 24,
        "latest": 2,
        "difference": -22,
        "direction": "better",
    }
    bad = worker.post(
        _url(person, "treatment-outcomes-profiles"),
        {**base, "completed_on": DAY, "stage": "review", "crack_days": 30},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "Days using crack: must be between 0 and 28, not 30" in str(bad.json())
    assert TreatmentOutcomesProfile.objects.count() == 2


def test_a_partner_without_health_is_refused_and_audited(client, partnership, today):
    p = partnership
    client.force_login(p.users["housing-worker"])
    for tail in ("alcohol-screenings", "brief-advice", "dash-checklists", "treatment-outcomes-profiles"):
        assert client.get(_url(p.housing_case, tail)).status_code == 403, tail
        assert client.post(_url(p.housing_case, tail), {}, content_type="application/json").status_code == 403, tail
    assert AuditEvent.objects.filter(actor=p.users["housing-worker"], action="denied").count() == 8


def test_brief_advice_through_the_api(worker, partnership):
    body = {"given_on": DAY, "frames": ["feedback", "empathy"], "leaflet_given": True, "referral": "treatment", "duration_minutes": 6}
    r = worker.post(_url(partnership.ordinary, "brief-advice"), body, content_type="application/json")
    assert r.status_code == 201, r.content
    assert worker.get(_url(partnership.ordinary, "brief-advice")).json()[0]["frames"] == ["feedback", "empathy"]
    bad = worker.post(
        _url(partnership.ordinary, "brief-advice"), {**body, "frames": ["bribery"], "duration_minutes": 0}, content_type="application/json"
    )
    assert bad.status_code == 400 and "Not a FRAMES element: bribery" in str(bad.json()) and "between 1 and 240" in str(bad.json())
