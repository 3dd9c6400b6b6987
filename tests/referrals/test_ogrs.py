"""OGRS3 on a referral (issue 5 §1): computed by ``iomhub.rules.ogrs3`` from the referred person's
justice record where its inputs are there, shown with how it was derived, stored on submission when
no score was entered; otherwise the reason it could not be computed."""

from __future__ import annotations

import datetime

import pytest

from iomhub import clock
from iomhub.access.models import AuditEvent, Role
from iomhub.justice import services as justice
from iomhub.referrals import services
from iomhub.referrals.models import Referral
from iomhub.rules.ogrs3 import ogrs3
from tests.referrals.factories import make_referral

D = datetime.date
TODAY = D(2026, 6, 1)


@pytest.fixture(autouse=True)
def fixed_today():
    with clock.frozen(TODAY):
        yield


def convict(user, person, day, code, disposal="fine", **extra):
    offence = justice.offence_record(acting_user=user, person=person, code=code, committed_on=day - datetime.timedelta(days=30))
    if disposal == "fine":
        extra.setdefault("fine_pounds", 100)
    if disposal == "community-order":
        extra.setdefault("requirements", ["rar"])
    return justice.court_outcome_record(
        acting_user=user, person=person, decided_on=day, disposal=disposal, offence_ids=[offence.pk], **extra
    )


@pytest.fixture
def history(partnership):
    """Jordan (male, born 17 May 1990): a first conviction at 20, another at 28, and the current
    one — a community order for shoplifting (theft, non-motor) — on 2 March 2026, aged 35."""
    police = partnership.users[Role.POLICE_IOM_OFFICER]
    person = partnership.ordinary
    convict(police, person, D(2010, 6, 1), "105A")
    convict(police, person, D(2018, 9, 3), "28E")
    convict(police, person, D(2026, 3, 2), "46", disposal="community-order")
    return person


def expected():
    return ogrs3(
        sex="male",
        age_at_start_of_followup=35,
        age_at_current_conviction=35,
        age_at_first_sanction=20,
        total_sanctions=3,
        offence_group="theft-non-motor",
    )


def test_the_referral_page_shows_ogrs3_computed_from_the_justice_record_and_how(client, partnership, history):
    referral = make_referral(by=partnership.users[Role.PROBATION_OFFICER], person=history, ogrs_score=None, referral_date=TODAY)
    client.force_login(partnership.users[Role.COORDINATOR])
    page = client.get(f"/referrals/{referral.pk}/").content.decode()
    result = expected()
    assert f"{result.two_year_percent}% ({result.band.capitalize()})" in page
    assert f"{result.one_year_percent}%" in page
    assert "How it was derived" in page
    assert "3 convictions or cautions" in page and "aged 20" in page and "theft-non-motor" in page
    assert "Copas rate: ln(3/(10+15))" in page
    event = AuditEvent.objects.filter(object_type="ogrs3", person_id=history.pk).latest("id")
    assert event.changes["computed"] is True


def test_submission_stores_the_computed_score_when_none_was_entered(partnership, history):
    probation = partnership.users[Role.PROBATION_OFFICER]
    referral = make_referral(by=probation, person=history, status="draft", ogrs_score=None, referral_date=TODAY)
    submitted = services.referral_submit(acting_user=probation, referral=referral)
    assert submitted.ogrs_score == expected().two_year_percent
    assert submitted.ogrs_source == Referral.OgrsSource.COMPUTED
    event = AuditEvent.objects.filter(object_type="referral", object_id=str(referral.pk), action="change").latest("id")
    assert event.changes["ogrs_source"]["after"] == "computed"


def test_an_entered_score_is_kept_as_entered(partnership, history):
    probation = partnership.users[Role.PROBATION_OFFICER]
    referral = make_referral(by=probation, person=history, status="draft", ogrs_score=81, referral_date=TODAY)
    submitted = services.referral_submit(acting_user=probation, referral=referral)
    assert (submitted.ogrs_score, submitted.ogrs_source) == (81, Referral.OgrsSource.ENTERED)


def test_without_a_conviction_the_page_says_why_it_could_not_be_computed(client, partnership):
    referral = make_referral(by=partnership.users[Role.PROBATION_OFFICER], person=partnership.ordinary, ogrs_score=None)
    client.force_login(partnership.users[Role.COORDINATOR])
    page = client.get(f"/referrals/{referral.pk}/").content.decode()
    assert "OGRS3 could not be computed: No conviction or caution is recorded" in page
    assert "Enter the score from OASys" in page


def test_a_custodial_sentence_not_yet_served_has_no_start_of_follow_up(client, partnership):
    police = partnership.users[Role.POLICE_IOM_OFFICER]
    person = partnership.ordinary
    convict(police, person, D(2026, 3, 2), "28E", disposal="custody")
    referral = make_referral(by=partnership.users[Role.PROBATION_OFFICER], person=person, ogrs_score=None, referral_date=TODAY)
    client.force_login(partnership.users[Role.COORDINATOR])
    page = client.get(f"/referrals/{referral.pk}/").content.decode()
    assert "not yet been released" in page


def test_a_partner_without_the_justice_section_sees_no_derivation_and_stores_none(client, partnership):
    housing = partnership.users["housing-worker"]
    convict(partnership.users[Role.POLICE_IOM_OFFICER], partnership.housing_case, D(2025, 1, 6), "46")
    referral = make_referral(by=housing, person=partnership.housing_case, status="draft", ogrs_score=None, referral_date=TODAY)
    client.force_login(housing)
    page = client.get(f"/referrals/{referral.pk}/").content.decode()
    assert "OGRS3 from the justice record" not in page
    submitted = services.referral_submit(acting_user=housing, referral=referral)
    assert submitted.ogrs_score is None and submitted.ogrs_source == ""
    # The coordinator, who sees the justice record, is shown it computed.
    client.force_login(partnership.users[Role.COORDINATOR])
    assert "OGRS3 from the justice record" in client.get(f"/referrals/{referral.pk}/").content.decode()


def test_derive_many_gives_what_derive_gives_for_each_person_in_a_fixed_number_of_queries(partnership, history, django_assert_num_queries):
    from iomhub.referrals.ogrs import derive, derive_many

    people = [history, partnership.housing_case]
    with django_assert_num_queries(4):  # sanctions, their offences, the offence codes, released sentences
        many = derive_many(people, TODAY)
    assert many[history.pk] == derive(history, TODAY) and many[history.pk].result == expected()
    assert many[partnership.housing_case.pk].missing == derive(partnership.housing_case, TODAY).missing
