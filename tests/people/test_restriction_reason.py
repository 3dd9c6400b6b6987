"""A restricted person's badge and the API's ``restriction``: everyone who may see the person learns
that the record is restricted; why only with the section the reason belongs to.

The oracle is the sharing table (architecture.md) and the decision recorded in the report and ADR
0006's addendum: MAPPA management is the justice record's, a counter-terrorism interest police
intelligence, "other sensitivity" names no reason. In the test partnership the housing worker's
agreement shares identity, contact and the plan; the probation officer reads every section but
intelligence; the police IOM officer every section.
"""

from __future__ import annotations

import re

import pytest

from iomhub.access.models import PersonAccessGrant, Role
from iomhub.people.models import Person, Restriction

BADGE = re.compile(r'<strong class="moj-badge moj-badge--red[^"]*">(.*?)</strong>', re.S)
LABELS = {"mappa": "MAPPA managed", "counter-terrorism": "Counter-terrorism person of interest", "other": "Other sensitivity"}

# (restriction, reader, shows the reason?)
CASES = [
    (Restriction.MAPPA, "housing-worker", False),  # no justice section
    (Restriction.MAPPA, Role.PROBATION_OFFICER, True),  # justice
    (Restriction.COUNTER_TERRORISM, Role.PROBATION_OFFICER, False),  # no intelligence
    (Restriction.COUNTER_TERRORISM, Role.POLICE_IOM_OFFICER, True),  # intelligence
    (Restriction.COUNTER_TERRORISM, "housing-worker", False),
    (Restriction.OTHER, "housing-worker", True),  # names no reason
]


@pytest.fixture
def restricted(partnership):
    """The partnership's restricted person (housing involved), granted to every reader of the cases."""
    person = partnership.restricted
    for reader in ("housing-worker", Role.POLICE_IOM_OFFICER):
        PersonAccessGrant.objects.get_or_create(person=person, user=partnership.users[reader])
    return person


@pytest.mark.parametrize(("restriction", "reader", "reason_shown"), CASES)
def test_the_badge_says_restricted_and_why_only_with_the_reasons_section(
    client, partnership, restricted, restriction, reader, reason_shown
):
    Person.objects.filter(pk=restricted.pk).update(restriction=restriction)
    client.force_login(partnership.users[reader])
    page = client.get(f"/people/{restricted.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    [badge] = BADGE.findall(html)
    if reason_shown:
        assert badge.strip() == f"Restricted: {LABELS[restriction]}"
    else:
        assert badge.strip() == "Restricted"
        assert LABELS[restriction] not in html


@pytest.mark.parametrize(("restriction", "reader", "reason_shown"), CASES)
def test_the_api_says_restricted_and_why_only_with_the_reasons_section(
    client, partnership, restricted, api_auth, restriction, reader, reason_shown
):
    Person.objects.filter(pk=restricted.pk).update(restriction=restriction)
    response = client.get(f"/api/v1/people/{restricted.pk}", **api_auth(reader))
    assert response.status_code == 200
    body = response.json()
    assert body["restriction"] == (restriction if reason_shown else "restricted")


def test_an_unrestricted_person_has_no_badge_and_an_empty_restriction(client, partnership, api_auth):
    person = partnership.housing_case
    client.force_login(partnership.users["housing-worker"])
    assert not BADGE.findall(client.get(f"/people/{person.pk}/").content.decode())
    assert client.get(f"/api/v1/people/{person.pk}", **api_auth("housing-worker")).json()["restriction"] == ""


# Every page of a person that shows the identity bar with the reader's sections (the screening page,
# /cohort/people/<id>/screening/, passes none, so it shows "Restricted" to everyone: reported).
TABS = ["", "plan/", "timeline/", "assessments/", "justice/", "documents/", "interventions/", "health/"]


@pytest.mark.parametrize("tab", TABS)
def test_every_tab_gives_the_reason_to_a_reader_of_its_section(client, partnership, restricted, tab):
    """The probation officer (named on the MAPPA person, reads justice) sees why on every tab; the
    housing worker on none of the tabs they may open."""
    url = f"/people/{restricted.pk}/{tab}"
    client.force_login(partnership.users[Role.PROBATION_OFFICER])
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    assert BADGE.findall(page.content.decode()) == ["Restricted: MAPPA managed"]
    client.force_login(partnership.users["housing-worker"])
    page = client.get(url)
    if page.status_code == 200:
        assert BADGE.findall(page.content.decode()) == ["Restricted"]
