"""Health and substance-misuse data (special category) only for readers the health section is shared
with: every page refused and the refusal audited; nothing of it, or derived from it, elsewhere."""

import datetime

import pytest

from iomhub.access.models import AuditEvent, Role, Section, SharingAgreement
from iomhub.assessments import outcomes, risk, services
from iomhub.rules.top import MEASURES

pytestmark = pytest.mark.django_db

MARK = "Zqhealthmarkerq"


def _record_everything(partnership, person, role=Role.SUBSTANCE_MISUSE):
    """One of each instrument (and a MARAC referral) with a marker in every text field."""
    user = partnership.users[role]
    day = datetime.date(2026, 5, 12)
    s = services.alcohol_screening_record(
        acting_user=user,
        person=person,
        instrument="audit-c",
        screened_on=day,
        session="first",
        answers=[4, 4, 4],
        units_last_week=61,
        notes=MARK,
    )
    services.brief_advice_record(
        acting_user=user,
        person=person,
        given_on=day,
        frames=["feedback"],
        goals=MARK,
        leaflet_given=True,
        referral="gp",
        duration_minutes=9,
        screening=s,
    )
    c = risk.dash_record(
        acting_user=user,
        person=person,
        completed_on=day,
        answers=["yes"] * 24,
        professional_judgement=True,
        judgement_reasons=MARK,
        incidents_last_12_months=4,
    )
    risk.marac_referral_record(acting_user=user, checklist=c, referred_on=day, marac=MARK, notes=MARK)
    values = {m.name: (False if m.kind == "yes-no" else 1) for m in MEASURES}
    outcomes.top_record(acting_user=user, person=person, completed_on=day, stage="start", values=values, other_drug=MARK, notes=MARK)
    return s, c


def _urls(person, s, c):
    base = f"/people/{person.pk}/health/"
    return [
        base,
        f"{base}alcohol/{s.pk}/",
        f"{base}dash/{c.pk}/",
        f"{base}alcohol/new/",
        f"{base}dash/{c.pk}/marac/",
        f"{base}top/new/",
        f"{base}brief-advice/new/",
        f"{base}dash/new/",
    ]


def test_a_partner_without_health_is_refused_every_page_and_it_is_audited(client, partnership, today):
    p = partnership
    s, c = _record_everything(p, p.housing_case)
    client.force_login(p.users["housing-worker"])  # housing shares identity, contact, plan: not health
    for url in _urls(p.housing_case, s, c):
        response = client.get(url)
        assert response.status_code == 403, url
        assert MARK.lower() not in response.content.decode().lower()
    denied = AuditEvent.objects.filter(actor=p.users["housing-worker"], action="denied", person_id=p.housing_case.pk)
    assert denied.count() == len(_urls(p.housing_case, s, c))
    for url in (f"/people/{p.housing_case.pk}/", f"/people/{p.housing_case.pk}/plan/", f"/people/{p.housing_case.pk}/timeline/"):
        assert MARK.lower() not in client.get(url).content.decode().lower()


def test_a_partner_whose_agreement_shares_health_reads_and_records(client, partnership, today):
    p = partnership
    SharingAgreement.objects.filter(organisation=p.housing).update(
        sections=[Section.IDENTITY, Section.PLAN, Section.ASSESSMENTS, Section.HEALTH]
    )
    _record_everything(p, p.housing_case)
    client.force_login(p.users["housing-worker"])
    page = client.get(f"/people/{p.housing_case.pk}/health/").content.decode()
    assert MARK in page and "MARAC referral made" in page
    assert client.get(f"/people/{p.housing_case.pk}/health/dash/new/").status_code == 200


def test_people_not_visible_at_all_are_not_found(client, partnership, today):
    p = partnership
    s, c = _record_everything(p, p.restricted, Role.PROBATION_OFFICER)  # named on the person
    client.force_login(p.users[Role.POLICE_IOM_OFFICER])  # not named on the restricted person
    for url in _urls(p.restricted, s, c):
        assert client.get(url).status_code == 404, url
    client.force_login(p.users[Role.SUBSTANCE_MISUSE])
    assert client.get(f"/people/{p.ordinary.pk}/health/alcohol/{s.pk}/").status_code == 404  # another person's record


def test_roles_without_person_access_see_nothing(client, partnership, today):
    p = partnership
    s, c = _record_everything(p, p.ordinary)
    for role in (Role.PERFORMANCE_LEAD, Role.EVALUATOR, Role.SYSTEM_ADMIN, Role.IG_LEAD):
        client.force_login(p.users[role])
        for url in _urls(p.ordinary, s, c):
            response = client.get(url)
            assert response.status_code in (403, 404), (role, url)
            assert MARK.lower() not in response.content.decode().lower()


def test_the_assessments_tab_links_to_the_instruments_only_with_health(client, partnership, today):
    p = partnership
    client.force_login(p.users[Role.SUBSTANCE_MISUSE])
    assert f"/people/{p.housing_case.pk}/health/" in client.get(f"/people/{p.housing_case.pk}/assessments/").content.decode()
    SharingAgreement.objects.filter(organisation=p.housing).update(sections=[Section.IDENTITY, Section.PLAN, Section.ASSESSMENTS])
    client.force_login(p.users["housing-worker"])
    page = client.get(f"/people/{p.housing_case.pk}/assessments/")
    assert page.status_code == 200 and "/health/" not in page.content.decode()


def test_the_summary_flags_the_marac_link_only_with_health(client, partnership, today):
    p = partnership
    _record_everything(p, p.housing_case)
    client.force_login(p.users[Role.PROBATION_OFFICER])
    page = client.get(f"/people/{p.housing_case.pk}/").content.decode()
    assert "MARAC referral made" in page and 'id="marac-link"' in page
    client.force_login(p.users["housing-worker"])
    page = client.get(f"/people/{p.housing_case.pk}/").content.decode()
    assert "MARAC" not in page and MARK.lower() not in page.lower()
