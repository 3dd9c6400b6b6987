"""AUDIT-C and AUDIT through the pages (000 §6.3.2): answers in, score, zone and action out, history."""

import datetime

import pytest

from iomhub.access.models import AuditEvent, Role
from iomhub.assessments.models import AlcoholScreening, BriefAdvice
from tests.assessments.conftest import date_fields

pytestmark = pytest.mark.django_db


def _post(client, person, answers, *, query="", session="first", units="30", day=datetime.date(2026, 6, 1)):
    data = {**date_fields("screened_on", day), "session": session, "units_last_week": units}
    data.update({f"q{n}": str(a) for n, a in enumerate(answers, start=1)})
    return client.post(f"/people/{person.pk}/health/alcohol/new/{query}", data)


def test_positive_audit_c_leads_into_the_full_audit_and_brief_advice(client, partnership, today):
    p = partnership
    client.force_login(p.users[Role.SUBSTANCE_MISUSE])
    response = _post(client, p.ordinary, [2, 2, 1])  # 5: positive (000 appendix 3)
    assert response.status_code == 302
    screening = AlcoholScreening.objects.get()
    assert (screening.instrument, screening.score, screening.zone, screening.full_audit_advised) == (
        "audit-c",
        5,
        "increasing-or-higher-risk",
        True,
    )
    page = client.get(response.url).content.decode()
    assert "Score 5 of 12" in page and "complete the full AUDIT" in page
    assert f"?follows={screening.pk}" in page
    # the full AUDIT starts with the AUDIT-C's answers already given
    form = client.get(f"/people/{p.ordinary.pk}/health/alcohol/new/?follows={screening.pk}").content.decode()
    assert 'name="q10"' in form and 'name="q1" type="radio" value="2" checked' in form
    response = _post(client, p.ordinary, [2, 2, 1, 1, 1, 0, 1, 0, 0, 2], query=f"?follows={screening.pk}")  # 10
    full = AlcoholScreening.objects.get(instrument="audit")
    assert (full.score, full.zone, full.brief_advice, full.follows) == (10, "increasing-risk", True, screening)
    page = client.get(response.url).content.decode()
    assert "Score 10 of 40" in page and "Increasing risk (hazardous)" in page and "Offer brief advice" in page
    history = client.get(f"/people/{p.ordinary.pk}/health/").content.decode()
    assert "10 of 40" in history and "5 of 12" in history
    assert AuditEvent.objects.filter(object_type="alcohol-screening", action="create").count() == 2


def _audit_answers(total):
    """Ten answers adding up to ``total`` (tests/rules/test_alcohol.py's vector builder, restated)."""
    answers, remaining = [0] * 10, total
    for i in range(8):
        answers[i] = min(4, remaining)
        remaining -= answers[i]
    for i in (8, 9):
        answers[i] = min(4, remaining - remaining % 2)
        remaining -= answers[i]
    return answers


# The rules library's vectors (tests/rules/test_alcohol.py), entered through the application.
@pytest.mark.parametrize(
    "total, zone, label, action",
    [
        (0, "lower-risk", "Lower risk", "no intervention"),
        (7, "lower-risk", "Lower risk", "no intervention"),
        (8, "increasing-risk", "Increasing risk (hazardous)", "Offer brief advice"),
        (15, "increasing-risk", "Increasing risk (hazardous)", "Offer brief advice"),
        (16, "higher-risk", "Higher risk (harmful)", "continue monitoring"),
        (19, "higher-risk", "Higher risk (harmful)", "continue monitoring"),
        (20, "possible-dependence", "Possible dependence", "refer to a specialist treatment service"),
        (40, "possible-dependence", "Possible dependence", "refer to a specialist treatment service"),
    ],
)
def test_audit_vectors_through_the_page(client, partnership, today, total, zone, label, action):
    client.force_login(partnership.users[Role.SUBSTANCE_MISUSE])
    response = _post(client, partnership.ordinary, _audit_answers(total), query="?instrument=audit")
    stored = AlcoholScreening.objects.get()
    assert (stored.score, stored.zone) == (total, zone)
    page = client.get(response.url).content.decode()
    assert f"Score {total} of 40: {label}" in page and action in page


@pytest.mark.parametrize(
    "answers, positive", [([0, 0, 0], False), ([4, 0, 0], False), ([2, 1, 1], False), ([2, 2, 1], True), ([4, 4, 4], True)]
)
def test_audit_c_vectors_through_the_page(client, partnership, today, answers, positive):
    client.force_login(partnership.users[Role.SUBSTANCE_MISUSE])
    page = client.get(_post(client, partnership.ordinary, answers).url).content.decode()
    assert ("Continue to the full AUDIT" in page) is positive
    assert ("complete the full AUDIT" in page) is positive
    assert AlcoholScreening.objects.get().score == sum(answers)


def test_missing_and_impossible_answers_are_named_and_nothing_saved(client, partnership, today):
    client.force_login(partnership.users[Role.SUBSTANCE_MISUSE])
    data = {**date_fields("screened_on", today), "session": "first", "units_last_week": "lots", "q1": "2", "q3": "9"}
    body = client.post(f"/people/{partnership.ordinary.pk}/health/alcohol/new/", data).content.decode()
    assert "Units of alcohol drunk in the last week must be a whole number" in body
    body = client.post(f"/people/{partnership.ordinary.pk}/health/alcohol/new/", data | {"units_last_week": ""}).content.decode()
    assert "Question 2: select an answer to" in body
    assert "Question 3: the answer must score one of 0, 1, 2, 3, 4" in body
    assert "Enter the units drunk in the last week" in body  # the first session asks for them
    assert not AlcoholScreening.objects.exists()


def test_units_at_first_and_final_session_measure_change(client, partnership, today):
    client.force_login(partnership.users[Role.SUBSTANCE_MISUSE])
    _post(client, partnership.ordinary, [3, 3, 2], units="42", day=datetime.date(2026, 3, 2))
    _post(client, partnership.ordinary, [2, 1, 1], session="review", units="", day=datetime.date(2026, 4, 2))
    _post(client, partnership.ordinary, [1, 1, 0], session="final", units="12", day=datetime.date(2026, 6, 2))
    page = client.get(f"/people/{partnership.ordinary.pk}/health/").content.decode()
    assert "42 at the first session (2 March 2026), 12 at the final session (2 June 2026): a change of -30" in page


def test_brief_advice_recorded_with_frames_and_shown(client, partnership, today):
    client.force_login(partnership.users[Role.SUBSTANCE_MISUSE])
    url = f"/people/{partnership.ordinary.pk}/health/brief-advice/new/"
    data = {
        **date_fields("given_on", today),
        "frames": ["feedback", "menu"],
        "goals": "Two drink-free days a week",
        "leaflet_given": "yes",
        "referral": "gp",
        "duration_minutes": "7",
    }
    assert client.post(url, data).status_code == 302
    advice = BriefAdvice.objects.get()
    assert (advice.frames, advice.leaflet_given, advice.referral, advice.duration_minutes) == (["feedback", "menu"], True, "gp", 7)
    page = client.get(f"/people/{partnership.ordinary.pk}/health/").content.decode()
    assert "Feedback on their risk; Menu of options" in page and "Two drink-free days a week" in page and "7 minutes" in page
    body = client.post(url, {**date_fields("given_on", today), "duration_minutes": "999"}).content.decode()
    assert "Select the FRAMES elements covered" in body and "Answer yes or no: was a leaflet given" in body
    assert "must be between 1 and 240" in body and "Select the referral made" in body
    assert BriefAdvice.objects.count() == 1


def test_hostile_text_is_shown_as_text(client, partnership, today):
    client.force_login(partnership.users[Role.SUBSTANCE_MISUSE])
    hostile = '<script>alert(1)</script>=HYPERLINK("x")'
    url = f"/people/{partnership.ordinary.pk}/health/brief-advice/new/"
    data = {
        **date_fields("given_on", today),
        "frames": ["advice"],
        "goals": hostile,
        "leaflet_given": "no",
        "referral": "none",
        "duration_minutes": "5",
    }
    client.post(url, data)
    page = client.get(f"/people/{partnership.ordinary.pk}/health/").content.decode()
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    body = client.post(url, data | {"goals": "nul\x00byte"}).content.decode()
    assert "The goals agreed contains a character that is not allowed" in body or "contains a null character, which is not allowed" in body
