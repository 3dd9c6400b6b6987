"""One referral per person at a time (issue 18 §4): a new referral for someone with an open referral
(draft, submitted or deferred) or a current registration is refused with a link to it, on the page
(409) and in the API (409 with the referral's id and URL); the candidate list says "Referred"."""

from __future__ import annotations

import datetime

import pytest

from iomhub import clock
from iomhub.access.models import AuditEvent, Role
from iomhub.cohort.services import registration_open
from iomhub.referrals import services
from iomhub.referrals.models import Referral
from tests.cohort.scale import TODAY as CANDIDATES_DAY
from tests.cohort.scale import add_candidates
from tests.referrals.factories import complete_answers, complete_json, make_referral

TODAY = datetime.date(2026, 11, 20)


@pytest.fixture
def today():
    with clock.frozen(TODAY):
        yield


def test_the_page_refuses_a_second_referral_and_links_to_the_open_one(client, partnership, today):
    probation = partnership.users[Role.PROBATION_OFFICER]
    open_one = make_referral(by=probation, person=partnership.ordinary)
    client.force_login(probation)
    page = client.get(f"/referrals/new/?person={partnership.ordinary.pk}")
    assert page.status_code == 409
    text = page.content.decode()
    assert "already been referred" in text and f'href="/referrals/{open_one.pk}/"' in text
    posted = client.post(f"/referrals/new/?person={partnership.ordinary.pk}", {"first_name": "Jordan"})
    assert posted.status_code == 409
    assert Referral.objects.filter(person=partnership.ordinary).count() == 1
    assert AuditEvent.objects.filter(
        actor=probation, person_id=partnership.ordinary.pk, changes__purpose="refuse a second referral"
    ).exists()


def test_the_api_answers_409_with_the_open_referrals_id_and_url(client, partnership, today):
    probation = partnership.users[Role.PROBATION_OFFICER]
    open_one = make_referral(by=probation, person=partnership.ordinary, status=Referral.Status.DEFERRED)
    client.force_login(probation)
    response = client.post("/api/v1/referrals", {**complete_json(), "person_id": partnership.ordinary.pk}, content_type="application/json")
    assert response.status_code == 409, response.json()
    body = response.json()
    assert body["referral_id"] == open_one.pk and body["referral_url"] == f"/api/v1/referrals/{open_one.pk}"
    assert body["page_url"] == f"/referrals/{open_one.pk}/" and "already been referred" in body["detail"]
    refusal = AuditEvent.objects.get(actor=probation, changes__purpose="refuse a second referral")
    assert (refusal.person_id, refusal.object_id) == (partnership.ordinary.pk, str(open_one.pk))


def test_someone_on_iom_cannot_be_referred_and_a_decided_referral_does_not_block(client, partnership, today):
    probation = partnership.users[Role.PROBATION_OFFICER]
    make_referral(by=probation, person=partnership.ordinary, status=Referral.Status.REJECTED)
    client.force_login(probation)
    assert client.get(f"/referrals/new/?person={partnership.ordinary.pk}").status_code == 200  # rejected: may be referred again
    registration = registration_open(
        acting_user=partnership.users[Role.CHAIR], person=partnership.ordinary, referral=None, started_on=TODAY, rag="amber"
    )
    page = client.get(f"/referrals/new/?person={partnership.ordinary.pk}")
    assert page.status_code == 409 and "is on IOM" in page.content.decode()
    response = client.post("/api/v1/referrals", {**complete_json(), "person_id": partnership.ordinary.pk}, content_type="application/json")
    assert response.status_code == 409 and response.json()["registration_id"] == registration.pk
    assert "referral_id" not in response.json()


def test_another_agencys_draft_blocks_without_revealing_it(client, partnership, today):
    make_referral(by=partnership.users["housing-worker"], person=partnership.housing_case, status=Referral.Status.DRAFT)
    client.force_login(partnership.users[Role.PROBATION_OFFICER])
    response = client.post(
        "/api/v1/referrals", {**complete_json(), "person_id": partnership.housing_case.pk}, content_type="application/json"
    )
    assert response.status_code == 409 and "referral_id" not in response.json() and "another agency" in response.json()["detail"]


def test_a_typed_identity_with_the_pnc_id_of_an_open_referral_is_refused_at_submission(client, partnership, today):
    police = partnership.users[Role.POLICE_IOM_OFFICER]
    first = services.referral_create(acting_user=police, answers=complete_answers())
    second = services.referral_start(acting_user=police, answers=complete_answers())  # a draft may be saved
    client.force_login(police)
    page = client.post(f"/referrals/{second.pk}/check/")
    assert page.status_code == 409 and f'href="/referrals/{first.pk}/"' in page.content.decode()
    assert AuditEvent.objects.filter(actor=police, object_id=str(first.pk), changes__purpose="refuse a second referral").exists()
    api = client.post("/api/v1/referrals", complete_json(), content_type="application/json")  # the same PNC ID, typed
    assert api.status_code == 409 and api.json()["referral_id"] == first.pk
    second.refresh_from_db()
    assert second.status == Referral.Status.DRAFT


def test_the_candidate_list_says_referred_instead_of_refer(client, partnership):
    p = partnership
    with clock.frozen(CANDIDATES_DAY):
        referred, fresh = add_candidates(p, 2)
        open_one = make_referral(by=p.users[Role.PROBATION_OFFICER], person=referred)
        client.force_login(p.users[Role.COORDINATOR])
        page = client.get("/cohort/candidates/").content.decode()
    assert f'href="/referrals/new/?person={fresh.pk}"' in page
    assert f'href="/referrals/new/?person={referred.pk}"' not in page
    assert f'<a class="govuk-link" href="/referrals/{open_one.pk}/">Referred' in page


def test_the_persons_page_shows_the_open_referral_instead_of_refer(client, partnership, today):
    probation = partnership.users[Role.PROBATION_OFFICER]
    client.force_login(probation)
    before = client.get(f"/people/{partnership.ordinary.pk}/").content.decode()
    assert f"/referrals/new/?person={partnership.ordinary.pk}" in before
    open_one = make_referral(by=probation, person=partnership.ordinary)
    after = client.get(f"/people/{partnership.ordinary.pk}/").content.decode()
    assert f"/referrals/new/?person={partnership.ordinary.pk}" not in after
    assert "Referred" in after and f'href="/referrals/{open_one.pk}/"' in after
