"""The home page starts each role's day where their work is: the caseload (the team dashboard for
the coordinator and chair), Red Alerts, referrals and meetings, and offers no link its reader
would be refused."""

from __future__ import annotations

import re

import pytest

from iomhub.access.models import Role

pytestmark = pytest.mark.django_db

CARDS = re.compile(r'<h2 class="govuk-heading-m"><a class="govuk-link" href="([^"]+)">([^<]+)</a></h2>')


def _home(client, user):
    client.force_login(user)
    page = client.get("/").content.decode()
    return page, [title for _, title in CARDS.findall(page)]


@pytest.mark.parametrize(
    "who, first_cards",
    [
        (Role.POLICE_IOM_OFFICER, ["My caseload", "Referrals", "Find a person"]),
        (Role.PROBATION_OFFICER, ["My caseload", "Referrals", "Find a person"]),
        (Role.COORDINATOR, ["Team dashboard", "Referrals", "Meetings", "Find a person"]),
        (Role.CHAIR, ["Team dashboard", "Referrals", "Meetings", "Find a person"]),
        ("housing-worker", ["My caseload", "Referrals", "Find a person"]),
    ],
)
def test_the_day_starts_with_the_caseload(client, partnership, who, first_cards):
    _, cards = _home(client, partnership.users[who])
    assert cards[: len(first_cards)] == first_cards


def test_only_readers_of_the_justice_record_are_promised_arrests(client, partnership):
    police, _ = _home(client, partnership.users[Role.POLICE_IOM_OFFICER])
    housing, _ = _home(client, partnership.users["housing-worker"])
    assert "arrests in the last 7 days and releases ahead" in police
    assert "arrests" not in housing.lower() and "releases" not in housing.lower()


@pytest.mark.parametrize("who", [Role.POLICE_IOM_OFFICER, Role.COORDINATOR, "housing-worker", Role.PERFORMANCE_LEAD, Role.IG_LEAD])
def test_every_link_on_the_home_page_opens_for_its_reader(client, partnership, who):
    page, _ = _home(client, partnership.users[who])
    main = page[page.index("<main") : page.index("</main>")]
    links = sorted(set(re.findall(r'href="(/[^"#]*)"', main)))
    assert links
    for link in links:
        assert client.get(link).status_code == 200, link


def test_a_role_without_people_is_offered_no_caseload(client, partnership):
    _, cards = _home(client, partnership.users[Role.PERFORMANCE_LEAD])
    assert "My caseload" not in cards and "Team dashboard" not in cards and "Reports" in cards
