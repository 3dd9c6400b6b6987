"""The contact log of 002 appendix 2 ("Date | Force Number | Contact Log | Outcome"): the officer's
force number on each entry, and a timeline form that chooses nothing in advance (issue 18 §6)."""

from __future__ import annotations

import re

import pytest

from iomhub.access.models import AuditEvent, Role
from iomhub.casework.models import TimelineEntry

pytestmark = pytest.mark.django_db


def _date(prefix, d):
    return {f"{prefix}_day": str(d.day), f"{prefix}_month": str(d.month), f"{prefix}_year": str(d.year)}


def test_the_officers_force_number_is_recorded_shown_and_offered_again(client, registered, today):
    p = registered
    police = p.users[Role.POLICE_IOM_OFFICER]
    client.force_login(police)
    url = f"/people/{p.ordinary.pk}/timeline/new/"
    posted = client.post(url, {"kind": "home-visit", "summary": "Seen at home", "force_number": "ab 1234"} | _date("occurred_on", today))
    assert posted.status_code == 302
    entry = TimelineEntry.objects.get()
    assert (entry.force_number, entry.outcome) == ("AB 1234", "attended")  # no outcome chosen: it took place
    audit = AuditEvent.objects.get(object_type="timeline-entry", object_id=str(entry.pk))
    assert audit.changes["force_number"]["after"] == "AB 1234"
    assert "(force number AB 1234)" in client.get(f"/people/{p.ordinary.pk}/timeline/").content.decode()
    assert 'value="AB 1234"' in client.get(url).content.decode()  # offered on the officer's next entry
    api = client.get(f"/api/v1/people/{p.ordinary.pk}/timeline").json()
    assert api[0]["force_number"] == "AB 1234"
    refused = client.post(url, {"kind": "letter", "force_number": "<b>12</b>"} | _date("occurred_on", today))
    assert refused.status_code == 200 and "Enter the force number in letters and numbers" in refused.content.decode()


def test_the_timeline_form_chooses_nothing_in_advance_and_asks_nothing_about_drug_tests(client, registered, today):
    p = registered
    client.force_login(p.users[Role.POLICE_IOM_OFFICER])
    page = client.get(f"/people/{p.ordinary.pk}/timeline/new/").content.decode()
    kinds = re.findall(r'<input[^>]*name="kind"[^>]*>', page)
    assert len(kinds) > 5 and not any("checked" in k for k in kinds)
    outcome = re.search(r'<select[^>]*name="outcome".*?</select>', page, re.S).group(0)
    options = re.findall(r"<option[^>]*>", outcome)
    assert 'value=""' in options[0] and not any("selected" in o for o in options[1:])
    # No drug-test boxes for any kind of contact: a drug test is recorded on its own form on the
    # Interventions tab (issue 12, ADR 0024), which the hint names.
    assert 'value="drug-test"' not in page
    for name in ("drug_result", "substances_tested", "positive_for"):
        assert f'name="{name}"' not in page, name
    assert "Record a drug test" in page and "Interventions tab" in page
    response = client.post(f"/people/{p.ordinary.pk}/timeline/new/", _date("occurred_on", today))
    assert response.status_code == 200 and "Select what kind of contact or event" in response.content.decode()
    assert not TimelineEntry.objects.exists()


def test_rag_levels_show_as_coloured_tags_on_the_caseload(client, registered, today):
    p = registered
    client.force_login(p.users[Role.COORDINATOR])
    page = client.get("/caseload/").content.decode()
    tags = re.findall(r'<strong class="govuk-tag ([^"]+)" data-rag="([^"]+)">([^<]+)</strong>', page)
    # Short in the table and the lists (a GOV.UK tag is a word or two); the meaning is on the person's page.
    assert ("govuk-tag--orange", "amber", "Amber") in tags
    assert not [t for t in tags if "(" in t[2]]
    assert "</strong>, due" in page and "</strong> ," not in page  # the overdue visit's line: no stray space
