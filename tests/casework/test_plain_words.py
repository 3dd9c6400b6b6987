"""Developer text kept from users (issue 18 §6): the case history in words, dates as GOV.UK writes
them ("5 December 2026", never 2026-12-05), and the justice timeline's title and who-or-where as
separate words."""

from __future__ import annotations

import datetime
import html
import re

import pytest

from iomhub import clock
from iomhub.access.models import Role
from iomhub.casework import services
from iomhub.rules import eligibility, regime
from tests.justice.factories import arrest

pytestmark = pytest.mark.django_db


def test_the_case_history_reads_as_sentences(client, registered, today):
    p = registered
    coordinator, officer = p.users[Role.COORDINATOR], p.users[Role.PROBATION_OFFICER]
    officer.first_name, officer.last_name = "Sam", "Taylor"
    officer.save()
    services.case_people_set(
        acting_user=coordinator, person=p.ordinary, lead_worker=officer, coordinator=None, reason="Allocated at the meeting", version=1
    )
    services.safeguarding_set(
        acting_user=officer,
        person=p.ordinary,
        parental_status="not-a-parent",
        lives_with_children="no",
        safeguarding="none-known",
        version=2,
    )
    client.force_login(coordinator)
    page = client.get(f"/people/{p.ordinary.pk}/plan/").content.decode()
    history = page[page.index('id="case-history"') : page.index("</ul>", page.index('id="case-history"'))]
    lines = [" ".join(html.unescape(re.sub(r"<[^>]+>", "", li)).split()) for li in history.split("</li>")]
    words = " | ".join(lines)
    assert "Lead worker allocated: Sam Taylor, by" in words
    assert re.search(r"Sam Taylor, by [^|]+ on \d{1,2} [A-Z][a-z]+ 20\d\d at \d{1,2}:\d\d[ap]m\. Reason: Allocated at the meeting", words)
    assert "Parental status recorded: Not a parent" in words
    assert "Safeguarding recorded: No safeguarding concerns known" in words
    for developer in ("(none)", "→", "leadworker", "lead_worker", "not-a-parent", "none-known", f"({officer.username})"):
        assert developer not in words, developer


def test_a_change_of_lead_worker_and_its_removal_in_words(registered, today):
    p = registered
    coordinator, officer, police = p.users[Role.COORDINATOR], p.users[Role.PROBATION_OFFICER], p.users[Role.POLICE_IOM_OFFICER]
    for user, (first, last) in ((officer, ("Sam", "Taylor")), (police, ("Alex", "Jones"))):
        user.first_name, user.last_name = first, last
        user.save()
    record = services.case_people_set(
        acting_user=coordinator, person=p.ordinary, lead_worker=officer, coordinator=None, reason="Meeting", version=1
    )
    record = services.case_people_set(
        acting_user=coordinator, person=p.ordinary, lead_worker=police, coordinator=None, reason="Meeting", version=record.version
    )
    services.case_people_set(acting_user=coordinator, person=p.ordinary, lead_worker=None, coordinator=None, reason="Meeting", version=3)
    assert [h.description for h in record.changes.all()] == [
        "Lead worker removed (was Alex Jones)",
        "Lead worker changed from Sam Taylor to Alex Jones",
        "Lead worker allocated: Sam Taylor",
    ]


def test_rule_reasons_write_dates_as_people_read_them():
    found = eligibility.screen(
        as_of=datetime.date(2026, 12, 5),
        date_of_birth=datetime.date(1990, 1, 1),
        arrest_dates=[datetime.date(2026, 3, d) for d in range(1, 7)],
        offences=[(datetime.date(2026, 3, 2), "burglary")],
        custodial_sentences=[(datetime.date(2026, 11, 1), 90)],
    )
    evidence = {c.code: c.evidence for c in found.criteria}
    assert evidence["six-arrests-12-months"] == "6 arrests after 5 December 2025 and on or before 5 December 2026 (000 §5.7)"
    assert evidence["neighbourhood-crime"] == "burglary on 2 March 2026 (003)"
    assert evidence["short-custody"] == (
        "serving a custodial sentence under 12 months: 90 days from 1 November 2026 to 29 January 2027 (000 §5.7)"
    )
    quiet = regime.deregistration(today=datetime.date(2026, 12, 5), last_intelligence_on=datetime.date(2026, 8, 4))
    assert "no intelligence since 4 August 2026: 3 months or more (002 §2)" in quiet.breakdown
    never = regime.deregistration(today=datetime.date(2026, 12, 5), registered_on=datetime.date(2026, 1, 5))
    assert "no intelligence recorded since registration on 5 January 2026 (002 §2)" in never.breakdown


def test_the_justice_timeline_keeps_its_words_apart(client, partnership):
    officer = partnership.users[Role.PROBATION_OFFICER]
    with clock.frozen(datetime.date(2026, 9, 1)):
        arrest(user=officer, person=partnership.ordinary, custody_suite="Northbridge custody suite")
        client.force_login(officer)
        page = client.get(f"/people/{partnership.ordinary.pk}/justice/").content.decode()
    timeline = page[page.index('class="moj-timeline"') :]
    words = " ".join(html.unescape(re.sub(r"<[^>]+>", "", timeline)).split())
    assert "Arrested at Northbridge custody suite 1 August 2026 Outcome: Charged. Offences: 28E" in words
    assert "2026-08-01" not in words


def test_rag_levels_are_coloured_tags_with_their_names(client, registered, today):
    """RAG as GOV.UK tags (issue 18 §6), the colour never the only sign: the pathway needs on the
    Assessments tab and the RAG history on the person's page."""
    from iomhub.referrals.models import Pathway

    p = registered
    officer = p.users[Role.PROBATION_OFFICER]
    ratings = {pw.value: {"rag": "green"} for pw in Pathway} | {"finance": {"rag": "red", "needs": "Rent arrears"}}
    services.pathway_assessment_record(acting_user=officer, person=p.ordinary, assessed_on=today, ratings=ratings)
    client.force_login(officer)
    tab = client.get(f"/people/{p.ordinary.pk}/assessments/").content.decode()
    assert re.search(r'<strong class="govuk-tag govuk-tag--red" data-rag="red">Red</strong>\s*\. Needs: Rent arrears', tab)
    assert (
        tab.count('<strong class="govuk-tag govuk-tag--green" data-rag="green">Green</strong>') == 8 * 3
    )  # the needs, and the first and latest columns of the change table
    from iomhub.cohort.models import RagChange, Registration

    registration = Registration.objects.get(person=p.ordinary)
    RagChange.objects.create(registration=registration, level="amber", changed_on=today, decided_by=officer, decided_by_name="Sam Taylor")
    person = client.get(f"/people/{p.ordinary.pk}/").content.decode()
    assert 'govuk-tag--orange" data-rag="amber">Amber' in person
