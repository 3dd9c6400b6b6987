"""Appointment reminders by text, actions falling due, failed sends retried and the outbox page
(issue 11 §5-6): the right recipients only, nothing a recipient may not see in a message, no text in
quiet hours, one message per thing told however often the daily job runs."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from iomhub import clock
from iomhub.access.models import Role
from iomhub.casework.models import EntryKind, EntryOutcome, PlanAction, TimelineEntry
from iomhub.notifications.models import Channel, Notification, NotificationStatus, TextConsent
from iomhub.notifications.reminders import actions_falling_due, remind_tomorrow
from iomhub.notifications.services import text_consent_record
from iomhub.notifications.tasks import retry_failed, send_notification

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 9, 1)  # a Tuesday
MORNING = datetime.datetime(2026, 9, 1, 9, 30)  # local time
LATE = datetime.datetime(2026, 9, 1, 21, 30)
# What must never be in a text to a person's phone (an oracle of its own, not the rule's list).
NEVER = re.compile(r"police|probation|prison|offen|court|arrest|IOM|drug|custody|licence|Example|Jordan|Sample|Casey", re.I)


def _book(person, user, kind=EntryKind.OFFICE, on=DAY + datetime.timedelta(days=1)):
    return TimelineEntry.objects.create(
        person=person, kind=kind, outcome=EntryOutcome.BOOKED, occurred_on=on, recorded_by=user, recorded_by_name=user.username
    )


def test_a_reminder_goes_by_text_to_the_person_who_agreed_saying_only_the_day(partnership, notify_fake, django_capture_on_commit_callbacks):
    p = partnership
    officer = p.users[Role.PROBATION_OFFICER]
    text_consent_record(acting_user=officer, person=p.ordinary, number="07700 900123", agreed=True)
    _book(p.ordinary, officer)
    _book(p.housing_case, officer)  # no agreement recorded: no text
    _book(p.ordinary, officer, kind=EntryKind.PRISON_VISIT, on=DAY + datetime.timedelta(days=2))  # not tomorrow
    with clock.frozen(MORNING), django_capture_on_commit_callbacks(execute=True):
        queued = remind_tomorrow()
    assert [(n.person_id, n.channel, n.to_number, n.recipient_id) for n in queued] == [(p.ordinary.pk, Channel.SMS, "+447700900123", None)]
    assert notify_fake.sent == [{"to": "+447700900123", "subject": "", "body": queued[0].body}]
    assert "Wednesday 2 September" in queued[0].body
    assert not NEVER.search(queued[0].body)
    assert Notification.objects.get().status == NotificationStatus.SENT
    with clock.frozen(MORNING), django_capture_on_commit_callbacks(execute=True):
        assert remind_tomorrow() == []  # the daily job run again: nothing twice
    assert len(notify_fake.sent) == 1


def test_a_withdrawn_agreement_stops_the_texts(partnership, notify_fake):
    p = partnership
    officer = p.users[Role.PROBATION_OFFICER]
    with clock.frozen(MORNING):
        text_consent_record(acting_user=officer, person=p.ordinary, number="07700900123", agreed=True)
        text_consent_record(acting_user=officer, person=p.ordinary, number="07700900123", agreed=False)
    _book(p.ordinary, officer)
    with clock.frozen(MORNING):
        assert remind_tomorrow() == []
    assert TextConsent.objects.get().withdrawn_on == DAY


def test_the_agreement_needs_a_mobile_number_and_someone_who_may_change_contact_details(partnership):
    p = partnership
    with pytest.raises(ValidationError) as bad:
        text_consent_record(acting_user=p.users[Role.PROBATION_OFFICER], person=p.ordinary, number="01632 960001", agreed=True)
    assert "mobile" in str(bad.value)
    with pytest.raises((PermissionDenied, Exception)):
        text_consent_record(acting_user=p.users["no-role"], person=p.ordinary, number="07700900123", agreed=True)
    assert not TextConsent.objects.exists()


def test_no_text_in_quiet_hours_it_waits_until_eight(partnership, notify_fake, django_capture_on_commit_callbacks):
    p = partnership
    officer = p.users[Role.PROBATION_OFFICER]
    text_consent_record(acting_user=officer, person=p.ordinary, number="07700900123", agreed=True)
    _book(p.ordinary, officer)
    with clock.frozen(LATE), django_capture_on_commit_callbacks(execute=True):
        (note,) = remind_tomorrow()
    note.refresh_from_db()
    assert (note.status, note.attempts, notify_fake.sent) == (NotificationStatus.QUEUED, 0, [])
    assert note.not_before.astimezone(datetime.UTC) == datetime.datetime(2026, 9, 2, 7, 0, tzinfo=datetime.UTC)  # 08:00 BST
    with clock.frozen(datetime.datetime(2026, 9, 2, 7, 59)):
        assert send_notification.call(note.pk) == "held"
        retry_failed.call()
    assert notify_fake.sent == []
    with clock.frozen(datetime.datetime(2026, 9, 2, 8, 0)):
        assert retry_failed.call() == 1
    note.refresh_from_db()
    assert (note.status, len(notify_fake.sent)) == (NotificationStatus.SENT, 1)


def test_a_failed_send_is_retried_until_three_attempts_and_shown_on_the_outbox(
    partnership, notify_fake, client, django_capture_on_commit_callbacks
):
    p = partnership
    officer = p.users[Role.PROBATION_OFFICER]
    text_consent_record(acting_user=officer, person=p.ordinary, number="07700900123", agreed=True)
    _book(p.ordinary, officer)
    notify_fake.fail_for.add("+447700900123")
    with clock.frozen(MORNING), django_capture_on_commit_callbacks(execute=True):
        (note,) = remind_tomorrow()
    with clock.frozen(MORNING):
        retry_failed.call()
        retry_failed.call()
        retry_failed.call()  # the third attempt was the last
    note.refresh_from_db()
    assert (note.status, note.attempts) == (NotificationStatus.FAILED, 3)
    assert "refused" in note.error
    client.force_login(p.users[Role.SYSTEM_ADMIN])
    page = client.get("/notifications/outbox/?status=failed").content.decode()
    assert "Failed" in page and "refused" in page and "…123" in page
    assert "07700900123" not in page and "+447700900123" not in page  # the number itself is not shown
    notify_fake.fail_for.clear()
    assert client.post(f"/notifications/outbox/{note.pk}/retry/").status_code == 302
    note.refresh_from_db()
    assert (note.status, note.attempts) == (NotificationStatus.SENT, 4)
    client.force_login(p.users[Role.PARTNER_WORKER])
    assert client.get("/notifications/outbox/").status_code in (403, 404)


def test_an_action_falling_due_reaches_its_owner_only_if_they_may_see_the_plan(
    partnership, notify_fake, django_capture_on_commit_callbacks
):
    p = partnership
    officer, housing = p.users[Role.PROBATION_OFFICER], p.users["housing-worker"]
    officer.email, housing.email = "po@example.org", "hw@example.org"
    officer.save()
    housing.save()
    common = {"agency": p.probation, "created_by": officer, "description": "Secret words about Jordan's heroin use"}
    PlanAction.objects.create(person=p.ordinary, owner=officer, owner_name="PO", due_on=DAY + datetime.timedelta(days=1), **common)
    PlanAction.objects.create(person=p.ordinary, owner=officer, owner_name="PO", due_on=DAY + datetime.timedelta(days=9), **common)
    PlanAction.objects.create(person=p.housing_case, owner=housing, owner_name="HW", due_on=DAY, **common)
    with clock.frozen(MORNING), django_capture_on_commit_callbacks(execute=True):
        queued = actions_falling_due()
    can_see_plan = [n.recipient.username for n in queued]
    assert officer.username in can_see_plan
    assert [m["to"] for m in notify_fake.sent if m["to"] == "po@example.org"] == ["po@example.org"]  # the one due soon
    for message in notify_fake.sent:
        assert "Secret" not in message["body"] and "heroin" not in message["body"] and "Jordan" not in message["body"]
    with clock.frozen(MORNING), django_capture_on_commit_callbacks(execute=True):
        assert actions_falling_due() == []  # once


def test_the_daily_command_runs_the_reminders_on_the_configured_backend(partnership, notify_fake, django_capture_on_commit_callbacks):
    from django.core.management import call_command

    p = partnership
    officer = p.users[Role.PROBATION_OFFICER]
    text_consent_record(acting_user=officer, person=p.ordinary, number="07700900123", agreed=True)
    _book(p.ordinary, officer)
    with clock.frozen(MORNING), django_capture_on_commit_callbacks(execute=True):
        call_command("daily")  # in-process in the tests: the tasks run now
    assert [n.kind for n in Notification.objects.all()] == ["appointment-reminder"]
    assert len(notify_fake.sent) == 1
