"""A person's MAPPA level (002 §4 "MAPPA Cases"; 002 §2; 000 §6.6.1): one record per change, with
category, date and who recorded it, through ``justice.services.mappa_record``, audited, and read by
eligibility screening through ``screening_facts`` (ADR 0008)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from iomhub.access.models import AuditEvent, Role
from iomhub.justice import services
from iomhub.justice.models import MappaManagement
from iomhub.justice.selectors import mappa_levels, screening_facts
from tests.access.support import events_since, last_event_id

D = datetime.date


def record(user, person, level, from_date, category="2", source=""):
    return services.mappa_record(acting_user=user, person=person, level=level, category=category, from_date=from_date, source=source)


def test_the_level_in_force_is_the_latest_from_on_or_before_the_day(partnership, person, officer, today):
    record(officer, person, 2, D(2026, 3, 1), source="MAPPA level 2 meeting")
    record(officer, person, 3, D(2026, 6, 1))
    record(officer, person, None, D(2026, 8, 1), category="")
    assert person.pk not in mappa_levels(person_ids=[person.pk], as_of=D(2026, 2, 28))
    assert mappa_levels(person_ids=[person.pk], as_of=D(2026, 3, 1))[person.pk].level == 2
    assert mappa_levels(person_ids=[person.pk], as_of=D(2026, 7, 31))[person.pk].level == 3
    assert mappa_levels(person_ids=[person.pk], as_of=today)[person.pk].level is None  # ended
    assert screening_facts(person_ids=[person.pk], as_of=D(2026, 7, 1))[person.pk].mappa_level == 3
    assert screening_facts(person_ids=[person.pk], as_of=D(2026, 4, 1))[person.pk].mappa_level == 2
    assert person.pk not in screening_facts(person_ids=[person.pk], as_of=today)  # ended, and nothing else recorded


def test_a_record_says_who_recorded_it_and_is_audited_with_before_and_after(partnership, person, officer, today):
    record(officer, person, 2, D(2026, 3, 1))
    since = last_event_id()
    found = record(officer, person, 3, D(2026, 6, 1), category="2", source="MAPPA level 3 meeting")
    assert found.recorded_by == officer and found.recorded_by_name
    [event] = events_since(since, actor=officer, action="create")
    assert event.object_type == "mappa-level" and event.person_id == person.pk
    assert event.changes["level"] == {"before": 2, "after": 3}
    assert event.changes["section"] == "justice" and event.changes["from_date"] == "2026-06-01"


@pytest.mark.parametrize(
    "level, category, from_date, field, message",
    [
        (4, "2", D(2026, 6, 1), "level", "Select MAPPA level 1, 2 or 3"),
        (2, "", D(2026, 6, 1), "category", "Select the MAPPA category"),
        (2, "9", D(2026, 6, 1), "category", "Select the MAPPA category"),
        (None, "2", D(2026, 6, 1), "category", "Leave the category empty"),
        (None, "", D(2026, 6, 1), "level", "nothing to end"),
        (2, "2", D(2026, 9, 2), "from_date", "today or in the past"),
        (2, "2", None, "from_date", "Enter the date the level applies from"),
    ],
)
def test_bad_input_is_refused_by_field_and_stores_nothing(partnership, person, officer, today, level, category, from_date, field, message):
    since = last_event_id()
    with pytest.raises(ValidationError) as caught:
        services.mappa_record(acting_user=officer, person=person, level=level, category=category, from_date=from_date)
    assert message in " ".join(caught.value.message_dict[field])
    assert not MappaManagement.objects.exists()
    assert not AuditEvent.objects.filter(pk__gt=since, object_type="mappa-level").exists()


def test_a_partner_without_the_justice_section_may_not_record_it(partnership, today):
    worker = partnership.users["housing-worker"]
    since = last_event_id()
    with pytest.raises(Exception):  # noqa: B017 - the policy's refusal (403/404), audited
        record(worker, partnership.housing_case, 3, D(2026, 6, 1))
    assert not MappaManagement.objects.exists()
    assert events_since(since, actor=worker, action="denied")


def test_the_justice_tab_records_and_shows_it(client, partnership, person, officer, today):
    client.force_login(officer)
    page = client.get(f"/people/{person.pk}/justice/mappa/new/")
    assert page.status_code == 200 and "MAPPA category" in page.content.decode()
    refused = client.post(f"/people/{person.pk}/justice/mappa/new/", {"level": "3", "from_date_day": "1", "from_date_month": "6"})
    assert "govuk-error-summary" in refused.content.decode() and not MappaManagement.objects.exists()
    response = client.post(
        f"/people/{person.pk}/justice/mappa/new/",
        {"level": "3", "category": "2", "from_date_day": "1", "from_date_month": "6", "from_date_year": "2026", "source": "MAPPA meeting"},
    )
    assert response.status_code == 302
    html = client.get(f"/people/{person.pk}/justice/").content.decode()
    assert 'data-mappa-level="3"' in html and "Not managed by IOM" in html
    client.post(
        f"/people/{person.pk}/justice/mappa/new/",
        {"level": "ended", "from_date_day": "1", "from_date_month": "8", "from_date_year": "2026"},
    )
    assert MappaManagement.objects.latest("id").level is None
    assert "No longer managed under MAPPA" in client.get(f"/people/{person.pk}/justice/").content.decode()


def test_police_may_record_it_but_not_the_evaluator(client, partnership, person, today):
    client.force_login(partnership.users[Role.POLICE_IOM_OFFICER])
    assert client.get(f"/people/{person.pk}/justice/mappa/new/").status_code == 200
    client.force_login(partnership.users[Role.EVALUATOR])
    assert client.get(f"/people/{person.pk}/justice/mappa/new/").status_code in (403, 404)
