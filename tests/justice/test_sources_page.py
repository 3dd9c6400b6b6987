"""The Justice tab says where each record a feed wrote came from and why it is this person (issue 11
§3): the feed, the import and line, how the row was linked and the fields that agreed, or who
decided it on review and when; "Recorded by hand" otherwise. The import is a link only for a reader
who may open it (its importer). Built by the real imports; the oracle is written by hand
(``tests.justice.sources``)."""

from __future__ import annotations

import html
import re

import pytest

from iomhub.access.models import AuditEvent, Role
from tests.access.support import events_since, last_event_id
from tests.justice import sources

pytestmark = pytest.mark.django_db


def cell(page: str, marker: str) -> tuple[str, str]:
    """The last cell (Source) of the row marked ``marker`` (``data-arrest="12"``): its text, its HTML."""
    found = re.search(rf"<tr[^>]*{re.escape(marker)}[^>]*>(.*?)</tr>", page, re.S)
    assert found is not None, marker
    last = re.findall(r"<td[^>]*>(.*?)</td>", found.group(1), re.S)[-1]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", last)).split()), last


def text_of(page: str, pattern: str) -> str:
    found = re.search(pattern, page, re.S)
    assert found is not None, pattern
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", found.group(1))).split())


@pytest.fixture
def world(partnership, today):
    return sources.build(partnership)


def test_each_arrest_says_where_it_came_from_and_why_it_is_this_person(client, world):
    client.force_login(world.importer)
    page = client.get(f"/people/{world.person.pk}/justice/").content.decode()
    for how in ("pnc", "name-dob", "reviewed", "hand"):
        assert cell(page, f'data-arrest="{world.arrests[how].pk}"')[0] == world.expected[how], how
    probable = cell(page, f'data-arrest="{world.arrests["probable"].pk}"')[0]
    assert re.fullmatch(re.escape(world.expected["probable"]).replace("NNN", r"\d{3}"), probable), probable
    newcomer = client.get(f"/people/{world.newcomer.pk}/justice/").content.decode()
    assert cell(newcomer, f'data-arrest="{world.arrests["created"].pk}"')[0] == world.expected["created"]


def test_the_other_feeds_rows_say_where_they_came_from(client, world):
    client.force_login(world.importer)
    page = client.get(f"/people/{world.person.pk}/justice/").content.decode()
    assert cell(page, f'data-outcome="{world.outcome.pk}"')[0] == world.expected["court"]
    assert cell(page, f'data-offence="{world.history_offence.pk}"')[0] == world.expected["history"]
    override = text_of(page, rf'data-override-source="{world.sentence.pk}">(.*?)</span>\s*</div>')
    assert override == "Source: " + world.expected["release"]


def test_the_import_is_a_link_only_for_whoever_may_open_it(client, partnership, world):
    arrest = f'data-arrest="{world.arrests["pnc"].pk}"'
    run_page = f'href="/feeds/imports/{world.runs["arrests"].pk}/"'
    client.force_login(world.importer)
    assert run_page in cell(client.get(f"/people/{world.person.pk}/justice/").content.decode(), arrest)[1]
    assert client.get(f"/feeds/imports/{world.runs['arrests'].pk}/").status_code == 200  # the link opens
    # The police IOM officer reads the justice record but not import runs; the chair manages the
    # cohort but did not run this import, so its page is not theirs (404): the same words, no link.
    for who in (Role.POLICE_IOM_OFFICER, Role.CHAIR):
        client.force_login(partnership.users[who])
        page = client.get(f"/people/{world.person.pk}/justice/").content.decode()
        text, _ = cell(page, arrest)
        assert (text, "/feeds/imports/" in page) == (world.expected["pnc"], False), who
        assert client.get(f"/feeds/imports/{world.runs['arrests'].pk}/").status_code in (403, 404)


def test_reading_the_record_with_its_sources_is_audited_against_the_person(client, partnership, world):
    officer = partnership.users[Role.POLICE_IOM_OFFICER]
    client.force_login(officer)
    before = AuditEvent.objects.count()
    assert client.get(f"/people/{world.person.pk}/justice/").status_code == 200
    views = AuditEvent.objects.order_by("id")[before:]
    assert any(
        e.actor_id == officer.pk and e.action == "view" and e.person_id == world.person.pk and e.changes == {"section": "justice"}
        for e in views
    )


@pytest.mark.parametrize(("who", "status"), [("housing-worker", 403), (Role.PERFORMANCE_LEAD, 403), ("dwp-worker", 403), ("no-role", 403)])
def test_a_role_without_the_justice_section_learns_nothing_of_the_sources(client, partnership, world, who, status):
    """Housing is involved with Jordan, so the housing worker sees his identity but not the justice
    section (not in housing's agreement); the others not even that (refused, audited). Neither the Justice tab nor his
    record's front page tells them a feed linked him, how, or the import; the refusal is audited."""
    from iomhub.casework.models import AgencyInvolvement

    AgencyInvolvement.objects.create(person=world.person, organisation=partnership.housing)
    user = partnership.users[who]
    client.force_login(user)
    since = last_event_id()
    assert client.get(f"/people/{world.person.pk}/justice/").status_code == status
    assert events_since(since, actor=user, action="denied") and not events_since(since, actor=user, action="view")
    if who == "housing-worker":
        assert client.get(f"/people/{world.person.pk}/").status_code == 200  # the identity it may see
    for url in (f"/people/{world.person.pk}/justice/", f"/people/{world.person.pk}/", f"/people/{world.person.pk}/timeline/"):
        body = client.get(url).content.decode()
        for leak in ("feed, import", "robable match", "decided on review", "Recorded by hand", "/feeds/imports/", "Custody arrests"):
            assert leak not in body, (who, url, leak)


def test_the_tabs_timeline_says_where_each_arrest_and_outcome_came_from(client, world):
    """The timeline below the tables tells the same sources: an arrest from a feed and one keyed by
    hand no longer look alike there."""
    client.force_login(world.importer)
    page = client.get(f"/people/{world.person.pk}/justice/").content.decode()
    timeline = page[page.index('<div class="moj-timeline">') :]
    told = [
        " ".join(html.unescape(re.sub(r"<[^>]+>", "", t)).split()) for t in re.findall(r"data-timeline-source>(.*?)</p>", timeline, re.S)
    ]
    for how in ("pnc", "name-dob", "reviewed", "hand", "court"):
        assert "Source: " + world.expected[how] in told, how
    # Jordan's arrests and his court outcome, one each; sentences, custody and warrants are not told here
    assert len(told) == sum(1 for a in world.arrests.values() if a.person_id == world.person.pk) + 1
