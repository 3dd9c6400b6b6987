"""The audit viewer tells a reader nothing of the sections they do not see (ADR 0010 §6 and its
fourteenth-sitting addendum, "left for later": the viewer showed ``Person.restriction`` changes to
readers of identity).

A restriction's reason is a fact of its section (MAPPA management: the justice record; a
counter-terrorism interest: police intelligence; "other sensitivity": identity). The information
governance lead reads identity only, so from the audit trail of a person whose restriction came
and went they must learn neither the reason nor that the restriction field changed; and an event
about a record of a section they do not see (an arrest, an intelligence entry) names neither the
kind of record nor its fields. The expectations are the sharing table (IG lead: identity; police
IOM officer: every section), written here, not read from the code.

There is no JSON API for the audit log (tests/access/test_audit.py, the API has no audit
endpoint); its other form, the viewers CSV, is checked to give the same reasons as the page.
"""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.test import Client

from iomhub import clock
from iomhub.access import audit
from iomhub.access.models import AuditAction, PersonAccessGrant, Role, Section
from iomhub.access.selectors import audit_rows
from iomhub.casework import services as casework
from iomhub.justice import services as justice
from iomhub.people import services as people
from iomhub.people.models import Person

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _restrict_then_lift(partnership, person, reason: str) -> None:
    """The probation officer (named on the person while they are restricted) restricts and then
    lifts the restriction: the person ends unrestricted, so the IG lead reads their audit trail."""
    probation = partnership.users[Role.PROBATION_OFFICER]
    PersonAccessGrant.objects.create(person=person, user=probation)
    people.person_update(acting_user=probation, person=person, changes={"restriction": reason})
    people.person_update(acting_user=probation, person=Person.objects.get(pk=person.pk), changes={"restriction": ""})
    assert Person.objects.get(pk=person.pk).restriction == ""


@pytest.mark.parametrize("reason", ["counter-terrorism", "mappa"])
def test_an_identity_reader_does_not_learn_a_restriction_or_its_reason_from_the_audit(partnership, reason):
    person = partnership.ordinary
    _restrict_then_lift(partnership, person, reason)
    page = _client(partnership.users[Role.IG_LEAD]).get(f"/audit/?person={person.pk}").content.decode()
    assert reason not in page.lower()
    assert "restriction" not in page.lower()  # not even that the field changed
    assert "Other details: Not shared with you" in page  # the change events are there, their details withheld


def test_a_reader_of_the_reasons_section_sees_the_restriction_change(partnership):
    """The same events read by someone with police intelligence (the police IOM officer's
    sections, given here to a reader of the audit page's selector) show the change in full."""
    person = partnership.ordinary
    _restrict_then_lift(partnership, person, "counter-terrorism")
    police = partnership.users[Role.POLICE_IOM_OFFICER]
    from iomhub.access.models import AuditEvent

    events = AuditEvent.objects.filter(person_id=person.pk, action=AuditAction.CHANGE, object_type="person").order_by("id")
    shown = [row.shown_changes for row in audit_rows(user=police, events=events)]
    assert shown == [[("restriction", "(empty) → counter-terrorism")], [("restriction", "counter-terrorism → (empty)")]]
    ig = [row.shown_changes for row in audit_rows(user=partnership.users[Role.IG_LEAD], events=events)]
    assert ig == [[("Other details", "Not shared with you")], [("Other details", "Not shared with you")]]


def test_other_sensitivity_names_no_reason_and_is_shown_to_identity_readers(partnership):
    person = partnership.ordinary
    _restrict_then_lift(partnership, person, "other")
    page = _client(partnership.users[Role.IG_LEAD]).get(f"/audit/?person={person.pk}").content.decode()
    assert "restriction: (empty) → other" in page and "restriction: other → (empty)" in page


def test_a_name_change_is_still_shown_beside_a_withheld_restriction(partnership):
    person = partnership.ordinary
    probation = partnership.users[Role.PROBATION_OFFICER]
    people.person_update(acting_user=probation, person=person, changes={"first_name": "Jordanna", "restriction": "mappa"})
    PersonAccessGrant.objects.create(person=person, user=partnership.users[Role.IG_LEAD])  # named on them: reads their trail
    page = _client(partnership.users[Role.IG_LEAD]).get(f"/audit/?person={person.pk}").content.decode()
    assert "first_name: Jordan → Jordanna" in page
    assert "mappa" not in page.lower() and "restriction" not in page.lower()


def test_an_event_about_a_record_of_a_section_not_shared_names_neither_the_record_nor_its_fields(partnership):
    person = partnership.ordinary
    police = partnership.users[Role.POLICE_IOM_OFFICER]
    with clock.frozen(datetime.date(2026, 11, 20)):
        justice.arrest_record(
            acting_user=police,
            person=person,
            arrested_on=datetime.date(2026, 11, 19),
            custody_suite="Marker custody suite",
            offence_codes=["28A"],
            outcome="charge",
        )
        casework.timeline_record(
            acting_user=police,
            person=person,
            kind="intelligence",
            outcome="done",
            occurred_on=datetime.date(2026, 11, 19),
            summary="Marker intelligence summary",
        )
    page = _client(partnership.users[Role.IG_LEAD]).get(f"/audit/?person={person.pk}").content.decode()
    for word in ("arrest", "custody", "timeline-entry", "intelligence", "justice", "Marker", "28A", "section:"):
        assert word not in page, word
    assert page.count("Other details: Not shared with you") >= 2
    # The police IOM officer's sections read both in full (the selector, as the page would).
    from iomhub.access.models import AuditEvent

    events = AuditEvent.objects.filter(person_id=person.pk, action=AuditAction.CREATE).order_by("id")
    rows = audit_rows(user=police, events=events)
    assert [row.record_shown for row in rows] == [True, True]
    assert ("custody_suite", "(empty) → Marker custody suite") in rows[0].shown_changes
    assert ("kind", "(empty) → intelligence") in rows[1].shown_changes


def test_an_intelligence_entry_is_not_named_to_a_reader_of_the_timeline_without_intelligence(partnership):
    """An entry of kind "intelligence" is police intelligence (ADR 0010 addendum): a reader of the
    timeline alone (the probation officer's sections) is not told the record exists."""
    person = partnership.ordinary
    police = partnership.users[Role.POLICE_IOM_OFFICER]
    with clock.frozen(datetime.date(2026, 11, 20)):
        casework.timeline_record(
            acting_user=police, person=person, kind="intelligence", occurred_on=datetime.date(2026, 11, 19), summary="Marker"
        )
        casework.timeline_record(acting_user=police, person=person, kind="home-visit", occurred_on=datetime.date(2026, 11, 19))
    from iomhub.access.models import AuditEvent

    events = AuditEvent.objects.filter(person_id=person.pk, action=AuditAction.CREATE, object_type="timeline-entry").order_by("id")
    rows = audit_rows(user=partnership.users[Role.PROBATION_OFFICER], events=events)
    assert [row.record_shown for row in rows] == [False, True]
    assert rows[0].shown_changes == [("Other details", "Not shared with you")]


def test_a_view_of_a_section_is_named_only_to_its_readers(partnership):
    """A read's ``section`` says which part of the record was read: for a section the reader does
    not see, that a screening (justice) was done is not shown."""
    person = partnership.ordinary
    police = partnership.users[Role.POLICE_IOM_OFFICER]
    audit.record(
        actor=police,
        action=AuditAction.VIEW,
        object_type="screening",
        object_id=person.pk,
        person_id=person.pk,
        changes={"section": Section.JUSTICE, "criteria": ["ppo"]},
    )
    from iomhub.access.models import AuditEvent

    events = AuditEvent.objects.filter(person_id=person.pk, object_type="screening")
    [ig_row] = audit_rows(user=partnership.users[Role.IG_LEAD], events=events.all())
    [police_row] = audit_rows(user=police, events=events.all())
    assert ig_row.record_shown is False and police_row.record_shown is True
    page = _client(partnership.users[Role.IG_LEAD]).get(f"/audit/?person={person.pk}").content.decode()
    assert "screening" not in page


def test_the_viewers_csv_gives_the_reasons_the_page_gives(partnership):
    """A read's reason can quote the record (ADR 0010 §6): the CSV withholds it where the page does."""
    person = partnership.ordinary
    police = partnership.users[Role.POLICE_IOM_OFFICER]
    audit.record(
        actor=police,
        action=AuditAction.VIEW,
        object_type="timeline-entry",
        object_id=1,
        person_id=person.pk,
        reason="Marker-quoted intelligence",
        changes={"section": Section.TIMELINE},
    )
    audit.record(
        actor=police,
        action=AuditAction.VIEW,
        object_type="person",
        object_id=person.pk,
        person_id=person.pk,
        reason="Identity-Marker reason",
    )
    client = _client(partnership.users[Role.IG_LEAD])
    rows = list(csv.DictReader(io.StringIO(client.get(f"/audit/people/{person.pk}/viewers.csv").content.decode())))
    reasons = [r["reason"] for r in rows if r["username"] == police.username]
    assert reasons == ["Not shared with you", "Identity-Marker reason"]
    page = client.get(f"/audit/?person={person.pk}").content.decode()
    assert "Marker-quoted" not in page and "Identity-Marker reason" in page
