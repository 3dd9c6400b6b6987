"""Issue 11 §3 in the browser: the Justice tab of a person whose records came from every kind of
feed row (and one keyed by hand) says where each came from, is axe-clean on a desktop and a narrow
screen, and the importer's link to the import opens it; the police IOM officer sees the words, no link."""

from __future__ import annotations

import datetime

import pytest

from iomhub import clock
from iomhub.access.models import Role
from tests.factories import PASSWORD
from tests.justice import sources

pytestmark = pytest.mark.django_db(transaction=True)
WIDTHS = {"desktop": 1280, "mobile": 375}


@pytest.fixture
def world(partnership):
    with clock.frozen(datetime.date(2026, 9, 1)):
        return sources.build(partnership)


@pytest.mark.parametrize("screen", list(WIDTHS))
def test_the_sources_show_axe_clean_and_the_importer_opens_the_import(session, world, screen):
    session.page.set_viewport_size({"width": WIDTHS[screen], "height": 900})
    session.sign_in(Role.COORDINATOR.value, PASSWORD)
    session.go(f"/people/{world.person.pk}/justice/")
    cell = session.page.locator(f"tr[data-arrest='{world.arrests['pnc'].pk}'] [data-source]")
    assert " ".join(cell.inner_text().split()) == world.expected["pnc"]
    hand = session.page.locator(f"tr[data-arrest='{world.arrests['hand'].pk}'] [data-source]")
    assert hand.inner_text().strip() == world.expected["hand"]
    assert (
        session.page.locator(f"tr[data-arrest='{world.arrests['reviewed'].pk}'] [data-source='reviewed']").inner_text().split()
        == world.expected["reviewed"].split()
    )
    session.assert_accessible(f"justice tab with sources ({screen})")
    session.follow(f"tr[data-arrest='{world.arrests['pnc'].pk}'] [data-source] a")
    assert session.page.url.endswith(f"/feeds/imports/{world.runs['arrests'].pk}/")


def test_the_police_officer_reads_the_sources_without_the_import_link(session, world):
    session.sign_in(Role.POLICE_IOM_OFFICER.value, PASSWORD)
    session.go(f"/people/{world.person.pk}/justice/")
    cell = session.page.locator(f"tr[data-arrest='{world.arrests['probable'].pk}'] [data-source]")
    assert " ".join(cell.inner_text().split()).startswith(world.expected["probable"].split("0.NNN")[0])
    assert session.page.locator("[data-source] a").count() == 0
    session.assert_accessible("justice tab with sources, no import links")
