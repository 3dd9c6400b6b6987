"""Recording arrests, offences, court outcomes, warrants and custody (issue 4 §2): good input is
stored and audited; bad input is refused by field and stores nothing."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from iomhub.access.models import AuditEvent
from iomhub.justice import services
from iomhub.justice.models import Arrest, CourtOutcome, CustodyEpisode, Offence, Warrant
from tests.justice import factories

D = datetime.date


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"offence_codes": ["28E", "28Z"]}, "offence_codes", "Unknown Home Office offence code 28Z"),
        ({"offence_codes": []}, "offence_codes", "at least one offence"),
        ({"arrested_on": D(2026, 9, 2)}, "arrested_on", "today or in the past"),
        ({"arrested_on": D(1980, 1, 1)}, "arrested_on", "after the person's date of birth"),
        ({"custody_suite": "  "}, "custody_suite", "Enter the custody suite"),
        ({"custody_suite": "x" * 201}, "custody_suite", "200 characters"),
        ({"custody_suite": "Suite\x00"}, "custody_suite", "null characters"),
        ({"outcome": "shot"}, "outcome", "Select the outcome"),
        ({"offence_committed_on": D(2026, 8, 2)}, "offence_committed_on", "on or before the date of arrest"),
    ],
)
def test_a_bad_arrest_is_refused_by_field_and_stores_nothing(partnership, person, officer, today, change, field, message):
    with pytest.raises(ValidationError) as caught:
        factories.arrest(user=officer, person=person, **change)
    assert message in " ".join(caught.value.message_dict[field])
    assert not Arrest.objects.exists() and not Offence.objects.exists()
    assert not AuditEvent.objects.filter(object_type="arrest").exists()


def test_an_unknown_code_on_the_arrest_page_is_a_field_error(client, partnership, person, officer, today):
    client.force_login(officer)
    response = client.post(
        f"/people/{person.pk}/justice/arrests/new/",
        {
            "arrested_on_day": "1",
            "arrested_on_month": "8",
            "arrested_on_year": "2026",
            "custody_suite": "N",
            "outcome": "nfa",
            "offence_codes": "99Q",
        },
    )
    assert response.status_code == 200
    assert "Unknown Home Office offence code 99Q" in response.context["form"].errors["offence_codes"][0]
    assert not Arrest.objects.exists()


def test_a_hostile_custody_suite_is_stored_as_typed_and_escaped(client, partnership, person, officer, today):
    factories.arrest(user=officer, person=person, custody_suite="<script>alert(1)</script>")
    client.force_login(officer)
    page = client.get(f"/people/{person.pk}/justice/").content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


@pytest.mark.parametrize(
    "values, field",
    [
        ({"disposal": "community-order", "requirements": []}, "requirements"),
        ({"disposal": "fine", "requirements": ["drr"], "fine_pounds": 100}, "requirements"),
        ({"disposal": "community-order", "requirements": ["drx"]}, "requirements"),
        ({"disposal": "fine"}, "fine_pounds"),
        ({"disposal": "custody", "fine_pounds": 50}, "fine_pounds"),
        ({"disposal": "hanging"}, "disposal"),
        ({"disposal": "caution", "offence_ids": [987654]}, "offence_ids"),
    ],
)
def test_a_bad_court_outcome_is_refused_by_field(partnership, person, officer, today, values, field):
    with pytest.raises(ValidationError) as caught:
        services.court_outcome_record(acting_user=officer, person=person, decided_on=D(2026, 8, 20), **values)
    assert field in caught.value.message_dict
    assert not CourtOutcome.objects.exists()


def test_a_community_order_with_requirements_is_recorded_with_its_offences(client, partnership, person, officer, today):
    arrest = factories.arrest(user=officer, person=person)
    offence = arrest.offences.get()
    client.force_login(officer)
    response = client.post(
        f"/people/{person.pk}/justice/outcomes/new/",
        {
            "decided_on_day": "20",
            "decided_on_month": "8",
            "decided_on_year": "2026",
            "court": "Wessex Magistrates",
            "disposal": "community-order",
            "requirements": ["drr", "rar"],
            "offence_ids": [str(offence.pk)],
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    outcome = CourtOutcome.objects.get()
    assert outcome.requirements == ["drr", "rar"] and list(outcome.offences.all()) == [offence]
    page = client.get(f"/people/{person.pk}/justice/").content.decode()
    assert "Drug rehabilitation requirement (DRR)" in page
    assert AuditEvent.objects.filter(object_type="court-outcome", action="create").exists()


def test_a_warrant_is_recorded_then_executed_once(partnership, person, officer, today):
    warrant = services.warrant_record(acting_user=officer, person=person, kind="fail-to-appear", issued_on=D(2026, 8, 3))
    with pytest.raises(ValidationError) as caught:
        services.warrant_execute(acting_user=officer, warrant=warrant, executed_on=D(2026, 8, 2))
    assert "before it was issued" in caught.value.message_dict["executed_on"][0]
    services.warrant_execute(acting_user=officer, warrant=warrant, executed_on=D(2026, 8, 5))
    with pytest.raises(ValidationError):
        services.warrant_execute(acting_user=officer, warrant=warrant, executed_on=D(2026, 8, 6))
    assert Warrant.objects.get().executed_on == D(2026, 8, 5)
    changes = AuditEvent.objects.filter(object_type="warrant", action="change")
    assert [e.changes["executed_on"] for e in changes] == [{"before": None, "after": "2026-08-05"}]


def test_custody_that_ends_before_it_begins_is_refused(partnership, person, officer, today):
    with pytest.raises(ValidationError) as caught:
        services.custody_episode_record(
            acting_user=officer, person=person, kind="remand", prison="HMP Wessex", started_on=D(2026, 5, 1), ended_on=D(2026, 4, 30)
        )
    assert "ended_on" in caught.value.message_dict
    assert not CustodyEpisode.objects.exists()


@pytest.mark.parametrize("kind", ["arrests", "offences", "outcomes", "warrants", "custody", "sentences"])
def test_every_record_page_renders_its_form(client, partnership, person, officer, today, kind):
    client.force_login(officer)
    response = client.get(f"/people/{person.pk}/justice/{kind}/new/")
    assert response.status_code == 200
    assert "<form" in response.content.decode()


def test_an_unknown_record_page_is_404(client, partnership, person, officer, today):
    client.force_login(officer)
    assert client.get(f"/people/{person.pk}/justice/parking-tickets/new/").status_code == 404
