"""Licence conditions and post-sentence supervision requirements (issue 4 §4; 002 §5): recorded
against a sentence, refused by field when they break the rules (storing nothing), audited, shown on
the Justice tab and in the API record."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from iomhub.access.models import AuditEvent
from iomhub.justice import services
from iomhub.justice.models import AdditionalCondition, LicenceCondition, PssRequirement, SupervisionConditions
from tests.justice import factories

D = datetime.date
STANDARD = list(LicenceCondition.values)
PSS_FIRST_8 = list(PssRequirement.values)[:8]


@pytest.fixture
def pss_sentence(partnership, person, officer, today):
    # 4 months from 2 March 2026: on licence then post-sentence supervision (002 §5).
    return factories.sentence(user=officer, person=person, months=4, sentenced_on=D(2026, 3, 2), offence_committed_on=D(2026, 2, 1))


def test_the_pss_requirements_are_the_ten_of_002_section_5():
    assert [label for _, label in PssRequirement.choices] == [
        "Good behaviour",
        "Not commit any offence",
        "Keep in touch",
        "Receive visits",
        "Reside at approved address and get prior permission for one or more nights away",
        "Only undertake approved work and notify of changes",
        "Not to travel outside British Isles",
        "Participate in activities as directed by a supervisor",
        "Undertake drug testing",
        "Attend drug appointments",
    ]
    assert {"drug-testing", "drug-appointments"} <= set(AdditionalCondition.values)


def test_conditions_are_recorded_audited_and_varied_with_before_and_after(pss_sentence, officer, today):
    first = services.conditions_set(
        acting_user=officer,
        sentence=pss_sentence,
        set_on=D(2026, 6, 1),
        licence_standard=STANDARD,
        licence_additional=["exclusion", "drug-appointments"],
        additional_wording="Not to enter Northbridge town centre as shown on the map",
        pss_requirements=PSS_FIRST_8,
    )
    assert first.version == 1 and first.person == pss_sentence.person
    created = AuditEvent.objects.get(object_type="supervision-conditions", action="create")
    assert created.actor == officer and created.changes["pss_requirements"]["after"] == PSS_FIRST_8
    varied = services.conditions_set(
        acting_user=officer,
        sentence=pss_sentence,
        set_on=D(2026, 7, 1),
        licence_standard=STANDARD,
        licence_additional=["drug-testing", "drug-appointments"],
        pss_requirements=[*PSS_FIRST_8, "drug-testing"],
        drug_test_criteria_met=True,
        expected_version=1,
    )
    assert varied.pk == first.pk and varied.version == 2
    changed = AuditEvent.objects.get(object_type="supervision-conditions", action="change")
    assert changed.changes["licence_additional"] == {
        "before": ["exclusion", "drug-appointments"],
        "after": ["drug-testing", "drug-appointments"],
    }
    assert changed.changes["additional_wording"]["after"] == ""
    assert "licence_standard" not in changed.changes  # only what changed
    assert SupervisionConditions.objects.count() == 1


@pytest.mark.parametrize(
    "values, field, message",
    [
        ({"licence_standard": STANDARD[:-1]}, "licence_standard", "Not travel outside the United Kingdom"),
        ({"licence_standard": [*STANDARD, "polygraph"]}, "licence_standard", "Unknown standard licence condition: polygraph"),
        ({"pss_requirements": ["exclusion"]}, "pss_requirements", "not available for supervision"),
        ({"licence_additional": ["curfew"]}, "additional_wording", "Enter the wording"),
        ({"additional_wording": "Curfew 7pm to 7am"}, "additional_wording", "Only enter wording"),
        ({"licence_additional": ["drug-testing"]}, "drug_test_criteria_met", "propensity to misuse Class A or B drugs"),
        ({"pss_requirements": ["drug-testing"]}, "drug_test_criteria_met", "propensity to misuse Class A or B drugs"),
        ({"drug_test_criteria_met": True}, "drug_test_criteria_met", "Only confirm"),
        ({"set_on": D(2026, 3, 1)}, "set_on", "on or after the date of sentence"),
        ({"set_on": D(2026, 9, 2)}, "set_on", "today or in the past"),
        ({"licence_standard": [], "pss_requirements": []}, "licence_standard", "Select the licence conditions"),
    ],
)
def test_conditions_breaking_the_rules_are_refused_by_field_and_store_nothing(pss_sentence, officer, today, values, field, message):
    kwargs = {"set_on": D(2026, 6, 1), "licence_standard": STANDARD, **values}
    with pytest.raises(ValidationError) as caught:
        services.conditions_set(acting_user=officer, sentence=pss_sentence, **kwargs)
    assert message in " ".join(caught.value.message_dict[field])
    assert not SupervisionConditions.objects.exists()
    assert not AuditEvent.objects.filter(object_type="supervision-conditions").exists()


def test_supervision_requirements_need_a_sentence_with_supervision(partnership, person, officer, today):
    three_years = factories.sentence(
        user=officer, person=person, years=3, months=0, sentenced_on=D(2024, 1, 5), offence_committed_on=D(2023, 12, 1)
    )
    assert three_years.tused is None
    with pytest.raises(ValidationError) as caught:
        services.conditions_set(
            acting_user=officer, sentence=three_years, set_on=D(2025, 1, 1), licence_standard=STANDARD, pss_requirements=PSS_FIRST_8
        )
    assert "no post-sentence supervision" in caught.value.message_dict["pss_requirements"][0]
    # the licence conditions alone are fine
    services.conditions_set(acting_user=officer, sentence=three_years, set_on=D(2025, 1, 1), licence_standard=STANDARD)


def test_a_sentence_released_without_licence_has_no_licence_conditions(partnership, person, officer, today):
    from tests.rules.test_sentence import CRDS_FIXTURES, DOB_1990

    inputs = dict(next(c for c in CRDS_FIXTURES if c[1] and c[2] == "ARD")[1])
    person.date_of_birth = inputs.pop("date_of_birth", DOB_1990)
    person.save(update_fields=["date_of_birth"])
    ard = services.sentence_record(acting_user=officer, person=person, **inputs)
    with pytest.raises(ValidationError) as caught:
        services.conditions_set(acting_user=officer, sentence=ard, set_on=ard.sentenced_on, licence_standard=STANDARD)
    assert "no licence" in caught.value.message_dict["licence_standard"][0]


def test_a_stale_edit_is_refused_and_changes_nothing(pss_sentence, officer, today):
    services.conditions_set(acting_user=officer, sentence=pss_sentence, set_on=D(2026, 6, 1), licence_standard=STANDARD)
    with pytest.raises(services.StaleConditions):
        services.conditions_set(
            acting_user=officer,
            sentence=pss_sentence,
            set_on=D(2026, 6, 2),
            licence_standard=STANDARD,
            pss_requirements=PSS_FIRST_8,
            expected_version=0,
        )
    assert SupervisionConditions.objects.get().pss_requirements == []


def test_the_page_records_conditions_with_checkboxes_and_the_tab_and_api_show_them(client, pss_sentence, person, officer, today):
    client.force_login(officer)
    url = f"/people/{person.pk}/justice/sentences/{pss_sentence.pk}/conditions/"
    form = client.get(url).content.decode()
    assert 'type="checkbox"' in form and "Attend drug appointments" in form
    assert form.count('name="licence_standard"') == 7 and "checked" in form  # the standard ones start ticked
    response = client.post(
        url,
        {
            "version": "0",
            "set_on_day": "1",
            "set_on_month": "6",
            "set_on_year": "2026",
            "licence_standard": STANDARD,
            "licence_additional": ["drug-appointments", "drug-testing"],
            "pss_requirements": [*PSS_FIRST_8, "drug-testing", "drug-appointments"],
            "drug_test_criteria_met": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()
    page = client.get(f"/people/{person.pk}/justice/").content.decode()
    assert f'data-conditions="{pss_sentence.pk}"' in page
    assert "All standard licence conditions" in page
    assert "Attend, and stay for, drug appointments as directed" in page
    assert "Participate in activities as directed by a supervisor" in page and "Undertake drug testing" in page
    record = client.get(f"/api/v1/people/{person.pk}/justice").json()
    conditions = record["sentences"][0]["conditions"]
    assert conditions["set_on"] == "2026-06-01"
    assert conditions["pss_requirements"] == [*PSS_FIRST_8, "drug-testing", "drug-appointments"]
    assert conditions["licence_additional"] == ["drug-appointments", "drug-testing"]
    assert conditions["drug_test_criteria_met"] is True


def test_bad_conditions_on_the_page_are_field_errors(client, pss_sentence, person, officer, today):
    client.force_login(officer)
    response = client.post(
        f"/people/{person.pk}/justice/sentences/{pss_sentence.pk}/conditions/",
        {
            "version": "0",
            "set_on_day": "1",
            "set_on_month": "6",
            "set_on_year": "2026",
            "licence_standard": STANDARD[:3],
            "pss_requirements": ["drug-testing"],
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "select all of them" in errors["licence_standard"][0]
    assert "propensity to misuse" in errors["drug_test_criteria_met"][0]
    assert "select all of them" in response.content.decode()
    assert not SupervisionConditions.objects.exists()


def test_someone_without_change_rights_cannot_open_the_conditions_page(client, partnership, pss_sentence, person):
    from iomhub.access.models import Role

    client.force_login(partnership.users[Role.PERFORMANCE_LEAD])
    response = client.get(f"/people/{person.pk}/justice/sentences/{pss_sentence.pk}/conditions/")
    assert response.status_code in (403, 404)
    assert not SupervisionConditions.objects.exists()


def test_conditions_through_the_api_are_set_varied_refused_by_field_and_guarded_by_version(client, pss_sentence, person, officer, today):
    client.force_login(officer)
    url = f"/api/v1/people/{person.pk}/justice/conditions"
    body = {
        "sentence": pss_sentence.pk,
        "set_on": "2026-06-01",
        "licence_standard": STANDARD,
        "pss_requirements": PSS_FIRST_8,
        "version": 0,
    }
    made = client.post(url, body, content_type="application/json")
    assert made.status_code == 200, made.content
    assert made.json()["conditions"]["version"] == 1 and made.json()["conditions"]["pss_requirements"] == PSS_FIRST_8
    stale = client.post(url, {**body, "pss_requirements": []}, content_type="application/json")
    assert stale.status_code == 409
    refused = client.post(url, {**body, "version": 1, "licence_additional": ["drug-testing"]}, content_type="application/json")
    assert refused.status_code == 400 and "propensity to misuse" in refused.json()["errors"]["drug_test_criteria_met"][0]
    unknown = client.post(url, {**body, "version": 1, "pss_requirements": ["exclusion"]}, content_type="application/json")
    assert unknown.status_code == 400 and any(k.startswith("pss_requirements") for k in unknown.json()["errors"])
    assert SupervisionConditions.objects.get().version == 1
    assert [s["id"] for s in client.get(url).json()] == [pss_sentence.pk]
