"""Recording a person's agreement to appointment reminders by text (issue 11 §6, "opt-in recorded"),
on their record and over the API: the Summary tab says where it stands, the page records it (the
person's mobile number offered), a withdrawal stops the reminders; it is part of the contact details,
so a reader without them learns nothing of it, not even whether they agreed."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

from iomhub import clock
from iomhub.access.models import AuditEvent, Role
from iomhub.casework.models import EntryKind, EntryOutcome, TimelineEntry
from iomhub.notifications import providers
from iomhub.notifications.models import TextConsent
from iomhub.notifications.reminders import remind_tomorrow
from iomhub.people.models import ContactNumber

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 9, 1)


@pytest.fixture(autouse=True)
def frozen():
    with clock.frozen(datetime.datetime(2026, 9, 1, 9, 30)):
        yield


def _events(person, action):
    return AuditEvent.objects.filter(person_id=person.pk, action=action)


def test_the_page_offers_the_persons_mobile_and_records_the_agreement(client, partnership):
    p = partnership
    ContactNumber.objects.create(person=p.ordinary, kind=ContactNumber.Kind.HOME, number="023 8000 0000")
    ContactNumber.objects.create(person=p.ordinary, kind=ContactNumber.Kind.MOBILE, number="07700 900456")
    officer = p.users[Role.PROBATION_OFFICER]
    client.force_login(officer)
    url = f"/people/{p.ordinary.pk}/text-reminders/"
    form = client.get(url).content.decode()
    assert 'value="07700 900456"' in form and "Not agreed: no reminders are sent." in form
    before = _events(p.ordinary, "change").count()
    response = client.post(url, {"agreed": "yes", "number": "07700 900456"})
    assert response.status_code == 302 and response["Location"] == f"/people/{p.ordinary.pk}/"
    consent = TextConsent.objects.get(person=p.ordinary)
    assert (consent.number, consent.agreed_on, consent.withdrawn_on, consent.recorded_by) == ("+447700900456", TODAY, None, officer)
    assert _events(p.ordinary, "change").count() == before + 1
    summary = client.get(f"/people/{p.ordinary.pk}/").content.decode()
    assert "will be sent appointment reminders by text" in summary
    assert "Agreed on 1 September 2026, to +447700900456" in summary
    assert f'href="/people/{p.ordinary.pk}/text-reminders/"' in summary


def test_an_agreement_needs_a_uk_mobile_and_a_withdrawal_needs_an_agreement(client, partnership):
    p = partnership
    client.force_login(p.users[Role.PROBATION_OFFICER])
    url = f"/people/{p.ordinary.pk}/text-reminders/"
    for data, field, message in [
        ({"agreed": "yes", "number": ""}, "number", "Enter the mobile number they agreed to be sent reminders at"),
        ({"agreed": "yes", "number": "023 8000 0000"}, "number", "Enter a UK mobile number, like 07700 900123"),
        ({"agreed": "no", "number": ""}, "agreed", "They have not agreed to reminders by text, so there is nothing to withdraw"),
        ({"number": "07700 900123"}, "agreed", "Select"),
    ]:
        response = client.post(url, data)
        assert response.status_code == 200, data
        assert message in response.content.decode(), data
        assert field in response.context["form"].errors, data
        assert 'class="govuk-error-summary' in response.content.decode()
    assert not TextConsent.objects.exists()


def test_a_withdrawal_stops_the_reminders(client, partnership):
    p = partnership
    officer = p.users[Role.PROBATION_OFFICER]
    client.force_login(officer)
    url = f"/people/{p.ordinary.pk}/text-reminders/"
    client.post(url, {"agreed": "yes", "number": "07700900123"})
    TimelineEntry.objects.create(
        person=p.ordinary,
        kind=EntryKind.OFFICE,
        outcome=EntryOutcome.BOOKED,
        occurred_on=TODAY + datetime.timedelta(days=1),
        recorded_by=officer,
        recorded_by_name="PO",
    )
    assert client.post(url, {"agreed": "no", "number": ""}).status_code == 302
    consent = TextConsent.objects.get(person=p.ordinary)
    assert (consent.number, consent.withdrawn_on) == ("+447700900123", TODAY)
    assert "Withdrawn on 1 September 2026: no reminders are sent." in client.get(f"/people/{p.ordinary.pk}/").content.decode()
    providers.use(providers.FakeProvider())
    try:
        assert remind_tomorrow() == []
    finally:
        providers.use(None)


def test_the_api_reads_and_records_as_the_page_does(client, partnership, api_auth):
    p = partnership
    headers = api_auth(Role.PROBATION_OFFICER)
    url = f"/api/v1/people/{p.ordinary.pk}/text-reminders"
    nothing = {"agreed": False, "number": None, "agreed_on": None, "withdrawn_on": None, "recorded_by": None}
    assert client.get(url, **headers).json() == nothing
    read = _events(p.ordinary, "view").latest("id")
    assert read.changes.get("section") == "contact"
    bad = client.post(url, {"agreed": True, "number": "12345"}, content_type="application/json", **headers)
    assert bad.status_code == 400 and "number" in bad.json()["errors"]
    not_bool = client.post(url, {"agreed": "yes", "number": "07700900123"}, content_type="application/json", **headers)
    assert not_bool.status_code == 400 and "agreed" in not_bool.json()["errors"]
    nothing_to_withdraw = client.post(url, {"agreed": False}, content_type="application/json", **headers)
    assert nothing_to_withdraw.status_code == 400 and "agreed" in nothing_to_withdraw.json()["errors"]
    assert not TextConsent.objects.exists()
    agreed = client.post(url, {"agreed": True, "number": "07700 900123"}, content_type="application/json", **headers)
    assert agreed.status_code == 200
    assert agreed.json() == {
        "agreed": True,
        "number": "+447700900123",
        "agreed_on": "2026-09-01",
        "withdrawn_on": None,
        "recorded_by": Role.PROBATION_OFFICER.value,
    }
    withdrawn = client.post(url, {"agreed": False}, content_type="application/json", **headers).json()
    assert (withdrawn["agreed"], withdrawn["withdrawn_on"], withdrawn["number"]) == (False, "2026-09-01", "+447700900123")
    assert _events(p.ordinary, "change").filter(object_type="text-consent").count() == 2


def test_a_reader_without_the_contact_details_learns_nothing_of_it(client, partnership, api_auth):
    """The information governance lead sees who a person is, not their contact details: not the
    number, nor whether they agreed, on the Summary tab, the page or the API."""
    p = partnership
    client.force_login(p.users[Role.PROBATION_OFFICER])
    client.post(f"/people/{p.ordinary.pk}/text-reminders/", {"agreed": "yes", "number": "07700900123"})
    ig = p.users[Role.IG_LEAD]
    client = Client()  # a browser of their own (the officer's "saved" banner is the officer's)
    client.force_login(ig)
    summary = client.get(f"/people/{p.ordinary.pk}/")
    assert summary.status_code == 200
    text = summary.content.decode()
    assert "reminders by text" not in text and "900123" not in text and "Agreed on" not in text
    page = client.get(f"/people/{p.ordinary.pk}/text-reminders/")
    api = client.get(f"/api/v1/people/{p.ordinary.pk}/text-reminders", **api_auth(Role.IG_LEAD))
    write = client.post(
        f"/api/v1/people/{p.ordinary.pk}/text-reminders", {"agreed": False}, content_type="application/json", **api_auth(Role.IG_LEAD)
    )
    for response in (page, api, write):
        assert response.status_code == 403
        body = response.content.decode()
        assert "900123" not in body and "agreed" not in body.lower().replace("agreement", "")
    # Each refusal audited: the page's by the route (the role may change nobody), the API's against the person.
    assert AuditEvent.objects.filter(actor=ig, action="denied").count() == 3
    assert AuditEvent.objects.filter(actor=ig, action="denied", person_id=p.ordinary.pk).count() == 2
    assert TextConsent.objects.get(person=p.ordinary).withdrawn_on is None
