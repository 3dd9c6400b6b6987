"""Break-glass (issue 9 §6, findings 4 and 12; ADR 0003, 0013): a chair's glass is read-only in the
services, not only the views; one at a time; and every read under it is audited as break-glass with
the reason the chair gave. ``next_release_for`` is a read of the justice record and audited as one."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from iomhub import clock
from iomhub.access.models import BreakGlassAccess, Role
from iomhub.cohort import selectors as cohort_selectors
from iomhub.cohort import services as cohort_services
from iomhub.cohort.models import Registration
from iomhub.justice.models import Sentence
from iomhub.people.break_glass import break_glass_open
from tests.access.support import events_since, last_event_id

REASON = "Urgent safeguarding concern raised by the duty officer"
PACK = {
    "proposed_address": "12 Mill Lane, Eastbourne",
    "index_offence": "Burglary dwelling",
    "offending_history": "Eight burglaries since 2019",
    "risk_factors": "Heroin use",
    "safeguarding": "None known",
}


@pytest.fixture
def glass(partnership):
    """The restricted person on IOM, and the chair (not granted them) breaking glass."""
    registration = Registration.objects.create(person=partnership.restricted, started_on=datetime.date(2026, 1, 5), rag="amber")
    registration.checklist.create(item="offender-notified")
    break_glass_open(acting_user=partnership.users[Role.CHAIR], person_id=partnership.restricted.pk, reason=REASON)
    return registration


def test_every_read_under_break_glass_is_audited_as_break_glass_with_the_reason(client, partnership, glass):
    chair = partnership.users[Role.CHAIR]
    client.force_login(chair)
    person = partnership.restricted
    for url in (
        f"/api/v1/registrations/{glass.pk}",
        f"/cohort/registrations/{glass.pk}/",
        f"/api/v1/people/{person.pk}/transfers",
        f"/people/{person.pk}/",
    ):
        since = last_event_id()
        response = client.get(url)
        assert response.status_code == 200, url
        reads = events_since(since, person_id=person.pk)
        assert reads, url
        assert {e.action for e in reads} == {"break-glass"}, (url, [(e.action, e.object_type) for e in reads])
        assert {e.reason for e in reads} == {REASON}, url


def test_the_selectors_audit_a_break_glass_read_with_the_reason(partnership, glass):
    chair = partnership.users[Role.CHAIR]
    since = last_event_id()
    cohort_selectors.registration_for_view(user=chair, registration_id=glass.pk)
    cohort_selectors.transfers_for_person(user=chair, person=partnership.restricted)
    cohort_selectors.registrations_for_person(user=chair, person=partnership.restricted)
    events = events_since(since)
    assert [e.action for e in events] == ["break-glass"] * 3
    assert {e.reason for e in events} == {REASON}


def test_next_release_for_authorises_and_audits_a_justice_read(partnership):
    officer = partnership.users[Role.POLICE_IOM_OFFICER]
    person = partnership.ordinary
    Sentence.objects.create(
        person=person,
        sentenced_on=datetime.date(2026, 6, 1),
        offence_committed_on=datetime.date(2026, 5, 1),
        months=10,
        effective_release_date=datetime.date(2026, 11, 1),
    )
    since = last_event_id()
    cohort_selectors.next_release_for(user=officer, person=person, as_of=datetime.date(2026, 7, 1))
    [event] = events_since(since)
    assert (event.action, event.person_id, event.changes["section"]) == ("view", person.pk, "justice")
    # Someone without the justice section reads nothing, and nothing is recorded as read.
    since = last_event_id()
    assert (
        cohort_selectors.next_release_for(user=partnership.users["housing-worker"], person=partnership.housing_case, as_of=clock.today())
        is None
    )
    assert not events_since(since)


def test_the_services_refuse_every_write_under_break_glass(partnership, glass):
    chair = partnership.users[Role.CHAIR]
    person = partnership.restricted
    today = datetime.date(2026, 3, 2)
    with clock.frozen(today):
        writes = [
            lambda: cohort_services.transfer_propose(acting_user=chair, person=person, kind="external-out", other_area="Kent", pack=PACK),
            lambda: cohort_services.rag_change(acting_user=chair, registration=glass, level="red", changed_on=today, reason="Arrested"),
            lambda: cohort_services.review_record(
                acting_user=chair, registration=glass, reviewed_on=today, outcome="retain", notes="Still offending"
            ),
            lambda: cohort_services.checklist_record(
                acting_user=chair, registration=glass, item="offender-notified", done_on=today, done_by="PC Lee"
            ),
            lambda: cohort_services.registration_circumstances(acting_user=chair, registration=glass, other_forum="MAPPA"),
            lambda: cohort_services.deregister(
                acting_user=chair,
                registration=glass,
                approved_on=today,
                reasons="Managed elsewhere",
                exit_plan="MAPPA",
                supported_by="Probation",
                exceptional=True,
            ),
        ]
        for write in writes:
            since = last_event_id()
            with pytest.raises(PermissionDenied, match="read-only"):
                write()
            assert [e.action for e in events_since(since)] == ["denied"]
    glass.refresh_from_db()
    assert (glass.rag, glass.ended_on, glass.transfers.count()) == ("amber", None, 0)


def test_the_api_refuses_a_transfer_under_break_glass(client, partnership, glass):
    client.force_login(partnership.users[Role.CHAIR])
    response = client.post(
        f"/api/v1/people/{partnership.restricted.pk}/transfers",
        {"kind": "external-out", "other_area": "Kent IOM", **PACK},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert not glass.transfers.exists()


def test_a_second_break_glass_while_one_is_active_is_refused(client, partnership, glass):
    chair = partnership.users[Role.CHAIR]
    since = last_event_id()
    with pytest.raises(ValidationError, match="already have break-glass access"):
        break_glass_open(acting_user=chair, person_id=partnership.restricted.pk, reason="Another reason that is long enough")
    assert BreakGlassAccess.objects.filter(user=chair).count() == 1
    assert not events_since(since, action="break-glass")
    client.force_login(chair)
    response = client.post(f"/people/{partnership.restricted.pk}/break-glass/", {"reason": "Another reason that is long enough"})
    assert response.status_code == 200
    assert "already have break-glass access" in response.content.decode()
    assert BreakGlassAccess.objects.filter(user=chair).count() == 1
