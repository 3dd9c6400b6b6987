"""Alerts (issue 11 §5): an overnight arrest of a cohort member and a new Red Alert reach the lead
worker and the police IOM officer through the outbox (the fake provider records what was sent),
naming nobody, and never reach a recipient who may not see the person's justice record."""

from __future__ import annotations

import datetime

import pytest

from iomhub.access.models import Role
from iomhub.casework.models import CaseRecord
from iomhub.cohort.models import Registration
from iomhub.feeds.services import arrests_import
from iomhub.justice.services import warrant_record
from iomhub.notifications import providers
from iomhub.notifications.models import Notification
from tests.feeds.conftest import csv_file, row

pytestmark = pytest.mark.django_db


@pytest.fixture
def outbox(request):
    fake = providers.FakeProvider()
    providers.use(fake)
    request.addfinalizer(lambda: providers.use(None))
    return fake


@pytest.fixture
def cohort(partnership):
    """Jordan Example and Casey Sample in the cohort; Jordan's lead worker the probation officer,
    Casey's the housing worker (whose agreement gives no justice section)."""
    p = partnership
    for person, lead in ((p.ordinary, p.users[Role.PROBATION_OFFICER]), (p.housing_case, p.users["housing-worker"])):
        Registration.objects.create(person=person, started_on=datetime.date(2026, 1, 5), rag="red")
        CaseRecord.objects.create(person=person, lead_worker=lead)
    for user in p.users.values():
        user.email = f"{user.username}@example.org"
        user.save()
    return p


def jordan(**kw):
    return row(family_name="Example", given_name="Jordan", date_of_birth="1990-05-17", **kw)


def casey(**kw):
    return row(family_name="Sample", given_name="Casey", date_of_birth="1985-01-02", **kw)


def test_an_overnight_arrest_of_a_cohort_member_reaches_the_lead_worker_and_the_police_officer(
    cohort, coordinator, outbox, django_capture_on_commit_callbacks
):
    p = cohort
    data = csv_file(
        jordan(arrested_at="2026-08-31T23:15"),  # overnight (the clock: 1 September, 13:00 in England)
        jordan(arrested_at="2026-08-01T10:00", custody_suite="Southport"),  # a month ago: no alert
        casey(arrested_at="2026-09-01T02:40"),  # overnight; her lead worker may not see justice
        row(family_name="Newcombe", given_name="Taylor", arrested_at="2026-09-01T01:00"),  # not in the cohort
    )
    with django_capture_on_commit_callbacks(execute=True):
        run = arrests_import(acting_user=coordinator, data=data, file_name="overnight.csv")
    assert run.imported == 4
    police, probation = p.users[Role.POLICE_IOM_OFFICER], p.users[Role.PROBATION_OFFICER]
    sent = sorted((n.recipient.username, n.attachment) for n in Notification.objects.select_related("recipient"))
    assert sent == sorted(
        [
            (probation.username, f"/people/{p.ordinary.pk}/justice/"),
            (police.username, f"/people/{p.ordinary.pk}/justice/"),
            (police.username, f"/people/{p.housing_case.pk}/justice/"),
        ]
    )
    assert sorted(m["to"] for m in outbox.sent) == sorted(
        [f"{probation.username}@example.org", f"{police.username}@example.org", f"{police.username}@example.org"]
    )
    for message in outbox.sent:
        assert message["subject"] == "Overnight arrest of someone in your IOM cohort"
        for word in ("Jordan", "Example", "Casey", "Sample", "Northbridge", "28E", "Charged"):
            assert word not in message["subject"] + message["body"]
    # The housing worker leads Casey's case but may not see her justice record: no alert, not even "an arrest".
    assert not Notification.objects.filter(recipient=p.users["housing-worker"]).exists()

    # Importing the file again records nothing new, so it alerts nobody again.
    with django_capture_on_commit_callbacks(execute=True):
        arrests_import(acting_user=coordinator, data=data, file_name="overnight.csv")
    assert Notification.objects.count() == 3


def test_a_new_red_alert_reaches_the_police_officer_and_lead_worker_at_once(cohort, outbox, django_capture_on_commit_callbacks):
    p = cohort
    with django_capture_on_commit_callbacks(execute=True):
        warrant_record(
            acting_user=p.users[Role.POLICE_IOM_OFFICER], person=p.ordinary, kind="fail-to-appear", issued_on=datetime.date(2026, 8, 31)
        )
    assert sorted(m["to"] for m in outbox.sent) == sorted(
        [f"{p.users[Role.POLICE_IOM_OFFICER].username}@example.org", f"{p.users[Role.PROBATION_OFFICER].username}@example.org"]
    )
    assert all(m["subject"] == "Red Alert: someone in your IOM cohort is wanted" and "Jordan" not in m["body"] for m in outbox.sent)
    assert set(Notification.objects.values_list("status", flat=True)) == {"sent"}


def test_a_warrant_for_someone_outside_the_cohort_alerts_nobody(partnership, outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        warrant_record(
            acting_user=partnership.users[Role.POLICE_IOM_OFFICER],
            person=partnership.ordinary,
            kind="arrest",
            issued_on=datetime.date(2026, 8, 31),
        )
    assert outbox.sent == [] and not Notification.objects.exists()
