"""Issue 6 items 2, 7, 8, 9 in a real browser: every registration-lifecycle page is axe-clean (normal
and error states, desktop and mobile); a police IOM officer publishes a Red Alert and the person's
page shows the wanted banner; the chair removes a case; a role that may not is refused."""

from __future__ import annotations

import datetime

import pytest

from iomhub import clock
from iomhub.access.models import Role
from iomhub.cohort import services
from tests.factories import PASSWORD, PersonFactory, TeamFactory

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = {"desktop": 1280, "mobile": 375}
PACK = {
    "proposed_address": "1 Mill Lane",
    "index_offence": "Burglary",
    "offending_history": "Eight",
    "risk_factors": "Heroin",
    "safeguarding": "None",
}


def _data(p):
    today = clock.today()
    chair = p.users[Role.CHAIR]
    started = today - datetime.timedelta(days=240)

    def adopt(person, rag):
        return services.registration_open(acting_user=chair, person=person, referral=None, started_on=started, rag=rag)

    ordinary = adopt(p.ordinary, "amber")
    wanted = adopt(p.housing_case, "red")
    services.rag_change(
        acting_user=p.users[Role.POLICE_IOM_OFFICER], registration=wanted, level="red-alert", changed_on=today, reason="Warrant"
    )
    leaver = adopt(PersonFactory(first_name="Lee", last_name="Leaver", managing_team=p.team), "green")
    services.deregister(
        acting_user=chair, registration=leaver, approved_on=today, reasons="Risk fallen", exit_plan="Probation", supported_by="PO T"
    )
    transfer = services.transfer_propose(
        acting_user=chair, person=p.ordinary, kind="internal", to_team=TeamFactory(name="Hastings IOM"), pack=PACK
    )
    return ordinary, wanted, leaver, transfer


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_every_lifecycle_page_passes_axe(session, partnership, width):
    ordinary, wanted, leaver, transfer = _data(partnership)
    submit = "button.govuk-button >> nth=0"
    r, t = ordinary.pk, transfer.pk
    pages = [
        (f"/cohort/registrations/{r}/", None),
        (f"/cohort/registrations/{wanted.pk}/", None),
        (f"/cohort/registrations/{leaver.pk}/", None),
        (f"/people/{partnership.housing_case.pk}/", None),
        (f"/cohort/registrations/{r}/rag/", None),
        (f"/cohort/registrations/{r}/rag/", submit),
        (f"/cohort/registrations/{r}/review/", submit),
        (f"/cohort/registrations/{r}/circumstances/", None),
        (f"/cohort/registrations/{r}/deregister/", None),
        (f"/cohort/registrations/{r}/deregister/", submit),
        (f"/cohort/registrations/{leaver.pk}/removal/", submit),
        ("/cohort/", None),
        ("/cohort/red-alerts/", None),
        ("/cohort/transfers/", None),
        (f"/cohort/transfers/{t}/", None),
        *[(f"/cohort/transfers/{t}/{step}/", submit) for step in ("home-visit", "spoc", "decision", "deselect", "withdraw")],
        (f"/cohort/people/{partnership.ordinary.pk}/transfers/new/", submit),
    ]
    session.page.set_viewport_size({"width": width, "height": 900})
    session.sign_in("chair", PASSWORD)
    for path, action in pages:
        session.go(path)
        if action:
            session.follow(action)
        session.assert_accessible(f"{path}{' after submit' if action else ''} at {width}px")


def test_police_publish_a_red_alert_and_the_chair_removes_a_case(session, partnership):
    ordinary, *_ = _data(partnership)
    page = session.page
    session.sign_in("police-iom-officer", PASSWORD)
    session.go(f"/cohort/registrations/{ordinary.pk}/")
    session.follow("a:has-text('Change the RAG level')")
    page.check("input[name='level'][value='red-alert']")
    page.fill("[name='reason']", "Failed to appear at court")
    page.fill("[name='meeting']", "Daily briefing")
    session.follow("button:has-text('Save')")
    assert "Red Alert: wanted" in page.content()
    session.go(f"/people/{partnership.ordinary.pk}/")
    assert "Failed to appear at court" in page.content()
    assert session.go(f"/cohort/registrations/{ordinary.pk}/deregister/").status == 403
    session.sign_out()
    session.sign_in("chair", PASSWORD)
    session.go(f"/cohort/registrations/{ordinary.pk}/deregister/")
    page.fill("[name='reasons']", "Sentenced to 6 years")
    page.fill("[name='exit_plan']", "Prison offender manager")
    page.fill("[name='supported_by']", "POM Jo Bloggs")
    page.check("[name='exceptional']")
    session.follow("button:has-text('Save')")
    session.assert_accessible("registration after removal")
    assert "POM Jo Bloggs" in page.content() and "Outstanding" in page.content()


def _date(page, prefix: str, day: datetime.date) -> None:
    page.fill(f"[name='{prefix}_day']", str(day.day))
    page.fill(f"[name='{prefix}_month']", str(day.month))
    page.fill(f"[name='{prefix}_year']", str(day.year))


def test_the_coordinator_reviews_and_walks_a_transfer_the_chair_accepts(session, partnership):
    ordinary, *_ = _data(partnership)
    from iomhub.cohort.models import Transfer

    Transfer.objects.update(status="withdrawn", closed_reason="Test set-up")
    today = clock.today()
    page = session.page
    session.sign_in("iom-coordinator", PASSWORD)
    session.go(f"/cohort/registrations/{ordinary.pk}/")
    assert "Remove from IOM" not in page.content()  # the chair's decision
    session.follow("a:has-text('Record a review')")
    _date(page, "reviewed_on", today)
    page.check("input[name='outcome'][value='retain']")
    page.fill("[name='notes']", "Engaging well with treatment")
    session.follow("button:has-text('Save')")
    assert "Engaging well with treatment" in page.content()
    session.follow("a:has-text('Propose a transfer')")
    page.check("input[name='kind'][value='internal']")
    page.select_option("[name='to_team']", label="Hastings IOM")
    for name, value in PACK.items():
        page.fill(f"[name='{name}']", value)
    session.follow("button:has-text('Save')")
    transfer_url = page.url.removeprefix(session.base)
    session.follow("a:has-text('Record the joint home visit')")
    _date(page, "visited_on", today)
    page.fill("[name='police_officer']", "PC Lee")
    page.fill("[name='probation_officer']", "PO Taylor")
    page.check("input[name='address_suitable'][value='yes']")
    session.follow("button:has-text('Save')")
    session.follow("a:has-text('Record the named SPOC')")
    page.fill("[name='spoc_name']", "DC Ali Khan")
    page.fill("[name='spoc_contact']", "01424 000000")
    session.follow("button:has-text('Save')")
    assert "the receiving meeting's decision" not in page.content()
    assert session.go(transfer_url + "decision/").status == 403
    session.sign_out()
    session.sign_in("chair", PASSWORD)
    session.go(transfer_url)
    session.follow("a:has-text('Record the receiving meeting')")
    page.check("input[name='accepted'][value='yes']")
    _date(page, "decided_on", today)
    page.fill("[name='meeting']", "Hastings IOM meeting")
    session.follow("button:has-text('Save')")
    session.follow("a:has-text('Record deselection')")
    _date(page, "deselected_on", today)
    session.follow("button:has-text('Save')")
    session.assert_accessible("completed transfer")
    assert "Completed" in page.content()
    session.go(f"/people/{partnership.ordinary.pk}/")
    assert "Hastings IOM" in page.content()
